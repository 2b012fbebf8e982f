"""Read articles from files, folders and stdin; write suggested tags back into Markdown.

Readers stream: :func:`read_inputs` yields an :class:`~thematiek.records.Article` or a
:class:`~thematiek.errors.CorpusFormatError` per input, in input order, and never raises
for a bad input, so a caller can report it and go on. :func:`read_articles` is the strict
version. :func:`write_tags` adds tags to a Markdown file's front matter, changing nothing
else byte for byte, atomically and safely next to other writers.

Formats:
    markdown: YAML front matter (tags from ``tags``, else ``categories``, else
        ``keywords``; ``title``, ``date``, ``author``) and a body turned into plain text.
    text: plain text. The first line is the title when it looks like one: followed by a
        blank line, at most 150 characters, and not ending in ``.``, ``,``, ``;`` or ``:``.
        ``Article.text`` is then the rest; otherwise the title is None and the text is all.
    html: the main content only, via trafilatura; title, author, date and tags from the
        page metadata.
    jsonl: one JSON object per line with at least ``text``; ``title``, ``tags``, ``date``,
        ``author`` optional; ``Article.id`` is ``path:line``.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from thematiek import _atomic, _frontmatter
from thematiek._encoding import Decoded, decode_bytes
from thematiek._frontmatter import FrontMatter
from thematiek._markdown import strip_markdown
from thematiek.errors import CorpusFormatError, WriteBackError
from thematiek.records import Article

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "WriteResult",
    "read_article",
    "read_articles",
    "read_inputs",
    "write_tags",
]

FORMATS = ("markdown", "text", "html", "jsonl")
EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
STDIN = "<stdin>"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TITLE_MAX = 150


# --- reading --------------------------------------------------------------------------


def read_inputs(
    paths: Iterable[str | Path],
    *,
    input_format: str | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[Article | CorpusFormatError]:
    """Read articles from files, folders (recursively) and ``-`` (stdin).

    Folders are walked in sorted order, skipping hidden files and folders, reading only
    files with a known extension (.md .markdown .txt .text .html .htm .jsonl .ndjson).
    A named file with another extension, and stdin, are sniffed: front matter means
    Markdown, ``<html`` or ``<!doctype`` HTML, lines that are all JSON objects JSONL,
    anything else plain text.

    Args:
        paths: Files, folders, or ``-`` for stdin.
        input_format: Read every input as this format (one of ``FORMATS``) instead.
        max_bytes: Refuse files larger than this.

    Returns:
        An iterator of articles and, in their place, errors for inputs that cannot be read.

    Raises:
        ValueError: ``input_format`` is not one of ``FORMATS``.
    """
    if input_format is not None and input_format not in FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; use one of {', '.join(FORMATS)}")
    return _read_inputs(list(paths), input_format, max_bytes)


def read_articles(
    paths: Iterable[str | Path],
    *,
    input_format: str | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[Article]:
    """Like :func:`read_inputs`, but raise the first error.

    Raises:
        CorpusFormatError: An input cannot be read.
    """
    for item in read_inputs(paths, input_format=input_format, max_bytes=max_bytes):
        if isinstance(item, CorpusFormatError):
            raise item
        yield item


def read_article(
    path: str | Path, *, input_format: str | None = None, max_bytes: int = 5_000_000
) -> Article:
    """Read one Markdown, text or HTML file.

    Raises:
        CorpusFormatError: The file cannot be read, or it holds several articles (JSONL).
    """
    items = list(_read_file(Path(path), str(path), input_format, max_bytes))
    if len(items) != 1 or (isinstance(items[0], Article) and items[0].format == "jsonl"):
        raise CorpusFormatError(
            str(path), "holds several articles (JSONL); use read_articles() for it"
        )
    if isinstance(items[0], CorpusFormatError):
        raise items[0]
    return items[0]


def _read_inputs(
    paths: list[str | Path], input_format: str | None, max_bytes: int
) -> Iterator[Article | CorpusFormatError]:
    for given in paths:
        name = os.fspath(given)
        if name == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            if len(data) > max_bytes:
                yield CorpusFormatError(
                    STDIN, f"input is larger than the limit of {_size(max_bytes)}"
                )
                continue
            yield from _parse(data, STDIN, input_format)
            continue
        path = Path(given)
        try:
            is_dir = path.is_dir()
        except OSError as exc:
            yield _os_error(name, exc)
            continue
        if is_dir:
            yield from _walk(path, name, input_format, max_bytes)
        else:
            yield from _read_file(path, name, input_format, max_bytes)


def _walk(
    root: Path, name: str, input_format: str | None, max_bytes: int
) -> Iterator[Article | CorpusFormatError]:
    """Depth-first, sorted, without recursion (deep trees) and without looping (symlinks)."""
    stack: list[tuple[Iterator[os.DirEntry[str]], frozenset[tuple[int, int]], str]] = []

    def enter(
        folder: str, shown: str, ancestors: frozenset[tuple[int, int]]
    ) -> CorpusFormatError | None:
        try:
            info = os.stat(folder)
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                return CorpusFormatError(
                    shown, "symbolic link loop: this folder contains itself; remove the link"
                )
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            return _os_error(shown, exc)
        stack.append((iter(entries), ancestors | {key}, shown))
        return None

    error = enter(os.fspath(root), name, frozenset())
    if error is not None:
        yield error
    while stack:
        entries, ancestors, shown = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        child = os.path.join(shown, entry.name)
        try:
            is_dir = entry.is_dir()
        except OSError as exc:
            yield _os_error(child, exc)
            continue
        if is_dir:
            error = enter(entry.path, child, ancestors)
            if error is not None:
                yield error
        elif os.path.splitext(entry.name)[1].lower() in EXTENSIONS:
            yield from _read_file(Path(entry.path), child, input_format, max_bytes)


def _read_file(
    path: Path, name: str, input_format: str | None, max_bytes: int
) -> Iterator[Article | CorpusFormatError]:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(info.st_mode):
            yield CorpusFormatError(name, "not a regular file (a pipe, socket or device)")
            return
        if info.st_size > max_bytes:
            yield CorpusFormatError(name, _too_large(info.st_size, max_bytes))
            return
        data = _read_bytes(path, max_bytes + 1)
    except OSError as exc:
        yield _os_error(name, exc)
        return
    if len(data) > max_bytes:  # grew after stat
        yield CorpusFormatError(name, _too_large(len(data), max_bytes))
        return
    fmt = input_format or EXTENSIONS.get(path.suffix.lower())
    yield from _parse(data, name, fmt)


def _read_bytes(path: Path, limit: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(limit)


def _too_large(size: int, limit: int) -> str:
    return (
        f"file is {_size(size)} ({size} bytes), larger than the limit of {_size(limit)}; "
        "split it or raise max_bytes"
    )


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def _os_error(name: str, exc: OSError) -> CorpusFormatError:
    reasons = {
        errno.ENOENT: "no such file or folder",
        errno.EACCES: "permission denied; check the file's permissions",
        errno.EPERM: "permission denied; check the file's permissions",
        errno.ELOOP: "symbolic link loop; remove or fix the link",
        errno.EISDIR: "is a folder, not a file",
        errno.ENOTDIR: "a part of the path is not a folder",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return CorpusFormatError(name, f"cannot read: {reason}")


def _parse(data: bytes, name: str, fmt: str | None) -> Iterator[Article | CorpusFormatError]:
    declared = None
    if fmt in (None, "html"):
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    try:
        decoded = decode_bytes(data, name, declared=declared)
        checksum = hashlib.sha256(data).hexdigest()
        fmt = fmt or _sniff(decoded.text)
        if fmt == "jsonl":
            yield from _parse_jsonl(decoded, name, checksum)
            return
        if fmt == "markdown":
            yield _parse_markdown(decoded, name, checksum)
        elif fmt == "html":
            yield _parse_html(decoded, name, checksum)
        else:
            yield _parse_text(decoded, name, checksum)
    except CorpusFormatError as exc:
        yield exc


def _sniff(text: str) -> str:
    if _frontmatter.has_front_matter(text):
        return "markdown"
    head = text[:1024].lstrip().lower()
    if head.startswith(("<html", "<!doctype html", "<!doctype")):
        return "html"
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and all(line.startswith("{") for line in lines):
        for line in lines[:20]:
            try:
                if isinstance(json.loads(line), dict):
                    return "jsonl"
            except ValueError:
                continue
    return "text"


def _parse_markdown(decoded: Decoded, name: str, checksum: str) -> Article:
    text = decoded.text
    fm = _frontmatter.parse_front_matter(text, name)
    warnings = list(decoded.warnings)
    meta: dict[Any, Any] = {}
    tags: tuple[str, ...] | None = None
    body = text
    if fm is not None:
        meta = fm.data
        _, tags = _frontmatter.find_tags(fm, name)
        body = text[fm.body_start :]
    return Article(
        id=name,
        text=strip_markdown(body),
        title=_meta_text(meta, "title", warnings),
        date=_meta_text(meta, "date", warnings),
        author=_meta_text(meta, "author", warnings),
        tags=tags,
        source=name,
        format="markdown",
        encoding=decoded.encoding,
        checksum=checksum,
        content_checksum=_frontmatter.content_digest(text, fm),
        warnings=tuple(warnings),
    )


def _meta_text(meta: Mapping[Any, Any], key: str, warnings: list[str]) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    if key == "author" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or None
    warnings.append(f"field '{key}' is not text; ignored")
    return None


def _parse_text(decoded: Decoded, name: str, checksum: str) -> Article:
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").strip()
    title = None
    first, sep, rest = text.partition("\n")
    if (
        sep
        and rest.startswith("\n")
        and rest.strip()
        and len(first.strip()) <= _TITLE_MAX
        and not first.rstrip().endswith((".", ",", ";", ":"))
    ):
        title = first.strip()
        text = rest.strip()
    return Article(
        id=name,
        text=text,
        title=title,
        source=name,
        format="text",
        encoding=decoded.encoding,
        checksum=checksum,
        warnings=decoded.warnings,
    )


def _parse_html(decoded: Decoded, name: str, checksum: str) -> Article:
    import logging

    import trafilatura

    logging.getLogger("trafilatura").addHandler(logging.NullHandler())
    try:
        document = trafilatura.bare_extraction(
            decoded.text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # a third-party parser: any failure means unreadable HTML
        raise CorpusFormatError(name, f"HTML cannot be parsed ({type(exc).__name__})") from None
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        raise CorpusFormatError(
            name, "no article text found in the HTML (only menus, scripts or styles?)"
        )
    raw_tags = [*(getattr(document, "tags", None) or [])]
    tags = _frontmatter.clean_tags(
        part for item in raw_tags for part in _frontmatter.split_tag_string(str(item))
    )

    def meta(key: str) -> str | None:
        value = getattr(document, key, None)
        return str(value).strip() or None if value else None

    return Article(
        id=name,
        text=text,
        title=meta("title"),
        date=meta("date"),
        author=meta("author"),
        tags=tags or None,
        source=name,
        format="html",
        encoding=decoded.encoding,
        checksum=checksum,
        warnings=decoded.warnings,
    )


def _parse_jsonl(
    decoded: Decoded, name: str, checksum: str
) -> Iterator[Article | CorpusFormatError]:
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside JSON strings.
    for number, raw in enumerate(decoded.text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            yield _parse_record(line, name, number, decoded, checksum)
        except CorpusFormatError as exc:
            yield exc


def _parse_record(line: str, name: str, number: int, decoded: Decoded, checksum: str) -> Article:
    try:
        record = json.loads(line)
    except ValueError as exc:
        reason = (
            f"{exc.msg} at column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else str(exc)
        )
        raise CorpusFormatError(name, f"line is not valid JSON ({reason})", number) from None
    except RecursionError:
        raise CorpusFormatError(name, "line is nested too deeply", number) from None
    if not isinstance(record, dict):
        kind = "an array" if isinstance(record, list) else "a single value"
        raise CorpusFormatError(name, f"line is {kind}, not a JSON object", number)
    text = record.get("text")
    if not isinstance(text, str):
        problem = "has no 'text' field" if text is None else "field 'text' is not a string"
        raise CorpusFormatError(
            name, f"record {problem}; every line needs the article text", number
        )
    if not text.strip():
        raise CorpusFormatError(name, "record has an empty 'text'", number)
    tags = _json_tags(record.get("tags"), name, number)
    fields: dict[str, str | None] = {}
    for key in ("title", "date", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str | int | float):
            raise CorpusFormatError(name, f"record field '{key}' is not text", number)
        fields[key] = str(value) if value is not None else None
    return Article(
        id=f"{name}:{number}",
        text=text.strip(),
        tags=tags,
        source=name,
        format="jsonl",
        line=number,
        encoding=decoded.encoding,
        checksum=checksum,
        warnings=decoded.warnings,
        **fields,
    )


def _json_tags(value: Any, name: str, number: int) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _frontmatter.split_tag_string(value)
    hint = '; write a list such as ["visie", "teamwerk"]'
    if not isinstance(value, list):
        kind = "a mapping" if isinstance(value, dict) else "not a list"
        raise CorpusFormatError(name, f"record field 'tags' is {kind}{hint}", number)
    for index, item in enumerate(value, start=1):
        if isinstance(item, list | dict):
            raise CorpusFormatError(
                name, f"record field 'tags': item {index} is not a word{hint}", number
            )
    return _frontmatter.clean_tags(item for item in value if item is not None)


# --- write-back -----------------------------------------------------------------------


@dataclass(frozen=True)
class WriteResult:
    """What :func:`write_tags` did to one file.

    Attributes:
        path: The file.
        changed: True when the file was (or, in a dry run, would be) changed.
        added: The tags added, in order; tags already set are not repeated here.
        diff: A unified diff of the old and new text ("" when nothing changes).
        error: For callers that collect results: why the file was not written.
    """

    path: str
    changed: bool
    added: tuple[str, ...] = ()
    diff: str = ""
    error: str | None = None


def write_tags(
    article: Article,
    tags: Sequence[str],
    *,
    field: str | None = None,
    model: str = "",
    scores: Mapping[str, float] | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Add tags to a Markdown file's front matter, changing nothing else.

    The tags are added to the field (a union: tags a person set stay, in their order, and
    a tag already there, compared case-insensitively, is not added again). The tags added
    are recorded with ``model`` and their score under the ``thematiek:`` key. Comments,
    quoting, list style, line endings, BOM and encoding stay as they were. A file without
    front matter gets it. Nothing is written when there is nothing to add.

    The write is atomic and holds an exclusive lock. If the file changed since it was
    read, the tags are merged when only tags or provenance changed (another run), and the
    write is refused otherwise.

    Args:
        article: A Markdown article from :func:`read_inputs`.
        tags: The tags to add.
        field: The front-matter key to add them to; by default the key the tags were read
            from (``tags``, ``categories`` or ``keywords``), else ``tags``.
        model: The model name to record.
        scores: The score of each tag, to record.
        dry_run: Compute the diff but write nothing.

    Returns:
        What was (or would be) done.

    Raises:
        WriteBackError: Not a Markdown file, changed on disk, or not writable.
    """
    if article.format != "markdown" or article.source == STDIN:
        raise WriteBackError(
            f"{article.source}: tags can only be written into Markdown files "
            f"(this input is {'stdin' if article.source == STDIN else article.format})"
        )
    for tag in tags:
        if not isinstance(tag, str) or any(ch in tag for ch in "\r\n\x00"):
            raise WriteBackError(f"{article.source}: tag {tag!r} is not a single line of text")
    path = Path(os.path.realpath(article.source))
    try:
        if dry_run:
            return _plan(article, path, _atomic.read_bytes(path), tags, field, model, scores)[0]
        with _atomic.locked(path) as current:
            result, data = _plan(article, path, current, tags, field, model, scores)
            if data is not None:
                _atomic.replace_atomically(path, data)
            return result
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise WriteBackError(f"{article.source}: cannot write tags ({reason})") from None


