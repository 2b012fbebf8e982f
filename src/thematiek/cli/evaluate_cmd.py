"""``thematiek evaluate``: precision, recall and F1 per theme on a labelled corpus."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from thematiek.cli._common import ModelOption, NlpOption, TaxonomyOption, stdout_console


class EvalFormat(StrEnum):
    table = "table"
    json = "json"


def evaluate_cli(
    corpus: Annotated[list[str], typer.Argument(help="Labelled articles: files or folders.")],
    cv: Annotated[
        int | None,
        typer.Option(
            "--cv",
            min=2,
            help="Cross-validate on CORPUS with K folds (trains K "
            "models) instead of evaluating a trained model.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[EvalFormat, typer.Option("--format", "-f")] = EvalFormat.table,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for --cv.")] = 0,
    model: ModelOption = None,
    taxonomy: TaxonomyOption = None,
    nlp: NlpOption = None,
) -> None:
    """Per-theme precision, recall, F1 and support, with micro and macro averages."""
    from thematiek.training import cross_validate_paths, evaluate_model

    if cv is not None:
        report = cross_validate_paths(
            corpus, cv=cv, taxonomy=taxonomy, nlp_name=nlp or "embedded", random_state=seed
        )
    else:
        report = evaluate_model(corpus, model=model, nlp_name=nlp)
    if output_format is EvalFormat.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
        return
    print_report(report)


def print_report(report: dict[str, Any]) -> None:
    """The evaluation as a table."""
    from rich.table import Table

    how = (
        f"{report['cv']}-fold cross-validation"
        if "cv" in report
        else f"model {report.get('model')}"
    )
    table = Table(title=f"{report['articles']} articles, {how}")
    for column in ("theme", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "theme" else "right")
    for theme, m in report["themes"].items():
        table.add_row(
            theme, *(f"{m[k]:.3f}" for k in ("precision", "recall", "f1")), str(m["support"])
        )
    table.add_section()
    for name in ("micro", "macro"):
        m = report[name]
        table.add_row(
            f"{name} average",
            *(f"{m[k]:.3f}" for k in ("precision", "recall", "f1")),
            str(m["support"]),
        )
    m = report["none"]
    table.add_row(
        "no theme (off-topic)",
        *(f"{m[k]:.3f}" for k in ("precision", "recall", "f1")),
        str(m["support"]),
    )
    stdout_console().print(table)
