"""Key-phrase extraction against YAKE on the same Dutch texts, same run.

    python benchmarks/bench_keyphrases.py [--n 200] [--examples 3]

thematiek is timed twice: with the NLP step (``nlp.pipe`` + ``extract_keyphrases`` with the
default model's background frequencies) and without it (``extract_keyphrases`` on Docs
parsed beforehand). YAKE (``yake.KeywordExtractor(lan="nl", n=3, top=10)``) works on the raw
text. A few articles' phrases are printed side by side, for a person to judge.
"""

from __future__ import annotations

import argparse
import time

from _common import Figure, bodies, count_words, show, workload

TARGET = 5.0


def run(n: int = 200, examples: int = 3) -> list[Figure]:
    import yake

    import thematiek
    from thematiek.keywords import extract_keyphrases

    texts = bodies(workload(1000))[:n]
    words = count_words(texts)
    tagger = thematiek.load(nlp="embedded")
    nlp, background = tagger.nlp, tagger.bundle.background
    for doc in nlp.pipe(texts[:20]):  # warm the lemmatiser cache
        extract_keyphrases(doc, background)

    start = time.perf_counter()
    ours = [extract_keyphrases(doc, background, 10) for doc in nlp.pipe(texts)]
    with_nlp = time.perf_counter() - start
    docs = list(nlp.pipe(texts))
    start = time.perf_counter()
    for doc in docs:
        extract_keyphrases(doc, background, 10)
    without_nlp = time.perf_counter() - start

    extractor = yake.KeywordExtractor(lan="nl", n=3, top=10)
    start = time.perf_counter()
    theirs = [extractor.extract_keywords(text) for text in texts]
    yake_time = time.perf_counter() - start

    rate = {
        k: n / t for k, t in (("with", with_nlp), ("without", without_nlp), ("yake", yake_time))
    }
    for i in range(min(examples, n)):
        print(f"\n--- article {i + 1} ({len(texts[i].split())} words): {texts[i][:70]!r}…")
        left = [k.text for k in ours[i]]
        right = [phrase for phrase, _ in theirs[i]]
        print(f"    {'thematiek':<38} YAKE")
        for a, b in zip(left + [""] * 10, right + [""] * 10, strict=False):
            if a or b:
                print(f"    {a:<38} {b}")
    print()
    note = f"{n} articles, {words / n:.0f} words on average"
    return [
        Figure("YAKE (lan='nl', n=3)", f"{rate['yake']:.1f} docs/s", note=note),
        Figure("thematiek keyphrases incl. NLP", f"{rate['with']:.1f} docs/s"),
        Figure("thematiek keyphrases, Docs given", f"{rate['without']:.1f} docs/s"),
        Figure(
            "keyphrases speed-up over YAKE, incl. NLP",
            f"{rate['with'] / rate['yake']:.1f}×",
            f"≥ {TARGET:.0f}×",
            rate["with"] / rate["yake"] >= TARGET,
        ),
        Figure(
            "keyphrases speed-up over YAKE, without NLP",
            f"{rate['without'] / rate['yake']:.1f}×",
            f"≥ {TARGET:.0f}×",
            rate["without"] / rate["yake"] >= TARGET,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()
    show(run(args.n, args.examples))


if __name__ == "__main__":
    main()
