"""YAML front matter: find it, parse it strictly, and add tags by splicing text.

Private helper of :mod:`thematiek.corpus`. Write-back never re-dumps YAML: it inserts or
replaces text at the positions PyYAML's composer reports (node start and end marks), so
comments, quoting, list styles, indentation and line endings stay exactly as they were.
Every splice is checked by parsing the result again before anything is written.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from thematiek.errors import CorpusFormatError, WriteBackError

TAG_FIELDS = ("tags", "categories", "keywords")
PROVENANCE_KEY = "thematiek"
_EXCLUDED_FROM_DIGEST = frozenset((*TAG_FIELDS, PROVENANCE_KEY))

_OPEN = re.compile(r"---[ \t]*(\r?\n)")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_KIND = {"int": "a number", "float": "a number", "bool": "true or false", "timestamp": "a date"}


class _DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping has the same key twice (PyYAML would silently keep the last one)."""


class _RefuseDuplicates:
    """A YAML constructor that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # unhashable: the base class reports it
                continue
            if duplicate:
                raise _DuplicateKeyError(
                    problem=f"duplicate key {key!r}; keep one of them",
                    problem_mark=key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_RefuseDuplicates, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, refusing duplicate keys; its errors are clearest."""


# libyaml's parser (when PyYAML was built with it) is ~5x faster and gives the same nodes
# and marks (character offsets); a document it refuses is parsed again with the Python
# loader, so that error messages do not depend on how PyYAML was built.
_FastLoader: Any = (
    type("_FastLoader", (_RefuseDuplicates, yaml.CSafeLoader), {})
    if getattr(yaml, "__with_libyaml__", False)
    else None
)


@dataclass(frozen=True)
class FrontMatter:
    """Where the front matter sits in a text, and what it says.

    Attributes:
        start: Index of the first character of the YAML (after the opening ``---`` line).
        end: Index of the closing ``---`` line.
        body_start: Index just past the closing line: where the body begins.
        newline: The line ending of the opening line (``\\n`` or ``\\r\\n``).
        node: The root mapping node (marks relative to ``start``); None when empty.
        data: The constructed mapping.
    """

    start: int
    end: int
    body_start: int
    newline: str
    node: MappingNode | None
    data: dict[Any, Any]

    @property
    def first_line(self) -> int:
        """The 1-based line of the file where the YAML starts."""
        return 2

    def entry(self, key: str) -> tuple[ScalarNode, Node] | None:
        """The key and value nodes of a top-level key, or None."""
        if self.node is None:
            return None
        for key_node, value_node in self.node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == key
                and key_node.tag == _STR_TAG
            ):
                return key_node, value_node
        return None


def has_front_matter(text: str) -> bool:
    """True when the text opens with a ``---`` line."""
    return _OPEN.match(text) is not None


def find_front_matter(text: str) -> tuple[int, int, int, str] | None:
    """Locate front matter: ``(start, end, body_start, newline)``, or None when there is none.

    Raises:
        ValueError: The front matter is opened but not closed (the caller adds the path).
    """
    opening = _OPEN.match(text)
    if opening is None:
        return None
    start = opening.end()
    closing = _CLOSE.search(text, start)
    if closing is None:
        raise ValueError("front matter is not closed; add a '---' line after it")
    return start, closing.start(), closing.end(), opening.group(1)


def parse_front_matter(text: str, source: str) -> FrontMatter | None:
    """Find and parse the front matter of a Markdown text.

    Raises:
        CorpusFormatError: Not closed, invalid YAML, duplicate keys, or not a mapping.
    """
    try:
        span = find_front_matter(text)
    except ValueError as exc:
        raise CorpusFormatError(source, str(exc), 1) from None
    if span is None:
        return None
    start, end, body_start, newline = span
    node, data = _load(text[start:end], source, first_line=2)
    return FrontMatter(start, end, body_start, newline, node, data)


