"""The taxonomy: the default one is complete, and bad files get every problem listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from thematiek.errors import TaxonomyError
from thematiek.taxonomy import load_taxonomy, parse_taxonomy

FIXED_IDS = [
    "visie", "leiderschap", "betrokkenheid", "klantgerichtheid", "talent", "diversiteit",
    "werk-privebalans", "nieuwe-werken", "crisis", "zelfsturing", "prestaties", "innovatie",
    "verandering", "duurzaamheid",
]  # fmt: skip


def test_default_taxonomy_has_the_fixed_fourteen_themes_in_order() -> None:
    taxonomy = load_taxonomy()
    assert list(taxonomy.ids) == FIXED_IDS
    assert taxonomy.version


def test_every_default_theme_is_documented_and_has_a_rich_lexicon() -> None:
    taxonomy = load_taxonomy(min_terms=20)
    for theme in taxonomy:
        assert theme.label and theme.label_en
        assert theme.scope.count(". ") >= 1, theme.id
        assert len(theme.terms) >= 20, theme.id
        assert theme.negative, f"{theme.id} has no words that must not trigger it"


def test_klantgerichtheid_lexicon_has_its_derivations() -> None:
    terms = set(load_taxonomy().get("klantgerichtheid").terms)
    assert {"klantgericht", "klantgerichtheid", "klantreis", "klanttevredenheid"} <= terms


GOOD = """
version = "1"
name = "mini"
[[themes]]
id = "visie"
label = "Visie"
label_en = "Vision"
scope = "Over de koers. Niet over hobby's."
terms = ["visie", "missie"]
"""


def test_a_small_valid_taxonomy_loads_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(GOOD, encoding="utf-8")
    taxonomy = load_taxonomy(path)
    assert taxonomy.ids == ("visie",)
    assert "visie" in taxonomy and "crisis" not in taxonomy
    assert taxonomy.source == str(path)


def test_fingerprint_changes_with_the_lexicon() -> None:
    a = parse_taxonomy(GOOD)
    b = parse_taxonomy(GOOD.replace('"missie"]', '"missie", "koers"]'))
    assert a.fingerprint() == parse_taxonomy(GOOD).fingerprint()
    assert a.fingerprint() != b.fingerprint()


def test_every_problem_is_reported_at_once() -> None:
    bad = """
version = "1"
[[themes]]
id = "Visie Strategie"
label = ""
label_en = "Vision"
scope = "Eén zin maar"
terms = "visie"
[[themes]]
id = "crisis"
label = "Crisis"
label_en = "Crisis"
scope = "Over krimp. Niet over de economie als achtergrond."
terms = ["crisis"]
colour = "rood"
"""
    with pytest.raises(TaxonomyError) as info:
        parse_taxonomy(bad, source="mijn.toml")
    message = str(info.value)
    assert message.startswith("mijn.toml: invalid taxonomy")
    for expected in (
        "lower-case ASCII slug",
        "`label` is missing",
        "two sentences",
        "`terms` must be a list",
        "unknown keys colour",
    ):
        assert expected in message


def test_duplicate_ids_and_bad_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="duplicate id 'visie'"):
        parse_taxonomy(GOOD + GOOD.split("version")[1].split("\n", 2)[2])
    broken = tmp_path / "kapot.toml"
    broken.write_text("version = \n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"kapot\.toml: not valid TOML"):
        load_taxonomy(broken)
    with pytest.raises(TaxonomyError, match="not found"):
        load_taxonomy(tmp_path / "weg.toml")