def _plan(
    article: Article,
    path: Path,
    data: bytes,
    tags: Sequence[str],
    field: str | None,
    model: str,
    scores: Mapping[str, float] | None,
) -> tuple[WriteResult, bytes | None]:
    """The result and the new bytes (None when nothing is to be written)."""
    name = article.source
    changed_on_disk = f"{name}: changed on disk since it was read; run again"
    try:
        decoded = decode_bytes(data, name)
        text = decoded.text
        fm = _frontmatter.parse_front_matter(text, name)
    except CorpusFormatError:
        raise WriteBackError(changed_on_disk) from None
    if hashlib.sha256(data).hexdigest() != article.checksum and (
        article.content_checksum is None
        or _frontmatter.content_digest(text, fm) != article.content_checksum
    ):
        raise WriteBackError(changed_on_disk)
    if text.encode(decoded.encoding) != data:
        raise WriteBackError(f"{name}: the file's bytes would not survive decoding; left as is")
    target = field or _read_field(fm, name) or "tags"
    new_text, added = _frontmatter.add_tags(
        text, fm, target, list(tags), model=model, scores=scores, source=name
    )
    if not added:
        return WriteResult(name, False), None
    _verify(text, fm, new_text, target, added, name)
    try:
        new_data = new_text.encode(decoded.encoding)
    except UnicodeEncodeError:
        raise WriteBackError(
            f"{name}: a tag cannot be written in the file's encoding ({decoded.encoding}); "
            "save the file as UTF-8"
        ) from None
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
    return WriteResult(name, True, added, diff), new_data


