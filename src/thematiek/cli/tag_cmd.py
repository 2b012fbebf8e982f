"""``thematiek tag``: suggest themes for articles, and optionally write them into the files."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from thematiek.cli._common import (
    ModelOption,
    NlpOption,
    TaxonomyOption,
    report_error,
    show_progress,
    stderr_console,
    stdout_console,
)


class TagFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def tag_cli(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders (read recursively) or - for stdin.", show_default=False
        ),
    ],
    output_format: Annotated[
        TagFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TagFormat.table,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            help="Assign no theme scoring below this, whatever its threshold.",
            show_default=False,
        ),
    ] = None,
    max_tags: Annotated[
        int | None,
        typer.Option(
            "--max-tags",
            help="The most themes per article (default: the model's).",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Add the suggested themes to each Markdown file's "
            "front matter (never removes a tag).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --write: show the diff, write nothing.")
    ] = False,
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            help="Front-matter field to write to (default: the field the "
            "tags were read from, else tags).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Tag articles that are not Dutch or very short.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="Worker processes.")] = 1,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles per batch.")
    ] = 64,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            help="Read every input as markdown, text, html or jsonl "
            "(default: by extension, or sniffed).",
            show_default=False,
        ),
    ] = None,
    model: ModelOption = None,
    taxonomy: TaxonomyOption = None,
    nlp: NlpOption = None,
) -> None:
    """Suggest themes for articles: a score and the evidence for each."""
    from thematiek.corpus import read_inputs
    from thematiek.tagging import load

    if dry_run and not write:
        write = True
    tagger = load(
        model, taxonomy=taxonomy, nlp=nlp, min_score=min_score, max_tags=max_tags, force=force
    )
    inputs = read_inputs(paths, input_format=input_format)
    results = tagger.tag_many(inputs, batch_size=batch_size, n_process=workers)
    machine = output_format is not TagFormat.table
    failures = 0
    writer = _Output(output_format)
    progress = _Progress(show_progress(machine))
    with progress:
        for result in results:
            progress.advance()
            if result.error is not None:
                failures += 1
                report_error(result.error)
            elif write:
                failures += _write_back(result, tagger.model_name, field, dry_run)
            writer.add(result)
    writer.close()
    if failures:
        noun = "input" if failures == 1 else "inputs"
        print(f"{failures} {noun} failed; the others were tagged.", file=sys.stderr)
        raise typer.Exit(1)


def _write_back(result: Any, model_name: str, field: str | None, dry_run: bool) -> int:
    from thematiek.corpus import write_tags
    from thematiek.errors import ThematiekError

    article = result.article
    tags = [theme.id for theme in result.themes]
    if article is None or not tags:
        return 0
    try:
        outcome = write_tags(
            article,
            tags,
            field=field,
            model=model_name,
            scores={t.id: t.score for t in result.themes},
            dry_run=dry_run,
        )
    except ThematiekError as exc:
        report_error(str(exc))
        return 1
    if dry_run:
        if outcome.diff:
            sys.stderr.write(outcome.diff if outcome.diff.endswith("\n") else outcome.diff + "\n")
    elif outcome.changed:
        print(f"wrote {outcome.path}: + {', '.join(outcome.added)}", file=sys.stderr)
    return 0


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("tagging"),
                BarColumn(),
                MofNCompleteColumn(),
                console=stderr_console(),
                transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("tag", total=None)
        return self

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


class _Output:
    """Writes results as they come (streaming), in the chosen format."""

    def __init__(self, output_format: TagFormat) -> None:
        self.format = output_format
        self.count = 0
        self.rows: list[Any] = []
        self._csv: Any = None
        if output_format is TagFormat.json:
            sys.stdout.write("[")
        elif output_format is TagFormat.csv:
            self._csv = csv.writer(sys.stdout, lineterminator="\n")
            self._csv.writerow(["source", "title", "themes", "scores", "keywords", "error"])

    def add(self, result: Any) -> None:
        if self.format is TagFormat.json:
            sys.stdout.write(("," if self.count else "") + "\n  ")
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True))
        elif self.format is TagFormat.jsonl:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True))
            sys.stdout.write("\n")
        elif self.format is TagFormat.csv:
            self._csv.writerow(
                [
                    result.source,
                    result.title or "",
                    " ".join(t.id for t in result.themes),
                    " ".join(f"{t.id}={t.score:.3f}" for t in result.themes),
                    "; ".join(k.text for k in result.keywords[:5]),
                    result.error or "",
                ]
            )
        else:
            self.rows.append(result)
        self.count += 1

    def close(self) -> None:
        if self.format is TagFormat.json:
            sys.stdout.write("\n]\n" if self.count else "]\n")
        elif self.format is TagFormat.table:
            _print_table(self.rows)
        sys.stdout.flush()


def _print_table(results: list[Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True)
    table.add_column("article", overflow="fold", max_width=40)
    table.add_column("themes (score)", overflow="fold")
    table.add_column("evidence", overflow="fold", max_width=60)
    table.add_column("key phrases", overflow="fold", max_width=40)
    for result in results:
        name = result.source if not result.title else f"{result.title}\n{result.source}"
        if result.error is not None:
            table.add_row(
                Text(name), Text("error", style="red"), Text(result.error, style="red"), ""
            )
            continue
        if result.themes:
            themes = "\n".join(f"{t.label} [{t.id}] {t.score:.2f}" for t in result.themes)
            evidence = "\n".join(
                f"{t.id}: " + ", ".join(sorted({h.text.lower() for h in t.evidence})[:5])
                for t in result.themes
            )
        else:
            themes, evidence = "(none of the themes)", ""
        keywords = ", ".join(k.text for k in result.keywords[:6])
        # Text, not str: rich would read "[crisis]" or a title "[Column]" as markup.
        table.add_row(Text(name), Text(themes), Text(evidence), Text(keywords))
    stdout_console().print(table)
