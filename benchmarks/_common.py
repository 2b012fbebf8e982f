"""What the benchmarks share: workloads, the machine's description, timing and figures.

Workloads are drawn from ``corpus/posts`` with a fixed seed (posts sampled with
replacement) and written as Markdown files under ``benchmarks/work/`` (git-ignored); they
are made once and reused, never committed.
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "corpus" / "posts"
WORK = ROOT / "benchmarks" / "work"
SEED = 20240501
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Figure:
    """One measured figure next to its target.

    Attributes:
        name: What was measured.
        value: The figure.
        target: The target as text (``≥ 0.5``); empty when the figure is informational.
        passed: Whether the target is met (``None``: informational, or not measured).
        note: How it was measured, or why it was not.
    """

    name: str
    value: str
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info" if not self.target else "n/a"
        return "PASS" if self.passed else "FAIL"

    def line(self) -> str:
        target = f"  (target {self.target})" if self.target else ""
        note = f"  — {self.note}" if self.note else ""
        return f"[{self.verdict:>4}] {self.name}: {self.value}{target}{note}"


def show(figures: Sequence[Figure]) -> None:
    """Print figures, one a line."""
    for figure in figures:
        print(figure.line(), flush=True)


def posts() -> list[Path]:
    """The corpus posts, in a stable order."""
    return sorted(POSTS.glob("*.md"))


def workload(n: int, seed: int = SEED) -> Path:
    """A folder of ``n`` Markdown articles sampled with replacement from the corpus.

    Each file is a corpus post byte for byte, under a new name; the folder is made once
    per (n, seed) and reused.
    """
    folder = WORK / f"posts-{n}-{seed}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    sources = posts()
    for i in range(n):
        source = rng.choice(sources)
        # Spread files over sub-folders, as a real site would; keeps directories small.
        target = folder / f"{i // 1000:03d}" / f"{i:06d}-{source.name}"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(source.read_bytes())
    done.write_text("ok\n")
    return folder


def workload_files(folder: Path) -> list[Path]:
    """The Markdown files of a workload, in the order thematiek reads them."""
    return sorted(folder.rglob("*.md"))


def bodies(folder: Path) -> list[str]:
    """The article texts (body without front matter) of a workload, as thematiek reads them."""
    from thematiek.corpus import read_articles

    return [article.text for article in read_articles([str(folder)])]


def count_words(texts: Sequence[str]) -> int:
    """Whitespace-separated words: the same count for every system compared."""
    return sum(len(text.split()) for text in texts)


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def time_command(argv: Sequence[str], runs: int = 7, warmup: int = 1) -> tuple[float, float]:
    """Hyperfine-like: (best, median) wall time of a command, after warm-up runs."""
    return time_commands([argv], runs, warmup)[0]


def time_commands(
    commands: Sequence[Sequence[str]], runs: int = 7, warmup: int = 1
) -> list[tuple[float, float]]:
    """(best, median) wall time of each command, their runs interleaved (a, b, a, b, …).

    Interleaving spreads the machine's noise over all commands alike, so that their ratio
    is steadier than when each is timed in a block of its own.
    """
    env = {**os.environ, "THEMATIEK_NO_PROGRESS": "1"}
    times: list[list[float]] = [[] for _ in commands]
    for i in range(warmup + runs):
        for argv, spent in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(
                list(argv),
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            if i >= warmup:
                spent.append(time.perf_counter() - start)
    return [(min(spent), statistics.median(spent)) for spent in times]


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS, Python and numpy's BLAS, for the results file."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical ({usable} usable)",
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "blas": _blas(),
        "versions": _versions(),
        # Other work on the machine skews every ratio, the parallel one most: say so.
        "load average at start": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _blas() -> str:
    try:
        from threadpoolctl import threadpool_info

        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if not infos:
            import numpy  # noqa: F401  (loads the BLAS so that threadpoolctl sees it)

            infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        return ", ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
            for i in infos
        )
    except Exception as exc:  # threadpoolctl missing or failing: say so, do not stop
        return f"unknown ({type(exc).__name__})"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for package in ("thematiek", "spacy", "scikit-learn", "numpy", "yake", "pyspark"):
        try:
            out.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            out.append(f"{package} absent")
    return ", ".join(out)
