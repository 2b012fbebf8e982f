"""Compute the figures of corpus/README.md from the corpus itself.

Run ``python tools/corpus_datasheet.py`` to rewrite the part of corpus/README.md between
the ``figures`` markers; ``--check`` exits 1 when the README is out of date (a test runs it).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

from thematiek.classify import evaluate_predictions
from thematiek.corpus import read_articles
from thematiek.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "corpus" / "README.md"
START = "<!-- figures:start (made by tools/corpus_datasheet.py; do not edit by hand) -->"
END = "<!-- figures:end -->"


def _read_labels(path: Path) -> dict[str, list[str]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row["file"]: [t for t in row["tags"].split(",") if t] for row in rows}


def figures() -> str:
    """The figures section, as Markdown."""
    taxonomy = load_taxonomy()
    ids = list(taxonomy.ids)
    articles = list(read_articles([ROOT / "corpus" / "posts"]))
    tags = {Path(a.source).name: list(a.tags or ()) for a in articles}
    words = [len(a.text.split()) for a in articles]
    per_theme = Counter(t for ts in tags.values() for t in ts)
    per_article = Counter(len(ts) for ts in tags.values())
    years = Counter(str(a.date)[:4] for a in articles)
    out = [START, ""]
    out.append(
        f"**{len(articles)} articles** in `corpus/posts/`, "
        f"{sum(1 for t in tags.values() if not t)} of them off-topic (`tags: []`), "
        f"{sum(words):,} words in all."
    )
    out += [
        "",
        "### Articles per theme",
        "",
        "| theme | label | articles |",
        "| --- | --- | ---: |",
    ]
    for theme in taxonomy:
        out.append(f"| `{theme.id}` | {theme.label} | {per_theme[theme.id]} |")
    out += ["", "### Themes per article", "", "| themes | articles |", "| ---: | ---: |"]
    for n in sorted(per_article):
        out.append(f"| {n} | {per_article[n]} |")
    out += ["", "### Length (words of body text, boilerplate included)", ""]
    q = statistics.quantiles(words, n=4)
    out.append(
        f"min {min(words)}, first quartile {q[0]:.0f}, median {q[1]:.0f}, "
        f"third quartile {q[2]:.0f}, max {max(words)}."
    )
    bins = [(0, 200), (200, 300), (300, 400), (400, 500), (500, 700), (700, 900), (900, 10**6)]
    out += ["", "| words | articles |", "| --- | ---: |"]
    for low, high in bins:
        label = f"{low}–{high - 1}" if high < 10**6 else f"{low}+"
        out.append(f"| {label} | {sum(1 for w in words if low <= w < high)} |")
    out += ["", "### Dates", "", "| year | articles |", "| --- | ---: |"]
    for year in sorted(years):
        out.append(f"| {year} | {years[year]} |")
    pairs = Counter(pair for ts in tags.values() for pair in combinations(sorted(set(ts)), 2))
    out += ["", "### Theme co-occurrence (articles with both themes)", ""]
    short = [t[:6] for t in ids]
    out.append("| | " + " | ".join(f"`{s}`" for s in short) + " |")
    out.append("| --- |" + " ---: |" * len(ids))
    for a in ids:
        cells = []
        for b in ids:
            if a == b:
                cells.append(f"**{per_theme[a]}**")
            else:
                cells.append(str(pairs[tuple(sorted((a, b)))] or ""))
        out.append(f"| `{a}` | " + " | ".join(cells) + " |")
    out += _agreement(ids)
    out += ["", END]
    return "\n".join(out)


def _agreement(ids: list[str]) -> list[str]:
    import numpy as np

    folder = ROOT / "corpus" / "annotations"
    first, second = _read_labels(folder / "pass1.tsv"), _read_labels(folder / "pass2.tsv")
    files = sorted(first)
    index = {t: i for i, t in enumerate(ids)}
    a, b = np.zeros((len(files), len(ids)), int), np.zeros((len(files), len(ids)), int)
    for row, name in enumerate(files):
        for tag in first[name]:
            a[row, index[tag]] = 1
        for tag in second.get(name, []):
            b[row, index[tag]] = 1
    report = evaluate_predictions(a, b, ids)
    with (folder / "adjudication.tsv").open(encoding="utf-8") as handle:
        decisions = list(csv.DictReader(handle, delimiter="\t"))
    kept = Counter(d["theme"] for d in decisions if d["decision"] == "yes")
    dropped = Counter(d["theme"] for d in decisions if d["decision"] == "no")
    disagreeing = sum(1 for name in files if set(first[name]) != set(second.get(name, [])))
    lines = [
        "",
        "### Agreement between the two labelling passes",
        "",
        "F1 of the second, independent pass against the first, per theme, before the "
        f"disagreements were settled. {disagreeing} of {len(files)} articles differed; "
        f"{len(decisions)} theme decisions were settled ({sum(kept.values())} kept, "
        f"{sum(dropped.values())} dropped; see `annotations/adjudication.tsv`).",
        "",
        "| theme | F1 | settled: kept | settled: dropped |",
        "| --- | ---: | ---: | ---: |",
    ]
    for theme in ids:
        f1 = report["themes"][theme]["f1"]
        lines.append(f"| `{theme}` | {f1:.3f} | {kept[theme]} | {dropped[theme]} |")
    lines.append(f"| micro average | {report['micro']['f1']:.3f} | | |")
    lines.append(f"| macro average | {report['macro']['f1']:.3f} | | |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when the README is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{README}: the figures markers are missing", file=sys.stderr)
        return 1
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    new = before + figures() + after
    if args.check:
        if new != text:
            print(f"{README} is out of date: run python tools/corpus_datasheet.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
