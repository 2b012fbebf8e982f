"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

NlpOption = Annotated[
    str | None,
    typer.Option(
        "--nlp",
        help="spaCy pipeline: auto (nl_core_news_sm when installed, else embedded), "
        "embedded, or an installed pipeline's name or path. Env: THEMATIEK_NLP.",
        show_default=False,
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Model bundle folder (default: the built-in model).",
        show_default=False,
    ),
]
TaxonomyOption = Annotated[
    str | None,
    typer.Option(
        "--taxonomy",
        help="Taxonomy TOML file (default: the built-in taxonomy).",
        show_default=False,
    ),
]


def stderr_console() -> Any:
    """A rich console on stderr (progress bars and messages never go to stdout)."""
    from rich.console import Console

    return Console(stderr=True)


def stdout_console() -> Any:
    """A rich console on stdout for tables."""
    from rich.console import Console

    return Console(soft_wrap=False)


def show_progress(machine_output: bool) -> bool:
    """Show a progress bar: only on an interactive stderr, and never while stdout is
    piped machine output."""
    if os.environ.get("THEMATIEK_NO_PROGRESS"):
        return False
    if not sys.stderr.isatty():
        return False
    return not (machine_output and not sys.stdout.isatty())


def report_error(message: str) -> None:
    """One line on stderr for an input that failed."""
    print(f"Error: {message}", file=sys.stderr)


def set_nlp(nlp: str | None) -> None:
    """Make ``--nlp`` the choice of every pipeline loaded in this process."""
    if nlp:
        os.environ["THEMATIEK_NLP"] = nlp
