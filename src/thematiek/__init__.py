"""thematiek: find the themes of Dutch management and HR articles.

The public API is listed in ``__all__``. Heavy modules (spaCy, scikit-learn, the model)
load lazily, on first use, so that ``import thematiek`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from thematiek.errors import (
    CorpusFormatError,
    LanguageError,
    ModelError,
    NlpError,
    TaxonomyError,
    ThematiekError,
    WriteBackError,
)
from thematiek.records import Article, Keyphrase, KeywordHit, TagResult, ThemeScore

__version__ = "0.1.0"

# name -> module that defines it; imported on first attribute access.
_LAZY = {
    "load_nlp": "thematiek.nlp",
    "read_articles": "thematiek.corpus",
    "read_article": "thematiek.corpus",
    "write_tags": "thematiek.corpus",
    "load_taxonomy": "thematiek.taxonomy",
    "Taxonomy": "thematiek.taxonomy",
    "Theme": "thematiek.taxonomy",
    "Tagger": "thematiek.tagging",
    "load": "thematiek.tagging",
    "tag_batches": "thematiek.tagging",
    "ThemeClassifier": "thematiek.classify",
    "extract_keyphrases": "thematiek.keywords",
    "find_keyword_hits": "thematiek.keywords",
    "check_coverage": "thematiek.coverage",
}

__all__ = [
    "Article",
    "CorpusFormatError",
    "Keyphrase",
    "KeywordHit",
    "LanguageError",
    "ModelError",
    "NlpError",
    "TagResult",
    "Tagger",
    "Taxonomy",
    "TaxonomyError",
    "ThematiekError",
    "Theme",
    "ThemeClassifier",
    "ThemeScore",
    "WriteBackError",
    "__version__",
    "check_coverage",
    "extract_keyphrases",
    "find_keyword_hits",
    "load",
    "load_nlp",
    "load_taxonomy",
    "read_article",
    "read_articles",
    "tag_batches",
    "write_tags",
]

if TYPE_CHECKING:  # pragma: no cover
    from thematiek.classify import ThemeClassifier
    from thematiek.corpus import read_article, read_articles, write_tags
    from thematiek.coverage import check_coverage
    from thematiek.keywords import extract_keyphrases, find_keyword_hits
    from thematiek.nlp import load_nlp
    from thematiek.tagging import Tagger, load, tag_batches
    from thematiek.taxonomy import Taxonomy, Theme, load_taxonomy


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'thematiek' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
