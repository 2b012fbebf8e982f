"""``thematiek coverage``: the tag coverage of a corpus, as a CI gate."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from thematiek.cli._common import ModelOption, NlpOption, TaxonomyOption


class CoverageFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


def coverage_cli(
    paths: Annotated[list[str], typer.Argument(help="Files and folders of the corpus.")],
    min_tagged: Annotated[
        float,
        typer.Option(
            "--min-tagged",
            min=0,
            max=1,
            help="Least share of articles tagged or deliberately off-topic.",
        ),
    ] = 0.95,
    min_per_theme: Annotated[
        int, typer.Option("--min-per-theme", min=0, help="Least number of articles per theme.")
    ] = 5,
    min_agreement: Annotated[
        float,
        typer.Option(
            "--min-agreement",
            min=0,
            max=1,
            help="Least mean agreement (Jaccard) of human and model tags.",
        ),
    ] = 0.6,
    duplicate_similarity: Annotated[
        float,
        typer.Option(
            "--duplicate-similarity",
            min=0,
            max=1,
            help="Similarity from which two articles count as duplicates.",
        ),
    ] = 0.8,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Skip the agreement check (no model needed).")
    ] = False,
    output_format: Annotated[
        CoverageFormat, typer.Option("--format", "-f", help="Report format.")
    ] = CoverageFormat.text,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (atomically) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    model: ModelOption = None,
    taxonomy: TaxonomyOption = None,
    nlp: NlpOption = None,
) -> None:
    """Check the tag coverage of a corpus; exit 0 when every check passes, 1 when one
    fails, 2 on wrong usage or an unreadable taxonomy or model."""
    from thematiek.coverage import RENDERERS, Thresholds, check_coverage
    from thematiek.taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy)
    tagger = None
    if not no_model:
        from thematiek.tagging import load

        tagger = load(model, taxonomy=tax if taxonomy else None, nlp=nlp, force=True)
        tax = tagger.taxonomy if taxonomy is None else tax
    limits = Thresholds(
        min_tagged=min_tagged,
        min_per_theme=min_per_theme,
        min_agreement=min_agreement,
        duplicate_similarity=duplicate_similarity,
    )
    report = check_coverage(paths, tax, tagger=tagger, thresholds=limits)
    text = RENDERERS[output_format.value](report)
    if output:
        _write_atomically(output, text)
    else:
        sys.stdout.write(text)
    if not report.passed:
        raise typer.Exit(1)


def _write_atomically(path: str, text: str) -> None:
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".thematiek-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
