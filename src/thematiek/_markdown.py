"""Turn a Markdown body into plain text, line by line, so sentences stay apart.

Private helper of :mod:`thematiek.corpus`. Not a full CommonMark renderer: it removes the
syntax that would otherwise end up in the words the tagger sees (headings' ``#``,
emphasis, links, images, HTML tags and comments, code blocks, tables, Hugo shortcodes).
All patterns are linear, so a 200,000-character line is no problem.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_SHORTCODE = re.compile(r"\{\{[<%][^{}]*[%>]\}\}")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_HEADING_TAIL = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT_OR_RULE = re.compile(r"^ {0,3}(?:=+|-+|(?:[-*_][ \t]*){3,})[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\[\]\n]+\]:[ \t]*\S+.*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_IMAGE = re.compile(
    r"!\[[^\[\]\n]*\]\((?:[^()\[\]\n]|\([^()\n]*\))*\)|!\[[^\[\]\n]*\]\[[^\[\]\n]*\]"
)
_LINK = re.compile(
    r"\[([^\[\]\n]*)\]\((?:[^()\[\]\n]|\([^()\n]*\))*\)|\[([^\[\]\n]*)\]\[[^\[\]\n]*\]"
)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_CODE_SPAN = re.compile(r"(`+)([^`\n]+?)\1")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]*?)\1")
_EMPHASIS_STAR = re.compile(r"\*(?=\S)([^*\n]*?\S)\*")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w])_(?=\S)([^_\n]*?\S)_(?![\w])")
_STRIKE = re.compile(r"~~(?=\S)([^\n]*?)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def strip_markdown(body: str) -> str:
    """Plain text of a Markdown body, one output line per input line (code blocks blank).

    Args:
        body: Markdown text, any line endings.

    Returns:
        The text without Markdown syntax, stripped of leading and trailing blank lines.
    """
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    body = _SHORTCODE.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    lines: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            lines.append("")
            continue
        if opening:
            fence = opening.group(1)
            lines.append("")
            continue
        lines.append(_strip_line(line))
    return "\n".join(lines).strip()


def _strip_line(line: str) -> str:
    if _SETEXT_OR_RULE.match(line) or _REF_DEFINITION.match(line) or _TABLE_RULE.match(line):
        return ""
    if _HEADING.match(line):
        line = _HEADING_TAIL.sub("", _HEADING.sub("", line))
    line = _QUOTE.sub("", line)
    line = _LIST_ITEM.sub("", line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), line)
    line = _AUTOLINK.sub("", line)
    line = _TAG.sub("", line)
    line = _CODE_SPAN.sub(lambda m: m.group(2).strip(), line)
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS_STAR.sub(r"\1", line)
    line = _EMPHASIS_UNDERSCORE.sub(r"\1", line)
    line = _STRIKE.sub(r"\1", line)
    line = _ESCAPE.sub(r"\1", line)
    if "|" in line and line.strip().startswith("|"):
        line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    return html.unescape(line).rstrip()
