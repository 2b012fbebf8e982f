"""Build src/thematiek/data/nl_vocab.txt.gz: the Dutch words used to split compounds.

The list is the set of lemmas in simplemma's Dutch dictionary (MIT licence), normalised
the way the lexicon matcher normalises (lower case, no diacritics), three letters or
more, letters only. Run: ``python tools/build_vocab.py``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from thematiek.keywords import normalise

OUT = Path(__file__).resolve().parents[1] / "src" / "thematiek" / "data" / "nl_vocab.txt.gz"


def main() -> None:
    dictionary = DefaultDictionaryFactory().get_dictionary("nl")
    words = {normalise(str(lemma)) for lemma in dictionary.values()}
    words = {w for w in words if len(w) >= 3 and w.isalpha() and w.isascii()}
    data = "\n".join(sorted(words)).encode("utf-8")
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:
        handle.write(data)
    print(f"{OUT}: {len(words)} words, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
