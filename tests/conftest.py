"""Shared fixtures: a small real model bundle, trained once per test session.

The CLI and library tests use this bundle instead of ``models/default`` (which is
retrained from time to time), so they neither depend on nor wait for the default model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "corpus" / "posts"
DEFAULT_META = ROOT / "models" / "default" / "meta.json"

# Every third post up to SMALL_POSTS: all themes and some `tags: []` posts are in it.
SMALL_POSTS = 72
# Small vocabularies and a moderate C keep the solver quick: about 10 s on 2 cores.
SMALL_PARAMS = {"cv": 2, "C": 1.0, "max_word_features": 2000, "max_char_features": 2000}


def small_post_paths() -> list[Path]:
    """The posts the small model is trained on (sorted, deterministic)."""
    return sorted(POSTS.glob("*.md"))[::3][:SMALL_POSTS]


@pytest.fixture(scope="session")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real model bundle trained on a sample of corpus/posts (session-scoped)."""
    from threadpoolctl import threadpool_limits

    from thematiek.training import train_model

    base = tmp_path_factory.mktemp("small-model")
    posts = base / "posts"
    posts.mkdir()
    for path in small_post_paths():
        shutil.copy2(path, posts / path.name)
    out = base / "small"
    # One BLAS thread: the many tiny solver runs are far slower when threads compete.
    with threadpool_limits(1):
        train_model([str(posts)], out, cv=2, classifier_params=dict(SMALL_PARAMS))
    return out


@pytest.fixture(scope="session")
def small_tagger(small_model: Path):  # type: ignore[no-untyped-def]
    """A Tagger over the small model and the embedded pipeline."""
    from thematiek.tagging import load

    return load(small_model, nlp="embedded")


@pytest.fixture()
def default_model() -> Path:
    """models/default, for the few tests about the default model itself."""
    if not DEFAULT_META.is_file():
        pytest.skip("models/default/meta.json is missing: run `make model` to train it")
    return DEFAULT_META.parent


@pytest.fixture(autouse=True)
def _quiet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No progress bars, and no model chosen by the caller's environment."""
    monkeypatch.setenv("THEMATIEK_NO_PROGRESS", "1")
    monkeypatch.delenv("THEMATIEK_MODEL", raising=False)
