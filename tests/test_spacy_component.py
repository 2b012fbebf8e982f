"""The `thematiek` spaCy component, found through the spacy_factories entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TEXT = (
    "Toen de orders in het najaar wegvielen, moest de fabriek snel ingrijpen. De directie "
    "koos voor een reorganisatie, bezuinigingen op alle afdelingen en deeltijd-WW in plaats "
    "van gedwongen ontslagen. De recessie raakte de hele sector; de omzet daalde met een "
    "kwart en de bank eiste een nieuw plan om de crisis door te komen."
)


def _fresh(code: str) -> dict:
    """Run code in a new interpreter (no factories registered by earlier tests)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_lemmatizer_factory_found_after_install() -> None:
    found = _fresh(
        "import json, spacy\n"
        "nlp = spacy.blank('nl')\n"
        "nlp.add_pipe('thematiek_lemmatizer')\n"
        "print(json.dumps({'pipes': nlp.pipe_names}))\n"
    )
    assert found["pipes"] == ["thematiek_lemmatizer"]


def test_component_sets_themes_scores_keywords(small_model: Path) -> None:
    """In a fresh process: only the entry point brings in thematiek's component."""
    found = _fresh(
        "import json, sys, spacy\n"
        "nlp = spacy.blank('nl')\n"
        "nlp.add_pipe('thematiek_lemmatizer')\n"
        f"nlp.add_pipe('thematiek', config={{'model': {str(small_model)!r}}})\n"
        f"doc = nlp({TEXT!r})\n"
        "print(json.dumps({\n"
        "  'pipes': nlp.pipe_names,\n"
        "  'themes': [t.id for t in doc._.themes],\n"
        "  'scores': doc._.theme_scores,\n"
        "  'keywords': [k.text for k in doc._.keywords],\n"
        "}))\n"
    )
    assert found["pipes"] == ["thematiek_lemmatizer", "thematiek"]
    assert "crisis" in found["themes"]
    assert len(found["scores"]) == 14
    assert found["scores"]["crisis"] == max(found["scores"].values())
    assert found["keywords"]


def test_component_in_process_matches_tagger(small_model: Path, small_tagger) -> None:  # type: ignore[no-untyped-def]
    import spacy

    import thematiek.lemmas  # noqa: F401

    nlp = spacy.blank("nl")
    nlp.add_pipe("thematiek_lemmatizer")
    nlp.add_pipe("thematiek", config={"model": str(small_model)})
    docs = list(nlp.pipe([TEXT, TEXT]))
    assert [t.id for t in docs[0]._.themes] == [t.id for t in docs[1]._.themes]
    direct = small_tagger.tag(TEXT)
    assert [t.id for t in docs[0]._.themes] == [t.id for t in direct.themes]


def test_import_thematiek_registers_nothing() -> None:
    found = _fresh(
        "import json, sys\n"
        "import thematiek\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'sklearn'))\n"
        "print(json.dumps({'heavy': heavy}))\n"
    )
    assert found["heavy"] == []
