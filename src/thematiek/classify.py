"""The scikit-learn theme classifier: features, training, calibration, thresholds, evaluation.

The classifier reads *classifier texts*: an article's title and body as lower-case lemmas,
with ``§`` before the title and ``¶`` between paragraphs (see
:func:`thematiek.tagging.classifier_text`). It works in two levels:

1. Per theme, a logistic regression over lemma word n-grams, character n-grams (for
   compounds and spelling variants) and lexicon features gives a decision value; one more
   regression gives an "on-topic" decision (any theme at all).
2. One small logistic regression (the *combiner*), shared by all themes, turns a theme's
   decision, the on-topic decision, the theme's best paragraph and its lexicon evidence
   (hits, distinct terms, hits in the best paragraph, paragraphs with real attention,
   title hits, share of all hits) into the final, calibrated score. It also sees how far
   the theme lags behind the article's strongest theme (text model, best paragraph,
   lexicon hits) and has an intercept per theme. It is trained on cross-validated
   decisions, so it learns how far to trust the text model and the lexicon; pooling the
   themes gives it fourteen times the rows a per-theme combiner would have.

Every theme then gets its own threshold, tuned for F1 on cross-validated final scores with
multilabel-stratified folds and drawn halfway towards the one threshold that is best for
micro-F1 over all themes: with about 200 positives per theme, a theme's own optimum fits
part of the noise of its folds.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from thematiek._fork import map_forked, workers_for
from thematiek.keywords import matcher_for, score_lexicon
from thematiek.taxonomy import Taxonomy, load_taxonomy

_THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.01), 2)
_SHRINKAGE = 0.5  # how far each theme's threshold is drawn towards the shared one


def _resolve_taxonomy(taxonomy: Taxonomy | str | None) -> Taxonomy:
    if isinstance(taxonomy, Taxonomy):
        return taxonomy
    return load_taxonomy(taxonomy)


TITLE_MARK = "§"
PARAGRAPH_MARK = "¶"
_MARKS = (TITLE_MARK, PARAGRAPH_MARK)
_LEXICON_STATS = 7
_MIN_PARAGRAPH = 8  # tokens; shorter lines (headings, menu items) are no paragraph
_STAT_NAMES = (
    "hits", "distinct terms", "strength", "best paragraph", "paragraphs with attention",
    "title", "share of hits",
)  # fmt: skip
_COMBINER_NAMES = (
    "text model", "on-topic model", "best paragraph (text model)",
    "paragraphs about it (text model)", *(f"lexicon {s}" for s in _STAT_NAMES),
    "text model, behind the article's top theme",
    "best paragraph, behind the article's top theme",
    "lexicon hits, behind the article's top theme",
)  # fmt: skip


def _word_tokens(text: str) -> list[str]:
    return [token for token in text.split() if token not in _MARKS]


def _strip_marks(text: str) -> str:
    return text.replace(PARAGRAPH_MARK, " ").replace(TITLE_MARK, " ")


def _segments(text: str) -> tuple[list[str], list[list[str]]]:
    """The title's tokens and the body's paragraphs of a classifier text."""
    title: list[str] = []
    paragraphs: list[list[str]] = [[]]
    in_title = False
    for token in text.split():
        if token == TITLE_MARK:
            in_title = True
        elif token == PARAGRAPH_MARK:
            if in_title:
                in_title = False
            elif paragraphs[-1]:
                paragraphs.append([])
        elif in_title:
            title.append(token)
        else:
            paragraphs[-1].append(token)
    return title, [p for p in paragraphs if p]


# Per fitted character vectorizer: word -> the vocabulary indices of its n-grams.
_NGRAM_CACHE: weakref.WeakKeyDictionary[TfidfVectorizer, dict[str, list[int]]] = (
    weakref.WeakKeyDictionary()
)
_NGRAM_CACHE_WORDS = 500_000


def _tfidf_transform(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    """``vectorizer.transform(texts)``, several times faster for ``char_wb`` vectorizers.

    Character n-grams within word boundaries are a function of each word alone, and words
    repeat: the n-grams of a word are looked up in the vocabulary once and kept, so a text
    costs one dictionary look-up per word instead of one per n-gram. The result equals
    scikit-learn's (counts, then sublinear tf, idf and the row norm).
    """
    if (
        vectorizer.analyzer != "char_wb"
        or not vectorizer.sublinear_tf
        or vectorizer.norm != "l2"
        or not vectorizer.use_idf
    ):
        return vectorizer.transform(texts)
    cache = _NGRAM_CACHE.setdefault(vectorizer, {})
    if len(cache) > _NGRAM_CACHE_WORDS:
        cache.clear()
    counts = _count_words(vectorizer, texts, cache, vectorizer.vocabulary_, grow=False)
    counts.data = (np.log(counts.data) + 1.0) * vectorizer.idf_[counts.indices]
    return normalize(counts, norm="l2", copy=False).astype(vectorizer.dtype)


def _count_words(
    vectorizer: TfidfVectorizer,
    texts: Iterable[str],
    cache: dict[str, list[int]],
    vocabulary: dict[str, int],
    grow: bool,
) -> sp.csr_matrix:
    """The n-gram count matrix of a ``char_wb`` vectorizer, one row per text and one column
    per vocabulary term: each distinct word is analysed once (``cache`` keeps its columns).
    With ``grow``, unseen n-grams join the vocabulary in order of first appearance; without,
    they are left out."""
    analyze = vectorizer.build_analyzer()
    preprocess = vectorizer.build_preprocessor()
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        for word in preprocess(text).split():
            ids = cache.get(word)
            if ids is None:
                grams = analyze(word)
                if grow:
                    ids = [vocabulary.setdefault(g, len(vocabulary)) for g in grams]
                else:
                    ids = [vocabulary[g] for g in grams if g in vocabulary]
                cache[word] = ids
            indices.extend(ids)
        indptr.append(len(indices))
    counts = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(indptr) - 1, len(vocabulary)),
    )
    counts.sum_duplicates()  # sorts the indices and adds up repeated n-grams
    return counts


def _fit_vectorizer(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> None:
    """``vectorizer.fit(texts)``, several times faster for ``char_wb`` vectorizers.

    scikit-learn counts a text's character n-grams one by one in Python; here, as in
    :func:`_tfidf_transform`, each distinct word is analysed once. Only the counting step
    is replaced (for the duration of the fit), so the vocabulary, its pruning and the idf
    weights are scikit-learn's own, and equal to a plain fit.
    """
    if vectorizer.analyzer != "char_wb":
        vectorizer.fit(texts)
        return
    # An instance attribute shadows the method during this one fit; it is gone after.
    vectorizer._count_vocab = partial(_count_char_wb, vectorizer)
    try:
        vectorizer.fit(texts)
    finally:
        del vectorizer._count_vocab


def _count_char_wb(
    vectorizer: TfidfVectorizer, texts: Iterable[str], fixed_vocab: bool
) -> tuple[dict[str, int], sp.csr_matrix]:
    """What ``CountVectorizer._count_vocab`` returns when it learns a vocabulary: terms
    numbered in order of first appearance, and the count matrix."""
    if fixed_vocab:
        raise ValueError("a fixed vocabulary is not counted here")
    vocabulary: dict[str, int] = {}
    counts = _count_words(vectorizer, texts, {}, vocabulary, grow=True)
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    counts = counts.astype(vectorizer.dtype)
    return vocabulary, counts


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Lexicon evidence per theme, seven figures each.

    For every theme: log(1 + weighted hits), log(1 + distinct terms), the lexicon strength
    (see :func:`thematiek.keywords.score_lexicon`), log(1 + hits in the best paragraph),
    log(1 + paragraphs with two or more hits), hits in the title (0, 1 or 2+ as 0/0.5/1),
    and the theme's share of all lexicon hits of the article.

    Args:
        taxonomy: A :class:`~thematiek.taxonomy.Taxonomy`, a path to one, or ``None`` for
            the default taxonomy.
    """

    def __init__(self, taxonomy: Taxonomy | str | None = None) -> None:
        self.taxonomy = taxonomy

    def fit(self, X: Iterable[str], y: Any = None) -> LexiconFeatures:
        """Resolve the taxonomy; there is nothing to learn."""
        self.taxonomy_ = _resolve_taxonomy(self.taxonomy)
        self.theme_ids_ = list(self.taxonomy_.ids)
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Dense lexicon features, shape (n, 7 * themes), grouped per theme."""
        check_is_fitted(self, "theme_ids_")
        matcher = matcher_for(self.taxonomy_)
        index = {theme_id: j for j, theme_id in enumerate(self.theme_ids_)}
        k = len(self.theme_ids_)
        rows = []
        for text in X:
            title, paragraphs = _segments(text)
            body = [token for paragraph in paragraphs for token in paragraph]
            summary = score_lexicon(matcher.match(body), self.theme_ids_, len(body))
            best = np.zeros(k)
            attended = np.zeros(k)
            for paragraph in paragraphs:
                weights = np.zeros(k)
                for match in matcher.match(paragraph):
                    weights[index[match.theme]] += match.weight
                best = np.maximum(best, weights)
                attended += weights >= 2.0
            in_title = np.zeros(k)
            for match in matcher.match(title):
                in_title[index[match.theme]] += match.weight
            hits = np.array([summary[t][0] for t in self.theme_ids_])
            share = hits / hits.sum() if hits.sum() else hits
            row = np.empty((k, _LEXICON_STATS))
            row[:, 0] = np.log1p(hits)
            row[:, 1] = np.log1p([summary[t][1] for t in self.theme_ids_])
            row[:, 2] = [summary[t][2] for t in self.theme_ids_]
            row[:, 3] = np.log1p(best)
            row[:, 4] = np.log1p(attended)
            row[:, 5] = np.minimum(in_title, 2.0) / 2.0
            row[:, 6] = share
            rows.append(row.ravel())
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), _LEXICON_STATS * k)


# Lexicon figures of texts seen in a fit, per taxonomy: cross-validation (``thematiek
# train``, ``evaluate --cv``) fits the same texts again and again; tagging never uses it.
_LEXICON_CACHE: dict[tuple[str, str], np.ndarray] = {}
_LEXICON_CACHE_TEXTS = 20_000


def remember_lexicon_figures(taxonomy: Taxonomy, texts: Sequence[str]) -> None:
    """Compute the lexicon figures of texts that fits will see, once, ahead of them (forked
    cross-validation workers then share them instead of each computing their own)."""
    _lexicon_rows(LexiconFeatures(taxonomy).fit(texts), texts)


def _lexicon_rows(features: LexiconFeatures, texts: Sequence[str]) -> np.ndarray:
    """``features.transform(texts)``, remembered per text for the next fit."""
    fingerprint = features.taxonomy_.fingerprint()
    missing = [text for text in dict.fromkeys(texts) if (fingerprint, text) not in _LEXICON_CACHE]
    if len(_LEXICON_CACHE) + len(missing) > _LEXICON_CACHE_TEXTS:
        _LEXICON_CACHE.clear()
    if missing:
        for text, row in zip(missing, features.transform(missing), strict=True):
            _LEXICON_CACHE[(fingerprint, text)] = row
    width = _LEXICON_STATS * len(features.theme_ids_)
    rows = [_LEXICON_CACHE[(fingerprint, text)] for text in texts]
    return np.asarray(rows, dtype=np.float64).reshape(len(texts), width)


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label theme classifier over lemma texts, with per-theme tuned thresholds.

    Follows the scikit-learn estimator contract: ``__init__`` stores parameters only,
    fitted state ends in ``_``, ``fit`` returns ``self``; it works with ``clone`` and
    inside a ``Pipeline``.

    Args:
        taxonomy: The taxonomy (object, path, or ``None`` for the default one).
        word_ngrams: The n-gram range of lemma word features.
        char_ngrams: The n-gram range of character features (within word boundaries).
        max_word_features: The largest word vocabulary kept.
        max_char_features: The largest character vocabulary kept.
        C: Inverse regularisation strength of the per-theme text models.
        combiner_C: Inverse regularisation strength of the combiner.
        lexicon_scale: The weight of the lexicon figures among the text model's features
            (0 leaves them to the combiner alone).
        max_tags: The most themes assigned to one article.
        cv: The number of multilabel-stratified folds for calibration and thresholds.
        tune_thresholds: Tune one threshold per theme (drawn halfway to the best shared
            one), else 0.5 for all.
        random_state: Seed for the folds.
        n_jobs: Forked worker processes for fitting the per-theme models (``-1``: all
            cores; sequential on Windows and macOS, where forking is missing or unsafe);
            the result does not depend on it.
    """

    def __init__(
        self,
        taxonomy: Taxonomy | str | None = None,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        max_word_features: int = 20000,
        max_char_features: int = 20000,
        C: float = 8.0,
        combiner_C: float = 1.0,
        lexicon_scale: float = 0.0,
        max_tags: int = 4,
        cv: int = 5,
        tune_thresholds: bool = True,
        random_state: int | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.C = C
        self.combiner_C = combiner_C
        self.lexicon_scale = lexicon_scale
        self.max_tags = max_tags
        self.cv = cv
        self.tune_thresholds = tune_thresholds
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting -------------------------------------------------------------------------

    def fit(self, X: Sequence[str], y: Any) -> ThemeClassifier:
        """Fit the features and per-theme models, calibrate, and tune the thresholds.

        Args:
            X: Lemma texts.
            y: A binary indicator matrix (n, themes) in taxonomy order, or one iterable of
                theme ids per text.

        Returns:
            self
        """
        texts = list(X)
        taxonomy = _resolve_taxonomy(self.taxonomy)
        self.taxonomy_ = taxonomy
        self.classes_ = np.array(taxonomy.ids)
        Y = self._binarize(y, len(texts))
        self.lexicon_ = LexiconFeatures(taxonomy).fit(texts)
        lexicon = _lexicon_rows(self.lexicon_, texts)
        # The vocabularies and idf weights are fitted once, on every training text; the
        # folds below reuse the matrix (no labels are involved in that step).
        self.vectorizers_ = self._fit_vectorizers(texts)
        features = self._features(self.vectorizers_, texts, lexicon)
        # Level 1: one text model per theme, plus one for "on-topic at all".
        targets = np.hstack([Y, (Y.sum(axis=1) > 0).astype(int)[:, None]])
        folds = multilabel_folds(Y, max(2, self.cv), self.random_state)
        oof = np.zeros(targets.shape, dtype=np.float64)
        paragraphs, owners = self._paragraph_features(texts)
        oof_best = np.zeros((Y.shape[0], 2 * Y.shape[1]), dtype=np.float64)
        for train, test in folds:
            models = self._fit_models(features[train], targets[train])
            oof[test] = _decisions(models, features[test])
            oof_best[test] = _best_paragraph(models, paragraphs, owners, test, Y.shape[1])
        self.models_ = self._fit_models(features, targets)
        self.calibration_ = np.array(
            [_fit_platt(oof[:, j], targets[:, j]) for j in range(targets.shape[1])]
        )
        # Level 2: one combiner of the decisions and the lexicon evidence over all
        # (article, theme) pairs, trained on the cross-validated decisions; its own
        # cross-validated scores tune the threshold.
        k = Y.shape[1]
        inputs = _combiner_inputs(oof, lexicon, oof_best)
        self.combiner_ = self._fit_combiner(inputs, Y.ravel())
        scores = np.zeros(Y.shape, dtype=np.float64)
        for train, test in folds:
            combiner = self._fit_combiner(inputs[_pair_rows(train, k)], Y[train].ravel())
            scores[test] = _combiner_scores(combiner, inputs[_pair_rows(test, k)]).reshape(-1, k)
        if self.tune_thresholds:
            # Each theme's own best threshold, drawn halfway to the best shared one: with
            # about 200 positives per theme, a theme's own optimum is partly the noise of
            # its folds.
            shared = _best_threshold(scores, Y)
            own = np.array([_best_threshold(scores[:, j], Y[:, j]) for j in range(k)])
            self.thresholds_ = np.round(_SHRINKAGE * shared + (1 - _SHRINKAGE) * own, 4)
        else:
            self.thresholds_ = np.full(k, 0.5)
        self._pack_vocabularies()
        return self

    def _pack_vocabularies(self) -> None:
        # A vocabulary is saved as one array of terms, not as a dict: skops would write
        # every entry as a node of its own (a 25 MB schema that takes seconds to load).
        self.vocabularies_ = []
        for vectorizer in self.vectorizers_:
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            self.vocabularies_.append(np.array(terms, dtype=str))
            del vectorizer.vocabulary_

    def _unpack_vocabularies(self) -> None:
        if not hasattr(self, "vocabularies_"):  # during fit: the vectorizers have their own
            return
        for vectorizer, terms in zip(self.vectorizers_, self.vocabularies_, strict=True):
            if not hasattr(vectorizer, "vocabulary_"):
                vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(terms)}

    def _paragraph_features(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """TF-IDF rows of every paragraph (title included) and the text each belongs to."""
        self._unpack_vocabularies()
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            title, paragraphs = _segments(text)
            for paragraph in [title, *paragraphs]:
                if len(paragraph) >= _MIN_PARAGRAPH:
                    pieces.append(" ".join(paragraph))
                    owners.append(i)
        width = _LEXICON_STATS * len(self.classes_) if self.lexicon_scale else 0
        if not pieces:
            width += sum(len(v.vocabulary_) for v in self.vectorizers_)
            return sp.csr_matrix((0, width), dtype=np.float32), np.zeros(0, dtype=int)
        blocks = [_tfidf_transform(v, pieces) for v in self.vectorizers_]
        if width:
            blocks.append(sp.csr_matrix((len(pieces), width), dtype=np.float32))
        return sp.hstack(blocks, format="csr"), np.asarray(owners, dtype=int)

    def _fit_combiner(self, inputs: np.ndarray, labels: np.ndarray) -> LogisticRegression | float:
        if labels.min() == labels.max():
            return float(labels[0])
        return LogisticRegression(C=self.combiner_C, solver="lbfgs", max_iter=2000).fit(
            inputs, labels
        )

    def _binarize(self, y: Any, n: int) -> np.ndarray:
        if isinstance(y, np.ndarray) or sp.issparse(y):
            Y = np.asarray(y.toarray() if sp.issparse(y) else y, dtype=int)
        else:
            rows = list(y)
            if rows and all(isinstance(r, (list, tuple, set, frozenset)) for r in rows):
                index = {c: i for i, c in enumerate(self.classes_)}
                Y = np.zeros((len(rows), len(self.classes_)), dtype=int)
                for i, tags in enumerate(rows):
                    for tag in tags:
                        if tag not in index:
                            raise ValueError(f"unknown theme {tag!r} in y")
                        Y[i, index[tag]] = 1
            else:
                Y = np.asarray(rows, dtype=int)
        if Y.shape != (n, len(self.classes_)):
            raise ValueError(f"y has shape {Y.shape}, expected {(n, len(self.classes_))}")
        return Y

    def _make_vectorizers(self) -> list[TfidfVectorizer]:
        word = TfidfVectorizer(
            analyzer="word",
            tokenizer=_word_tokens,
            token_pattern=None,
            lowercase=False,
            ngram_range=self.word_ngrams,
            min_df=2,
            max_df=0.9,
            sublinear_tf=True,
            max_features=self.max_word_features,
            dtype=np.float32,
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            preprocessor=_strip_marks,
            ngram_range=self.char_ngrams,
            min_df=3,
            max_df=0.9,
            sublinear_tf=True,
            max_features=self.max_char_features,
            dtype=np.float32,
        )
        return [word, char]

    def _features(
        self, vectorizers: list[TfidfVectorizer], texts: Sequence[str], lexicon: np.ndarray
    ) -> sp.csr_matrix:
        if vectorizers is getattr(self, "vectorizers_", None):
            self._unpack_vocabularies()
        blocks = [_tfidf_transform(v, texts) for v in vectorizers]
        if self.lexicon_scale:
            # Scaled to the size of TF-IDF values; unscaled, they slow liblinear down.
            blocks.append(sp.csr_matrix((lexicon * self.lexicon_scale).astype(np.float32)))
        return sp.hstack(blocks, format="csr")

    def _fit_vectorizers(self, texts: Sequence[str]) -> list[TfidfVectorizer]:
        vectorizers = self._make_vectorizers()
        for vectorizer in vectorizers:
            _fit_vectorizer(vectorizer, texts)
            # The pruned-terms set is large and only there for introspection; plain ints
            # keep the saved vocabulary compact (one array per numpy scalar otherwise).
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
            vectorizer.vocabulary_ = {k: int(v) for k, v in vectorizer.vocabulary_.items()}
        return vectorizers

    def _fit_models(
        self,
        features: sp.csr_matrix,
        Y: np.ndarray,
    ) -> list[LogisticRegression | float]:
        columns = range(Y.shape[1])
        workers = workers_for(self.n_jobs, len(columns))
        if workers == 1:
            return [self._fit_one(features, Y[:, j]) for j in columns]
        # Forked processes, not threads: liblinear draws from one process-wide random
        # generator (the dual solver shuffles with it), so fits running side by side in
        # threads would change each other's results. A forked worker shares the features
        # without a copy and fits its themes one after another, each seeded the same way.
        return list(map_forked(_fit_column, (self, features, Y), columns, workers))

    def _fit_one(self, features: sp.csr_matrix, column: np.ndarray) -> LogisticRegression | float:
        if column.min() == column.max():
            return float(column[0])  # a theme with one class only: constant
        model = LogisticRegression(
            C=self.C,
            solver="liblinear",
            # The dual problem has one variable per article, the primal one per feature:
            # with hundreds of articles and tens of thousands of features, dual is ~2.5x
            # faster to the same optimum.
            dual=True,
            # Stopping at 1e-3 instead of 1e-4 saves a seventh of the training time; on
            # corpus/ the cross-validated figures are the same to four decimals.
            tol=1e-3,
            class_weight="balanced",
            max_iter=1000,
            random_state=self.random_state,
        )
        model.fit(features, column)
        # float32 weights halve the bundle; the scores differ by < 1e-6.
        model.coef_ = model.coef_.astype(np.float32)
        return model

    # -- prediction ----------------------------------------------------------------------

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Raw per-theme decision values of the text models, shape (n, themes)."""
        check_is_fitted(self, "models_")
        texts = list(X)
        lexicon = self.lexicon_.transform(texts)
        features = self._features(self.vectorizers_, texts, lexicon)
        return _decisions(self.models_, features)[:, : len(self.classes_)]

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """The final, calibrated score of every theme, shape (n, themes)."""
        return self.score_themes(X)[1]

    def score_themes(self, X: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The text models' calibrated probabilities and the final scores.

        Args:
            X: Classifier texts.

        Returns:
            (text-model probabilities, final scores), each of shape (n, themes).
        """
        check_is_fitted(self, "models_")
        texts = list(X)
        k = len(self.classes_)
        decisions, inputs = self._combiner_view(texts)
        probabilities = _apply_platt(decisions[:, :k], self.calibration_[:k])
        scores = _combiner_scores(self.combiner_, inputs).reshape(len(texts), k)
        return probabilities, scores

    def _combiner_view(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The text models' decisions (n, themes + 1) and the combiner's rows (n * themes)."""
        lexicon = self.lexicon_.transform(texts)
        decisions = _decisions(self.models_, self._features(self.vectorizers_, texts, lexicon))
        paragraphs, owners = self._paragraph_features(texts)
        best = _best_paragraph(
            self.models_, paragraphs, owners, np.arange(len(texts)), len(self.classes_)
        )
        return decisions, _combiner_inputs(decisions, lexicon, best)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """Indicator matrix of assigned themes (thresholds and ``max_tags`` applied)."""
        _, scores = self.score_themes(X)
        return self.assign(scores)

    def assign(
        self, scores: np.ndarray, min_score: float | None = None, max_tags: int | None = None
    ) -> np.ndarray:
        """Turn final scores into assigned themes.

        Args:
            scores: Final scores (n, themes).
            min_score: A floor on top of the per-theme thresholds.
            max_tags: The most themes per article (default: the estimator's ``max_tags``).

        Returns:
            A 0/1 indicator matrix.
        """
        check_is_fitted(self, "thresholds_")
        limit = self.max_tags if max_tags is None else max_tags
        passed = scores >= self.thresholds_[None, :]
        if min_score is not None:
            passed &= scores >= min_score
        out = np.zeros(scores.shape, dtype=int)
        for i in range(scores.shape[0]):
            candidates = np.flatnonzero(passed[i])
            # Rank by how far above its own threshold a theme is, then by score.
            margin = scores[i, candidates] - self.thresholds_[candidates]
            order = candidates[np.lexsort((-scores[i, candidates], -margin))]
            out[i, order[:limit]] = 1
        return out

    def top_features(self, text: str, theme: str, n: int = 10) -> list[tuple[str, float]]:
        """The features of one lemma text that weigh most for one theme.

        Returns:
            (feature, contribution) pairs, strongest first; positive pushes towards the theme.
        """
        check_is_fitted(self, "models_")
        j = list(self.classes_).index(theme)
        model = self.models_[j]
        if not isinstance(model, LogisticRegression):
            return []
        lexicon = self.lexicon_.transform([text])
        row = self._features(self.vectorizers_, [text], lexicon)
        names = self._feature_names()
        contributions = row.multiply(model.coef_[0]).tocsr()
        pairs = [
            (names[k], float(v))
            for k, v in zip(contributions.indices, contributions.data, strict=True)
        ]
        pairs.sort(key=lambda item: -abs(item[1]))
        return pairs[:n]

    def explain_score(self, text: str, theme: str) -> list[tuple[str, float]]:
        """How the combiner built one theme's score: each input's contribution.

        Returns:
            (input, contribution to the log-odds) pairs, strongest first; the text model's
            decision, the on-topic decision, the best paragraph, the seven lexicon figures,
            the gaps to the article's top theme and the theme's own baseline.
        """
        check_is_fitted(self, "combiner_")
        j = list(self.classes_).index(theme)
        combiner = self.combiner_
        if not isinstance(combiner, LogisticRegression):
            return []
        inputs = self._combiner_view([text])[1][j]
        weights = combiner.coef_[0]
        named = len(_COMBINER_NAMES)  # the rest are the one-hot theme baselines
        pairs = [
            (name, float(value * weight))
            for name, value, weight in zip(
                _COMBINER_NAMES, inputs[:named], weights[:named], strict=True
            )
        ]
        pairs.append(("theme baseline", float(weights[named + j])))
        pairs.sort(key=lambda item: -abs(item[1]))
        return pairs

    def _feature_names(self) -> list[str]:
        self._unpack_vocabularies()
        names = [f"lemma: {w}" for w in self.vectorizers_[0].get_feature_names_out()]
        names += [f"chars: '{c}'" for c in self.vectorizers_[1].get_feature_names_out()]
        if self.lexicon_scale:
            for theme_id in self.classes_:
                names += [f"lexicon {stat} {theme_id}" for stat in _STAT_NAMES]
        return names

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags


def _fit_column(
    job: tuple[ThemeClassifier, sp.csr_matrix, np.ndarray], j: int
) -> LogisticRegression | float:
    estimator, features, Y = job
    return estimator._fit_one(features, Y[:, j])


def _decisions(models: Sequence[LogisticRegression | float], features: sp.csr_matrix) -> np.ndarray:
    out = np.empty((features.shape[0], len(models)), dtype=np.float64)
    for j, model in enumerate(models):
        if isinstance(model, LogisticRegression):
            out[:, j] = model.decision_function(features)
        else:
            out[:, j] = 10.0 if model else -10.0
    return out


def _combiner_inputs(decisions: np.ndarray, lexicon: np.ndarray, best: np.ndarray) -> np.ndarray:
    """The combiner's rows, one per (article, theme) pair, article by article.

    A row holds the theme's decision, the on-topic decision, the decision of the best
    paragraph and the number of paragraphs about the theme, the theme's seven lexicon
    figures, how far the theme's decision, best paragraph and lexicon hits lag behind the
    article's strongest theme, and a one-hot theme indicator (a baseline per theme).
    """
    n, k = best.shape[0], best.shape[1] // 2
    stats = lexicon.reshape(n, k, _LEXICON_STATS)
    text = decisions[:, :k]
    paragraph = best[:, :k]
    columns = [
        text,
        np.repeat(decisions[:, -1:], k, axis=1),
        paragraph,
        best[:, k:],
        *(stats[:, :, s] for s in range(_LEXICON_STATS)),
        text - text.max(axis=1, keepdims=True),
        paragraph - paragraph.max(axis=1, keepdims=True),
        stats[:, :, 0] - stats[:, :, 0].max(axis=1, keepdims=True),
    ]
    pairs = np.stack(columns, axis=2).reshape(n * k, len(columns))
    return np.hstack([pairs, np.tile(np.eye(k), (n, 1))])


def _pair_rows(articles: np.ndarray, k: int) -> np.ndarray:
    """The combiner rows of some articles (k themes each)."""
    return (np.asarray(articles)[:, None] * k + np.arange(k)).ravel()


def _best_paragraph(
    models: Sequence[LogisticRegression | float],
    paragraphs: sp.csr_matrix,
    owners: np.ndarray,
    rows: np.ndarray,
    k: int,
) -> np.ndarray:
    """Per text in ``rows`` (in that order), the highest decision any of its paragraphs gets
    from the document-level models: "one paragraph is clearly about this theme"."""
    best = np.full((len(rows), k), -10.0)
    positive = np.zeros((len(rows), k))
    position = {int(r): n for n, r in enumerate(rows)}
    chosen = np.flatnonzero(np.isin(owners, rows))
    if len(chosen) == 0:
        return np.hstack([best, positive])
    decisions = _decisions(models[:k], paragraphs[chosen])
    for index, row in zip(chosen, decisions, strict=True):
        n = position[int(owners[index])]
        best[n] = np.maximum(best[n], row)
        positive[n] += row > 0
    return np.hstack([best, np.log1p(positive)])


def _combiner_scores(combiner: LogisticRegression | float, inputs: np.ndarray) -> np.ndarray:
    if isinstance(combiner, LogisticRegression):
        return np.asarray(combiner.predict_proba(inputs)[:, 1])
    return np.full(inputs.shape[0], combiner)


def _fit_platt(decisions: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt scaling: a, b such that sigmoid(a * d + b) is a calibrated probability."""
    if labels.min() == labels.max():
        return (1.0, 0.0)
    # Platt's target smoothing avoids over-confident probabilities on small data.
    n_pos = labels.sum()
    n_neg = len(labels) - n_pos
    targets = np.where(labels == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    weights = np.concatenate([targets, 1 - targets])
    x = np.concatenate([decisions, decisions]).reshape(-1, 1)
    y = np.concatenate([np.ones_like(labels), np.zeros_like(labels)])
    model = LogisticRegression(C=1e6, solver="lbfgs").fit(x, y, sample_weight=weights)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def _apply_platt(decisions: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    z = decisions * calibration[None, :, 0] + calibration[None, :, 1]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold with the best F1 over all cells (micro-F1 for a matrix of themes);
    among near-ties, the middle of the plateau."""
    if labels.sum() == 0:
        return 0.9
    best: list[tuple[float, float]] = []
    for threshold in _THRESHOLD_GRID:
        predicted = scores >= threshold
        tp = float(np.sum(predicted & (labels == 1)))
        fp = float(np.sum(predicted & (labels == 0)))
        fn = float(np.sum(~predicted & (labels == 1)))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        best.append((f1, float(threshold)))
    top = max(f for f, _ in best)
    near = [t for f, t in best if f >= top - 0.005]
    # The middle of the plateau generalises better than its edge.
    return float(np.median(near))


def multilabel_folds(
    Y: np.ndarray,
    n_splits: int,
    random_state: int | None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Multilabel-stratified folds (iterative stratification), deterministic for a seed.

    Articles without any theme are stratified as a label of their own.
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    none = (Y.sum(axis=1) == 0).astype(int)[:, None]
    labels = np.hstack([Y, none])
    splitter = MultilabelStratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros((len(Y), 1)), labels))


def evaluate_predictions(
    Y_true: np.ndarray,
    Y_pred: np.ndarray,
    theme_ids: Sequence[str],
) -> dict[str, Any]:
    """Per-theme precision, recall, F1 and support, with micro and macro averages.

    Returns:
        ``{"themes": {id: {...}}, "micro": {...}, "macro": {...}, "none": {...}}``; ``none``
        scores the "no theme" decision (articles with no true and no predicted theme).
    """
    themes: dict[str, dict[str, float]] = {}
    total_tp = total_fp = total_fn = 0
    for j, theme_id in enumerate(theme_ids):
        t, p = Y_true[:, j] == 1, Y_pred[:, j] == 1
        tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        themes[theme_id] = _prf(tp, fp, fn) | {"support": int(t.sum())}
    micro = _prf(total_tp, total_fp, total_fn) | {"support": int(Y_true.sum())}
    macro = {
        key: float(np.mean([m[key] for m in themes.values()]))
        for key in ("precision", "recall", "f1")
    } | {"support": int(Y_true.sum())}
    t_none, p_none = Y_true.sum(axis=1) == 0, Y_pred.sum(axis=1) == 0
    none = _prf(
        int(np.sum(t_none & p_none)), int(np.sum(~t_none & p_none)), int(np.sum(t_none & ~p_none))
    ) | {"support": int(t_none.sum())}
    return {"themes": themes, "micro": micro, "macro": macro, "none": none}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