def _load(yaml_text: str, source: str, *, first_line: int) -> tuple[MappingNode | None, Any]:
    if _FastLoader is not None:
        fast = _FastLoader(yaml_text)
        try:
            node = fast.get_single_node()
            data = fast.construct_document(node) if node is not None else {}
        except Exception:  # parsed again below, for a precise message
            pass
        else:
            if node is None:
                return None, {}
            if isinstance(node, MappingNode) and isinstance(data, dict):
                return node, data
        finally:
            fast.dispose()
    loader = _StrictLoader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        if isinstance(exc, _DuplicateKeyError):
            raise CorpusFormatError(source, f"front matter has a {problem}", line) from None
        raise CorpusFormatError(
            source, f"front matter is not valid YAML ({_one_line(problem)})", line
        ) from None
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        line = first_line + yaml_text.count("\n", 0, getattr(exc, "position", 0))
        reason = _one_line(getattr(exc, "reason", "") or str(exc))
        raise CorpusFormatError(
            source, f"front matter is not valid YAML ({reason})", line
        ) from None
    except RecursionError:
        raise CorpusFormatError(source, "front matter is nested too deeply", first_line) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. date: 2024-13-45
        raise CorpusFormatError(
            source, f"front matter has a value that cannot be read ({_one_line(str(exc))})"
        ) from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    if not isinstance(node, MappingNode) or not isinstance(data, dict):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise CorpusFormatError(
            source,
            f"front matter is {kind}, not a mapping of fields (write 'title: ...' lines)",
            first_line + node.start_mark.line,
        )
    return node, data


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- tags -----------------------------------------------------------------------------


def find_tags(fm: FrontMatter, source: str) -> tuple[str | None, tuple[str, ...] | None]:
    """The tags a person set: ``(field, tags)`` from ``tags``, else ``categories``, else
    ``keywords``; ``(None, None)`` when there is no such field (``null`` counts as none).

    Raises:
        CorpusFormatError: The field is a number, a mapping, or a list with a nested list.
    """
    for name in TAG_FIELDS:
        entry = fm.entry(name)
        if entry is None:
            continue
        value = entry[1]
        line = fm.first_line + value.start_mark.line
        tags = tags_from_node(value, name, source, line)
        if tags is not None:
            return name, tags
    return None, None


def tags_from_node(node: Node, field: str, source: str, line: int | None) -> tuple[str, ...] | None:
    """Read a tags field from its YAML node, using the text as written (``yes`` stays ``yes``).

    Raises:
        CorpusFormatError: The field is not a list of words nor a string.
    """
    if isinstance(node, ScalarNode):
        if node.tag == _NULL_TAG:
            return None
        if node.tag != _STR_TAG:
            kind = _KIND.get(node.tag.rsplit(":", 1)[-1], "not a list")
            raise CorpusFormatError(
                source, f"field '{field}' is {kind}; write a list such as [visie, teamwerk]", line
            )
        return split_tag_string(node.value)
    if isinstance(node, MappingNode):
        raise CorpusFormatError(
            source, f"field '{field}' is a mapping; write a list such as [visie, teamwerk]", line
        )
    assert isinstance(node, SequenceNode)
    tags: list[str] = []
    for number, item in enumerate(node.value, start=1):
        if not isinstance(item, ScalarNode):
            kind = "a list" if isinstance(item, SequenceNode) else "a mapping"
            raise CorpusFormatError(
                source,
                f"field '{field}': item {number} is {kind}; tags must be a flat list of words",
                line,
            )
        if item.tag == _NULL_TAG and item.value in ("", "~", "null", "Null", "NULL"):
            continue
        tags.append(item.value)
    return clean_tags(tags)


def split_tag_string(value: str) -> tuple[str, ...]:
    """Split a tags string as Jekyll does: on commas when there are any, else on spaces."""
    parts = value.split(",") if "," in value else value.split()
    return clean_tags(parts)


