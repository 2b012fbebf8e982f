"""Plain frozen records that flow through thematiek and serialise to JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One input article.

    Attributes:
        id: A stable identifier: the path for files, ``path:line`` for JSONL records.
        text: The body text (front matter and markup removed).
        title: The title, where the input has one.
        date: The date as written in the input (ISO string), where there is one.
        author: The author, where the input has one.
        tags: The tags a person set; ``None`` when the input has no tags field at all,
            an empty tuple when it says explicitly that no theme applies.
        source: The path of the file, or ``<stdin>``.
        format: One of ``markdown``, ``text``, ``html``, ``jsonl``.
        line: The 1-based line of a JSONL record.
        encoding: The text encoding the file was decoded with.
        checksum: SHA-256 of the raw bytes read, to detect later changes on disk.
        warnings: Non-fatal problems met while reading (e.g. an encoding fallback).
        content_checksum: For Markdown, SHA-256 of everything but the tag fields and the
            ``thematiek:`` key, so write-back can merge another run's tags instead of
            refusing.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    tags: tuple[str, ...] | None = None
    source: str = "<text>"
    format: str = "text"
    line: int | None = None
    encoding: str = "utf-8"
    checksum: str | None = None
    warnings: tuple[str, ...] = ()
    content_checksum: str | None = None


@dataclass(frozen=True)
class KeywordHit:
    """One match of a theme's lexicon term in an article.

    Attributes:
        theme: The theme id the term belongs to.
        term: The lexicon term as written in the taxonomy.
        text: The matched text as it stands in the article.
        start: Character offset of the match in the article text.
        end: Character offset just past the match.
        sentence: The sentence the match stands in.
    """

    theme: str
    term: str
    text: str
    start: int
    end: int
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        """The evidence object of the JSON output."""
        return {"text": self.text, "sentence": self.sentence, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Keyphrase:
    """A key phrase of an article with its score (higher is more characteristic)."""

    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """The keyword object of the JSON output."""
        return {"text": self.text, "score": round(self.score, 4)}


@dataclass(frozen=True)
class ThemeScore:
    """The score of one theme for one article.

    Attributes:
        id: The theme id.
        label: The theme's Dutch label.
        score: The final score in [0, 1] (see the README for how it is combined).
        threshold: The score at or above which the theme is assigned.
        probability: The classifier's calibrated probability.
        lexicon: The lexicon evidence strength in [0, 1].
        evidence: The lexicon hits behind the score, strongest first.
    """

    id: str
    label: str
    score: float
    threshold: float = 0.5
    probability: float = 0.0
    lexicon: float = 0.0
    evidence: tuple[KeywordHit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The theme object of the JSON output."""
        return {
            "id": self.id,
            "label": self.label,
            "score": round(self.score, 4),
            "evidence": [hit.to_dict() for hit in self.evidence],
        }


@dataclass(frozen=True)
class TagResult:
    """What thematiek says about one article.

    Attributes:
        source: Where the article came from (path, ``path:line`` or ``<text>``).
        title: The article's title, where it has one.
        themes: The assigned themes, best first.
        scores: The final score of every theme of the taxonomy.
        keywords: The article's key phrases, best first.
        nlp: The name of the spaCy pipeline used.
        model: The name of the theme model used.
        error: Set instead of everything else when the input could not be read.
        article: The article itself (not serialised).
    """

    source: str
    title: str | None = None
    themes: tuple[ThemeScore, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    keywords: tuple[Keyphrase, ...] = ()
    nlp: str = ""
    model: str = ""
    error: str | None = None
    article: Article | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """True when the article was read and tagged."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``thematiek tag --format json`` for this article."""
        if self.error is not None:
            return {"source": self.source, "error": self.error}
        return {
            "source": self.source,
            "title": self.title,
            "themes": [theme.to_dict() for theme in self.themes],
            "scores": {key: round(value, 4) for key, value in sorted(self.scores.items())},
            "keywords": [kw.to_dict() for kw in self.keywords],
            "nlp": self.nlp,
            "model": self.model,
        }
