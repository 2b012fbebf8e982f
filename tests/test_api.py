"""The public API: exactly the documented names, each resolving, and a cheap import."""

from __future__ import annotations

import json
import subprocess
import sys

import thematiek

PUBLIC = [
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


def test_all_is_exactly_the_public_api() -> None:
    assert sorted(thematiek.__all__) == sorted(PUBLIC)
    assert len(set(thematiek.__all__)) == len(thematiek.__all__)
    assert dir(thematiek) == sorted(PUBLIC)


def test_every_name_resolves() -> None:
    for name in PUBLIC:
        value = getattr(thematiek, name)
        assert value is not None, name
        if name != "__version__":
            assert getattr(value, "__doc__", None), f"{name} has no docstring"


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        thematiek.geen_functie  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "geen_functie" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("thematiek.geen_functie resolved")


def test_from_import_works() -> None:
    from thematiek import load_nlp, read_articles

    assert callable(load_nlp) and callable(read_articles)


def test_version_matches_metadata() -> None:
    from importlib.metadata import version

    assert thematiek.__version__ == version("thematiek")


def test_import_is_cheap() -> None:
    code = (
        "import json, sys, time\n"
        "start = time.perf_counter()\n"
        "import thematiek\n"
        "took = time.perf_counter() - start\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'spacy', 'sklearn', 'numpy', 'scipy', 'skops', 'thinc', 'typer', 'rich'})\n"
        "print(json.dumps({'heavy': heavy, 'took': took}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["heavy"] == []
    assert found["took"] < 1.0
