"""Property and fuzz tests: write-back round-trips byte for byte; readers never crash.

Profiles: ``HYPOTHESIS_PROFILE=ci`` (default, a few thousand examples in all, well under a
minute) and ``HYPOTHESIS_PROFILE=fuzz`` (many more). Any exception other than a
ThematiekError is a bug; crashing inputs found so far are in the torture collection.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thematiek.corpus import read_article, read_inputs, write_tags
from thematiek.errors import CorpusFormatError, ThematiekError
from thematiek.records import Article

settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WORDS = st.sampled_from(
    ["visie", "team", "cultuur", "agile werken", "ja", "yes", "null", "12", "a: b", "#x",
     "ë-tag", "[x]", "'q'", "werk,druk", "é"]
)  # fmt: skip
KEYS = st.sampled_from(["title", "author", "date", "draft", "weight", "slug", "extra", "Titel"])
PLAIN = st.text(alphabet="abcdeéë xyz019-", min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and yaml.safe_load(s) == s
)


PRINTABLE = st.characters(
    blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters="\ufeff\x85"
)
TEXT = st.text(alphabet=PRINTABLE, max_size=10)


def scalar_text() -> st.SearchStrategy[str]:
    return st.one_of(
        PLAIN,
        TEXT.map(lambda s: "'" + s.replace("'", "''") + "'"),
        TEXT.map(lambda s: yaml.safe_dump(s, default_style='"', width=1 << 20).strip()),
        st.sampled_from(["12", "1.5", "true", "~", "2024-01-31", ""]),
    )  # fmt: skip


@st.composite
def front_matter(draw: st.DrawFn) -> tuple[str, tuple[str, ...] | None]:
    """YAML front-matter text in many styles, and the tags it holds."""
    lines: list[str] = []
    keys = draw(st.lists(KEYS, unique=True, max_size=5))
    tags = draw(st.lists(WORDS, max_size=4, unique_by=str.casefold))
    tag_style = draw(st.sampled_from(["none", "flow", "block", "indentless", "empty", "null"]))
    position = draw(st.integers(0, len(keys)))
    for index in range(len(keys) + 1):
        if draw(st.booleans()):
            lines.append("# " + draw(st.text(alphabet="abc ëé#:", max_size=8)))
        if index == position:
            lines.extend(_tags_lines(tag_style, tags, draw(st.sampled_from(["", "'", '"']))))
        if index < len(keys):
            kind = draw(st.sampled_from(["scalar", "flow", "block"]))
            if kind == "scalar":
                lines.append(f"{keys[index]}: {draw(scalar_text())}")
            elif kind == "flow":
                items = draw(st.lists(scalar_text().filter(bool), max_size=3))
                lines.append(f"{keys[index]}: [{', '.join(items)}]")
            else:
                items = draw(st.lists(scalar_text(), min_size=1, max_size=3))
                lines.append(f"{keys[index]}:")
                lines.extend(f"  - {item}" for item in items)
    if tag_style == "none":
        expected = None
    elif tag_style in ("empty",):
        expected = ()
    elif tag_style == "null":
        expected = None
    else:
        expected = tuple(tags)
    return "".join(line + "\n" for line in lines), expected


def _quote(tag: str, style: str) -> str:
    if style == "'":
        return "'" + tag.replace("'", "''") + "'"
    return yaml.safe_dump(tag, default_style='"', width=1 << 20, allow_unicode=True).strip()


def _tags_lines(style: str, tags: list[str], quote: str) -> list[str]:
    items = [_quote(tag, quote or '"') for tag in tags]
    if style == "flow" and tags:
        return [f"tags: [{', '.join(items)}]"]
    if style in ("block", "indentless") and tags:
        indent = "  " if style == "block" else ""
        return ["tags:"] + [f"{indent}- {item}" for item in items]
    if style == "empty" or (style in ("flow", "block", "indentless") and not tags):
        return ["tags: []"]
    if style == "null":
        return ["tags: ~"]
    return []


BODIES = st.text(alphabet=PRINTABLE | st.sampled_from("\n\t\r"), max_size=80).map(
    lambda s: "Tekst over werk.\n" + s
)


def _data(text: str) -> dict[object, object]:
    # The front matter ends at the first line that is exactly `---` (a value may
    # contain `---` too, as in `title: [0---]`).
    match = re.match(r"---\r?\n(.*?)^---\r?$", text, re.S | re.M)
    loaded = yaml.safe_load(match.group(1)) if match else None
    return loaded or {}


@given(
    fm=front_matter(),
    body=BODIES,
    new=st.lists(WORDS, max_size=4),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_write_back_round_trip(
    fm: tuple[str, tuple[str, ...] | None], body: str, new: list[str], newline: str, bom: bool
) -> None:
    yaml_text, expected_tags = fm
    text = f"---\n{yaml_text}---\n".replace("\n", newline) + body
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_bytes(raw)
        before = read_article(path)
        assert before.tags == expected_tags
        result = write_tags(before, new, model="m")
        after_raw = path.read_bytes()
        after = read_article(path)
    assert after_raw.endswith(body.encode())  # body byte for byte
    assert after_raw.startswith(b"\xef\xbb\xbf" if bom else b"---")
    union = list(expected_tags or ())
    for tag in new:
        if tag.casefold() not in {t.casefold() for t in union}:
            union.append(tag)
    assert list(after.tags or ()) == union or (not union and after.tags == expected_tags)
    assert result.changed == (after_raw != raw)
    old_data, new_data = _data(text), _data(after_raw.decode("utf-8-sig"))
    for key in ("tags", "thematiek"):
        old_data.pop(key, None)
        new_data.pop(key, None)
    assert old_data == new_data


@given(
    data=st.dictionaries(
        st.text(alphabet=PRINTABLE, min_size=1, max_size=6),
        st.recursive(
            st.none() | st.booleans() | st.integers() | TEXT,
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
            max_leaves=6,
        ),
        max_size=5,
    ),
    flow=st.sampled_from([None, True, False]),
    indent=st.integers(2, 6),
    new=st.lists(WORDS, min_size=1, max_size=3),
)  # fmt: skip
def test_write_back_of_dumped_yaml(
    data: dict[str, object], flow: bool | None, indent: int, new: list[str]
) -> None:
    data.pop("tags", None)
    data.pop("thematiek", None)
    dumped = yaml.safe_dump(data, default_flow_style=flow, indent=indent, allow_unicode=True)
    text = f"---\n{dumped}---\nTekst.\n" if data else "---\n---\nTekst.\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            article = read_article(path)
        except CorpusFormatError:
            return  # e.g. dumped keys that collide, or a flow root mapping
        try:
            write_tags(article, new)
        except ThematiekError as exc:
            assert "{...}" in str(exc)  # only a flow root mapping is refused
            return
        after = path.read_text(encoding="utf-8")
    assert after.endswith("---\nTekst.\n")
    data = _data(text)
    new_data = _data(after)
    assert new_data.pop("tags") == list(dict.fromkeys(new))
    new_data.pop("thematiek")
    assert new_data == data


SUFFIXES = st.sampled_from([".md", ".txt", ".html", ".jsonl", ".xyz"])
PREFIXES = st.sampled_from(
    [b"", b"---\n", b"---\ntags: ", b"<html><body>", b'{"text": ', b"\xef\xbb\xbf"]
)


@given(
    prefix=PREFIXES, data=st.binary(max_size=300), suffix=SUFFIXES, tags=st.lists(WORDS, max_size=2)
)
def test_readers_and_writer_never_crash(
    prefix: bytes, data: bytes, suffix: str, tags: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"f{suffix}"
        path.write_bytes(prefix + data)
        for item in read_inputs([path]):
            assert isinstance(item, Article | CorpusFormatError)
            if isinstance(item, CorpusFormatError):
                assert "\n" not in str(item) and str(item).startswith(str(path))
                continue
            try:
                write_tags(item, tags, dry_run=True)
                write_tags(item, tags)
            except ThematiekError:
                pass


@given(text=st.text(max_size=300), tags=st.lists(WORDS, max_size=2))
def test_markdown_text_never_crashes(text: str, tags: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.md"
        path.write_bytes(("---\n" + text).encode("utf-8", "surrogatepass"))
        for item in read_inputs([path]):
            if isinstance(item, Article):
                with contextlib.suppress(ThematiekError):
                    write_tags(item, tags)
