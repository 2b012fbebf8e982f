"""The ``thematiek`` spaCy component: ``nlp.add_pipe("thematiek")`` sets ``doc._.themes``.

spaCy imports this module through the ``spacy_factories`` entry point when it builds a
pipeline; importing :mod:`thematiek` itself registers nothing.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory(
    "thematiek",
    default_config={"model": None, "taxonomy": None, "min_score": None, "max_tags": None},
    assigns=["doc._.themes", "doc._.theme_scores", "doc._.keywords"],
)
def make_thematiek_component(
    nlp: Language,
    name: str,
    model: str | None,
    taxonomy: str | None,
    min_score: float | None,
    max_tags: int | None,
) -> ThematiekComponent:
    """Build the component (spaCy calls this; use ``nlp.add_pipe("thematiek")``)."""
    return ThematiekComponent(
        nlp, name, model=model, taxonomy=taxonomy, min_score=min_score, max_tags=max_tags
    )


class ThematiekComponent:
    """Tags each Doc with the themes of the taxonomy.

    Sets ``doc._.themes`` (the assigned :class:`~thematiek.records.ThemeScore` records, best
    first), ``doc._.theme_scores`` (every theme's score) and ``doc._.keywords`` (key phrases).
    The Docs need lemmas: put the component after a lemmatizer (``nl_core_news_sm`` has one;
    on a blank Dutch pipeline, add ``thematiek_lemmatizer`` first, or the component adds it).
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "thematiek",
        *,
        model: str | None = None,
        taxonomy: str | None = None,
        min_score: float | None = None,
        max_tags: int | None = None,
    ) -> None:
        from thematiek.tagging import load

        for attribute, default in (("themes", ()), ("theme_scores", None), ("keywords", ())):
            if not Doc.has_extension(attribute):
                Doc.set_extension(attribute, default=default)
        self.name = name
        self.tagger = load(model=model, taxonomy=taxonomy, nlp=nlp)
        self.min_score = min_score
        self.max_tags = max_tags

    def __call__(self, doc: Doc) -> Doc:
        result = self.tagger.tag_doc(doc, min_score=self.min_score, max_tags=self.max_tags)
        doc._.themes = result.themes
        doc._.theme_scores = dict(result.scores)
        doc._.keywords = result.keywords
        return doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        for doc in docs:
            yield self(doc)
