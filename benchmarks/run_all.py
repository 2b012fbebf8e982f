"""Run every thematiek benchmark and write the figures, with the machine, to a Markdown file.

    python benchmarks/run_all.py --out benchmarks/RESULTS.md [--quick] [--only NAME ...]

Each benchmark prints its figures as it goes; at the end every figure is listed next to its
target with PASS or FAIL. ``--quick`` uses smaller workloads (for trying changes; the
results file says so). The workloads are made under ``benchmarks/work/`` (git-ignored).
The exit code is 0 whatever the verdicts: a benchmark reports, it does not gate.
"""

from __future__ import annotations

import os

# One thread per process for numpy/BLAS: the parallel benchmark uses processes.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("THEMATIEK_NLP", "embedded")

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_keyphrases
import bench_memory
import bench_nl_core
import bench_parallel
import bench_startup
import bench_throughput
import bench_training
from _common import Figure, machine, show


def _plan(quick: bool) -> dict[str, tuple[str, Callable[[], list[Figure]]]]:
    return {
        "throughput": (
            "Throughput (embedded pipeline)",
            lambda: bench_throughput.run(300 if quick else 1000),
        ),
        "keyphrases": (
            "Key phrases vs YAKE",
            lambda: bench_keyphrases.run(60 if quick else 200),
        ),
        "startup": ("Start-up", lambda: bench_startup.run(3 if quick else 11)),
        "memory": (
            "Memory (streaming)",
            lambda: bench_memory.run(200, 2000) if quick else bench_memory.run(1000, 10_000),
        ),
        "parallel": ("Parallelism", lambda: bench_parallel.run(600 if quick else 5000)),
        "nl_core": ("Overhead on nl_core_news_sm", bench_nl_core.run),
        "training": ("Training on corpus/posts", lambda: bench_training.run(full=not quick)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="write the results as Markdown here")
    parser.add_argument("--quick", action="store_true", help="smaller workloads")
    parser.add_argument("--only", nargs="*", help="run only these benchmarks")
    args = parser.parse_args()
    plan = _plan(args.quick)
    names = args.only or list(plan)
    info = machine()
    for key, value in info.items():
        print(f"{key}: {value}")
    sections: list[tuple[str, list[Figure], float]] = []
    for name in names:
        title, bench = plan[name]
        print(f"\n== {title}", flush=True)
        start = time.perf_counter()
        try:
            figures = bench()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            figures = [Figure(title, "error", "", False, f"{type(exc).__name__}: {exc}")]
        seconds = time.perf_counter() - start
        show(figures)
        sections.append((title, figures, seconds))
        if args.out:  # after every benchmark: a run cut short still leaves its figures
            args.out.write_text(_markdown(info, sections, args.quick), encoding="utf-8")
    print("\n== Summary")
    for _, figures, _ in sections:
        show([f for f in figures if f.target])
    if args.out:
        args.out.write_text(_markdown(info, sections, args.quick), encoding="utf-8")
        print(f"\nwrote {args.out}")


def _markdown(
    info: dict[str, str], sections: list[tuple[str, list[Figure], float]], quick: bool
) -> str:
    lines = [
        "# thematiek benchmark results",
        "",
        f"Made by `make bench` (`benchmarks/run_all.py`) on "
        f"{datetime.now(UTC).replace(microsecond=0).isoformat()}"
        + (" with `--quick` (smaller workloads)." if quick else "."),
        "",
        "| machine | |",
        "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in info.items()),
        "",
        "| benchmark | figure | value | target | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for title, figures, _ in sections:
        for figure in figures:
            value = figure.value + (f" ({figure.note})" if figure.note else "")
            lines.append(
                f"| {title} | {figure.name} | {value} | {figure.target or '–'} | {figure.verdict} |"
            )
    lines += [
        "",
        "Wall time per benchmark: " + ", ".join(f"{t}: {s:.0f} s" for t, _, s in sections),
        "",
    ]
    return "\n".join(lines).replace("|  |", "| |")


if __name__ == "__main__":
    main()