def clean_tags(tags: Iterable[object]) -> tuple[str, ...]:
    """Strip tags, drop empty ones and duplicates (compared case-insensitively), keep order."""
    seen: set[str] = set()
    result: list[str] = []
    for tag in tags:
        text = " ".join(str(tag).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            result.append(text)
    return tuple(result)


def content_digest(text: str, fm: FrontMatter | None) -> str:
    """SHA-256 of everything that matters except the tag fields and the ``thematiek`` key.

    Two versions of a file with the same digest differ only in tags and provenance, so
    another run's tags can be merged instead of refusing to write.
    """
    digest = hashlib.sha256()
    body = text
    if fm is not None:
        body = text[fm.body_start :]
        if fm.node is not None:
            source_yaml = yaml_text(text, fm)
            for key_node, value_node in fm.node.value:
                if isinstance(key_node, ScalarNode) and key_node.value in _EXCLUDED_FROM_DIGEST:
                    continue
                begin = fm.start + key_node.start_mark.index
                finish = fm.start + content_end(source_yaml, value_node)
                digest.update(text[begin:finish].encode("utf-8", "surrogatepass"))
                digest.update(b"\x00")
    digest.update(b"\x01")
    digest.update(body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def yaml_text(text: str, fm: FrontMatter) -> str:
    """The YAML between the delimiters."""
    return text[fm.start : fm.end]


def content_end(source: str, node: Node) -> int:
    """Index just past a node's own text: no trailing blank lines or comments of a block."""
    if isinstance(node, ScalarNode):
        end = int(node.end_mark.index)
        if node.style in ("|", ">"):
            while end > node.start_mark.index and source[end - 1] in "\r\n \t":
                end -= 1
        return end
    if isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        child = last[1] if isinstance(node, MappingNode) else last
        return content_end(source, child)
    return int(node.end_mark.index)


# --- write-back -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def add_tags(
    text: str,
    fm: FrontMatter | None,
    field: str,
    new_tags: Sequence[str],
    *,
    model: str,
    scores: Mapping[str, float] | None,
    source: str,
) -> tuple[str, tuple[str, ...]]:
    """Add tags to a Markdown text's front matter by splicing; return the text and the tags
    added (those not already in the field, compared case-insensitively).

    Raises:
        WriteBackError: The front matter has a shape that cannot be edited safely.
    """
    newline = _newline_of(text, fm)
    if fm is None:
        existing: tuple[str, ...] = ()
    else:
        existing = _existing_tags(fm, field, source)
    known = {tag.casefold() for tag in existing}
    added = tuple(tag for tag in clean_tags(new_tags) if tag.casefold() not in known)
    if not added:
        return text, ()
    provenance = _merge_provenance(fm, existing + added, added, model, scores)

    if fm is None:
        block = (
            f"---{newline}{field}: {_flow_list(added, None)}{newline}"
            f"{_provenance_block(provenance, '', newline)}{newline}---{newline}"
        )
        return block + text, added

    if fm.node is not None and fm.node.flow_style:
        raise WriteBackError(
            f"{source}: front matter is written as one {{...}} mapping; "
            "write one field per line to let thematiek add tags"
        )
    source_yaml = yaml_text(text, fm)
    indent = " " * (fm.node.value[0][0].start_mark.column if fm.node and fm.node.value else 0)
    edits: list[_Edit] = []
    appended: list[str] = []

    entry = fm.entry(field)
    if entry is None:
        appended.append(f"{indent}{field}: {_flow_list(added, None)}{newline}")
    else:
        edits.append(_tags_edit(source_yaml, entry, existing, added, newline, source, field))

    prov_entry = fm.entry(PROVENANCE_KEY)
    if prov_entry is None:
        appended.append(_provenance_block(provenance, indent, newline) + newline)
    else:
        key_node, value_node = prov_entry
        _refuse_alias(key_node, value_node, PROVENANCE_KEY, source)
        col = " " * key_node.start_mark.column
        edits.append(
            _Edit(
                key_node.start_mark.index,
                content_end(source_yaml, value_node),
                _provenance_block(provenance, col, newline),
            )
        )
    if appended:
        edits.append(_Edit(len(source_yaml), len(source_yaml), "".join(appended)))

    new_yaml = source_yaml
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        new_yaml = new_yaml[: edit.start] + edit.text + new_yaml[edit.end :]
    return text[: fm.start] + new_yaml + text[fm.end :], added


def _existing_tags(fm: FrontMatter, field: str, source: str) -> tuple[str, ...]:
    entry = fm.entry(field)
    if entry is None:
        return ()
    try:
        tags = tags_from_node(entry[1], field, source, None)
    except CorpusFormatError as exc:
        raise WriteBackError(str(exc)) from None
    return tags or ()


def _refuse_alias(key_node: Node, value_node: Node, field: str, source: str) -> None:
    if value_node.start_mark.index < key_node.end_mark.index:
        raise WriteBackError(
            f"{source}: field '{field}' is a YAML alias (*name); write it out in full "
            "to let thematiek add tags"
        )


def _tags_edit(
    source_yaml: str,
    entry: tuple[ScalarNode, Node],
    existing: tuple[str, ...],
    added: tuple[str, ...],
    newline: str,
    source: str,
    field: str,
) -> _Edit:
    key_node, value = entry
    _refuse_alias(key_node, value, field, source)
    if isinstance(value, ScalarNode):
        if value.tag == _NULL_TAG and value.start_mark.index == value.end_mark.index:
            pos = value.start_mark.index
            return _Edit(pos, pos, " " + _flow_list(added, None))
        # null, ~ or a string of tags: the whole value becomes a list.
        return _Edit(
            value.start_mark.index,
            content_end(source_yaml, value),
            _flow_list(existing + added, None),
        )
    if not isinstance(value, SequenceNode):  # a mapping: reading would have failed
        raise WriteBackError(f"{source}: field '{field}' is not a list of tags; fix it first")
    for item in value.value:
        if item.start_mark.index < value.start_mark.index:
            raise WriteBackError(
                f"{source}: field '{field}' contains a YAML alias (*name); write it out in full"
            )
    if value.flow_style:
        if value.value:
            last = value.value[-1]
            style = value.value[0].style if isinstance(value.value[0], ScalarNode) else None
            pos = content_end(source_yaml, last)
            items = ", ".join(_scalar(tag, style, flow=True) for tag in added)
            return _Edit(pos, pos, ", " + items)
        pos = value.end_mark.index - 1  # the closing bracket
        return _Edit(pos, pos, ", ".join(_scalar(tag, None, flow=True) for tag in added))
    last = value.value[-1]
    first = value.value[0]
    style = first.style if isinstance(first, ScalarNode) else None
    dash = source_yaml.rfind("-", 0, last.start_mark.index)
    line_start = source_yaml.rfind("\n", 0, last.start_mark.index) + 1
    if dash >= line_start and not source_yaml[dash + 1 : last.start_mark.index].strip():
        prefix = " " * (dash - line_start) + "-" + source_yaml[dash + 1 : last.start_mark.index]
    else:
        prefix = " " * value.start_mark.column + "- "
    lines = [prefix + _scalar(tag, style, flow=False) for tag in added]
    end = content_end(source_yaml, last)
    line_end = source_yaml.find("\n", end)
    if line_end < 0:
        line_end = len(source_yaml)
    elif line_end > 0 and source_yaml[line_end - 1] == "\r":
        line_end -= 1
    return _Edit(line_end, line_end, "".join(newline + line for line in lines))


def _merge_provenance(
    fm: FrontMatter | None,
    final_tags: tuple[str, ...],
    added: tuple[str, ...],
    model: str,
    scores: Mapping[str, float] | None,
) -> dict[str, Any]:
    old = fm.data.get(PROVENANCE_KEY) if fm is not None else None
    old_added: dict[str, Any] = {}
    old_model = ""
    if isinstance(old, dict):
        if isinstance(old.get("added"), dict):
            old_added = {str(k): v for k, v in old["added"].items()}
        if old.get("model") is not None:
            old_model = str(old["model"])
    present = {tag.casefold() for tag in final_tags}
    merged = {tag: score for tag, score in old_added.items() if tag.casefold() in present}
    lookup = {str(k).casefold(): v for k, v in (scores or {}).items()}
    for tag in added:
        merged[tag] = lookup.get(tag.casefold())
    return {"model": model or old_model, "added": merged}


def _provenance_block(provenance: Mapping[str, Any], indent: str, newline: str) -> str:
    lines = [f"{indent}{PROVENANCE_KEY}:"]
    if provenance["model"]:
        lines.append(f"{indent}  model: {_scalar(provenance['model'], None, flow=False)}")
    lines.append(f"{indent}  added:")
    for tag, score in provenance["added"].items():
        lines.append(f"{indent}    {_scalar(tag, None, flow=False)}: {_score(score)}")
    return newline.join(lines)


def _score(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "null"
    if not math.isfinite(number):
        return "null"
    text = repr(round(number, 4))
    return f"{number:.4f}" if "e" in text else text


def _flow_list(tags: Iterable[str], style: str | None) -> str:
    return "[" + ", ".join(_scalar(tag, style, flow=True) for tag in tags) + "]"


def _scalar(value: str, style: str | None, *, flow: bool) -> str:
    """A YAML scalar for ``value`` in the preferred quoting style, when that reads back
    as the same string; else double-quoted."""
    if style == "'":
        candidate = "'" + value.replace("'", "''") + "'"
    elif style == '"':
        candidate = _double_quoted(value)
    else:
        candidate = value
    if _reads_back(candidate, value, flow):
        return candidate
    return _double_quoted(value)


def _reads_back(candidate: str, value: str, flow: bool) -> bool:
    if not candidate or "\n" in candidate or "\r" in candidate:
        return False
    probe = f"[{candidate}]" if flow else f"- {candidate}\n- {candidate}: x"
    try:
        loaded = yaml.load(probe, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if flow:
        return bool(loaded == [value])
    return bool(loaded == [value, {value: "x"}])


def _double_quoted(value: str) -> str:
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.rstrip("\n").removesuffix("\n...").rstrip("\n")


def _newline_of(text: str, fm: FrontMatter | None) -> str:
    if fm is not None:
        return fm.newline
    match = re.search(r"\r?\n", text)
    return match.group(0) if match else "\n"
