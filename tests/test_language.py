"""Language check: Dutch (and Flemish) passes; other languages and short texts do not."""

from __future__ import annotations

import re

import pytest

from thematiek._language import check_dutch, clearly_dutch, count_words, detect_language
from thematiek.errors import CorpusFormatError, LanguageError
from thematiek.records import Article

NEDERLANDS = (
    "Wie een team wil laten groeien, moet eerst zorgen dat mensen zich veilig voelen. "
    "Pas dan durven collega's te zeggen dat iets niet werkt, en pas dan leert de organisatie "
    "van haar fouten. Een manager die elke misser bestraft, hoort na een tijdje niets meer."
)
VLAAMS = (
    "Ge moet da ni onderschatten: als de ploeg het ni ziet zitten, gaat ge met uw nieuwe "
    "structuur nergens geraken. Bij ons op 't werk hebben ze dat ook geprobeerd, en allee, "
    "na drie maanden was iedereen weer op zijn oude stoel aan het werken gelijk voordien."
)
MET_JARGON = (
    "In een agile team is feedback geen jaarlijks ritueel maar een dagelijkse gewoonte. "
    "De scrum master helpt het team om in de retrospective eerlijk te zijn over wat "
    "misging, zonder dat iemand de schuld krijgt. Zo groeit het vertrouwen per sprint."
)
ENGELS = (
    "Anyone who wants a team to grow must first make sure that people feel safe. Only then "
    "will colleagues dare to say that something does not work, and only then does the "
    "organisation learn from its mistakes. A manager who punishes every slip hears nothing."
)
DUITS = (
    "Wer ein Team wachsen lassen will, muss zuerst dafür sorgen, dass sich die Menschen "
    "sicher fühlen. Erst dann wagen es Kollegen zu sagen, dass etwas nicht funktioniert, "
    "und erst dann lernt die Organisation aus ihren Fehlern und wird wirklich besser."
)
AFRIKAANS = (
    "Wie 'n span wil laat groei, moet eers sorg dat mense veilig voel. Eers dan sal kollegas "
    "waag om te sê dat iets nie werk nie, en eers dan leer die organisasie uit sy foute. "
    "'n Bestuurder wat elke fout straf, hoor naderhand niks meer nie."
)


def article(text: str) -> Article:
    return Article(id="post.md", text=text, source="post.md")


@pytest.mark.parametrize("text", [NEDERLANDS, VLAAMS, MET_JARGON], ids=["nl", "vlaams", "jargon"])
def test_dutch_passes(text: str) -> None:
    assert detect_language(text)[0] == "nl"
    check_dutch(article(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [(ENGELS, "English"), (DUITS, "German"), (AFRIKAANS, "Afrikaans")],
)
def test_other_languages_are_refused(text: str, name: str) -> None:
    with pytest.raises(LanguageError) as info:
        check_dutch(article(text))
    message = str(info.value)
    assert re.match(rf"post\.md: text is {name}, not Dutch \(confidence [01]\.\d\d\); ", message)
    assert message.endswith("thematiek tags Dutch text only (use --force to tag anyway)")
    assert isinstance(info.value, CorpusFormatError)


def test_too_short() -> None:
    with pytest.raises(LanguageError) as info:
        check_dutch(article("Goed leiderschap telt."))
    assert str(info.value) == (
        "post.md: too short to find themes (3 words; at least 20 needed; use --force to tag anyway)"
    )
    check_dutch(article("Goed leiderschap telt."), min_words=3)


def test_jsonl_line_in_message() -> None:
    record = Article(id="a.jsonl:4", text=ENGELS, source="a.jsonl", line=4)
    with pytest.raises(LanguageError, match=r"^a\.jsonl:4: text is English"):
        check_dutch(record)


def test_word_count() -> None:
    assert count_words("Het is 's morgens druk bij zorg-instellingen, 2024.") == 7  # 's counts
    assert count_words("een " * 1000, limit=20) == 20


def test_only_the_start_is_looked_at() -> None:
    # Dutch first 2,000 characters, English after: the article is Dutch.
    check_dutch(article(NEDERLANDS * 10 + ENGELS * 100))
    with pytest.raises(LanguageError, match="English"):
        check_dutch(article(ENGELS * 10 + NEDERLANDS * 100))


@pytest.mark.parametrize(
    ("text", "clear"),
    [
        (NEDERLANDS, True),
        (MET_JARGON, True),
        (ENGELS, False),
        (DUITS, False),
        (AFRIKAANS, False),
        ("een niet voor " * 3, False),  # too few words to judge
        (NEDERLANDS + " Hulle sê dit is nie so nie.", False),  # Afrikaans give-aways
        (VLAAMS * 3 + " Da gaat nie.", True),  # one Flemish "nie" in 150 words
    ],
)
def test_clearly_dutch_is_a_safe_shortcut(text: str, clear: bool) -> None:
    assert clearly_dutch(text) is clear


def test_corpus_articles_are_dutch_and_nearly_all_take_the_shortcut() -> None:
    from pathlib import Path

    from thematiek.corpus import read_articles

    corpus = Path(__file__).parents[1] / "corpus"
    articles = list(read_articles([corpus / "posts"]))
    for article in articles:
        check_dutch(article)  # raises on anything but Dutch
    # The shortcut saves loading the language model; a plain narrative with few of its
    # function words in the first 2,000 characters may still need the model.
    unclear = [a.id for a in articles if not clearly_dutch(a.text)]
    assert len(unclear) <= len(articles) // 100, unclear
