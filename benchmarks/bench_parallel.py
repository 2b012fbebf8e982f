"""Parallel tagging: ``tag_many(n_process=2)`` against one process on the same articles.

    python benchmarks/bench_parallel.py [--n 5000]

Both runs read the workload from disk and tag it with the embedded pipeline; the two-process
run includes starting its workers (each loads the pipeline and model once). The outputs
must be the same, in the same (input) order.
"""

from __future__ import annotations

import argparse
import time

from _common import Figure, show, workload

TARGET = 1.6


def run(n: int = 5000) -> list[Figure]:
    import thematiek
    from thematiek.corpus import read_inputs

    folder = workload(n)
    tagger = thematiek.load(nlp="embedded")
    for _ in tagger.tag_many(read_inputs([str(folder)]), batch_size=64):  # warm caches
        break

    def tag(n_process: int) -> tuple[float, list[tuple[str, tuple[str, ...]]]]:
        start = time.perf_counter()
        out = [
            (r.source, tuple(t.id for t in r.themes), tuple(k.text for k in r.keywords))
            for r in tagger.tag_many(read_inputs([str(folder)]), n_process=n_process)
        ]
        return time.perf_counter() - start, out

    one_time, one = tag(1)
    two_time, two = tag(2)
    same = one == two
    speedup = one_time / two_time
    return [
        Figure("1 process", f"{n / one_time:,.1f} articles/s", note=f"{n} articles"),
        Figure("2 processes", f"{n / two_time:,.1f} articles/s"),
        Figure(
            "parallel speed-up, 2 processes", f"{speedup:.2f}×", f"≥ {TARGET}×", speedup >= TARGET
        ),
        Figure("2-process output equals 1-process output, in input order", str(same), "True", same),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    show(run(parser.parse_args().n))


if __name__ == "__main__":
    main()
