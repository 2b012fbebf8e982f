"""Training time on ``corpus/posts``: the NLP step, the classifier fit, the full command.

    python benchmarks/bench_training.py [--skip-full]

``ThemeClassifier.fit`` includes its threshold tuning (an inner multilabel-stratified
cross-validation). ``thematiek train`` also runs a 5-fold cross-validation for the metrics it
records, and writes the bundle (to ``benchmarks/work/``, never to ``models/``).
"""

from __future__ import annotations

import argparse
import subprocess
import time

from _common import BIN, POSTS, WORK, Figure, show


def run(full: bool = True) -> list[Figure]:
    from thematiek.classify import ThemeClassifier
    from thematiek.nlp import load_nlp
    from thematiek.taxonomy import load_taxonomy
    from thematiek.training import read_labelled

    taxonomy = load_taxonomy()
    nlp = load_nlp("embedded")
    start = time.perf_counter()
    corpus = read_labelled([str(POSTS)], taxonomy, nlp)
    analyse = time.perf_counter() - start
    start = time.perf_counter()
    ThemeClassifier(taxonomy, random_state=0, cv=5).fit(corpus.lemma_texts, corpus.Y)
    fit = time.perf_counter() - start
    n = len(corpus.lemma_texts)
    figures = [
        Figure("training: read + NLP of the corpus", f"{analyse:.1f} s", note=f"{n} articles"),
        Figure("training: ThemeClassifier.fit incl. threshold tuning", f"{fit:.1f} s"),
    ]
    if full:
        out = WORK / "trained-model"
        start = time.perf_counter()
        subprocess.run(
            [str(BIN / "thematiek"), "train", str(POSTS), "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        figures.append(
            Figure("`thematiek train corpus/posts` (5-fold CV + fit + save)", f"{seconds:.1f} s")
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-full", action="store_true")
    show(run(not parser.parse_args().skip_full))


if __name__ == "__main__":
    main()
