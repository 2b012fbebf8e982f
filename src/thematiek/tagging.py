"""The Tagger: lexicon evidence + classifier scores -> TagResult, for one text or a stream."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from thematiek.errors import ThematiekError
from thematiek.keywords import (
    extract_keyphrases,
    find_keyword_hits,
    matcher_for,
    score_lexicon,
)
from thematiek.records import Article, KeywordHit, TagResult, ThemeScore

if TYPE_CHECKING:
    import pandas as pd
    from spacy.language import Language
    from spacy.tokens import Doc

    from thematiek.model import ModelBundle
    from thematiek.taxonomy import Taxonomy

_MAX_EVIDENCE = 5


def lemma_text(doc: Doc) -> str:
    """Lower-case lemmas of a Doc's words, space-separated, ``¶`` between paragraphs."""
    from thematiek.classify import PARAGRAPH_MARK
    from thematiek.keywords import doc_tokens

    tokens = doc_tokens(doc)
    out: list[str] = []
    for text, lemma, is_space, is_punct in zip(
        tokens.texts, tokens.lemmas, tokens.is_space, tokens.is_punct, strict=True
    ):
        if is_space or not text.strip():
            if text.count("\n") >= 2 and out and out[-1] != PARAGRAPH_MARK:
                out.append(PARAGRAPH_MARK)
            continue
        if is_punct or (not text.isalpha() and not any(ch.isalpha() for ch in text)):
            continue
        out.append(lemma.lower().replace(" ", "_"))
    return " ".join(out)


def classifier_text(nlp: Language, title: str | None, doc: Doc) -> str:
    """The classifier's view of an article: ``§`` title lemmas ``¶`` body lemmas."""
    return _with_title(nlp, title, lemma_text(doc))


def _with_title(nlp: Language, title: str | None, body: str) -> str:
    from thematiek.classify import PARAGRAPH_MARK, TITLE_MARK

    if not title:
        return body
    return f"{TITLE_MARK} {lemma_text(nlp(title))} {PARAGRAPH_MARK} {body}"


def _lexicon_strengths(
    hits: Sequence[KeywordHit],
    weak: frozenset[tuple[str, str]],
    theme_ids: Sequence[str],
    n_words: int,
) -> np.ndarray:
    from thematiek.keywords import LexiconMatch

    matches = [
        LexiconMatch(hit.theme, hit.term, 0.5 if (hit.theme, hit.term) in weak else 1.0, 0, 0)
        for hit in hits
    ]
    summary = score_lexicon(matches, theme_ids, n_words)
    return np.array([summary[t][2] for t in theme_ids])