def _read_field(fm: FrontMatter | None, name: str) -> str | None:
    if fm is None:
        return None
    try:
        field, _ = _frontmatter.find_tags(fm, name)
    except CorpusFormatError as exc:
        raise WriteBackError(str(exc)) from None
    return field


def _verify(
    old_text: str,
    old_fm: FrontMatter | None,
    new_text: str,
    field: str,
    added: tuple[str, ...],
    name: str,
) -> None:
    """Parse the spliced text again: the body, every other field and the old tags must be
    unchanged and the new tags present, or nothing is written."""
    problem = f"{name}: could not add tags without changing anything else; file left unchanged"
    try:
        new_fm = _frontmatter.parse_front_matter(new_text, name)
    except CorpusFormatError:
        raise WriteBackError(problem) from None
    if new_fm is None or new_text[new_fm.body_start :] != (
        old_text[old_fm.body_start :] if old_fm is not None else old_text
    ):
        raise WriteBackError(problem)
    old_data = dict(old_fm.data) if old_fm is not None else {}
    new_data = dict(new_fm.data)
    old_entry = old_fm.entry(field) if old_fm is not None else None
    old_tags = (
        _frontmatter.tags_from_node(old_entry[1], field, name, None) if old_entry else None
    ) or ()
    entry = new_fm.entry(field)
    new_tags = _frontmatter.tags_from_node(entry[1], field, name, None) if entry else None
    for key in (field, _frontmatter.PROVENANCE_KEY):
        old_data.pop(key, None)
        new_data.pop(key, None)
    if not _equal(old_data, new_data) or tuple(new_tags or ()) != old_tags + added:
        raise WriteBackError(problem)


def _equal(left: Any, right: Any) -> bool:
    """Equality of YAML values where NaN equals NaN."""
    if isinstance(left, float) and isinstance(right, float) and left != left and right != right:
        return True
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_equal, left, right))
    return bool(type(left) is type(right) and left == right)
