"""The ``thematiek`` command line: a thin typer app over the library.

Every command is a module of its own that parses its options, calls one library function
and formats the result. Errors are translated here, once: a :class:`ThematiekError` that
stops a whole command becomes ``Error: …`` on stderr and exit code 2; unexpected
exceptions keep their traceback (without local variables).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from thematiek.cli import (
    coverage_cmd,
    evaluate_cmd,
    explain_cmd,
    info_cmd,
    keywords_cmd,
    tag_cmd,
    themes_cmd,
    train_cmd,
)
from thematiek.errors import ThematiekError

EXIT_USAGE = 2


class _Group(TyperGroup):
    """Translates a ThematiekError that stops a command into ``Error: …`` and exit 2.

    Done here rather than only in :func:`main`, so that the app behaves the same when it
    is invoked any other way (``typer.testing.CliRunner``, another program embedding it).
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ThematiekError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE) from None


app = typer.Typer(
    cls=_Group,
    name="thematiek",
    help="Find the themes of Dutch management and HR articles, with scores and evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

app.command("tag")(tag_cmd.tag_cli)
app.command("explain")(explain_cmd.explain_cli)
app.command("keywords")(keywords_cmd.keywords_cli)
app.command("themes")(themes_cmd.themes_cli)
app.command("train")(train_cmd.train_cli)
app.command("evaluate")(evaluate_cmd.evaluate_cli)
app.command("coverage")(coverage_cmd.coverage_cli)
app.command("info")(info_cmd.info_cli)


def main() -> None:
    """Run the command line (the ``thematiek`` console script).

    When the command has finished, the process ends at once: output is flushed, every file
    is written and closed and every worker has been joined by then, so tearing down the
    interpreter (freeing scikit-learn, spaCy and the lemma table object by object, 0.3–0.6 s)
    would only keep an editor waiting. Set ``THEMATIEK_FULL_EXIT=1`` to exit normally
    (e.g. for tools that rely on ``atexit`` hooks in the process).
    """
    code = _run()
    if os.environ.get("THEMATIEK_FULL_EXIT"):
        sys.exit(code)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # `thematiek tag … | head`, or stdout closed
        code = code or 1
    with contextlib.suppress(BrokenPipeError, ValueError):
        sys.stderr.flush()
    os._exit(code)


def _run() -> int:
    """Run the app; return its exit code."""
    try:
        app()
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)  # what the interpreter would print
        return 1
    except ThematiekError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `thematiek tag … | head`
        sys.stderr.close()
        return 1
    return 0
