"""The taxonomy: themes, labels, scope notes and keyword lexicons, validated on load."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from thematiek.errors import TaxonomyError

_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SENTENCE_END_RE = re.compile(r"[.!?](\s|$)")
_TERM_LISTS = ("terms", "weak", "negative")


@dataclass(frozen=True)
class Theme:
    """One theme of the taxonomy.

    Attributes:
        id: The fixed ASCII slug (``klantgerichtheid``).
        label: The Dutch label shown to editors.
        label_en: The English label.
        scope: When the theme applies and when it does not.
        terms: Lexicon terms that count as evidence (lemmas or lemma phrases).
        weak: Terms that count at half weight.
        negative: Words and phrases that must never count as evidence for this theme.
    """

    id: str
    label: str
    label_en: str
    scope: str
    terms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """A validated set of themes.

    Attributes:
        version: The taxonomy's version string.
        name: A short name.
        themes: The themes, in the order of the file.
        off_topic_field: A front-matter field that marks an article as deliberately
            off-topic (besides an explicit empty ``tags: []``).
        source: Where it was loaded from.
        text: The file's text as loaded, for model bundles.
    """

    version: str
    name: str
    themes: tuple[Theme, ...]
    off_topic_field: str = "off_topic"
    source: str = "<default>"
    text: str = field(default="", repr=False, compare=False)

    @property
    def ids(self) -> tuple[str, ...]:
        """The theme ids, in taxonomy order."""
        return tuple(theme.id for theme in self.themes)

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._by_id()

    def get(self, theme_id: str) -> Theme:
        """The theme with this id.

        Raises:
            KeyError: When the taxonomy has no such theme.
        """
        return self._by_id()[theme_id]

    def _by_id(self) -> dict[str, Theme]:
        return {theme.id: theme for theme in self.themes}

    def fingerprint(self) -> str:
        """A SHA-256 over the ids and lexicons: two taxonomies that tag alike share it."""
        payload = [[t.id, list(t.terms), list(t.weak), list(t.negative)] for t in self.themes]
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


def load_taxonomy(path: str | Path | None = None, *, min_terms: int = 1) -> Taxonomy:
    """Load and validate a taxonomy file (TOML), or the default one.

    Args:
        path: A TOML file; ``None`` for the taxonomy that ships with thematiek.
        min_terms: The fewest lexicon terms (``terms`` + ``weak``) a theme may have.

    Returns:
        The validated taxonomy.

    Raises:
        TaxonomyError: When the file cannot be read or is invalid; the message lists
            every problem found.
    """
    if path is None:
        return _load_default(min_terms)
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"{source}: taxonomy file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{source}: cannot read the taxonomy ({exc})") from None
    return parse_taxonomy(text, source=source, min_terms=min_terms)


@cache
def _load_default(min_terms: int) -> Taxonomy:
    text = resources.files("thematiek").joinpath("data/taxonomy.toml").read_text("utf-8")
    return parse_taxonomy(text, source="<default taxonomy>", min_terms=min_terms)


def parse_taxonomy(text: str, *, source: str = "<taxonomy>", min_terms: int = 1) -> Taxonomy:
    """Parse and validate taxonomy TOML text.

    Args:
        text: The TOML text.
        source: A name for messages.
        min_terms: The fewest lexicon terms a theme may have.

    Returns:
        The validated taxonomy.

    Raises:
        TaxonomyError: With every problem found, one per line.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{source}: not valid TOML ({exc})") from None
    problems: list[str] = []
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append("`version` is missing or not a string")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        problems.append("`themes` is missing or empty: add [[themes]] tables")
        raw_themes = []
    themes: list[Theme] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_themes, start=1):
        theme = _parse_theme(raw, index, min_terms, problems)
        if theme is None:
            continue
        if theme.id in seen:
            problems.append(f"theme {index}: duplicate id {theme.id!r}")
        seen.add(theme.id)
        themes.append(theme)
    off_topic_field = data.get("off_topic_field", "off_topic")
    if not isinstance(off_topic_field, str):
        problems.append("`off_topic_field` must be a string")
        off_topic_field = "off_topic"
    if problems:
        listed = "; ".join(problems)
        raise TaxonomyError(f"{source}: invalid taxonomy ({len(problems)} problems): {listed}")
    return Taxonomy(
        version=str(version),
        name=str(data.get("name", "taxonomy")),
        themes=tuple(themes),
        off_topic_field=off_topic_field,
        source=source,
        text=text,
    )


def _parse_theme(raw: Any, index: int, min_terms: int, problems: list[str]) -> Theme | None:
    if not isinstance(raw, dict):
        problems.append(f"theme {index}: not a table")
        return None
    theme_id = raw.get("id")
    where = f"theme {theme_id!r}" if isinstance(theme_id, str) else f"theme {index}"
    if not isinstance(theme_id, str) or not _ID_RE.match(theme_id):
        problems.append(f"{where}: id must be a lower-case ASCII slug like 'nieuwe-werken'")
    for key in ("label", "label_en", "scope"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(f"{where}: `{key}` is missing or empty")
    scope = raw.get("scope")
    if isinstance(scope, str) and len(_SENTENCE_END_RE.findall(scope)) < 2:
        problems.append(f"{where}: `scope` needs two sentences: when it applies, when not")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _TERM_LISTS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"{where}: `{key}` must be a list of non-empty strings")
            value = []
        lists[key] = tuple(v.strip().lower() for v in value)
    if len(lists["terms"]) + len(lists["weak"]) < min_terms:
        problems.append(f"{where}: has {len(lists['terms'])} terms, at least {min_terms} needed")
    unknown = sorted(set(raw) - {"id", "label", "label_en", "scope", *_TERM_LISTS})
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(unknown)}")
    if not isinstance(theme_id, str):
        return None
    return Theme(
        id=theme_id,
        label=str(raw.get("label", "")),
        label_en=str(raw.get("label_en", "")),
        scope=str(raw.get("scope", "")),
        terms=lists["terms"],
        weak=lists["weak"],
        negative=lists["negative"],
    )
