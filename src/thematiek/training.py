"""Training and evaluating theme models on a labelled corpus."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from thematiek.errors import ThematiekError
from thematiek.records import Article

if TYPE_CHECKING:
    from spacy.language import Language

    from thematiek.classify import ThemeClassifier
    from thematiek.taxonomy import Taxonomy

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class LabelledCorpus:
    """Articles with their tags, analysed: what training and evaluation read.

    Attributes:
        articles: The labelled articles (those with a tags field).
        lemma_texts: The classifier's view of each article.
        Y: Indicator matrix (articles, themes) in taxonomy order.
        theme_ids: The taxonomy's theme ids.
        errors: Inputs that could not be read, as messages.
    """

    articles: list[Article]
    lemma_texts: list[str]
    Y: np.ndarray
    theme_ids: list[str]
    errors: list[str]
    docs: list[Any]


def read_labelled(
    paths: Sequence[str | Path],
    taxonomy: Taxonomy,
    nlp: Language,
    progress: Progress = _no_progress,
) -> LabelledCorpus:
    """Read, check and analyse a labelled corpus.

    Articles without a tags field are skipped (unlabelled); tags outside the taxonomy
    are an error, because a model cannot learn from them.

    Raises:
        ThematiekError: When no labelled article is found or a tag is unknown.
    """
    from thematiek.corpus import read_inputs
    from thematiek.tagging import classifier_text

    articles: list[Article] = []
    errors: list[str] = []
    unknown: list[str] = []
    for item in read_inputs(paths):
        if isinstance(item, ThematiekError):
            errors.append(str(item))
            continue
        if item.tags is None:
            continue
        bad = [t for t in item.tags if t not in taxonomy]
        if bad:
            unknown.append(f"{item.id}: unknown tags {', '.join(bad)}")
        articles.append(item)
    if unknown:
        raise ThematiekError(
            f"{len(unknown)} articles have tags outside the taxonomy: " + "; ".join(unknown[:5])
        )
    if not articles:
        raise ThematiekError(
            f"no labelled articles (with a tags field) in {', '.join(map(str, paths))}"
        )
    theme_ids = list(taxonomy.ids)
    index = {t: i for i, t in enumerate(theme_ids)}
    Y = np.zeros((len(articles), len(theme_ids)), dtype=int)
    for i, article in enumerate(articles):
        for tag in article.tags or ():
            Y[i, index[tag]] = 1
    texts, docs = [], []
    for n, (doc, article) in enumerate(
        nlp.pipe(((a.text, a) for a in articles), as_tuples=True), start=1
    ):
        texts.append(classifier_text(nlp, article.title, doc))
        docs.append(doc)
        progress("analyse", n, len(articles))
    return LabelledCorpus(articles, texts, Y, theme_ids, errors, docs)


def train_model(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    taxonomy: Taxonomy | None = None,
    nlp_name: str | None = "embedded",
    cv: int = 5,
    random_state: int = 0,
    progress: Progress = _no_progress,
    classifier_params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train a model bundle on a labelled corpus and write it to ``out``.

    Steps: read and analyse the corpus; cross-validate (multilabel-stratified folds) to
    report metrics; fit the final classifier (which tunes its thresholds by an inner
    cross-validation); count key-phrase background frequencies; save the bundle.

    Returns:
        The bundle's meta.json contents.
    """
    from thematiek.keywords import build_background
    from thematiek.model import hash_corpus, save_model
    from thematiek.nlp import describe_nlp, load_nlp
    from thematiek.taxonomy import load_taxonomy

    started = time.perf_counter()
    taxonomy = taxonomy or load_taxonomy()
    nlp = load_nlp(nlp_name)
    corpus = read_labelled(paths, taxonomy, nlp, progress)
    # Forked workers fit side by side (n_jobs=-1: all cores): the final model and the
    # cross-validation folds in one pool.
    params = {"random_state": random_state, "cv": cv, "n_jobs": -1, **(classifier_params or {})}
    metrics, classifier = _cross_validate(corpus, taxonomy, cv, params, progress, fit_all=True)
    assert classifier is not None
    background = build_background(corpus.docs)
    meta = {
        "nlp": describe_nlp(nlp),
        "corpus": {
            "paths": [str(p) for p in paths],
            "articles": len(corpus.articles),
            "sha256": hash_corpus((a.id, a.text, a.tags or ()) for a in corpus.articles),
        },
        "params": {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in classifier.get_params().items()
            if k != "taxonomy"
        },
        "metrics": metrics,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    save_model(out, classifier, taxonomy, background, meta)
    progress("save", 1, 1)
    from thematiek.model import read_meta

    return read_meta(out)


def cross_validate(
    corpus: LabelledCorpus,
    taxonomy: Taxonomy,
    *,
    cv: int = 5,
    params: dict[str, Any] | None = None,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """K-fold multilabel-stratified cross-validation of the whole training procedure.

    Each fold trains a fresh classifier (with its own inner threshold tuning) on the
    other folds, so the figures are honest estimates for unseen articles.

    Returns:
        The evaluation of :func:`thematiek.classify.evaluate_predictions` plus ``cv``.
    """
    return _cross_validate(corpus, taxonomy, cv, dict(params or {}), progress, fit_all=False)[0]


def _cross_validate(
    corpus: LabelledCorpus,
    taxonomy: Taxonomy,
    cv: int,
    params: dict[str, Any],
    progress: Progress,
    fit_all: bool,
) -> tuple[dict[str, Any], ThemeClassifier | None]:
    """The cross-validation report and, with ``fit_all``, the model fitted on everything."""
    from thematiek._fork import map_forked, workers_for
    from thematiek.classify import (
        ThemeClassifier,
        evaluate_predictions,
        multilabel_folds,
        remember_lexicon_figures,
    )

    predicted = np.zeros_like(corpus.Y)
    folds = multilabel_folds(corpus.Y, cv, params.get("random_state", 0))
    # The full fit first: it is the longest, and the folds fill the other workers.
    items: list[tuple[np.ndarray, np.ndarray] | None] = [None] if fit_all else []
    items += folds
    workers = workers_for(params.get("n_jobs"), len(items))
    if workers > 1:
        # Whole fits side by side in forked workers, each fitting its models one by one:
        # the serial parts of a fit (features, combiner) then run in parallel too.
        remember_lexicon_figures(taxonomy, corpus.lemma_texts)
        job = (corpus, taxonomy, {**params, "n_jobs": 1})
        results = map_forked(_fit_fold, job, items, workers)
    else:
        job = (corpus, taxonomy, params)
        results = (_fit_fold(job, item) for item in items)
    if fit_all:
        progress("fit", 0, 1)
    progress("cross-validate", 0, len(folds))
    classifier = None
    done = 0
    for result in results:
        if isinstance(result, ThemeClassifier):
            classifier = result.set_params(n_jobs=params.get("n_jobs"))
            progress("fit", 1, 1)
            continue
        test, rows = result
        predicted[test] = rows
        done += 1
        progress("cross-validate", done, len(folds))
    report = evaluate_predictions(corpus.Y, predicted, corpus.theme_ids)
    report["cv"] = cv
    report["articles"] = len(corpus.articles)
    return _rounded(report), classifier


def _fit_fold(
    job: tuple[LabelledCorpus, Taxonomy, dict[str, Any]],
    fold: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray] | ThemeClassifier:
    """Fit one cross-validation fold and predict its held-out articles; or, for ``None``,
    fit the model on every article."""
    from thematiek.classify import ThemeClassifier

    corpus, taxonomy, params = job
    model = ThemeClassifier(taxonomy, **params)
    if fold is None:
        return model.fit(corpus.lemma_texts, corpus.Y)
    train, test = fold
    model.fit([corpus.lemma_texts[i] for i in train], corpus.Y[train])
    return test, model.predict([corpus.lemma_texts[i] for i in test])


def cross_validate_paths(
    paths: Sequence[str | Path],
    *,
    cv: int = 5,
    taxonomy: str | Path | None = None,
    nlp_name: str | None = "embedded",
    random_state: int = 0,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """Read a labelled corpus and cross-validate the training procedure on it."""
    from thematiek.nlp import load_nlp
    from thematiek.taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy)
    corpus = read_labelled(paths, tax, load_nlp(nlp_name), progress)
    params = {"random_state": random_state, "cv": cv, "n_jobs": -1}
    return cross_validate(corpus, tax, cv=cv, params=params, progress=progress)


def evaluate_model(
    paths: Sequence[str | Path],
    *,
    model: str | Path | None = None,
    nlp_name: str | None = None,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """Evaluate a trained model on a labelled corpus (no retraining).

    Returns:
        Per-theme precision, recall, F1, support; micro and macro averages.
    """
    from thematiek.classify import evaluate_predictions
    from thematiek.tagging import load

    tagger = load(model, nlp=nlp_name, force=True)
    corpus = read_labelled(paths, tagger.taxonomy, tagger.nlp, progress)
    predicted = np.zeros_like(corpus.Y)
    index = {t: i for i, t in enumerate(corpus.theme_ids)}
    for i, result in enumerate(tagger.tag_many(corpus.articles)):
        for theme in result.themes:
            predicted[i, index[theme.id]] = 1
    report = evaluate_predictions(corpus.Y, predicted, corpus.theme_ids)
    report["articles"] = len(corpus.articles)
    report["model"] = tagger.model_name
    return _rounded(report)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value
