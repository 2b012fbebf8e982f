"""Is an article Dutch, and long enough to find themes in?

py3langid's model is loaded once, on first use (about 0.5 s), and restricted to Dutch and
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
