"""Peak memory of ``thematiek tag DIR --format jsonl > /dev/null`` for 1k and 10k articles.

    python benchmarks/bench_memory.py [--small 1000] [--large 10000]

Each run is a child process of its own; its peak resident set size comes from
``os.wait4`` (the child's own rusage, ``ru_maxrss``). Tagging streams end to end, so ten
times the articles should need about the same memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from _common import BIN, Figure, show, workload

RATIO_TARGET = 1.1
MB_TARGET = 400


# A small launcher between this process and the measured one: on Linux a child's
# ru_maxrss includes the RSS of the process it was forked from, so measuring straight from
# a benchmark process that has a model loaded would report that process's size instead.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
print(f"{os.waitstatus_to_exitcode(status)} {kib}", file=sys.stderr)
"""


def peak_rss(argv: list[str]) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one child process; stdout to /dev/null."""
    env = {**os.environ, "THEMATIEK_NO_PROGRESS": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *argv], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    lines = done.stderr.strip().splitlines()
    code, kib = lines[-1].split() if lines else ("?", "0")
    if done.returncode != 0 or code != "0":
        raise RuntimeError(f"{argv} failed ({code}): {done.stderr[-2000:]}")
    return float(kib) / 1024, seconds


def run(small: int = 1000, large: int = 10_000) -> list[Figure]:
    script = str(BIN / "thematiek")
    rss = {}
    for n in (small, large):
        folder = workload(n)
        mb, seconds = peak_rss([script, "tag", str(folder), "--format", "jsonl"])
        rss[n] = mb
        print(f"  {n} articles: peak RSS {mb:.0f} MB, {seconds:.1f} s", flush=True)
    ratio = rss[large] / rss[small]
    return [
        Figure(
            f"peak RSS, {small} articles",
            f"{rss[small]:.0f} MB",
            f"≤ {MB_TARGET} MB",
            rss[small] <= MB_TARGET,
        ),
        Figure(
            f"peak RSS, {large} articles",
            f"{rss[large]:.0f} MB",
            f"≤ {MB_TARGET} MB",
            rss[large] <= MB_TARGET,
        ),
        Figure(
            f"peak RSS ratio {large} / {small} articles",
            f"{ratio:.3f}",
            f"≤ {RATIO_TARGET}",
            ratio <= RATIO_TARGET,
            "`thematiek tag DIR --format jsonl > /dev/null`, one process",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    show(run(args.small, args.large))


if __name__ == "__main__":
    main()
