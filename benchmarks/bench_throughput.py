"""Full tagging throughput against bare spaCy tokenisation, on the same texts, same run.

    python benchmarks/bench_throughput.py [--n 1000]

Full tagging is what ``thematiek tag DIR`` does: read the Markdown files, run the Dutch
pipeline, match the lexicons, score with the classifier and extract key phrases. The
reference is ``spacy.blank("nl")`` tokenising the same article bodies with ``nlp.pipe``.
Both count whitespace-separated words of the bodies. The model and pipeline are loaded
before the clock starts (start-up is measured by ``bench_startup.py``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from _common import Figure, best_of, bodies, count_words, show, workload

TARGET = 0.5


def run(n: int = 1000) -> list[Figure]:
    import spacy

    import thematiek
    from thematiek.corpus import read_inputs

    folder = workload(n)
    texts = bodies(folder)
    words = count_words(texts)

    blank = spacy.blank("nl")
    blank.max_length = 20_000_000
    for _ in blank.pipe(texts[:50]):
        pass
    tokenise = best_of(lambda: sum(len(doc) for doc in blank.pipe(texts, batch_size=64)))

    tagger = thematiek.load(nlp="embedded")
    for _ in tagger.tag_many(texts[:64]):  # warm caches: lemmatiser, compound splits
        pass

    def tag_all() -> None:
        for result in tagger.tag_many(read_inputs([str(folder)]), batch_size=64):
            if result.error is not None:
                raise RuntimeError(result.error)

    tag_time = best_of(tag_all, repeat=2)
    start = time.perf_counter()
    done = sum(1 for _ in tagger.tag_many(read_inputs([str(folder)]), n_process=2))
    tag2_time = time.perf_counter() - start
    assert done == n

    stages = _stages(tagger, folder, texts, blank)
    tok_rate = words / tokenise
    tag_rate = words / tag_time
    tag2_rate = words / tag2_time
    ratio = tag_rate / tok_rate
    total = sum(stages.values())
    breakdown = [
        Figure(
            f"where the time goes: {name}",
            f"{seconds:.2f} s ({seconds / total:.0%})",
            note=f"{words / seconds:,.0f} words/s on its own",
        )
        for name, seconds in stages.items()
    ]
    return [
        Figure(
            "tokenise: spacy.blank('nl').pipe",
            f"{tok_rate:,.0f} words/s",
            note=f"{n} articles, {words:,} words",
        ),
        Figure(
            "full tagging, 1 process", f"{tag_rate:,.0f} words/s ({n / tag_time:,.0f} articles/s)"
        ),
        Figure(
            "throughput ratio: full tagging (1 process) / tokenisation",
            f"{ratio:.2f}",
            f"≥ {TARGET}",
            ratio >= TARGET,
            "read + NLP + lexicon + classifier + keyphrases vs bare tokeniser",
        ),
        Figure(
            "throughput ratio: full tagging (2 processes) / tokenisation (1 process)",
            f"{tag2_rate / tok_rate:.2f}",
            note=f"{tag2_rate:,.0f} words/s incl. starting the workers",
        ),
        *breakdown,
    ]


def _stages(tagger: Any, folder: Any, texts: list[str], blank: Any) -> dict[str, float]:
    """Seconds of each stage of tagging the workload, run one stage at a time.

    ``blank`` is the warmed-up ``spacy.blank("nl")``; the embedded pipeline's own sentences
    and lemmas are its time minus the bare tokenisation.
    """
    from thematiek.corpus import read_inputs
    from thematiek.keywords import extract_keyphrases, find_keyword_hits
    from thematiek.tagging import _language_problem, _with_title, lemma_text

    spent: dict[str, float] = {}

    def timed(name: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = work()
        spent[name] = time.perf_counter() - start
        return result

    articles = timed("read the files", lambda: list(read_inputs([str(folder)])))
    timed("language check", lambda: [_language_problem(a) for a in articles])
    timed("tokenise (spaCy, C)", lambda: list(blank.pipe(texts, batch_size=64)))
    docs = timed("sentences + lemmas", lambda: list(tagger.nlp.pipe(texts, batch_size=64)))
    spent["sentences + lemmas"] -= spent["tokenise (spaCy, C)"]
    lemmas = timed(
        "classifier text (lemmas, title)",
        lambda: [
            _with_title(tagger.nlp, a.title, lemma_text(d))
            for a, d in zip(articles, docs, strict=True)
        ],
    )
    timed("lexicon evidence", lambda: [find_keyword_hits(d, tagger.matcher) for d in docs])
    classifier = tagger.classifier
    timed("classifier: lexicon figures", lambda: classifier.lexicon_.transform(lemmas))
    timed("classifier: all (TF-IDF, models, combiner)", lambda: classifier.score_themes(lemmas))
    spent["classifier: all (TF-IDF, models, combiner)"] -= spent["classifier: lexicon figures"]
    background = tagger.bundle.background
    timed("key phrases", lambda: [extract_keyphrases(d, background, 10) for d in docs])
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    show(run(parser.parse_args().n))


if __name__ == "__main__":
    main()
