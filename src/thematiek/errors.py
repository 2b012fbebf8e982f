"""The exceptions thematiek raises: one base class and a few meaningful subclasses."""

from __future__ import annotations


class ThematiekError(Exception):
    """Base class of every error thematiek raises on purpose.

    The message says what went wrong, where, and how to fix it.
    """


class CorpusFormatError(ThematiekError):
    """An input article cannot be read: unreadable file, bad front matter, bad JSONL line.

    Args:
        source: The path (or ``<stdin>``) of the input.
        problem: What is wrong, in a short phrase.
        line: The 1-based line number, where there is one.
    """

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class LanguageError(CorpusFormatError):
    """An article is not Dutch (or too short to tell) and tagging it would be a guess."""


class TaxonomyError(ThematiekError):
    """A taxonomy file is missing, unreadable or invalid."""


class ModelError(ThematiekError):
    """A model bundle is missing, corrupt, untrusted or incompatible."""


class NlpError(ThematiekError):
    """A spaCy pipeline cannot be loaded."""


class WriteBackError(ThematiekError):
    """Tags cannot be written into a file (changed on disk, not Markdown, not writable)."""
