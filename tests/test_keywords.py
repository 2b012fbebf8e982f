"""Lexicon matching on lemmas, compound-aware, with negatives; and key phrases."""

from __future__ import annotations

import pytest

from thematiek.keywords import (
    Background,
    extract_keyphrases,
    find_keyword_hits,
    is_compound_of,
    matcher_for,
    normalise,
)
from thematiek.nlp import load_nlp
from thematiek.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp("embedded")


@pytest.fixture(scope="module")
def matcher():  # type: ignore[no-untyped-def]
    return matcher_for(load_taxonomy())


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("klantgerichtheid", "klant"),
        ("klantenservice", "klant"),
        ("klanttevredenheidsonderzoek", "klant"),
        ("eindklant", "klant"),
        ("teamleider", "leider"),
        ("leiderschapsstijl", "leiderschap"),
        ("thuiswerkdag", "thuiswerken"),
        ("samenwerking", "samenwerken"),
        ("burnoutklachten", "burnout"),
        ("innovatiekracht", "innovatie"),
    ],
)
def test_a_term_counts_inside_compounds_and_derivations(word: str, term: str) -> None:
    assert is_compound_of(word, term)


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("geleider", "leider"),  # ge- is no word of its own
        ("commissie", "missie"),
        ("popmuziek", "pop"),  # short terms match whole words only
        ("klantje", "klantgericht"),
        ("apparaat", "app"),
    ],
)
def test_a_term_does_not_count_inside_unrelated_words(word: str, term: str) -> None:
    assert not is_compound_of(word, term)


def test_normalise_folds_case_diacritics_hyphens_and_apostrophes() -> None:
    assert normalise("Werk-privébalans") == "werkprivebalans"
    assert normalise("auto's") == "autos"
    assert normalise("Ideeën") == "ideeen"


def _themes_of(nlp, matcher, text: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    found: dict[str, list[str]] = {}
    for hit in find_keyword_hits(nlp(text), matcher):
        found.setdefault(hit.theme, []).append(hit.text)
    return found


def test_hits_keep_text_offsets_and_sentence(nlp, matcher) -> None:  # type: ignore[no-untyped-def]
    text = "Wij meten het elk kwartaal. De klanttevredenheid steeg na de training flink."
    hits = [h for h in find_keyword_hits(nlp(text), matcher) if h.theme == "klantgerichtheid"]
    assert hits, "klanttevredenheid must count for klantgerichtheid"
    hit = hits[0]
    assert text[hit.start : hit.end] == hit.text == "klanttevredenheid"
    assert hit.sentence == "De klanttevredenheid steeg na de training flink."


def test_inflected_forms_match_through_their_lemmas(nlp, matcher) -> None:  # type: ignore[no-untyped-def]
    found = _themes_of(nlp, matcher, "Onze leidinggevenden motiveerden de teams en klanten.")
    assert "Onze" not in found.get("leiderschap", [])
    assert "leidinggevenden" in found["leiderschap"]
    assert "klanten" in found["klantgerichtheid"]


def test_negatives_block_a_theme(nlp, matcher) -> None:  # type: ignore[no-untyped-def]
    found = _themes_of(
        nlp, matcher, "De reisleider liet ons de waterleiding zien en keek televisie."
    )
    assert "leiderschap" not in found
    assert "visie" not in found


def test_duurzame_inzetbaarheid_is_wellbeing_not_sustainability(nlp, matcher) -> None:  # type: ignore[no-untyped-def]
    found = _themes_of(nlp, matcher, "Wij investeren in duurzame inzetbaarheid van ouderen.")
    assert "werk-privebalans" in found
    assert "duurzaamheid" not in found


def test_phrases_match_on_lemmas(nlp, matcher) -> None:  # type: ignore[no-untyped-def]
    found = _themes_of(nlp, matcher, "Sinds Het Nieuwe Werken zitten we minder op kantoor.")
    assert "nieuwe-werken" in found


def test_keyphrases_prefer_repeated_content_phrases(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Het zelfsturende team plant zijn eigen rooster. Een zelfsturend team heeft ruimte "
        "nodig. De wijkverpleging in Zuiderveen werkt al drie jaar met zelfsturende teams, "
        "en de wijkverpleging is er tevreden over. Het rooster is nu van iedereen."
    )
    phrases = extract_keyphrases(nlp(text), None, top_n=5)
    texts = [p.text.lower() for p in phrases]
    assert phrases[0].score == 1.0
    assert any("team" in t for t in texts)
    assert "wijkverpleging" in texts
    assert not {"het", "een", "is", "de"} & set(texts)


def test_background_pushes_down_common_phrases(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("De organisatie koos voor kringlooppallets. Kringlooppallets en de organisatie.")
    common = Background(n_docs=100, df={"organisatie": 90})
    phrases = extract_keyphrases(doc, common, top_n=2)
    assert phrases[0].text.lower() == "kringlooppallets"


def test_doc_tokens_match_spacy_and_are_kept_on_the_doc(nlp) -> None:  # type: ignore[no-untyped-def]
    from thematiek.keywords import doc_tokens

    doc = nlp("Klantgerichtheid  is geen afdeling.\n\nHet is (volgens haar) een houding, toch?")
    tokens = doc_tokens(doc)
    assert doc_tokens(doc) is tokens  # computed once per Doc
    assert tokens.texts == [t.text for t in doc]
    assert tokens.lemmas == [t.lemma_ or t.text for t in doc]
    assert tokens.sent_starts == [t.is_sent_start is True for t in doc]
    for i in range(len(doc)):
        for j in range(i + 1, min(len(doc), i + 4) + 1):
            assert tokens.span_text(i, j) == doc[i:j].text
