"""Is an article Dutch, and long enough to find themes in?

Most articles are plainly Dutch: when Dutch-only function words (``een``, ``niet``,
``voor``, ``wordt``…, none of them words of English, German, Afrikaans or Frisian) make up
at least 6 % of the first 2,000 characters, the article passes at once. Only the others go
to py3langid, whose model is loaded on first use (about 0.4 s and 75 MB), restricted to Dutch and
the languages a Dutch management blog is most often confused with or mixed with: its
neighbours (English, German, French), its close relatives (Afrikaans, Frisian,
Luxembourgish) and a few other European languages. A smaller candidate set makes the
answer both faster and steadier; Flemish is Dutch (``nl``) to the model.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from thematiek.errors import LanguageError
from thematiek.records import Article

CANDIDATES = ("nl", "en", "de", "fr", "af", "fy", "lb", "da", "sv", "no", "es", "it", "pt", "pl")
NAMES = {
    "nl": "Dutch",
    "en": "English",
    "de": "German",
    "fr": "French",
    "af": "Afrikaans",
    "fy": "Frisian",
    "lb": "Luxembourgish",
    "da": "Danish",
    "sv": "Swedish",
    "no": "Norwegian",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
}
SAMPLE_CHARS = 2000
# Refuse only when another language is this sure and Dutch is this unlikely, so that a
# Dutch text full of English jargon ("agile", "teams", "feedback") still gets through.
_MIN_CONFIDENCE = 0.8
_MAX_DUTCH = 0.1
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Function words of Dutch that its neighbours and relatives do not share in that spelling
# (Afrikaans has 'n, nie, vir, word; Frisian in, net, foar, wurdt; German ein, nicht, für).
DUTCH_MARKERS = frozenset(
    "een niet voor zijn wordt worden naar deze heeft hebben zich door bij kunnen moeten "
    "omdat wij jullie geen ook het".split()
)
# Words that give a text away as Afrikaans or Frisian although it has some markers. One in
# fifty words or more is too many: Flemish speech has the odd "nie", Afrikaans many.
_RELATIVE_MARKERS = frozenset("nie vir hierdie hulle fan foar troch wurdt binne".split())
_MAX_RELATIVE_SHARE = 0.02
_MIN_MARKER_SHARE = 0.06
_MIN_SAMPLE_WORDS = 20


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """The most likely language of a text, from its first 2,000 characters.

    Args:
        text: Plain text.

    Returns:
        The ISO 639-1 code (one of ``CANDIDATES``) and its probability in [0, 1].
    """
    code, confidence = _identifier().classify(text[:SAMPLE_CHARS])
    return str(code), float(confidence)


def _dutch_probability(text: str) -> float:
    for code, probability in _identifier().rank(text[:SAMPLE_CHARS]):
        if code == "nl":
            return float(probability)
    return 0.0  # pragma: no cover - nl is always ranked


def clearly_dutch(text: str) -> bool:
    """Whether the start of a text is unmistakably Dutch, judged by its function words.

    Args:
        text: Plain text; its first 2,000 characters are looked at.

    Returns:
        ``True`` when Dutch-only function words are at least 6 % of at least 20 words and
        Afrikaans or Frisian give-aways are under 2 % of them; ``False`` means "ask the
        model".
    """
    markers = relatives = words = 0
    for match in _WORD.finditer(text[:SAMPLE_CHARS]):
        word = match.group().lower()
        words += 1
        markers += word in DUTCH_MARKERS
        relatives += word in _RELATIVE_MARKERS
    return (
        words >= _MIN_SAMPLE_WORDS
        and relatives < _MAX_RELATIVE_SHARE * words
        and markers >= _MIN_MARKER_SHARE * words
    )


def count_words(text: str, limit: int | None = None) -> int:
    """Count words (runs of letters, with inner apostrophes or hyphens), stopping at ``limit``."""
    count = 0
    for _ in _WORD.finditer(text):
        count += 1
        if limit is not None and count >= limit:
            break
    return count


def check_dutch(article: Article, min_words: int = 20) -> None:
    """Raise unless the article is Dutch and has at least ``min_words`` words.

    Args:
        article: The article to check.
        min_words: The fewest words worth tagging.

    Raises:
        LanguageError: Too short, or confidently another language than Dutch.
    """
    words = count_words(article.text, limit=min_words)
    if words < min_words:
        noun = "word" if words == 1 else "words"
        raise LanguageError(
            article.source,
            f"too short to find themes ({words} {noun}; at least {min_words} needed; "
            "use --force to tag anyway)",
            article.line,
        )
    if clearly_dutch(article.text):
        return
    code, confidence = detect_language(article.text)
    if code == "nl" or confidence < _MIN_CONFIDENCE:
        return
    if _dutch_probability(article.text) > _MAX_DUTCH:
        return
    raise LanguageError(
        article.source,
        f"text is {NAMES.get(code, code)}, not Dutch (confidence {confidence:.2f}); "
        "thematiek tags Dutch text only (use --force to tag anyway)",
        article.line,
    )
