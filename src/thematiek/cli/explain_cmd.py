"""``thematiek explain``: why an article gets (or does not get) each theme."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from thematiek.cli._common import ModelOption, NlpOption, TaxonomyOption, stdout_console


def explain_cli(
    path: Annotated[str, typer.Argument(help="One article file, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    all_themes: Annotated[
        bool, typer.Option("--all", help="Show every theme, also those far below threshold.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Explain a non-Dutch text too.")] = False,
    model: ModelOption = None,
    taxonomy: TaxonomyOption = None,
    nlp: NlpOption = None,
) -> None:
    """Show every theme's score against its threshold, the evidence sentences with the
    matched terms, and the classifier features that weighed most."""
    from thematiek.corpus import read_inputs
    from thematiek.errors import ThematiekError
    from thematiek.tagging import load

    items = list(read_inputs([path]))
    if not items:
        raise ThematiekError(f"{path}: no article found")
    item = items[0]
    if isinstance(item, ThematiekError):
        raise item
    tagger = load(model, taxonomy=taxonomy, nlp=nlp, force=force)
    report = tagger.explain(item)
    result = report["result"]
    if result.error is not None:
        raise ThematiekError(result.error)
    if as_json:
        print(json.dumps(_as_json(report), ensure_ascii=False, indent=2, sort_keys=True))
        return
    _print(report, all_themes)


def _as_json(report: dict[str, Any]) -> dict[str, Any]:
    result = report["result"]
    return {
        "source": result.source,
        "title": result.title,
        "themes": [
            {
                "id": row["id"],
                "label": row["label"],
                "score": round(row["score"], 4),
                "threshold": round(row["threshold"], 4),
                "probability": round(row["probability"], 4),
                "assigned": row["assigned"],
                "evidence": [h.to_dict() | {"term": h.term} for h in row["evidence"]],
                "features": [{"feature": f, "weight": round(w, 4)} for f, w in row["features"]],
                "combination": [{"input": f, "weight": round(w, 4)} for f, w in row["combination"]],
            }
            for row in report["themes"]
        ],
        "keywords": [k.to_dict() for k in result.keywords],
        "nlp": result.nlp,
        "model": result.model,
    }


def _print(report: dict[str, Any], all_themes: bool) -> None:
    from rich.text import Text

    console = stdout_console()
    result = report["result"]
    console.print(Text(result.title or result.source, style="bold"))
    console.print(Text(f"{result.source} · model {result.model} · nlp {result.nlp}"))
    assigned = [t.id for t in result.themes]
    console.print(Text("Themes: " + (", ".join(assigned) if assigned else "none of the themes")))
    for row in report["themes"]:
        near = row["score"] >= row["threshold"] * 0.6
        if not (all_themes or row["assigned"] or near):
            continue
        mark = "✔" if row["assigned"] else "·"
        bar = _bar(row["score"], row["threshold"])
        console.print()
        console.print(
            Text(
                f"{mark} {row['label']} [{row['id']}]  score {row['score']:.2f} "
                f"(threshold {row['threshold']:.2f}, classifier {row['probability']:.2f})",
                style="bold green" if row["assigned"] else "bold",
            )
        )
        console.print("  " + bar)
        sentences: dict[str, list[Any]] = {}
        for hit in row["evidence"]:
            sentences.setdefault(hit.sentence, []).append(hit)
        for sentence, hits in list(sentences.items())[:5]:
            console.print(Text("  “").append(_highlight(sentence, hits)).append("”"))
        if row["combination"]:
            parts = ", ".join(f"{name} {weight:+.2f}" for name, weight in row["combination"][:4])
            console.print(Text(f"  score built from: {parts}", style="dim"))
        if row["features"]:
            features = ", ".join(f"{name} ({weight:+.2f})" for name, weight in row["features"][:6])
            console.print(Text(f"  text model weighed most: {features}", style="dim"))
    if result.keywords:
        console.print()
        console.print(Text("Key phrases: " + ", ".join(k.text for k in result.keywords)))


def _bar(score: float, threshold: float, width: int = 40) -> str:
    filled = round(score * width)
    mark = min(width - 1, round(threshold * width))
    cells = ["█" if i < filled else "░" for i in range(width)]
    cells[mark] = "|"
    return "".join(cells)


def _highlight(sentence: str, hits: list[Any]) -> Any:
    from rich.text import Text

    text = Text(sentence)
    lowered = sentence.lower()
    for hit in hits:
        start = lowered.find(hit.text.lower())
        if start >= 0:
            text.stylize("bold yellow", start, start + len(hit.text))
    return text