class Tagger:
    """Tags Dutch articles with the themes of a taxonomy.

    Build one with :func:`load`. A Tagger holds the spaCy pipeline and the model, loaded
    once; :meth:`tag` and :meth:`tag_many` reuse them.

    Args:
        bundle: A loaded model bundle.
        nlp: The spaCy pipeline (with lemmas and sentences).
        min_score: A floor on top of the per-theme thresholds.
        max_tags: The most themes per article (default: the model's).
        top_keywords: How many key phrases per article.
        force: Tag articles that are not Dutch or too short, instead of refusing them.
    """

    def __init__(
        self,
        bundle: ModelBundle,
        nlp: Language,
        *,
        min_score: float | None = None,
        max_tags: int | None = None,
        top_keywords: int = 10,
        force: bool = False,
        nlp_spec: str | None = None,
    ) -> None:
        from thematiek.nlp import describe_nlp

        self.bundle = bundle
        self.nlp = nlp
        self.taxonomy = bundle.taxonomy
        self.classifier = bundle.classifier
        self.min_score = min_score
        self.max_tags = max_tags
        self.top_keywords = top_keywords
        self.force = force
        # How worker processes load the same pipeline (a name; None: the default choice).
        self.nlp_spec = nlp_spec
        self.nlp_name = describe_nlp(nlp)
        self.model_name = bundle.name
        self.matcher = matcher_for(self.taxonomy)
        # (theme, term) pairs that count at half weight; built once, used per article.
        self._weak = frozenset(
            (theme.id, term)
            for theme in self.taxonomy
            for term in set(theme.weak) - set(theme.terms)
        )
        self._labels = {theme.id: theme.label for theme in self.taxonomy}

    @property
    def thresholds(self) -> dict[str, float]:
        """The threshold of every theme."""
        return {
            theme: float(t)
            for theme, t in zip(self.taxonomy.ids, self.classifier.thresholds_, strict=True)
        }

    # -- public ---------------------------------------------------------------------------

    def tag(self, item: str | Article, **options: Any) -> TagResult:
        """Tag one text or article.

        Args:
            item: A text, or an :class:`~thematiek.records.Article`.
            **options: ``min_score`` and ``max_tags`` for this call.

        Returns:
            The result; ``result.error`` is set when the article cannot be tagged (for
            example, it is not Dutch).
        """
        return next(iter(self.tag_many([item], **options)))

    def tag_many(
        self,
        items: Iterable[str | Article | ThematiekError],
        *,
        batch_size: int = 64,
        n_process: int = 1,
        min_score: float | None = None,
        max_tags: int | None = None,
    ) -> Iterator[TagResult]:
        """Tag a stream of texts or articles, in input order, one result per item.

        Inputs that are errors (as :func:`thematiek.corpus.read_inputs` yields them) pass
        through as results with ``error`` set.

        Args:
            items: Texts, articles or reader errors.
            batch_size: Articles per batch through ``nlp.pipe`` and the classifier.
            n_process: Worker processes; each loads the pipeline and model once.
            min_score: A floor on top of the per-theme thresholds.
            max_tags: The most themes per article.

        Yields:
            One :class:`~thematiek.records.TagResult` per input, in input order.
        """
        stream = (_as_item(item) for item in items)
        if n_process > 1:
            yield from _tag_parallel(self, stream, batch_size, n_process, min_score, max_tags)
            return
        while batch := list(islice(stream, batch_size)):
            yield from self._tag_batch(batch, min_score, max_tags)

    def tag_doc(
        self, doc: Doc, *, min_score: float | None = None, max_tags: int | None = None
    ) -> TagResult:
        """Tag a Doc processed elsewhere (by this Tagger's pipeline or another Dutch one)."""
        article = Article(id="<doc>", text=doc.text)
        return self._score([(article, doc)], min_score, max_tags)[0]

    # -- internals ------------------------------------------------------------------------

    def _tag_batch(
        self,
        batch: list[Article | ThematiekError],
        min_score: float | None = None,
        max_tags: int | None = None,
    ) -> list[TagResult]:
        results: list[TagResult | None] = [None] * len(batch)
        todo: list[tuple[int, Article]] = []
        for i, item in enumerate(batch):
            if isinstance(item, ThematiekError):
                results[i] = _error_result(item)
                continue
            problem = None if self.force else _language_problem(item)
            if problem is not None:
                results[i] = TagResult(
                    source=item.id, title=item.title, error=problem, article=item
                )
            else:
                todo.append((i, item))
        pairs = zip(
            todo,
            self.nlp.pipe(((a.text, None) for _, a in todo), as_tuples=True),
            strict=True,
        )
        docs = [(article, doc) for (_, article), (doc, _) in pairs]
        for (i, _), result in zip(todo, self._score(docs, min_score, max_tags), strict=True):
            results[i] = result
        return [r for r in results if r is not None]

    def _score(
        self,
        docs: list[tuple[Article, Doc]],
        min_score: float | None,
        max_tags: int | None,
    ) -> list[TagResult]:
        if not docs:
            return []
        theme_ids = list(self.taxonomy.ids)
        texts, hits_per_doc, strengths = [], [], []
        for article, doc in docs:
            lemmas = lemma_text(doc)  # once per Doc: the word count and the classifier's text
            hits = find_keyword_hits(doc, self.matcher)
            texts.append(_with_title(self.nlp, article.title, lemmas))
            hits_per_doc.append(hits)
            strengths.append(_lexicon_strengths(hits, self._weak, theme_ids, lemmas.count(" ") + 1))
        probabilities, scores = self.classifier.score_themes(texts)
        floor = self.min_score if min_score is None else min_score
        limit = self.max_tags if max_tags is None else max_tags
        assigned = self.classifier.assign(scores, min_score=floor, max_tags=limit)
        thresholds = self.classifier.thresholds_
        results = []
        for row, (article, doc) in enumerate(docs):
            themes = []
            for j in np.flatnonzero(assigned[row]):
                theme_id = theme_ids[j]
                themes.append(
                    ThemeScore(
                        id=theme_id,
                        label=self._labels[theme_id],
                        score=float(scores[row, j]),
                        threshold=float(thresholds[j]),
                        probability=float(probabilities[row, j]),
                        lexicon=float(strengths[row][j]),
                        evidence=_pick_evidence(hits_per_doc[row], theme_id),
                    )
                )
            themes.sort(key=lambda t: (-t.score, t.id))
            results.append(
                TagResult(
                    source=article.id,
                    title=article.title,
                    themes=tuple(themes),
                    scores={t: float(scores[row, j]) for j, t in enumerate(theme_ids)},
                    keywords=tuple(
                        extract_keyphrases(doc, self.bundle.background, self.top_keywords)
                    ),
                    nlp=self.nlp_name,
                    model=self.model_name,
                    article=article,
                )
            )
        return results

    def explain(self, item: str | Article, n_features: int = 8) -> dict[str, Any]:
        """Everything behind the tags of one article, for ``thematiek explain``.

        Returns:
            ``{"result": TagResult, "themes": [{id, label, score, threshold, probability,
            lexicon, assigned, evidence, features}]}``, themes by score.
        """
        article = _as_item(item)
        if isinstance(article, ThematiekError):
            raise article
        result = self.tag(article, max_tags=self.max_tags)
        if result.error is not None:
            return {"result": result, "themes": []}
        doc = self.nlp(article.text)
        hits = find_keyword_hits(doc, self.matcher)
        text = classifier_text(self.nlp, article.title, doc)
        assigned = {t.id for t in result.themes}
        probabilities, _ = self.classifier.score_themes([text])
        rows = []
        for j, theme in enumerate(self.taxonomy):
            theme_hits = [h for h in hits if h.theme == theme.id]
            rows.append(
                {
                    "id": theme.id,
                    "label": theme.label,
                    "score": result.scores[theme.id],
                    "threshold": float(self.classifier.thresholds_[j]),
                    "probability": float(probabilities[0, j]),
                    "assigned": theme.id in assigned,
                    "evidence": theme_hits,
                    "features": self.classifier.top_features(text, theme.id, n_features),
                    "combination": self.classifier.explain_score(text, theme.id),
                }
            )
        rows.sort(key=lambda r: (-r["score"], r["id"]))
        return {"result": result, "themes": rows}


