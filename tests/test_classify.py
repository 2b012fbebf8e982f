"""The ThemeClassifier: the scikit-learn estimator contract, thresholds and calibration."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from thematiek.classify import (
    ThemeClassifier,
    _best_threshold,
    evaluate_predictions,
    multilabel_folds,
)
from thematiek.taxonomy import parse_taxonomy

ROOT = Path(__file__).resolve().parents[1]

MINI = """
version = "1"
name = "mini"
[[themes]]
id = "klant"
label = "Klant"
label_en = "Customer"
scope = "Over klanten. Niet over omzet."
terms = ["klant", "service"]
[[themes]]
id = "thuis"
label = "Thuis"
label_en = "Home"
scope = "Over thuiswerken. Niet over wonen."
terms = ["thuiswerken", "kantoor"]
"""

KLANT = [
    "klant service klacht tevreden klant beleving",
    "de klant wil snel service en een antwoord op een klacht",
    "klantreis van de klant verbeteren met betere service",
    "service aan de balie en klant vriendelijk helpen",
    "klacht van een klant is een gratis advies over service",
    "tevreden klant komt terug voor service",
]
THUIS = [
    "thuiswerken kantoor laptop videobellen rust",
    "het kantoor is leeg want iedereen gaan thuiswerken",
    "hybride thuiswerken twee dag op kantoor",
    "flexplek op kantoor en thuiswerken op vrijdag",
    "thuiswerken vraagt een goed bureau en een vaste plek",
    "kantoor als ontmoetingsplek na het thuiswerken",
]
OFF = [
    "de voetbalclub won de wedstrijd met twee doelpunt",
    "recept voor stamppot met andijvie en spek",
    "het weer wordt morgen zonnig en warm",
    "de fiets heeft een nieuw zadel en een bel",
]


def _data() -> tuple[list[str], np.ndarray]:
    texts = KLANT + THUIS + OFF + [KLANT[0] + " " + THUIS[0], KLANT[1] + " " + THUIS[1]]
    y = [[1, 0]] * 6 + [[0, 1]] * 6 + [[0, 0]] * 4 + [[1, 1]] * 2
    return texts, np.array(y)


@pytest.fixture(scope="module")
def taxonomy():  # type: ignore[no-untyped-def]
    return parse_taxonomy(MINI)


def _model(taxonomy, **params):  # type: ignore[no-untyped-def]
    return ThemeClassifier(taxonomy, cv=3, max_char_features=500, max_word_features=500, **params)


def test_init_only_stores_parameters_and_get_params_round_trips(taxonomy) -> None:  # type: ignore[no-untyped-def]
    model = _model(taxonomy, C=3.0)
    params = model.get_params()
    assert params["C"] == 3.0 and params["cv"] == 3 and params["random_state"] == 0
    assert not [k for k in vars(model) if k.endswith("_")]
    copy = clone(model)
    assert copy.get_params() == params and copy is not model


def test_fit_returns_self_and_sets_fitted_state(taxonomy) -> None:  # type: ignore[no-untyped-def]
    texts, y = _data()
    model = _model(taxonomy)
    assert model.fit(texts, y) is model
    assert list(model.classes_) == ["klant", "thuis"]
    assert model.thresholds_.shape == (2,)
    assert np.all((model.thresholds_ > 0) & (model.thresholds_ < 1))


def test_predict_before_fit_raises(taxonomy) -> None:  # type: ignore[no-untyped-def]
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        _model(taxonomy).predict(["klant"])


def test_predictions_are_sensible_and_deterministic(taxonomy) -> None:  # type: ignore[no-untyped-def]
    texts, y = _data()
    a = _model(taxonomy).fit(texts, y)
    b = _model(taxonomy).fit(texts, y)
    new = ["een klant met een klacht over de service", "thuiswerken of naar kantoor"]
    np.testing.assert_array_equal(a.predict_proba(new), b.predict_proba(new))
    predicted = a.predict(new)
    assert predicted[0, 0] == 1 and predicted[1, 1] == 1
    probabilities = a.predict_proba(new)
    assert probabilities.shape == (2, 2) and np.all((probabilities >= 0) & (probabilities <= 1))


def test_fit_accepts_lists_of_theme_ids(taxonomy) -> None:  # type: ignore[no-untyped-def]
    texts, y = _data()
    tags = [[t for t, v in zip(["klant", "thuis"], row, strict=True) if v] for row in y]
    a = _model(taxonomy).fit(texts, y)
    b = _model(taxonomy).fit(texts, tags)
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
    with pytest.raises(ValueError, match="unknown theme 'sport'"):
        _model(taxonomy).fit(texts, [["sport"], *tags[1:]])


def test_works_inside_a_pipeline(taxonomy) -> None:  # type: ignore[no-untyped-def]
    texts, y = _data()
    pipeline = Pipeline(
        [
            ("lower", FunctionTransformer(lambda xs: [x.lower() for x in xs])),
            ("themes", _model(taxonomy)),
        ]
    )
    pipeline.fit(texts, y)
    assert pipeline.predict(["KLANT SERVICE KLACHT"])[0, 0] == 1


def test_max_tags_and_min_score_limit_assignments(taxonomy) -> None:  # type: ignore[no-untyped-def]
    texts, y = _data()
    model = _model(taxonomy).fit(texts, y)
    model.thresholds_ = np.array([0.5, 0.4])
    scores = np.array([[0.99, 0.98]])
    assert model.assign(scores).sum() == 2
    # Ranked by the margin over each theme's own threshold: 0.58 beats 0.49.
    assert model.assign(scores, max_tags=1).tolist() == [[0, 1]]
    model.thresholds_ = np.array([0.5, 0.5])
    assert model.assign(scores, max_tags=1).tolist() == [[1, 0]]
    assert model.assign(scores, min_score=0.985).tolist() == [[1, 0]]
    assert model.assign(np.array([[0.0, 0.0]])).sum() == 0


def test_threshold_tuning_finds_the_separating_cut() -> None:
    scores = np.array([0.1, 0.2, 0.3, 0.35, 0.6, 0.7, 0.8, 0.9])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    threshold = _best_threshold(scores, labels)
    assert 0.35 < threshold <= 0.6
    assert _best_threshold(scores, np.zeros(8, dtype=int)) == 0.9


def test_multilabel_folds_are_stratified_and_deterministic() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random((60, 3)) < 0.3).astype(int)
    folds = multilabel_folds(y, 3, 1)
    assert [list(t) for _, t in folds] == [list(t) for _, t in multilabel_folds(y, 3, 1)]
    seen = np.concatenate([test for _, test in folds])
    assert sorted(seen.tolist()) == list(range(60))
    for _, test in folds:
        share = y[test].sum(axis=0) / y.sum(axis=0)
        assert np.all(np.abs(share - 1 / 3) < 0.15)


def test_evaluation_counts_micro_macro_and_none() -> None:
    truth = np.array([[1, 0], [0, 1], [0, 0], [1, 1]])
    predicted = np.array([[1, 0], [0, 0], [0, 0], [1, 0]])
    report = evaluate_predictions(truth, predicted, ["a", "b"])
    assert report["themes"]["a"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert report["themes"]["b"]["recall"] == 0.0
    assert report["micro"]["precision"] == 1.0 and report["micro"]["recall"] == 0.5
    assert report["macro"]["f1"] == pytest.approx(0.5)
    assert report["none"]["support"] == 1 and report["none"]["precision"] == 0.5


def test_fast_char_tfidf_equals_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from thematiek.classify import _tfidf_transform

    texts = [
        "§ de leider ¶ een leider luisteren naar het team ¶ teamleider coachen",
        "klantgerichtheid en klant tevredenheid klant",
        "",
        "medewerker betrokkenheid medewerker-tevredenheid ¶ x",
    ]
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    ).fit(texts[:2])
    for _ in range(2):  # cold, then with the per-word cache filled
        fast = _tfidf_transform(vectorizer, texts)
        assert fast.dtype == np.float32
        np.testing.assert_allclose(fast.toarray(), vectorizer.transform(texts).toarray(), atol=1e-6)


def test_fast_char_vectorizer_fit_equals_scikit_learn() -> None:
    from sklearn.base import clone

    from thematiek.classify import _fit_vectorizer

    posts = sorted((ROOT / "corpus" / "posts").glob("*.md"))[::20]
    texts = [p.read_text(encoding="utf-8").lower() for p in posts]
    texts += ["§ de leider ¶ een leider ¶ teamleider", "", "één café-eigenaar ¶ x"]
    template = ThemeClassifier(parse_taxonomy(MINI))._make_vectorizers()[1]
    assert template.analyzer == "char_wb" and template.max_features
    plain, fast = clone(template).fit(texts), clone(template)
    _fit_vectorizer(fast, texts)
    assert fast.vocabulary_ == plain.vocabulary_
    np.testing.assert_array_equal(fast.idf_, plain.idf_)
    assert "_count_vocab" not in vars(fast)  # the fast counting is not left behind
    np.testing.assert_array_equal(fast.transform(texts).toarray(), plain.transform(texts).toarray())
    with pytest.raises(ValueError, match="empty vocabulary"):
        _fit_vectorizer(clone(template), ["", " "])
