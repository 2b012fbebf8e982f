"""Build ``data/nl_lemmas.tsv.gz``, the embedded lemmatiser's table.

Run ``python -m thematiek._build_lemmas`` in an environment with simplemma (MIT) and
spacy-lookups-data (MIT) installed; only the built table ships, so spacy-lookups-data is
not needed at run time. The table combines:

1. simplemma's Dutch dictionary (its ``_`` compound separators removed) and spaCy's Dutch
   ``lemma_lookup``; where both know a form and disagree, spaCy's lemma is taken (it is
   right more often on nouns and adjectives that simplemma reads as verbs);
2. fixes by rule: a form that is itself a headword and was mapped to the verb made from it
   (``boer`` -> ``boeren``) keeps its form; diminutive lemmas lose the diminutive
   (``zusjes`` -> ``zusje`` -> ``zus``); closed-class forms and ordinals from
   :mod:`thematiek.lemmas`.

Entries the rules already get right need not be stored, but are kept: the table doubles as
the lexicon the rules check their candidates against.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from thematiek.lemmas import CLOSED_CLASS, LEXICAL_DIMINUTIVES, ORDINALS, TABLE_NAME

_DIMINUTIVES = ("etje", "pje", "tje", "kje", "je")


def read_simplemma() -> dict[str, str]:
    """simplemma's Dutch form -> lemma dictionary."""
    from simplemma.strategies.dictionaries.dictionary_factory import (
        _load_dictionary_from_disk,
    )

    return {k.decode(): v.decode() for k, v in _load_dictionary_from_disk("nl").items()}


def read_spacy_lookup() -> dict[str, str]:
    """spacy-lookups-data's Dutch ``lemma_lookup`` table."""
    path = resources.files("spacy_lookups_data") / "data" / "nl_lemma_lookup.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        data: dict[str, str] = json.load(f)
    return data


def _undiminish(lemma: str, headwords: set[str]) -> str:
    if lemma in LEXICAL_DIMINUTIVES:
        return lemma
    for suffix in _DIMINUTIVES:
        if lemma.endswith(suffix) and len(lemma) > len(suffix) + 2:
            base = lemma[: -len(suffix)]
            if base in headwords and base not in CLOSED_CLASS:
                return base
    return lemma


def build_table(
    simplemma: Mapping[str, str],
    lookup: Mapping[str, str],
    *,
    prefer: str = "spacy",
    headword_identity: bool = True,
    undiminish: bool = True,
) -> dict[str, str]:
    """Combine the two sources and apply the fixes; returns form -> lemma."""
    table: dict[str, str] = {}
    for form in set(simplemma) | set(lookup):
        a = simplemma.get(form)
        b = lookup.get(form)
        if a is not None:
            a = a.replace("_", "")
        if a is not None and b is not None:
            table[form] = b if prefer == "spacy" else a
        else:
            table[form] = a if a is not None else b  # type: ignore[assignment]
    headwords = set(table.values())
    for form, lemma in table.items():
        if lemma == form:
            continue
        if (
            headword_identity
            and form in headwords
            and lemma in (form + "en", form + "n", form + form[-1] + "en")
        ):
            table[form] = form
            continue
        if undiminish:
            table[form] = _undiminish(lemma, headwords)
    for form, lemma in {**CLOSED_CLASS, **ORDINALS}.items():
        table[form] = lemma
    return table


def write_table(table: Mapping[str, str], path: Path) -> None:
    """Write the table as sorted, gzip'd ``form<TAB>lemma`` lines (``=``: same as form)."""
    lines = [f"{form}\t{'=' if lemma == form else lemma}\n" for form, lemma in table.items()]
    lines.sort()
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as f:
        f.write("".join(lines).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Build the table into ``src/thematiek/data/`` (or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path(__file__).parent / "data" / TABLE_NAME
    table = build_table(read_simplemma(), read_spacy_lookup())
    write_table(table, out)
    print(f"{out}: {len(table)} forms, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