def _pick_evidence(hits: Sequence[KeywordHit], theme_id: str) -> tuple[KeywordHit, ...]:
    """Up to five hits for a theme: distinct terms first, then in text order."""
    chosen: list[KeywordHit] = []
    seen_terms: set[str] = set()
    seen_sentences: set[str] = set()
    theme_hits = [h for h in hits if h.theme == theme_id]
    for hit in theme_hits:
        if hit.term in seen_terms or hit.sentence in seen_sentences:
            continue
        chosen.append(hit)
        seen_terms.add(hit.term)
        seen_sentences.add(hit.sentence)
        if len(chosen) == _MAX_EVIDENCE:
            break
    return tuple(sorted(chosen, key=lambda h: h.start))


def _as_item(item: Any) -> Article | ThematiekError:
    if isinstance(item, (Article, ThematiekError)):
        return item
    if isinstance(item, str):
        return Article(id="<text>", text=item)
    raise TypeError(f"cannot tag a {type(item).__name__}; give a str or an Article")


def _error_result(error: ThematiekError) -> TagResult:
    source = getattr(error, "source", None) or "<input>"
    line = getattr(error, "line", None)
    if line is not None:
        source = f"{source}:{line}"
    return TagResult(source=source, error=str(error))


def _language_problem(article: Article) -> str | None:
    from thematiek._language import check_dutch

    try:
        check_dutch(article)
    except ThematiekError as exc:
        return str(exc)
    return None


