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

    tok_rate = words / tokenise
    tag_rate = words / tag_time
    tag2_rate = words / tag2_time
    ratio = tag_rate / tok_rate
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
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    show(run(parser.parse_args().n))


if __name__ == "__main__":
    main()
