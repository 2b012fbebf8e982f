"""The Dutch spaCy pipeline: ``nl_core_news_sm`` when installed, else the embedded one.

The embedded pipeline is ``spacy.blank("nl")`` + a sentencizer + the lemmatiser of
:mod:`thematiek.lemmas`; it needs no download. Choose a pipeline with the ``name`` argument
or the ``THEMATIEK_NLP`` environment variable: ``auto`` (the default), ``embedded``, or the
name or path of an installed spaCy pipeline.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thematiek.errors import NlpError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer

__all__ = ["describe_nlp", "explain_nlp_choice", "load_nlp"]

ENV_VAR = "THEMATIEK_NLP"
DEFAULT_PIPELINE = "nl_core_news_sm"
EMBEDDED = "embedded"
EMBEDDED_NAME = "thematiek-embedded-nl"
TOKENIZER = "thematiek.dutch_tokenizer.v1"
# Texts up to 10 MB; only tokenizer-level components run on the full text, so memory is fine.
MAX_LENGTH = 20_000_000
_INSTALL_HINT = f"install it with: python -m spacy download {DEFAULT_PIPELINE}"


def _requested(name: str | None) -> str:
    if name is None:
        name = os.environ.get(ENV_VAR, "").strip() or "auto"
    return name


def _installed(name: str) -> bool:
    if Path(name).exists():
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def explain_nlp_choice(name: str | None = None) -> tuple[str, str]:
    """Which pipeline :func:`load_nlp` would use, and why, without loading anything.

    Args:
        name: As for :func:`load_nlp`.

    Returns:
        The pipeline name (``embedded`` for the embedded one) and a one-line reason.
    """
    requested = _requested(name)
    source = f"set by {ENV_VAR}" if name is None and requested != "auto" else "asked for"
    if requested == "auto":
        if _installed(DEFAULT_PIPELINE):
            return DEFAULT_PIPELINE, f"{DEFAULT_PIPELINE} is installed"
        return EMBEDDED, f"{DEFAULT_PIPELINE} is not installed; using the embedded pipeline"
    if requested == EMBEDDED:
        return EMBEDDED, f"the embedded pipeline is {source}"
    if not _installed(requested):
        return requested, f"{requested} is {source} but not installed"
    return requested, f"{requested} is {source}"


def load_nlp(name: str | None = None) -> Language:
    """Load the Dutch spaCy pipeline (cached per name).

    Args:
        name: ``auto`` (``nl_core_news_sm`` when installed, else the embedded pipeline),
            ``embedded``, or the name or path of an installed spaCy pipeline. ``None`` reads
            the ``THEMATIEK_NLP`` environment variable, defaulting to ``auto``.

    Returns:
        A pipeline whose Docs have sentences and lemmas.

    Raises:
        NlpError: The named pipeline is not installed or cannot be loaded.
    """
    return _load(explain_nlp_choice(name)[0])


@cache
def _load(name: str) -> Language:
    if name == EMBEDDED:
        return _embedded()
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        hint = _INSTALL_HINT if name == DEFAULT_PIPELINE else "install it or give a path"
        raise NlpError(
            f"spaCy pipeline {name!r} cannot be loaded; {hint}, or use the embedded "
            f"pipeline ({ENV_VAR}=embedded) ({exc})"
        ) from exc
    except Exception as exc:  # spaCy raises many kinds on broken or incompatible pipelines
        raise NlpError(f"spaCy pipeline {name!r} cannot be loaded: {exc}") from exc
    return _complete(nlp)


def _embedded() -> Language:
    import spacy
    from spacy.util import registry

    import thematiek.lemmas as lemmas  # registers the factory

    if not registry.has("tokenizers", TOKENIZER):
        table = lemmas.load_lemma_table()
        registry.tokenizers.register(TOKENIZER, func=lambda: partial(_dutch_tokenizer, words=table))
    # The Dutch tokenizer is built once, directly: building spaCy's default one first and
    # then replacing it would add its ~9,000 special cases twice (0.1–0.4 s of start-up).
    nlp = spacy.blank("nl", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    from spacy.pipeline import Sentencizer

    # A blank line ends a sentence too: Markdown headings and list items have no full stop.
    breaks = ["\n\n", "\n\n\n", "\n\n\n\n", "\r\n\r\n", "\r\n\r\n\r\n"]
    nlp.add_pipe("sentencizer", config={"punct_chars": [*Sentencizer.default_punct_chars, *breaks]})
    nlp.add_pipe("thematiek_lemmatizer")
    nlp.meta["name"] = EMBEDDED_NAME
    nlp.meta["version"] = lemmas.TABLE_VERSION
    nlp.max_length = MAX_LENGTH
    return nlp


def _dutch_tokenizer(nlp: Language, words: Mapping[str, str]) -> Tokenizer:
    """spaCy's Dutch tokenizer, tuned: ``,,`` quotes, ``'90`` decades, word-final periods.

    Dutch texts open quotes with ``,,``; spaCy splits it into two commas. Decades (``'90``,
    also before punctuation: ``jaren '50,``) are one token, and so is a word with balanced
    brackets inside (``medewerker(s)``, ``f(x)``). Abbreviation exceptions that are also
    ordinary words (``dat.``, ``pas.``, ``top.``) would keep a sentence-final period on the
    word, and emoticons made of a bracket and a sign (``):``, ``(=``, ``8)``) swallow the
    punctuation of ordinary prose (``(2000):``, ``(= de lezer)``, ``bijlage 8)``): both kinds
    of exception are dropped.
    """
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    defaults: Any = nlp.Defaults
    # One token: a decade ('90), or a word with balanced brackets inside (medewerker(s)).
    own_match = re.compile(
        r"^(?:['’]\d\d|[^\s()]+(?:\([^\s()]*\)[^\s()]*)+(?<![.,;:!?…\"'’”]))$"
    ).match
    bracket_emoticon = re.compile(r"^(?:[()\[\]][-o]?[:;=8]|[8=]-?[()\[\]])$")
    old_match = defaults.token_match
    # No prefix is split off a decade ('50): one regex, a lookahead, no Python per token.
    prefixes = compile_prefix_regex([",,", *defaults.prefixes]).pattern
    prefix_search = re.compile(rf"(?!['’]\d\d(?!\w))(?:{prefixes})").search

    def token_match(text: str) -> bool:
        return bool(own_match(text) or (old_match and old_match(text)))

    rules = {
        key: value
        for key, value in defaults.tokenizer_exceptions.items()
        if not (key.endswith(".") and key.count(".") == 1 and len(key) > 3 and key[:-1] in words)
        and not bracket_emoticon.match(key)
    }
    # All settings at once: setting them one by one on a tokenizer would rebuild its
    # special cases after each assignment.
    return Tokenizer(
        nlp.vocab,
        rules=rules,
        prefix_search=prefix_search,
        suffix_search=compile_suffix_regex([",,", *defaults.suffixes]).search,
        infix_finditer=compile_infix_regex(
            [r"(?<=\w):(?=,,)", r"(?<=[\w:]),,(?=\w)", *defaults.infixes]
        ).finditer,
        token_match=token_match if old_match else own_match,
        url_match=defaults.url_match,
    )


def _assigns(nlp: Language, attribute: str) -> bool:
    return any(attribute in nlp.get_pipe_meta(pipe).assigns for pipe in nlp.pipe_names)


def _complete(nlp: Language) -> Language:
    """Add what thematiek needs to a loaded pipeline: sentence boundaries and lemmas."""
    if not (_assigns(nlp, "token.is_sent_start") or _assigns(nlp, "doc.sents")):
        nlp.add_pipe("sentencizer", first=True)
    if not _assigns(nlp, "token.lemma"):
        import thematiek.lemmas  # noqa: F401  (registers the factory)

        nlp.add_pipe("thematiek_lemmatizer", last=True)
    nlp.max_length = MAX_LENGTH
    return nlp


def describe_nlp(nlp: Language) -> str:
    """A short, stable name of a pipeline for output, e.g. ``nl_core_news_sm 3.8.0``."""
    meta = nlp.meta
    name = str(meta.get("name", "pipeline"))
    if name != EMBEDDED_NAME:
        name = f"{meta.get('lang', 'xx')}_{name}"
    return f"{name} {meta.get('version', '0.0.0')}"