# -- parallel --------------------------------------------------------------------------

_WORKER: Tagger | None = None
# Batches in flight per worker: enough to keep every worker busy while the parent reads
# and writes, few enough that memory stays flat however long the stream.
_IN_FLIGHT = 2


def _init_worker(
    model: str | None, taxonomy: str | None, nlp: str | None, settings: dict[str, Any]
) -> None:
    global _WORKER
    _WORKER = load(model=model, taxonomy=taxonomy, nlp=nlp, **settings)


def _inherit_worker(tagger: Tagger) -> None:
    # With fork the Tagger arrives by memory, not by pickle: no second load, and exactly
    # the parent's pipeline, even one passed in as a Language object.
    global _WORKER
    _WORKER = tagger


def _work(args: tuple[list[Article], float | None, int | None]) -> list[TagResult]:
    if _WORKER is None:  # pragma: no cover - the pool initialiser always runs first
        raise RuntimeError("worker used before it was initialised")
    batch, min_score, max_tags = args
    return _WORKER._tag_batch(list(batch), min_score, max_tags)


def _tag_parallel(
    tagger: Tagger,
    stream: Iterator[Article | ThematiekError],
    batch_size: int,
    n_process: int,
    min_score: float | None,
    max_tags: int | None,
) -> Iterator[TagResult]:
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    initializer: Any
    initargs: tuple[Any, ...]
    context: Any
    if "fork" in mp.get_all_start_methods():
        context = mp.get_context("fork")
        initializer, initargs = _inherit_worker, (tagger,)
    else:  # pragma: no cover - Windows, and macOS builds without fork
        context = mp.get_context("spawn")
        settings = {
            "min_score": tagger.min_score,
            "max_tags": tagger.max_tags,
            "top_keywords": tagger.top_keywords,
            "force": tagger.force,
        }
        initializer = _init_worker
        initargs = (str(tagger.bundle.path), None, tagger.nlp_spec, settings)
    # A ProcessPoolExecutor, not a multiprocessing.Pool: a worker that dies raises
    # BrokenProcessPool here instead of hanging the run. Reader errors never travel to a
    # worker (their exceptions do not survive pickling); they become results here.
    pending: deque[tuple[list[TagResult | None], Future[list[TagResult]]]] = deque()
    with ProcessPoolExecutor(
        n_process, mp_context=context, initializer=initializer, initargs=initargs
    ) as pool:
        while batch := list(islice(stream, batch_size)):
            slots: list[TagResult | None] = [
                _error_result(item) if isinstance(item, ThematiekError) else None for item in batch
            ]
            articles = [item for item in batch if not isinstance(item, ThematiekError)]
            pending.append((slots, pool.submit(_work, (articles, min_score, max_tags))))
            if len(pending) >= _IN_FLIGHT * n_process:
                yield from _merge(*pending.popleft())
        while pending:
            yield from _merge(*pending.popleft())


def _merge(slots: list[TagResult | None], future: Any) -> Iterator[TagResult]:
    tagged = iter(future.result())
    for slot in slots:
        yield slot if slot is not None else next(tagged)


# -- building a Tagger -------------------------------------------------------------------


