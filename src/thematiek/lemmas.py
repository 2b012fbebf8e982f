"""The embedded Dutch lemmatiser: a precomputed lemma table plus Dutch morphology rules.

The table (``data/nl_lemmas.tsv.gz``) is built once by ``python -m thematiek._build_lemmas``
from simplemma's Dutch dictionary and spaCy's Dutch lookup table (both MIT), cleaned with
the rules in this module. At run time a token's lemma is a dict look-up; words the table
does not know go through the rules (hyphenated and closed compounds, ``'s`` plurals and
genitives, ordinals, inflected adjectives, plurals, diminutives, participles), cached per
token text.

Conventions follow Universal Dependencies Dutch (Alpino): lowercase lemmas, except for
proper names, which keep their form; ``de``, ``het`` and ``een`` for the articles; verbs in
the infinitive, including participles (``gewerkt`` -> ``werken``); nouns in the singular
without diminutive (``teampje`` -> ``team``); adjectives uninflected (``grote`` -> ``groot``);
ordinals as cardinals (``vierde`` -> ``vier``). Compounds keep their modifier as written and
lemmatise the head (``teamleiders`` -> ``teamleider``).

Importing this module registers the spaCy factory ``thematiek_lemmatizer``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["DutchLemmatizer", "LemmatizerComponent", "load_lemma_table", "make_lemmatizer"]

TABLE_NAME = "nl_lemmas.tsv.gz"
TABLE_VERSION = "0.1"

# Separable-verb particles, longest first (``terug`` before ``te``-like prefixes).
PARTICLES = tuple(
    sorted(
        [
            "aan",
            "af",
            "achter",
            "bij",
            "binnen",
            "boven",
            "buiten",
            "door",
            "in",
            "los",
            "mee",
            "na",
            "neer",
            "om",
            "onder",
            "op",
            "over",
            "rond",
            "samen",
            "tegen",
            "terug",
            "thuis",
            "toe",
            "uit",
            "vast",
            "voor",
            "voorbij",
            "vooruit",
            "vrij",
            "weg",
        ],
        key=len,
        reverse=True,
    )
)

# Closed-class forms whose lemma is fixed by Dutch grammar, written for this project.
CLOSED_CLASS: dict[str, str] = {
    # zijn
    "ben": "zijn",
    "bent": "zijn",
    "is": "zijn",
    "was": "zijn",
    "waren": "zijn",
    "geweest": "zijn",
    "wezen": "zijn",
    "zij": "zij",
    # hebben, worden, kunnen, zullen, willen, mogen, moeten
    "heb": "hebben",
    "hebt": "hebben",
    "heeft": "hebben",
    "had": "hebben",
    "hadden": "hebben",
    "gehad": "hebben",
    "word": "worden",
    "wordt": "worden",
    "werd": "worden",
    "werden": "worden",
    "geworden": "worden",
    "kan": "kunnen",
    "kun": "kunnen",
    "kunt": "kunnen",
    "kon": "kunnen",
    "konden": "kunnen",
    "zal": "zullen",
    "zult": "zullen",
    "zou": "zullen",
    "zouden": "zullen",
    "wil": "willen",
    "wilt": "willen",
    "wou": "willen",
    "mag": "mogen",
    "mocht": "mogen",
    "mochten": "mogen",
    "moet": "moeten",
    "moest": "moeten",
    "moesten": "moeten",
    # articles: the archaic case forms only survive in names and fixed expressions
    # (``van der``, ``Den Haag``, ``des te``), where the form is its own lemma.
    "de": "de",
    "het": "het",
    "'t": "het",
    "een": "een",
    "'n": "een",
    "der": "der",
    "den": "den",
    "des": "des",
    # pronouns keep their form (UD Dutch), possessives their uninflected form
    "mijn": "mijn",
    "jouw": "jouw",
    "uw": "uw",
    "zijn": "zijn",
    "haar": "haar",
    "ons": "ons",
    "onze": "ons",
    "jullie": "jullie",
    "hun": "hun",
    "hen": "hen",
}

# Ordinals are lemmatised as cardinals (UD Dutch convention): ``vierde`` -> ``vier``.
ORDINALS: dict[str, str] = {
    "eerst": "één",
    "eerste": "één",
    "tweede": "twee",
    "derde": "drie",
    "vierde": "vier",
    "vijfde": "vijf",
    "zesde": "zes",
    "zevende": "zeven",
    "achtste": "acht",
    "negende": "negen",
    "tiende": "tien",
    "elfde": "elf",
    "twaalfde": "twaalf",
    "dertiende": "dertien",
    "veertiende": "veertien",
    "vijftiende": "vijftien",
    "zestiende": "zestien",
    "zeventiende": "zeventien",
    "achttiende": "achttien",
    "negentiende": "negentien",
    "twintigste": "twintig",
    "dertigste": "dertig",
    "veertigste": "veertig",
    "vijftigste": "vijftig",
    "zestigste": "zestig",
    "zeventigste": "zeventig",
    "tachtigste": "tachtig",
    "negentigste": "negentig",
    "honderdste": "honderd",
    "duizendste": "duizend",
}

# Diminutives that are words of their own and keep their form.
LEXICAL_DIMINUTIVES = frozenset(
    [
        "meisje",
        "sprookje",
        "koekje",
        "toetje",
        "hapje",
        "broodje",
        "briefje",
        "kaartje",
        "plaatje",
        "beetje",
        "dutje",
        "praatje",
        "tientje",
        "etentje",
        "bakje",
        "ontbijtje",
        "zakje",
        "potje",
    ]
)

_DIGIT_ORDINAL = re.compile(r"^(\d+)(?:e|de|ste|ste)$")
_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")


def _strip_e(stem: str) -> list[str]:
    """Uninflected candidates for an adjective or verb stem that lost its final ``-e``/``-en``."""
    out = [stem]
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        out.append(stem[:-1])  # rappe -> rap
    if len(stem) >= 3 and stem[-2] in "aeou" and stem[-3] not in "aeiou":
        out.append(stem[:-1] + stem[-2] + stem[-1])  # vage -> vaag
    if stem.endswith("v"):
        out.append(stem[:-1] + "f")  # intensieve -> intensief
    if stem.endswith("z"):
        out.append(stem[:-1] + "s")  # religieuze -> religieus
    return out


def candidates(word: str) -> Iterable[str]:
    """Candidate lemmas of an unknown lowercase word, most plausible first."""
    # diminutives (plural first): teampjes -> team
    for suffix in ("etjes", "pjes", "tjes", "kjes", "jes", "etje", "pje", "tje", "kje", "je"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            yield from _strip_e(word[: -len(suffix)]) if suffix.startswith("e") else ()
            yield word[: -len(suffix)]
    # participles: (particle)ge-stem-d/t/en -> (particle)stem-en
    for particle in ("", *PARTICLES):
        if not word.startswith(particle + "ge"):
            continue
        rest = word[len(particle) + 2 :]
        if rest.endswith("e") and len(rest) > 3:
            rest = rest[:-1]  # gestichte -> gesticht
        if rest.endswith(("d", "t")) and len(rest) > 2:
            stem = rest[:-1]
            for s in _strip_e(stem):
                yield particle + s + "en"
                if s.endswith("e"):
                    yield particle + s + "n"
        if rest.endswith("en") and len(rest) > 3:
            yield particle + rest
    # present participles: aanvallend(e) -> aanvallen
    for suffix in ("ende", "end"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            yield word[: -len(suffix)] + "en"
            yield word[: -len(suffix) + 1] + "n"
    # inflected adjectives and -en plurals/verbs
    if word.endswith("e") and len(word) > 3:
        yield from _strip_e(word[:-1])
    if word.endswith("en") and len(word) > 4:
        yield from _strip_e(word[:-2])
        yield word[:-2] + "e"  # ideeën is in the table; collega's-style -en plurals of -e nouns
    if word.endswith("s") and len(word) > 3:
        yield word[:-1]
    if word.endswith("st") and len(word) > 4:
        yield word[:-2]  # superlatives: snelst -> snel
    if word.endswith("er") and len(word) > 4:
        yield from _strip_e(word[:-2])  # comparatives
    if word.endswith(("t", "te", "ten", "de", "den")):
        base = word.rstrip("n").rstrip("e")[:-1]
        for s in _strip_e(base):
            yield s + "en"


class DutchLemmatizer:
    """Lemmatise Dutch word forms with the table and the rules.

    Args:
        table: Word form -> lemma.
        lemmas: The set of known lemmas (headwords); rules only produce a lemma from it.
    """

    def __init__(self, table: Mapping[str, str], lemmas: Iterable[str] | None = None) -> None:
        # The shipped table is shared, not copied: it is the largest object in the process.
        self.table = table if isinstance(table, dict) else dict(table)
        self.lemmas = frozenset(lemmas) if lemmas is not None else frozenset(self.table.values())
        self._cache: dict[tuple[str, bool], str] = {}

    def __call__(self, text: str, sent_start: bool = False) -> str:
        """The lemma of ``text``; ``sent_start`` tells a capital is not evidence of a name."""
        key = (text, sent_start)
        lemma = self._cache.get(key)
        if lemma is None:
            lemma = self._lemmatize(text, sent_start)
            if len(self._cache) < 1_000_000:
                self._cache[key] = lemma
        return lemma

    def _lemmatize(self, text: str, sent_start: bool) -> str:
        lower = text.lower()
        if text == lower or (sent_start and not text.isupper()):
            known = self.table.get(lower)
            if known is not None:
                return known
            exact = self.table.get(text)
            if exact is not None:
                return exact
            lemma = self._rules(lower)
            if lemma is not None:
                return lemma
            return lower if text == lower or _WORD.match(text) is None else text
        # Capitalised inside a sentence, or all capitals: most likely (part of) a name.
        exact = self.table.get(text)
        if exact is not None:
            return exact
        if "-" in text[1:-1] and text[text.rindex("-") + 1 :].islower():
            head_start = text.rindex("-") + 1
            head = self.lemmatize_known(text[head_start:])
            if head is not None:
                return text[:head_start] + head  # HR-managers -> HR-manager
        if text.endswith(("'s", "’s")) and len(text) > 3:
            return text[:-2]
        if lower.endswith(("se", "sche")) and self.table.get(lower[:-1]) == lower[:-1]:
            return lower[:-1]  # Amersfoortse -> amersfoorts
        return text

    def _rules(self, word: str) -> str | None:
        table = self.table
        match = _DIGIT_ORDINAL.match(word)
        if match:
            return match.group(1)
        if word.endswith(("'s", "’s")) and len(word) > 3:
            return table.get(word[:-2], word[:-2])
        if "-" in word.strip("-"):
            head_start = word.rindex("-") + 1
            head = self.lemmatize_known(word[head_start:])
            if head is not None:
                return word[:head_start] + head
            return None
        for cand in candidates(word):
            if cand in self.lemmas:
                return cand
        # closed compounds: a known modifier (maybe with a linking -s) and a head the table
        # or the rules know; the longest head wins, the modifier is kept as written
        for i in range(3, len(word) - 3):
            modifier, head = word[:i], word[i:]
            if modifier not in table and not (modifier[-1] == "s" and modifier[:-1] in table):
                continue
            if head in CLOSED_CLASS:
                continue
            lemma = table.get(head)
            if lemma is None:
                lemma = next((c for c in candidates(head) if c in self.lemmas), None)
            if lemma is not None:
                return modifier + lemma
        if word.endswith("enden"):
            return word[:-1]  # nominalised present participles: leidinggevenden
        return None

    def lemmatize_known(self, word: str) -> str | None:
        """The lemma of a lowercase word from the table or the rules, ``None`` if unknown."""
        known = self.table.get(word)
        if known is not None:
            return known
        return self._rules(word)


@cache
def load_lemma_table() -> dict[str, str]:
    """The shipped form -> lemma table (``=`` in the file stands for the form itself)."""
    path = resources.files("thematiek") / "data" / TABLE_NAME
    fields = gzip.decompress(path.read_bytes()).decode("utf-8").replace("\n", "\t").split("\t")
    if len(fields) % 2:
        fields.pop()  # after the last newline
    forms = fields[0::2]
    unique: dict[str, str] = {}
    # One string object per distinct lemma: ~370,000 forms share ~230,000 lemma strings.
    lemmas = [
        form if lemma == "=" else unique.setdefault(lemma, lemma)
        for form, lemma in zip(forms, fields[1::2], strict=True)
    ]
    return dict(zip(forms, lemmas, strict=True))


@cache
def _default_lemmatizer() -> DutchLemmatizer:
    return DutchLemmatizer(load_lemma_table())


class LemmatizerComponent:
    """The spaCy component: sets ``token.lemma_`` on every token of a Doc.

    Args:
        lemmatizer: The word-level lemmatiser; the shipped one by default.
        overwrite: Replace lemmas another component already set.
    """

    def __init__(self, lemmatizer: DutchLemmatizer | None = None, overwrite: bool = True) -> None:
        self.lemmatizer = lemmatizer or _default_lemmatizer()
        self.overwrite = overwrite
        self._hashes: dict[tuple[int, bool], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        hashes = self._hashes
        strings = doc.vocab.strings
        lemmatize = self.lemmatizer
        overwrite = self.overwrite
        for token in doc:
            if not overwrite and token.lemma != 0:
                continue
            key = (token.orth, token.is_sent_start is True)
            value = hashes.get(key)
            if value is None:
                value = strings.add(lemmatize(token.text, key[1]))
                hashes[key] = value
            token.lemma = value
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 1000) -> Iterable[Doc]:
        """Lemmatise a stream of Docs."""
        for doc in docs:
            yield self(doc)

    # spaCy serialisation hooks: the component has no state worth saving.
    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **__: Any) -> LemmatizerComponent:
        return self

    def to_disk(self, _path: Any, **__: Any) -> None:
        return None

    def from_disk(self, _path: Any, **__: Any) -> LemmatizerComponent:
        return self


@Language.factory("thematiek_lemmatizer", default_config={"overwrite": True})
def make_lemmatizer(nlp: Language, name: str, overwrite: bool) -> LemmatizerComponent:
    """Create the embedded Dutch lemmatiser component (spaCy factory)."""
    return LemmatizerComponent(overwrite=overwrite)
