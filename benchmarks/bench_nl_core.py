"""thematiek's overhead on top of ``nl_core_news_sm``, when that pipeline is installed.

    python benchmarks/bench_nl_core.py [--n 300]

Compares ``nl_core_news_sm``'s own ``nlp.pipe`` with thematiek tagging through the same
pipeline (lexicon, classifier, key phrases added), on the same texts. spaCy's trained
pipelines are not on PyPI; when it is absent, the figure is reported as not measured.
"""

from __future__ import annotations

import argparse
import importlib.util
import time

from _common import Figure, bodies, count_words, show, workload

TARGET = 0.10


def run(n: int = 300) -> list[Figure]:
    name = "nl_core_news_sm"
    if importlib.util.find_spec(name) is None:
        return [
            Figure(
                f"overhead on top of {name}",
                "not measured",
                f"≤ {TARGET:.0%}",
                None,
                f"{name} is not installed (python -m spacy download {name}); not on PyPI",
            )
        ]
    import spacy

    import thematiek

    texts = bodies(workload(1000))[:n]
    words = count_words(texts)
    bare = spacy.load(name)
    for _ in bare.pipe(texts[:20]):
        pass
    start = time.perf_counter()
    for _ in bare.pipe(texts):
        pass
    bare_time = time.perf_counter() - start
    tagger = thematiek.load(nlp=name)
    for _ in tagger.tag_many(texts[:20]):
        pass
    start = time.perf_counter()
    for _ in tagger.tag_many(texts):
        pass
    tag_time = time.perf_counter() - start
    overhead = tag_time / bare_time - 1
    return [
        Figure(f"{name} nlp.pipe", f"{words / bare_time:,.0f} words/s"),
        Figure(f"thematiek tagging with {name}", f"{words / tag_time:,.0f} words/s"),
        Figure(
            f"overhead on top of {name}", f"{overhead:.0%}", f"≤ {TARGET:.0%}", overhead <= TARGET
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    show(run(parser.parse_args().n))


if __name__ == "__main__":
    main()
