"""The embedded Dutch lemmatiser, word by word and as a spaCy component."""

from __future__ import annotations

import pytest

from thematiek.lemmas import DutchLemmatizer, load_lemma_table


@pytest.fixture(scope="module")
def lemmatize() -> DutchLemmatizer:
    return DutchLemmatizer(load_lemma_table())


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("medewerkers", "medewerker"),  # plural -s
        ("teams", "team"),
        ("organisaties", "organisatie"),
        ("leiders", "leider"),
        ("auto's", "auto"),  # plural 's
        ("ideeën", "idee"),  # diacritics
        ("teampje", "team"),  # diminutives
        ("teampjes", "team"),
        ("vergaderingetje", "vergadering"),
        ("gewerkt", "werken"),  # participles
        ("besproken", "bespreken"),
        ("aangepast", "aanpassen"),
        ("werkte", "werken"),
        ("grote", "groot"),  # inflected adjectives, comparatives, superlatives
        ("beter", "goed"),
        ("klantgerichtheid", "klantgerichtheid"),  # derivation: its own lemma
        ("klantgerichte", "klantgericht"),
        ("is", "zijn"),  # zijn
        ("was", "zijn"),
        ("waren", "zijn"),
        ("de", "de"),  # articles
        ("het", "het"),
        ("een", "een"),
        ("vierde", "vier"),  # ordinals as cardinals
        ("12e", "12"),
    ],
)
def test_word_lemmas(lemmatize: DutchLemmatizer, form: str, lemma: str) -> None:
    assert lemmatize(form) == lemma


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("teamleidersoverleggen", "teamleidersoverleg"),  # unknown compound: head lemmatised
        ("thuiswerkdagen", "thuiswerkdag"),
        ("HR-managers", "HR-manager"),  # hyphenated compound
        ("zzp-contracten", "zzp-contract"),
        ("veranderteams", "veranderteam"),
    ],
)
def test_unknown_compounds(lemmatize: DutchLemmatizer, form: str, lemma: str) -> None:
    assert lemmatize(form) == lemma


def test_capitals_at_sentence_start_are_lowercased(lemmatize: DutchLemmatizer) -> None:
    assert lemmatize("Medewerkers", sent_start=True) == "medewerker"
    assert lemmatize("De", sent_start=True) == "de"


def test_capitals_inside_a_sentence_are_names(lemmatize: DutchLemmatizer) -> None:
    assert lemmatize("Jansen") == "Jansen"
    assert lemmatize("Philips") == "Philips"
    assert lemmatize("Jansen's") == "Jansen"


def test_possessive_and_verb_zijn(lemmatize: DutchLemmatizer) -> None:
    assert lemmatize("zijn") == "zijn"
    assert lemmatize("Zijn", sent_start=True) == "zijn"


def test_component_sets_lemmas() -> None:
    import spacy

    import thematiek.lemmas  # noqa: F401

    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("thematiek_lemmatizer")
    doc = nlp("Teams werkten thuis. Medewerkers waren tevreden over hun leidinggevenden.")
    assert [t.lemma_ for t in doc] == [
        "team",
        "werken",
        "thuis",
        ".",
        "medewerker",
        "zijn",
        "tevreden",
        "over",
        "hun",
        "leidinggevende",
        ".",
    ]
