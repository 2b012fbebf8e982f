"""Readers: every format, encoding and bad input, folders, stdin and the torture collection."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
from pathlib import Path

import pytest

from thematiek.corpus import read_article, read_articles, read_inputs
from thematiek.errors import CorpusFormatError
from thematiek.records import Article

DATA = Path(__file__).parent / "data"
TEKST = (
    "Een team dat elkaar vertrouwt, durft fouten te melden. Daarom begint goed leiderschap "
    "bij veiligheid: wie straft, hoort niets meer."
)


def _load_torture():
    spec = importlib.util.spec_from_file_location(
        "make_torture", DATA / "torture" / "make_torture.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


torture = _load_torture()


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def only(items: list[Article | CorpusFormatError]) -> Article | CorpusFormatError:
    assert len(items) == 1, items
    return items[0]


def error_of(path: Path, **kw: object) -> str:
    item = only(list(read_inputs([path], **kw)))  # type: ignore[arg-type]
    assert isinstance(item, CorpusFormatError), item
    message = str(item)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(str(path))
    return message


# --- formats ------------------------------------------------------------------------


def test_markdown_front_matter_and_body(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "post.md",
        "---\ntitle: Vertrouwen in teams\ndate: 2024-05-02\nauthor: Inge Bakker\n"
        "tags: [vertrouwen, leiderschap]\n---\n# Waarom vertrouwen telt\n\n"
        f"{TEKST} Lees **meer** in [dit stuk](https://example.nl/stuk).\n\n"
        "```python\nprint('geen tekst')\n```\n![foto](team.jpg)\n<em>Einde</em>.\n",
    )
    article = read_article(path)
    assert article.title == "Vertrouwen in teams"
    assert article.date == "2024-05-02"
    assert article.author == "Inge Bakker"
    assert article.tags == ("vertrouwen", "leiderschap")
    assert article.format == "markdown"
    assert article.id == article.source == str(path)
    lines = article.text.split("\n")
    assert lines[0] == "Waarom vertrouwen telt"
    assert "Lees meer in dit stuk." in article.text
    assert "print" not in article.text and "foto" not in article.text and "**" not in article.text
    assert "Einde." in article.text
    assert article.checksum and len(article.checksum) == 64


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: x\n", None),
        ("tags: []\n", ()),
        ("tags: null\n", None),
        ("tags:\n", None),
        ("tags: [a, b, a]\n", ("a", "b")),
        ("tags: visie, agile werken\n", ("visie", "agile werken")),
        ("tags: visie cultuur\n", ("visie", "cultuur")),
        ("categories: [cultuur]\nkeywords: [x]\n", ("cultuur",)),
        ("keywords:\n  - werkdruk\n", ("werkdruk",)),
        ("tags: null\ncategories: [cultuur]\n", ("cultuur",)),
        ("tags: [yes, 2024, '1.5']\n", ("yes", "2024", "1.5")),
    ],
)
def test_tags_fields(tmp_path: Path, front: str, expected: tuple[str, ...] | None) -> None:
    path = write(tmp_path, "a.md", f"---\n{front}---\n{TEKST}\n")
    assert read_article(path).tags == expected


@pytest.mark.parametrize(
    ("front", "words"),
    [
        ("tags: 3\n", "field 'tags' is a number"),
        ("tags: true\n", "field 'tags' is true or false"),
        ("tags: {a: 1}\n", "field 'tags' is a mapping"),
        ("tags: [a, [b]]\n", "item 2 is a list"),
        ("categories: [a, {b: c}]\n", "field 'categories': item 2 is a mapping"),
    ],
)
def test_bad_tags_name_the_field(tmp_path: Path, front: str, words: str) -> None:
    path = write(tmp_path, "a.md", f"---\ntitle: x\n{front}---\n{TEKST}\n")
    message = error_of(path)
    assert words in message
    assert message.startswith(f"{path}:3: ")


def test_plain_text_title_heuristic(tmp_path: Path) -> None:
    titled = read_article(write(tmp_path, "a.txt", f"Vertrouwen in teams\n\n{TEKST}\n"))
    assert titled.title == "Vertrouwen in teams"
    assert titled.text == TEKST
    untitled = read_article(write(tmp_path, "b.txt", f"{TEKST}\n\nTweede alinea.\n"))
    assert untitled.title is None
    assert untitled.text.startswith("Een team")
    assert untitled.format == "text"


def test_html_main_content_and_metadata(tmp_path: Path) -> None:
    path = DATA / "html" / "artikel.html"
    article = read_article(path)
    assert article.format == "html"
    assert article.title == "Waarom teams vastlopen"
    assert article.author == "Sanne de Vries"
    assert "rolverdeling" in article.text
    for noise in ("cookies", "Over ons", "rechten voorbehouden", "var x"):
        assert noise not in article.text


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path, "leeg.html", "<html><head><script>a()</script></head><body></body></html>"
    )
    assert "no article text found" in error_of(path)


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.jsonl",
        '{"id": "x", "title": "Een", "text": "Eerste tekst.", "tags": ["a"], '
        '"date": "2024-01-01"}\n'
        "{kapot\n"
        '{"title": "zonder tekst"}\n'
        "[1, 2]\n"
        "\n"
        '{"text": "Laatste tekst.", "tags": []}\n'
        '{"text": "Met getal.", "tags": 5}\n',
    )
    items = list(read_inputs([path]))
    assert [type(i).__name__ for i in items] == [
        "Article", "CorpusFormatError", "CorpusFormatError", "CorpusFormatError", "Article",
        "CorpusFormatError",
    ]  # fmt: skip
    first, last = items[0], items[4]
    assert isinstance(first, Article) and isinstance(last, Article)
    assert first.id == f"{path}:1" and first.line == 1 and first.title == "Een"
    assert first.tags == ("a",) and first.date == "2024-01-01"
    assert last.id == f"{path}:6" and last.tags == ()
    messages = [str(i) for i in items if isinstance(i, CorpusFormatError)]
    assert messages[0].startswith(f"{path}:2: line is not valid JSON")
    assert messages[1].startswith(f"{path}:3: record has no 'text' field")
    assert messages[2].startswith(f"{path}:4: line is an array")
    assert messages[3].startswith(f"{path}:7: record field 'tags' is not a list")
    with pytest.raises(CorpusFormatError, match=":2: line is not valid JSON"):
        list(read_articles([path]))


def test_input_format_overrides_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", f"---\ntitle: Toch markdown\n---\n{TEKST}\n")
    assert read_article(path).title is None
    (article,) = read_articles([path], input_format="markdown")
    assert article.title == "Toch markdown"
    with pytest.raises(ValueError, match="unknown input format"):
        read_inputs([path], input_format="docx")


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (f"---\ntitle: a\n---\n{TEKST}\n", "markdown"),
        (f"<!DOCTYPE html><html><body><article><p>{TEKST}</p></article></body></html>", "html"),
        ('{"text": "Een."}\n{"text": "Twee."}\n', "jsonl"),
        (f"{TEKST}\n", "text"),
    ],
)
def test_sniffing_unknown_extension_and_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, fmt: str
) -> None:
    path = write(tmp_path, "bestand.xyz", content)
    assert {a.format for a in read_articles([path])} == {fmt}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content.encode())))
    articles = list(read_articles(["-"]))
    assert {a.format for a in articles} == {fmt}
    assert all(a.source == "<stdin>" for a in articles)


def test_stdin_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 100)))
    (item,) = read_inputs(["-"], max_bytes=10)
    assert isinstance(item, CorpusFormatError) and "limit" in str(item)


# --- encodings ----------------------------------------------------------------------


def test_bom_crlf_and_mixed_line_endings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.md",
        b"\xef\xbb\xbf---\r\ntitle: Met BOM\r\ntags: [a]\n---\r\nRegel een.\r\nRegel twee.\n",
    )
    article = read_article(path)
    assert article.encoding == "utf-8-sig" and article.warnings == ()
    assert article.title == "Met BOM" and article.tags == ("a",)
    assert article.text == "Regel een.\nRegel twee."


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_legacy_encoding_with_warning(tmp_path: Path, codec: str) -> None:
    text = "---\ntitle: Coördinatie\n---\nHet café is één keer per week open; ideeën welkom.\n"
    if codec == "cp1252":
        text = text.replace("open;", "open’s;")
    path = write(tmp_path, "a.md", text.encode(codec))
    article = read_article(path)
    assert article.title == "Coördinatie"
    assert "één" in article.text and "ideeën" in article.text
    assert article.encoding == "cp1252"
    assert len(article.warnings) == 1 and "not UTF-8" in article.warnings[0]


def test_invalid_utf8_mid_file_names_line_and_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", "---\ntitle: één\n---\nregel\n".encode() + b"kapot \xff hier\n")
    message = error_of(path)
    offset = len("---\ntitle: één\n---\nregel\nkapot ".encode())
    assert message.startswith(f"{path}:5: invalid UTF-8 at byte {offset} (0xff)")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "file is empty"),
        (b" \n\t\n", "only whitespace"),
        (b"tekst\x00meer", "binary file, not text"),
        (b"\x89PNG\r\n\x1a\nrest", "binary file, not text"),
        ("\ufefftekst".encode("utf-16"), "UTF-16"),
        (b"---\ntitle: a\n", "front matter is not closed"),
        (b"---\n- a\n---\ntekst\n", "front matter is a list"),
        (b"---\njust words\n---\ntekst\n", "front matter is a single value"),
        (b"---\na: 1\na: 2\n---\ntekst\n", "duplicate key 'a'"),
        (b"---\na:\n  b: 1\n  b: 2\n---\ntekst\n", "duplicate key 'b'"),
    ],
)
def test_bad_inputs_are_one_line_errors(tmp_path: Path, content: bytes, words: str) -> None:
    path = write(tmp_path, "a.md", content)
    assert words in error_of(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.md", "---\ntitle: goed\nauthor: a: b\n---\ntekst\n")
    assert error_of(path) == (
        f"{path}:3: front matter is not valid YAML (mapping values are not allowed here)"
    )


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", "woord " * 1000)
    message = error_of(path, max_bytes=100)
    assert "6000 bytes" in message and "limit" in message


# --- paths --------------------------------------------------------------------------


def test_folder_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    for name in [
        "b.md", "a.txt", "sub/c.html", "sub/a.md", ".verborgen.md", ".git/x.md", "notities.docx",
        "plaatje.png", "z.jsonl",
    ]:  # fmt: skip
        write(tmp_path, name, f"{TEKST}\n" if not name.endswith("html") else f"<p>{TEKST}</p>")
    write(tmp_path, "z.jsonl", '{"text": "Een."}\n')
    sources = [Path(i.source).relative_to(tmp_path).as_posix() for i in read_inputs([tmp_path])]
    assert sources == ["a.txt", "b.md", "sub/a.md", "sub/c.html", "z.jsonl"]


def test_inputs_keep_their_order_and_errors_stay_inline(tmp_path: Path) -> None:
    good = write(tmp_path, "b.md", TEKST)
    bad = write(tmp_path, "a.md", b"")
    items = list(read_inputs([good, tmp_path / "ontbreekt.md", bad, good]))
    assert [isinstance(i, Article) for i in items] == [True, False, False, True]
    assert "no such file" in str(items[1])


def test_symlink_loop_is_an_error_naming_the_folder(tmp_path: Path) -> None:
    write(tmp_path, "map/a.md", TEKST)
    os.symlink("..", tmp_path / "map" / "terug")
    os.symlink("zelf.md", tmp_path / "zelf.md")
    items = list(read_inputs([tmp_path]))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [str(i) for i in items if isinstance(i, CorpusFormatError)]
    assert len(articles) == 1
    assert (
        errors[0]
        == f"{tmp_path}/map/terug: symbolic link loop: this folder contains itself; remove the link"
    )
    assert errors[1].startswith(f"{tmp_path}/zelf.md: cannot read: symbolic link loop")


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """We run as root, and root reads mode-000 files, so chmod cannot make a file unreadable
    here: the read itself is made to fail with EACCES instead."""
    import thematiek.corpus as corpus

    path = write(tmp_path, "a.md", TEKST)

    def refuse(path: Path, limit: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(corpus, "_read_bytes", refuse)
    assert error_of(path) == f"{path}: cannot read: permission denied; check the file's permissions"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads mode-000 files; see the simulated test")
def test_unreadable_file_real(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", TEKST)
    path.chmod(0)
    assert "permission denied" in error_of(path)


def test_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pijp.md")
    assert "not a regular file" in error_of(tmp_path / "pijp.md")


# --- torture ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("torture")
    torture.make_torture(folder)
    return folder


@pytest.mark.parametrize("name", sorted(torture.EXPECTED))
def test_torture_file(torture_dir: Path, name: str) -> None:
    expected, words = torture.EXPECTED[name]
    path = torture_dir / name
    items = list(read_inputs([path]))
    if name.endswith(".jsonl"):
        assert [(i.line, isinstance(i, Article)) for i in items] == [
            (line, kind == "ok") for line, kind, _ in torture.JSONL_EXPECTED
        ]
        for item, (_, _, words) in zip(items, torture.JSONL_EXPECTED, strict=True):
            assert words in (str(item) if isinstance(item, CorpusFormatError) else "")
        return
    item = only(items)
    if expected == "ok":
        assert isinstance(item, Article), item
        assert item.text
    else:
        assert isinstance(item, CorpusFormatError), item
        assert words in str(item) and "\n" not in str(item)
        assert str(item).startswith(str(path))


def test_torture_specials(torture_dir: Path) -> None:
    big = torture_dir / torture.BIG
    assert big.stat().st_size > 20_000_000
    assert "larger than the limit of 5.0 MB" in error_of(big)
    assert len(list(read_articles([big], max_bytes=25_000_000))) == 1
    loop_items = list(read_inputs([torture_dir / torture.LOOP]))
    assert [isinstance(i, Article) for i in loop_items] == [True, False]
    assert "symbolic link loop" in str(loop_items[1])
    secret = list(read_inputs([torture_dir / torture.UNREADABLE]))
    assert isinstance(secret[0], Article) == (os.geteuid() == 0)


def test_torture_folder_reads_everything_in_one_pass(torture_dir: Path) -> None:
    items = list(read_inputs([torture_dir]))
    assert len(items) > len(torture.EXPECTED)
    assert all(isinstance(i, Article | CorpusFormatError) for i in items)
    cp1252 = next(i for i in items if isinstance(i, Article) and i.source.endswith("cp1252.md"))
    assert "één" in cp1252.text and cp1252.warnings
