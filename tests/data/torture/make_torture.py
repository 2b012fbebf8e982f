"""Generate the torture collection: inputs that readers and write-back must survive.

Usage: ``python tests/data/torture/make_torture.py FOLDER`` (tests call ``make_torture``
into a temporary folder). ``EXPECTED`` says, per file, whether it must be read fine
(``ok``) or give exactly one one-line error containing the given words (``error``).
The 20 MB file is generated only, never committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DUTCH = (
    "Goede leiders luisteren eerst en praten daarna. In veel organisaties gebeurt het "
    "omgekeerde: de manager weet het antwoord al voordat de vraag is gesteld. Dat kost "
    "vertrouwen, en zonder vertrouwen durft niemand in het team nog een fout toe te geven."
)
DUTCH_LEGACY = "Café-overleg over de coördinatie van ’s morgens: één team, geen ruzie. " * 3
ENGLISH = (
    "Good leaders listen first and talk later. In many organisations the opposite happens: "
    "the manager knows the answer before the question has been asked, and trust erodes."
)
GERMAN = (
    "Gute Führungskräfte hören zuerst zu und sprechen danach. In vielen Unternehmen "
    "geschieht das Gegenteil: der Vorgesetzte kennt die Antwort, bevor die Frage gestellt ist."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"

# name -> ("ok" | "error", words the error message must contain, or "" for ok)
EXPECTED: dict[str, tuple[str, str]] = {
    "empty.md": ("error", "empty"),
    "whitespace.md": ("error", "whitespace"),
    "nul-bytes.txt": ("error", "binary file, not text"),
    "plaatje.md": ("error", "binary file, not text"),
    "bom.md": ("ok", ""),
    "cp1252.md": ("ok", ""),
    "latin1.txt": ("ok", ""),
    "invalid-utf8.md": ("error", "invalid UTF-8 at byte"),
    "mixed-newlines.md": ("ok", ""),
    "not-closed.md": ("error", "front matter is not closed"),
    "invalid-yaml.md": ("error", "front matter is not valid YAML"),
    "yaml-list.md": ("error", "front matter is a list"),
    "yaml-string.md": ("error", "front matter is a single value"),
    "tags-string.md": ("ok", ""),
    "tags-number.md": ("error", "field 'tags' is a number"),
    "tags-null.md": ("ok", ""),
    "tags-nested.md": ("error", "item 2 is a list"),
    "tags-mapping.md": ("error", "field 'tags' is a mapping"),
    "duplicate-keys.md": ("error", "duplicate key 'title'"),
    "bad-date.md": ("error", "cannot be read"),
    "long-line.md": ("ok", ""),
    "only-scripts.html": ("error", "no article text found"),
    "records.jsonl": ("ok", ""),  # 2 good records and 3 errors, see JSONL_EXPECTED
    "english.md": ("ok", ""),  # readable; check_dutch refuses it
    "german.txt": ("ok", ""),
    "kort.md": ("ok", ""),  # readable; too short for check_dutch
    "utf16.txt": ("error", "UTF-16"),
    "control-chars.txt": ("error", "binary file"),
    "flow-root.md": ("ok", ""),
}
JSONL_EXPECTED = [
    (1, "ok", ""),
    (2, "error", "line is not valid JSON"),
    (3, "error", "has no 'text' field"),
    (4, "error", "line is an array, not a JSON object"),
    (6, "ok", ""),
]
BIG = "groot.txt"  # 20 MB: over the default limit of 5 MB
LOOP = "lus"  # folder with a symbolic link to itself
UNREADABLE = "geheim.md"  # mode 000: an error, except for root, who can read it anyway


def _md(front: str, body: str = DUTCH) -> bytes:
    return f"---\n{front}---\n{body}\n".encode()


def make_torture(folder: Path, *, big: bool = True) -> dict[str, tuple[str, str]]:
    """Write the torture files into ``folder``; return the expectations of the plain files.

    The symlink loop (``lus/``), the unreadable file and the 20 MB file are written too but
    are not in the returned mapping; tests check them separately.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "empty.md": b"",
        "whitespace.md": b"  \n\t\r\n   \n",
        "nul-bytes.txt": DUTCH.encode()[:40] + b"\x00\x00" + DUTCH.encode()[40:],
        "plaatje.md": PNG,
        "bom.md": b"\xef\xbb\xbf" + _md("title: Met BOM\ntags: [visie]\n"),
        "cp1252.md": _md("title: Café\n", DUTCH_LEGACY).decode().encode("cp1252"),
        "latin1.txt": ("Coördinatie\n\n" + DUTCH_LEGACY.replace("’", "'")).encode("latin-1"),
        "invalid-utf8.md": _md("title: Één\n", "regel één\nregel twee \xff kapot\n")
        .decode("latin-1")
        .encode("latin-1")
        .replace(b"\xc3\xbf", b"\xff"),
        "mixed-newlines.md": b"---\r\ntitle: Gemengd\ntags: [team]\r\n---\nEen regel.\r\n"
        + DUTCH.encode()
        + b"\n",
        "not-closed.md": b"---\ntitle: Open\ntags: [a]\n\n" + DUTCH.encode(),
        "invalid-yaml.md": _md("title: goed\ntags: [a, b\nauteur: x: y\n"),
        "yaml-list.md": _md("- een\n- twee\n"),
        "yaml-string.md": _md("zomaar een zin\n"),
        "tags-string.md": _md("title: Tags als tekst\ntags: visie, agile werken\n"),
        "tags-number.md": _md("tags: 42\n"),
        "tags-null.md": _md("tags: null\ncategories: [cultuur]\n"),
        "tags-nested.md": _md("tags:\n  - visie\n  - [a, b]\n"),
        "tags-mapping.md": _md("tags:\n  visie: ja\n"),
        "duplicate-keys.md": _md("title: Een\nauthor: An\ntitle: Twee\n"),
        "bad-date.md": _md("date: 2024-13-45\n"),
        "long-line.md": _md("title: Lang\n", ("woord " * 33_334)[:200_000]),
        "only-scripts.html": b"<!DOCTYPE html><html><head><script>var a = 1;</script>"
        b"<style>p { color: red }</style></head><body><script>document.write('x')</script>"
        b"</body></html>",
        "records.jsonl": (
            '{"id": "a1", "title": "Feedback", "text": "' + DUTCH + '", "tags": ["feedback"]}\n'
            '{"text": "kapot\n'
            '{"title": "geen tekst"}\n'
            '["een", "lijst"]\n'
            "\n"
            '{"text": "Teams groeien door elkaar feedback te geven.", "tags": "teams, groei"}\n'
        ).encode(),
        "english.md": _md("title: Listening\n", ENGLISH),
        "german.txt": GERMAN.encode(),
        "kort.md": _md("title: Kort\n", "Goed leiderschap telt."),
        "utf16.txt": DUTCH.encode("utf-16"),
        "control-chars.txt": bytes(range(1, 9)) * 20,
        "flow-root.md": _md("{title: Accolades, tags: [a]}\n"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    if big:
        chunk = (DUTCH + "\n").encode()
        with open(folder / BIG, "wb") as handle:
            for _ in range(20_000_000 // len(chunk) + 1):
                handle.write(chunk)
    loop = folder / LOOP
    loop.mkdir(exist_ok=True)
    (loop / "artikel.md").write_bytes(_md("title: In de lus\n"))
    if not (loop / "terug").is_symlink():
        os.symlink(".", loop / "terug")
    secret = folder / UNREADABLE
    secret.write_bytes(_md("title: Geheim\n"))
    secret.chmod(0)
    return dict(EXPECTED)


if __name__ == "__main__":
    make_torture(Path(sys.argv[1]))