def load(
    model: str | Path | None = None,
    *,
    taxonomy: str | Path | Taxonomy | None = None,
    nlp: str | Language | None = None,
    min_score: float | None = None,
    max_tags: int | None = None,
    top_keywords: int = 10,
    force: bool = False,
) -> Tagger:
    """Load a Tagger: the model bundle and the Dutch pipeline, once.

    Args:
        model: A model bundle folder; ``None`` for the default model (or the
            ``THEMATIEK_MODEL`` environment variable).
        taxonomy: A taxonomy the model must have been trained for (a model trained for
            another one is refused).
        nlp: A spaCy pipeline, or its name for :func:`thematiek.load_nlp`.
        min_score: A floor on top of the per-theme thresholds.
        max_tags: The most themes per article.
        top_keywords: How many key phrases per article.
        force: Tag articles that are not Dutch or too short.

    Returns:
        A ready Tagger.

    Raises:
        ModelError: The model is missing, damaged, untrusted or for another taxonomy.
        NlpError: The pipeline cannot be loaded.
        TaxonomyError: The taxonomy file is invalid.
    """
    from thematiek.model import load_model
    from thematiek.nlp import load_nlp
    from thematiek.taxonomy import Taxonomy, load_taxonomy

    wanted = None
    if taxonomy is not None:
        wanted = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    if model is None:
        model = os.environ.get("THEMATIEK_MODEL") or None
    bundle = load_model(model, taxonomy=wanted)
    pipeline = nlp if nlp is not None and not isinstance(nlp, str) else load_nlp(nlp)
    return Tagger(
        bundle,
        pipeline,
        min_score=min_score,
        max_tags=max_tags,
        top_keywords=top_keywords,
        force=force,
        nlp_spec=nlp if isinstance(nlp, str) else None,
    )


# -- engine-agnostic batches -------------------------------------------------------------

_TAGGERS: dict[tuple[Any, ...], Tagger] = {}


def tag_batches(
    batches: Iterable[pd.DataFrame],
    *,
    text_col: str = "text",
    id_col: str | None = None,
    title_col: str | None = None,
    model: str | None = None,
    nlp: str | None = None,
    min_score: float | None = None,
    max_tags: int | None = None,
    force: bool = False,
) -> Iterator[pd.DataFrame]:
    """Tag pandas DataFrames, batch by batch: the function Spark, Dask and Ray call.

    The model and pipeline load once per process and are reused for every batch.

    Args:
        batches: DataFrames with a text column (and optional id and title columns).
        text_col: The text column.
        id_col: An id column copied to the output (else the row's index).
        title_col: A title column.
        model: A model bundle folder (``None``: the default model).
        nlp: The spaCy pipeline name.
        min_score: A floor on top of the per-theme thresholds.
        max_tags: The most themes per article.
        force: Tag texts that are not Dutch or too short.

    Yields:
        One DataFrame per input batch with columns ``id``, ``themes`` (comma-separated
        ids, best first), ``scores`` (JSON object of all theme scores), ``keywords``
        (comma-separated), ``error`` (empty when tagged).
    """
    import json

    import pandas as pd

    key = (model, nlp, min_score, max_tags, force)
    tagger = _TAGGERS.get(key)
    if tagger is None:
        tagger = _TAGGERS[key] = load(
            model, nlp=nlp, min_score=min_score, max_tags=max_tags, force=force
        )
    for frame in batches:
        ids = frame[id_col].astype(str).tolist() if id_col else [str(i) for i in frame.index]
        titles = frame[title_col].tolist() if title_col else [None] * len(frame)
        # A missing value is None, NaN or pd.NA depending on the column's dtype.
        articles = [
            Article(id=i, text="" if pd.isna(t) else str(t), title=None if pd.isna(h) else str(h))
            for i, t, h in zip(ids, frame[text_col].tolist(), titles, strict=True)
        ]
        rows = []
        for article, result in zip(articles, tagger.tag_many(articles), strict=True):
            rows.append(
                {
                    "id": article.id,
                    "themes": ",".join(t.id for t in result.themes),
                    "scores": json.dumps(
                        {k: round(v, 4) for k, v in sorted(result.scores.items())}
                    ),
                    "keywords": ",".join(k.text for k in result.keywords),
                    "error": result.error or "",
                }
            )
        yield pd.DataFrame(rows, columns=["id", "themes", "scores", "keywords", "error"])
