"""The scikit-learn theme classifier: features, training, calibration, thresholds, evaluation.

The classifier reads *lemma texts*: an article's lemmas joined by spaces (see
:func:`thematiek.tagging.lemma_text`). Its features are lemma word n-grams, character
n-grams (for compounds and spelling variants) and the lexicon evidence per theme. One
logistic regression per theme gives a decision value, turned into a calibrated probability
by Platt scaling fitted on cross-validated decision values. The final score mixes that
probability with the lexicon strength, and every theme has its own threshold, tuned on
the cross-validated final scores with multilabel-stratified folds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from thematiek.keywords import matcher_for, score_lexicon
from thematiek.taxonomy import Taxonomy, load_taxonomy

_THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.01), 2)


def _resolve_taxonomy(taxonomy: Taxonomy | str | None) -> Taxonomy:
    if isinstance(taxonomy, Taxonomy):
        return taxonomy
    return load_taxonomy(taxonomy)


def _word_tokens(text: str) -> list[str]:
    return text.split()


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Per theme: log(1 + weighted hits), log(1 + distinct terms) and the lexicon strength.

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

    def strengths(self, X: Iterable[str]) -> np.ndarray:
        """The lexicon strength of every theme for every lemma text, shape (n, themes)."""
        check_is_fitted(self, "theme_ids_")
        features = self.transform(X)
        return np.asarray(features[:, 2::3])

    def transform(self, X: Iterable[str]) -> np.ndarray:
        """Dense lexicon features, shape (n, 3 * themes)."""
        check_is_fitted(self, "theme_ids_")
        matcher = matcher_for(self.taxonomy_)
        rows = []
        for text in X:
            tokens = _word_tokens(text)
            summary = score_lexicon(matcher.match(tokens), self.theme_ids_, len(tokens))
            row = []
            for theme_id in self.theme_ids_:
                hits, distinct, strength = summary[theme_id]
                row.extend([np.log1p(hits), np.log1p(distinct), strength])
            rows.append(row)
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), 3 * len(self.theme_ids_))


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
        C: Inverse regularisation strength of the per-theme logistic regressions.
        lexicon_weight: The weight of the lexicon strength in the final score.
        max_tags: The most themes assigned to one article.
        cv: The number of multilabel-stratified folds for calibration and thresholds.
        tune_thresholds: Tune one threshold per theme (else 0.5 for all).
        random_state: Seed for the folds.
    """

    def __init__(
        self,
        taxonomy: Taxonomy | str | None = None,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        max_word_features: int = 20000,
        max_char_features: int = 20000,
        C: float = 8.0,
        lexicon_weight: float = 0.25,
        max_tags: int = 4,
        cv: int = 5,
        tune_thresholds: bool = True,
        random_state: int | None = 0,
    ) -> None:
        self.taxonomy = taxonomy
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.C = C
        self.lexicon_weight = lexicon_weight
        self.max_tags = max_tags
        self.cv = cv
        self.tune_thresholds = tune_thresholds
        self.random_state = random_state

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
        lexicon = self.lexicon_.transform(texts)
        strengths = lexicon[:, 2::3]
        if self.tune_thresholds and self.cv >= 2:
            oof = self._out_of_fold_decisions(texts, lexicon, Y)
            self.calibration_ = np.array(
                [_fit_platt(oof[:, j], Y[:, j]) for j in range(Y.shape[1])]
            )
            scores = self._combine(_apply_platt(oof, self.calibration_), strengths)
            self.thresholds_ = np.array(
                [_best_threshold(scores[:, j], Y[:, j]) for j in range(Y.shape[1])]
            )
            self.cv_scores_: np.ndarray | None = scores
        else:
            self.calibration_ = np.tile([1.0, 0.0], (Y.shape[1], 1))
            self.thresholds_ = np.full(Y.shape[1], 0.5)
            self.cv_scores_ = None
        self.vectorizers_, self.models_ = self._fit_models(texts, lexicon, Y)
        return self

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
        blocks = [v.transform(texts) for v in vectorizers]
        blocks.append(sp.csr_matrix(lexicon.astype(np.float32)))
        return sp.hstack(blocks, format="csr")

    def _fit_models(
        self,
        texts: Sequence[str],
        lexicon: np.ndarray,
        Y: np.ndarray,
    ) -> tuple[list[TfidfVectorizer], list[LogisticRegression | float]]:
        vectorizers = self._make_vectorizers()
        for vectorizer in vectorizers:
            vectorizer.fit(texts)
            # The pruned-terms set is large and only there for introspection; plain ints
            # keep the saved vocabulary compact (one array per numpy scalar otherwise).
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
            vectorizer.vocabulary_ = {k: int(v) for k, v in vectorizer.vocabulary_.items()}
        features = self._features(vectorizers, texts, lexicon)
        models: list[LogisticRegression | float] = []
        for j in range(Y.shape[1]):
            column = Y[:, j]
            if column.min() == column.max():
                models.append(float(column[0]))  # a theme with one class only: constant
                continue
            model = LogisticRegression(
                C=self.C,
                solver="liblinear",
                class_weight="balanced",
                max_iter=1000,
                random_state=self.random_state,
            )
            model.fit(features, column)
            # float32 weights halve the bundle; the scores differ by < 1e-6.
            model.coef_ = model.coef_.astype(np.float32)
            models.append(model)
        return vectorizers, models

    def _out_of_fold_decisions(
        self,
        texts: list[str],
        lexicon: np.ndarray,
        Y: np.ndarray,
    ) -> np.ndarray:
        oof = np.zeros(Y.shape, dtype=np.float64)
        for train, test in multilabel_folds(Y, self.cv, self.random_state):
            train_texts = [texts[i] for i in train]
            vectorizers, models = self._fit_models(train_texts, lexicon[train], Y[train])
            features = self._features(vectorizers, [texts[i] for i in test], lexicon[test])
            oof[test] = _decisions(models, features)
        return oof

    def _combine(self, probabilities: np.ndarray, strengths: np.ndarray) -> np.ndarray:
        w = self.lexicon_weight
        return (1.0 - w) * probabilities + w * strengths

    # -- prediction ----------------------------------------------------------------------

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Raw per-theme decision values, shape (n, themes)."""
        check_is_fitted(self, "models_")
        texts = list(X)
        lexicon = self.lexicon_.transform(texts)
        return _decisions(self.models_, self._features(self.vectorizers_, texts, lexicon))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probability of every theme, shape (n, themes)."""
        check_is_fitted(self, "models_")
        return _apply_platt(self.decision_function(X), self.calibration_)

    def score_themes(
        self,
        X: Sequence[str],
        strengths: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities and final scores.

        Args:
            X: Lemma texts.
            strengths: Lexicon strengths (n, themes) measured elsewhere (on the Doc, with
                surface forms); measured on the lemma texts when ``None``.

        Returns:
            (probabilities, final scores), each of shape (n, themes).
        """
        check_is_fitted(self, "models_")
        texts = list(X)
        lexicon = self.lexicon_.transform(texts)
        decisions = _decisions(self.models_, self._features(self.vectorizers_, texts, lexicon))
        probabilities = _apply_platt(decisions, self.calibration_)
        if strengths is None:
            strengths = lexicon[:, 2::3]
        return probabilities, self._combine(probabilities, strengths)

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

    def _feature_names(self) -> list[str]:
        names = [f"lemma: {w}" for w in self.vectorizers_[0].get_feature_names_out()]
        names += [f"chars: '{c}'" for c in self.vectorizers_[1].get_feature_names_out()]
        for theme_id in self.classes_:
            names += [
                f"lexicon hits {theme_id}",
                f"lexicon terms {theme_id}",
                f"lexicon strength {theme_id}",
            ]
        return names

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags


def _decisions(models: Sequence[LogisticRegression | float], features: sp.csr_matrix) -> np.ndarray:
    out = np.empty((features.shape[0], len(models)), dtype=np.float64)
    for j, model in enumerate(models):
        if isinstance(model, LogisticRegression):
            out[:, j] = model.decision_function(features)
        else:
            out[:, j] = 10.0 if model else -10.0
    return out


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
    """The threshold with the best F1; among near-ties, the one closest to 0.5."""
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
