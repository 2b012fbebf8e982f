"""Map a function over items in forked worker processes that share the caller's memory.

A forked worker sees the caller's data (features, corpus) without a copy; only the items
and the results travel through pipes. Where the platform cannot fork safely (Windows,
macOS), callers run the work in their own process instead (:func:`workers_for` returns 1).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

Job = TypeVar("Job")
Item = TypeVar("Item")
Result = TypeVar("Result")

# The work of the pool being forked: (function, shared data). Set just before the fork.
_WORK: tuple[Callable[[Any, Any], Any], Any] | None = None


def workers_for(n_jobs: int | None, tasks: int) -> int:
    """Processes for ``n_jobs`` in joblib's meaning (``None``: 1, ``-1``: all cores),
    never more than the cores or the tasks, and 1 where forking is missing or unsafe."""
    if n_jobs is None or n_jobs == 1 or tasks < 2:
        return 1
    # macOS has fork, but system libraries may crash in a forked child: sequential there.
    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    wanted = n_jobs if n_jobs > 0 else cores + 1 + n_jobs
    return max(1, min(wanted, cores, tasks))


def map_forked(
    function: Callable[[Job, Item], Result], job: Job, items: Iterable[Item], workers: int
) -> Iterator[Result]:
    """``function(job, item)`` for every item, in order, computed by ``workers`` forked
    processes; ``job`` reaches them through the fork, not through a pickle."""
    global _WORK
    _WORK = (function, job)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run, items)
    finally:
        _WORK = None


def _run(item: Any) -> Any:
    assert _WORK is not None, "called outside map_forked"
    function, job = _WORK
    return function(job, item)
