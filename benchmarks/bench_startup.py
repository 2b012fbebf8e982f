"""Start-up: ``thematiek --help`` and tagging one post, as wall time of the console script.

    python benchmarks/bench_startup.py [--runs 7]

Hyperfine-like: one warm-up run, then the best and the median of ``--runs`` runs. Tagging
one post is compared with ``python -c "import spacy, sklearn"`` measured in the same run,
the two interleaved: the floor any tool on this stack pays.
"""

from __future__ import annotations

import argparse
import sys

from _common import BIN, Figure, posts, show, time_command, time_commands

HELP_TARGET = 0.3
TAG_TARGET = 1.5


def run(runs: int = 11) -> list[Figure]:
    script = str(BIN / "thematiek")
    post = str(posts()[0])
    help_best, help_median = time_command([script, "--help"], runs)
    (imports_best, imports_median), (tag_best, tag_median) = time_commands(
        [
            [sys.executable, "-c", "import spacy, sklearn"],
            [script, "tag", post, "--format", "json"],
        ],
        runs,
    )
    ratio = tag_median / imports_median
    return [
        Figure(
            "`thematiek --help`",
            f"{help_median:.3f} s median ({help_best:.3f} s best)",
            f"≤ {HELP_TARGET} s",
            help_median <= HELP_TARGET,
            f"{runs} runs",
        ),
        Figure(
            '`python -c "import spacy, sklearn"`',
            f"{imports_median:.3f} s median ({imports_best:.3f} s best)",
        ),
        Figure("`thematiek tag one-post.md`", f"{tag_median:.3f} s median ({tag_best:.3f} s best)"),
        Figure(
            "start-up ratio: tag one post / import spacy, sklearn",
            f"{ratio:.2f} (best/best {tag_best / imports_best:.2f})",
            f"≤ {TAG_TARGET}",
            ratio <= TAG_TARGET,
            "medians",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    show(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
