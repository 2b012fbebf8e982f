"""Forked workers: the same models and figures as one process, whatever the core count."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from thematiek._fork import map_forked, workers_for
from thematiek.classify import ThemeClassifier
from thematiek.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]


def _scaled(job: tuple[int, list[int]], index: int) -> tuple[int, int, int]:
    factor, data = job
    return index, data[index] * factor, os.getpid()


def test_map_forked_keeps_the_order_and_shares_the_job() -> None:
    data = list(range(100, 140))
    results = list(map_forked(_scaled, (3, data), range(len(data)), workers=2))
    assert [(i, v) for i, v, _ in results] == [(i, data[i] * 3) for i in range(len(data))]
    assert os.getpid() not in {pid for _, _, pid in results}  # really in other processes


def test_workers_follow_n_jobs_and_never_exceed_cores_or_tasks() -> None:
    cores = len(os.sched_getaffinity(0))
    assert workers_for(None, 10) == 1
    assert workers_for(1, 10) == 1
    assert workers_for(-1, 10) == min(cores, 10)
    assert workers_for(-1, 1) == 1
    assert workers_for(64, 3) == min(cores, 3)
    assert workers_for(-cores, 10) == 1


@pytest.fixture(scope="module")
def sample():  # type: ignore[no-untyped-def]
    """150 real corpus posts, analysed."""
    from thematiek.nlp import load_nlp
    from thematiek.training import read_labelled

    posts = sorted((ROOT / "corpus" / "posts").glob("*.md"))[::6][:150]
    return read_labelled([str(p) for p in posts], load_taxonomy(), load_nlp("embedded"))


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_parallel_fit_equals_a_sequential_fit(sample) -> None:  # type: ignore[no-untyped-def]
    """liblinear's dual solver draws from one process-wide random generator: fits that
    ran side by side in threads changed each other's models. Forked workers must not."""
    texts, Y = sample.lemma_texts, sample.Y
    params = {"cv": 3, "C": 8.0, "max_word_features": 5000, "max_char_features": 5000}
    one = ThemeClassifier(load_taxonomy(), n_jobs=1, **params).fit(texts, Y)
    two = ThemeClassifier(load_taxonomy(), n_jobs=2, **params).fit(texts, Y)
    for a, b in zip(one.models_, two.models_, strict=True):
        np.testing.assert_array_equal(a.coef_, b.coef_)
        np.testing.assert_array_equal(a.intercept_, b.intercept_)
    np.testing.assert_array_equal(one.thresholds_, two.thresholds_)
    np.testing.assert_array_equal(one.predict_proba(texts[:20]), two.predict_proba(texts[:20]))


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_cross_validation_in_workers_equals_one_process(sample) -> None:  # type: ignore[no-untyped-def]
    from thematiek.training import cross_validate

    taxonomy = load_taxonomy()
    params = {"cv": 2, "C": 1.0, "max_word_features": 2000, "max_char_features": 2000}
    serial = cross_validate(sample, taxonomy, cv=3, params={**params, "n_jobs": 1})
    forked = cross_validate(sample, taxonomy, cv=3, params={**params, "n_jobs": -1})
    assert serial == forked
    assert serial["micro"]["support"] == int(sample.Y.sum())
    assert serial["articles"] == len(sample.articles) == 150


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_training_fits_the_final_model_beside_the_folds(sample) -> None:  # type: ignore[no-untyped-def]
    """``thematiek train`` fits the final model in the same pool as the folds: it must be
    the model a plain fit gives, and keep the n_jobs it was asked for."""
    from thematiek.training import _cross_validate, cross_validate

    taxonomy = load_taxonomy()
    params = {"cv": 2, "C": 1.0, "max_word_features": 2000, "max_char_features": 2000}
    report, model = _cross_validate(
        sample, taxonomy, 3, {**params, "n_jobs": -1}, lambda *_: None, fit_all=True
    )
    plain = ThemeClassifier(taxonomy, n_jobs=1, **params).fit(sample.lemma_texts, sample.Y)
    assert model is not None and model.get_params()["n_jobs"] == -1
    np.testing.assert_array_equal(model.thresholds_, plain.thresholds_)
    for a, b in zip(model.models_, plain.models_, strict=True):
        np.testing.assert_array_equal(a.coef_, b.coef_)
    assert report == cross_validate(sample, taxonomy, cv=3, params={**params, "n_jobs": 1})
