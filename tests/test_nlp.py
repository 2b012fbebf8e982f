"""The Dutch pipeline: choice, loading, sentences, lemmas, and accuracy against UD Dutch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from thematiek.errors import NlpError
from thematiek.nlp import describe_nlp, explain_nlp_choice, load_nlp

TEXT = (
    "Het teampje heeft hard gewerkt aan de klantgerichtheid van de organisatie. "
    "Zijn collega's waren blij met de nieuwe ideeën! "
    "Was de vergadering gisteren nuttig? De medewerkers stelden hun vragen."
)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp("embedded")


def test_embedded_is_cached_and_described(nlp) -> None:  # type: ignore[no-untyped-def]
    assert load_nlp("embedded") is nlp
    assert describe_nlp(nlp).startswith("thematiek-embedded-nl ")
    assert nlp.max_length >= 10_000_000


def test_sentences_and_lemmas(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    assert [s.text for s in doc.sents] == [
        "Het teampje heeft hard gewerkt aan de klantgerichtheid van de organisatie.",
        "Zijn collega's waren blij met de nieuwe ideeën!",
        "Was de vergadering gisteren nuttig?",
        "De medewerkers stelden hun vragen.",
    ]
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["teampje"] == "team"
    assert lemmas["gewerkt"] == "werken"
    assert lemmas["heeft"] == "hebben"
    assert lemmas["klantgerichtheid"] == "klantgerichtheid"
    assert lemmas["collega's"] == "collega"
    assert lemmas["waren"] == "zijn"
    assert lemmas["Zijn"] == "zijn"
    assert lemmas["ideeën"] == "idee"
    assert lemmas["nieuwe"] == "nieuw"
    assert lemmas["Was"] == "zijn"
    assert lemmas["medewerkers"] == "medewerker"
    assert lemmas["stelden"] == "stellen"
    assert lemmas["vragen"] == "vraag"


def test_separable_verb_parts_get_their_own_lemmas(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("De manager stelt het plan voor. Zij heeft het voorgesteld.")
    lemmas = [t.lemma_ for t in doc]
    assert lemmas[2] == "stellen"
    assert lemmas[5] == "voor"
    assert "voorstellen" in lemmas


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hij zei:,,Dat klopt.''", ["Hij", "zei", ":", ",,", "Dat", "klopt", ".", "''"]),
        (
            "In de jaren '50, '60 en '70.",
            ["In", "de", "jaren", "'50", ",", "'60", "en", "'70", "."],
        ),
        (
            "Elke medewerker(s) telt (zie bijlage 8): goed.",
            ["Elke", "medewerker(s)", "telt", "(", "zie", "bijlage", "8", ")", ":", "goed", "."],
        ),
        ("Stel f(x). Of g(x), zo (= klaar).", ["Stel", "f(x)", ".", "Of", "g(x)", ",", "zo"]),
        ("Top :) en (dit):", ["Top", ":)", "en", "(", "dit", ")", ":"]),
        ("Wat is dat. Het is pas.", ["Wat", "is", "dat", ".", "Het", "is", "pas", "."]),
    ],
)
def test_dutch_tokenisation(nlp, text: str, tokens: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert [t.text for t in nlp(text)][: len(tokens)] == tokens


def test_pipe_keeps_context(nlp) -> None:  # type: ignore[no-untyped-def]
    docs = list(nlp.pipe([("Teams werken samen.", 1), ("Leiders coachen.", 2)], as_tuples=True))
    assert [ctx for _, ctx in docs] == [1, 2]
    assert docs[1][0][0].lemma_ == "leider"


def test_explain_auto_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.delenv("THEMATIEK_NLP", raising=False)
    installed = importlib.util.find_spec("nl_core_news_sm") is not None
    name, reason = explain_nlp_choice()
    if installed:
        assert name == "nl_core_news_sm"
    else:
        assert name == "embedded"
        assert reason == "nl_core_news_sm is not installed; using the embedded pipeline"


def test_env_var_chooses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THEMATIEK_NLP", "embedded")
    assert explain_nlp_choice()[0] == "embedded"
    assert describe_nlp(load_nlp()).startswith("thematiek-embedded-nl")


def test_missing_default_pipeline_says_how_to_install() -> None:
    if explain_nlp_choice("nl_core_news_sm")[1] == "nl_core_news_sm is asked for":
        pytest.skip("nl_core_news_sm is installed")
    with pytest.raises(NlpError, match="python -m spacy download nl_core_news_sm"):
        load_nlp("nl_core_news_sm")


def test_unknown_pipeline_raises() -> None:
    with pytest.raises(NlpError, match="no_such_pipeline_xyz"):
        load_nlp("no_such_pipeline_xyz")


def test_saved_pipeline_without_sentences_gets_a_sentencizer(tmp_path: Path) -> None:
    import spacy

    spacy.blank("nl").to_disk(tmp_path / "bare")
    nlp = load_nlp(str(tmp_path / "bare"))
    doc = nlp("Het werkt. Teams groeien.")
    assert len(list(doc.sents)) == 2
    assert [t.lemma_ for t in doc][3:5] == ["team", "groeien"]


def test_import_thematiek_does_not_import_spacy() -> None:
    code = "import sys, thematiek; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


UD_DIR = os.environ.get("THEMATIEK_UD_DIR")


@pytest.mark.slow
@pytest.mark.skipif(
    not UD_DIR or not Path(UD_DIR).is_dir(),
    reason="set THEMATIEK_UD_DIR to the UD Dutch dev sets (e.g. ../shared/ud-dutch) to run",
)
@pytest.mark.parametrize("file", ["nl_alpino-ud-dev.conllu", "nl_lassysmall-ud-dev.conllu"])
def test_lemma_accuracy_on_ud_dutch(nlp, file: str) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from nlp_ud import measure, read_conllu

    scores = measure(nlp, "embedded", file, list(read_conllu(Path(UD_DIR or "") / file)))
    assert scores.token_f1 >= 0.998
    assert scores.lemma_acc_gold_tokens >= 0.95
    assert scores.lemma_acc_end_to_end >= 0.95
