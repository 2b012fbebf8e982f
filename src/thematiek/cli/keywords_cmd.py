"""``thematiek keywords``: the key phrases of articles."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from thematiek.cli._common import ModelOption, NlpOption, report_error, stdout_console


def keywords_cli(
    paths: Annotated[list[str], typer.Argument(help="Article files or folders, or - for stdin.")],
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Phrases per article.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    model: ModelOption = None,
    nlp: NlpOption = None,
) -> None:
    """List the key phrases of each article (free tags or SEO keywords), scored against the
    model's background corpus."""
    from rich.table import Table
    from rich.text import Text

    from thematiek.corpus import read_inputs
    from thematiek.errors import ThematiekError
    from thematiek.keywords import extract_keyphrases
    from thematiek.tagging import load

    tagger = load(model, nlp=nlp)
    failures = 0
    for item in read_inputs(paths):
        if isinstance(item, ThematiekError):
            report_error(str(item))
            failures += 1
            continue
        phrases = extract_keyphrases(tagger.nlp(item.text), tagger.bundle.background, top)
        if as_json:
            print(
                json.dumps(
                    {"source": item.id, "keywords": [p.to_dict() for p in phrases]},
                    ensure_ascii=False,
                )
            )
            continue
        table = Table(title=Text(item.title or item.id))
        table.add_column("key phrase")
        table.add_column("score", justify="right")
        for phrase in phrases:
            table.add_row(Text(phrase.text), f"{phrase.score:.2f}")
        stdout_console().print(table)
    if failures:
        raise typer.Exit(1)
