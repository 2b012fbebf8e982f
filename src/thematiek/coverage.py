"""Tag coverage of a corpus, for CI: is every article tagged, with known themes, sensibly?

:func:`check_coverage` reads a corpus once and runs these checks:

- ``readable``: every input can be read (an unreadable one is an item, not a crash);
- ``tagged``: the share of articles that are tagged or deliberately off-topic;
- ``unknown-tags``: tags that are no theme id (case and alias slips get a hint);
- ``support``: articles per theme, and themes nobody uses;
- ``agreement``: human tags against the model's suggestions (only with a model);
- ``duplicates``: the same or nearly the same article twice.

The report renders as text, JSON, JUnit XML and GitHub Actions workflow commands.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from thematiek.errors import ThematiekError
from thematiek.records import Article

if TYPE_CHECKING:
    from thematiek.tagging import Tagger
    from thematiek.taxonomy import Taxonomy


@dataclass(frozen=True)
class Item:
    """One finding behind a check: a file (and line) and what is wrong there."""

    source: str
    message: str
    line: int | None = None
    level: str = "error"  # "error" fails the check; "warning" is for information


@dataclass(frozen=True)
class Check:
    """One coverage check with its figure, its threshold and the items behind it."""

    name: str
    passed: bool
    value: float
    threshold: float
    summary: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class CoverageReport:
    """All checks of one run."""

    checks: tuple[Check, ...]
    articles: int
    model: str | None = None
    taxonomy: str = ""
    per_theme: dict[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(check.passed for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """Every check with value, threshold, pass/fail and items."""
        return {
            "passed": self.passed,
            "articles": self.articles,
            "model": self.model,
            "taxonomy": self.taxonomy,
            "per_theme": dict(sorted(self.per_theme.items())),
            "checks": [
                asdict(check) | {"items": [asdict(i) for i in check.items]} for check in self.checks
            ],
        }


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of the checks (the CLI options).

    Attributes:
        min_tagged: Least share of articles tagged or deliberately off-topic.
        min_per_theme: Least number of articles per theme.
        min_agreement: Least mean agreement (Jaccard) between human and model tags.
        confident_margin: A theme the model scores this far above its threshold, left out
            by the human, is reported.
        doubtful_ratio: A human tag the model scores below this share of its threshold is
            reported.
        duplicate_similarity: Jaccard similarity of word 5-grams from which two articles
            count as near-duplicates.
    """

    min_tagged: float = 0.95
    min_per_theme: int = 5
    min_agreement: float = 0.6
    confident_margin: float = 0.25
    doubtful_ratio: float = 0.4
    duplicate_similarity: float = 0.8


def check_coverage(
    paths: Sequence[str | Path],
    taxonomy: Taxonomy,
    *,
    tagger: Tagger | None = None,
    thresholds: Thresholds | None = None,
) -> CoverageReport:
    """Run every coverage check over a corpus.

    Args:
        paths: Files and folders of articles.
        taxonomy: The taxonomy tags must come from.
        tagger: A Tagger for the agreement check; ``None`` skips that check.
        thresholds: The checks' thresholds.

    Returns:
        The report; :attr:`CoverageReport.passed` tells whether CI should pass.
    """
    from thematiek.corpus import read_inputs

    limits = thresholds or Thresholds()
    articles: list[Article] = []
    unreadable: list[Item] = []
    for item in read_inputs(paths):
        if isinstance(item, ThematiekError):
            source = getattr(item, "source", "<input>")
            problem = getattr(item, "problem", str(item))
            unreadable.append(Item(source, problem, getattr(item, "line", None)))
        else:
            articles.append(item)
    checks = [
        Check(
            "readable",
            not unreadable,
            float(len(unreadable)),
            0.0,
            f"{len(unreadable)} of {len(unreadable) + len(articles)} inputs cannot be read",
            tuple(unreadable),
        ),
        _check_tagged(articles, taxonomy, limits),
        _check_unknown(articles, taxonomy),
    ]
    support, per_theme = _check_support(articles, taxonomy, limits)
    checks.append(support)
    if tagger is not None:
        checks.append(_check_agreement(articles, tagger, limits))
    checks.append(_check_duplicates(articles, limits))
    return CoverageReport(
        checks=tuple(checks),
        articles=len(articles),
        model=tagger.model_name if tagger is not None else None,
        taxonomy=f"{taxonomy.name} {taxonomy.version}",
        per_theme=per_theme,
    )


def _tags_line(article: Article) -> int | None:
    """The line of the tags field in a Markdown file, for annotations."""
    if article.format != "markdown" or article.source.startswith("<"):
        return None
    try:
        with open(article.source, encoding=article.encoding, errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if re.match(r"^(tags|categories|keywords)\s*:", line):
                    return number
                if number > 200:
                    break
    except OSError:
        return None
    return None


def _is_off_topic(article: Article, taxonomy: Taxonomy) -> bool:
    if article.tags == ():
        return True
    if article.format != "markdown" or article.source.startswith("<"):
        return False
    from thematiek._frontmatter import parse_front_matter

    try:
        text = Path(article.source).read_text(encoding=article.encoding, errors="replace")
        front = parse_front_matter(text, article.source)
    except (OSError, ThematiekError):
        return False
    data = getattr(front, "data", None)
    if not isinstance(data, dict):
        return False
    return bool(data.get(taxonomy.off_topic_field))


def _check_tagged(articles: list[Article], taxonomy: Taxonomy, limits: Thresholds) -> Check:
    missing = [a for a in articles if not a.tags and not _is_off_topic(a, taxonomy)]
    decided = len(articles) - len(missing)
    share = decided / len(articles) if articles else 1.0
    items = tuple(
        Item(
            a.id,
            "no theme tags (tag it, or set `tags: []` when no theme applies)",
            _tags_line(a) or 1,
        )
        for a in missing
    )
    off = sum(1 for a in articles if a.tags == ())
    return Check(
        "tagged",
        share >= limits.min_tagged,
        round(share, 4),
        limits.min_tagged,
        f"{decided} of {len(articles)} articles tagged or deliberately off-topic "
        f"({off} off-topic); {len(missing)} without tags",
        items,
    )


def _hint(tag: str, taxonomy: Taxonomy) -> str:
    from thematiek.keywords import normalise

    lowered = tag.strip().lower()
    if lowered in taxonomy:
        return f"case differs: use {lowered!r}"
    aliases: dict[str, str] = {}
    for theme in taxonomy:
        for name in (theme.id, theme.label, theme.label_en):
            aliases[re.sub(r"[^a-z0-9]", "", normalise(name))] = theme.id
        for part in re.split(r"\s*&\s*", theme.label) + re.split(r"\s*&\s*", theme.label_en):
            aliases.setdefault(re.sub(r"[^a-z0-9]", "", normalise(part)), theme.id)
    key = re.sub(r"[^a-z0-9]", "", normalise(tag))
    if key in aliases:
        return f"alias of {aliases[key]!r}: use the theme id"
    close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=0.6)
    if close:
        return f"did you mean {aliases[close[0]]!r}?"
    return "not a theme of the taxonomy"


def _check_unknown(articles: list[Article], taxonomy: Taxonomy) -> Check:
    items = []
    for article in articles:
        for tag in article.tags or ():
            if tag not in taxonomy:
                items.append(
                    Item(
                        article.id,
                        f"unknown tag {tag!r}: {_hint(tag, taxonomy)}",
                        _tags_line(article) or 1,
                    )
                )
    return Check(
        "unknown-tags",
        not items,
        float(len(items)),
        0.0,
        f"{len(items)} tags are not theme ids of the taxonomy",
        tuple(items),
    )


def _check_support(
    articles: list[Article], taxonomy: Taxonomy, limits: Thresholds
) -> tuple[Check, dict[str, int]]:
    counts = Counter(tag for a in articles for tag in set(a.tags or ()) if tag in taxonomy)
    per_theme = {theme_id: counts.get(theme_id, 0) for theme_id in taxonomy.ids}
    items = []
    for theme_id, n in per_theme.items():
        if n == 0:
            # `--min-per-theme 0` turns the check off: an empty theme is then information.
            level = "error" if limits.min_per_theme > 0 else "warning"
            items.append(
                Item(taxonomy.source, f"theme {theme_id!r} has no articles at all", level=level)
            )
        elif n < limits.min_per_theme:
            items.append(
                Item(
                    taxonomy.source,
                    f"theme {theme_id!r} has {n} articles, fewer than {limits.min_per_theme}",
                )
            )
    least = min(per_theme.values()) if per_theme else 0
    empty = [t for t, n in per_theme.items() if n == 0]
    summary = f"fewest articles for a theme: {least}"
    if empty:
        summary += f"; themes with none: {', '.join(empty)}"
    passed = not any(item.level == "error" for item in items)
    check = Check(
        "support", passed, float(least), float(limits.min_per_theme), summary, tuple(items)
    )
    return check, per_theme


def _check_agreement(articles: list[Article], tagger: Tagger, limits: Thresholds) -> Check:
    judged = [a for a in articles if a.tags is not None]
    thresholds = tagger.thresholds
    items: list[Item] = []
    total = 0.0
    counted = 0
    results = tagger.tag_many(judged)
    for article, result in zip(judged, results, strict=True):
        if result.error is not None:
            items.append(
                Item(article.id, f"model could not tag it: {result.error}", level="warning")
            )
            continue
        human = {t for t in article.tags or () if t in thresholds}
        model = {t.id for t in result.themes}
        union = human | model
        total += len(human & model) / len(union) if union else 1.0
        counted += 1
        line = _tags_line(article) or 1
        for theme_id in sorted(model - human):
            score = result.scores[theme_id]
            if score >= thresholds[theme_id] + limits.confident_margin:
                items.append(
                    Item(
                        article.id,
                        f"model is confident of {theme_id!r} "
                        f"(score {score:.2f}, threshold {thresholds[theme_id]:.2f}) "
                        "but it is not tagged",
                        line,
                        "warning",
                    )
                )
        for theme_id in sorted(human):
            score = result.scores[theme_id]
            if score < thresholds[theme_id] * limits.doubtful_ratio:
                items.append(
                    Item(
                        article.id,
                        f"tag {theme_id!r} scores far below its threshold "
                        f"(score {score:.2f}, threshold {thresholds[theme_id]:.2f})",
                        line,
                        "warning",
                    )
                )
    agreement = total / counted if counted else 1.0
    return Check(
        "agreement",
        agreement >= limits.min_agreement,
        round(agreement, 4),
        limits.min_agreement,
        f"mean agreement (Jaccard) of human and model tags over {counted} articles: "
        f"{agreement:.3f}; {len(items)} articles to look at",
        tuple(items),
    )


_SHINGLE = 5
_SKETCH = 24


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < _SHINGLE:
        return {_hash(" ".join(words))} if words else set()
    return {_hash(" ".join(words[i : i + _SHINGLE])) for i in range(len(words) - _SHINGLE + 1)}


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def find_duplicates(
    articles: Sequence[Article], similarity: float = 0.8
) -> list[tuple[Article, Article, float]]:
    """Pairs of articles with the same or nearly the same text.

    Candidate pairs share one of the smallest shingle hashes of either article (a
    bottom-k sketch), so the work grows with the corpus, not with its square; each
    candidate is then scored exactly (Jaccard similarity of word 5-grams).

    Returns:
        (first, second, similarity) for every pair at or above ``similarity``.
    """
    sets = [_shingles(a.text) for a in articles]
    index: dict[int, list[int]] = defaultdict(list)
    for i, shingles in enumerate(sets):
        for h in sorted(shingles)[:_SKETCH]:
            index[h].append(i)
    candidates: set[tuple[int, int]] = set()
    for members in index.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                candidates.add((a, b))
    pairs = []
    for a, b in sorted(candidates):
        union = len(sets[a] | sets[b])
        score = len(sets[a] & sets[b]) / union if union else 0.0
        if score >= similarity:
            pairs.append((articles[a], articles[b], score))
    return pairs


def _check_duplicates(articles: list[Article], limits: Thresholds) -> Check:
    pairs = find_duplicates(articles, limits.duplicate_similarity)
    items = tuple(
        Item(
            second.id,
            f"{'same text as' if score == 1.0 else 'nearly the same as'} "
            f"{first.id} (similarity {score:.2f})",
        )
        for first, second, score in pairs
    )
    return Check(
        "duplicates",
        not items,
        float(len(items)),
        0.0,
        f"{len(items)} duplicate or near-duplicate articles",
        items,
    )


# ---------------------------------------------------------------------------------------
# Rendering


def render_text(report: CoverageReport) -> str:
    """A readable report: a summary table first, then the failing items with their paths."""
    lines = [
        f"thematiek coverage: {report.articles} articles, taxonomy {report.taxonomy}"
        + (f", model {report.model}" if report.model else ""),
        "",
        f"{'check':<14} {'result':<6} {'value':>8} {'threshold':>10}  summary",
    ]
    for check in report.checks:
        result = "pass" if check.passed else "FAIL"
        lines.append(
            f"{check.name:<14} {result:<6} {_fmt(check.value):>8} "
            f"{_fmt(check.threshold):>10}  {check.summary}"
        )
    for check in report.checks:
        shown = [i for i in check.items if i.level == "error" or not check.passed]
        warnings = [i for i in check.items if i.level == "warning"]
        if not check.items:
            continue
        lines.append("")
        state = "failed" if not check.passed else "passed, for information"
        lines.append(f"{check.name} ({state}):")
        for item in (shown or warnings)[:200]:
            where = f"{item.source}:{item.line}" if item.line else item.source
            lines.append(f"  {where}: {item.message}")
        if len(shown or warnings) > 200:
            lines.append(f"  … and {len(shown or warnings) - 200} more")
    lines.append("")
    lines.append(
        "PASSED"
        if report.passed
        else f"FAILED: {', '.join(c.name for c in report.checks if not c.passed)}"
    )
    return "\n".join(lines) + "\n"


def _fmt(value: float) -> str:
    return f"{value:.3f}" if value % 1 else f"{int(value)}"


def render_json(report: CoverageReport) -> str:
    """Every check with value, threshold, pass/fail and items, as JSON."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_junit(report: CoverageReport) -> str:
    """JUnit XML: one test case per check, its items in the failure message."""
    failures = sum(1 for c in report.checks if not c.passed)
    suite = ET.Element(
        "testsuite",
        name="thematiek-coverage",
        tests=str(len(report.checks)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for check in report.checks:
        case = ET.SubElement(suite, "testcase", classname="thematiek.coverage", name=check.name)
        detail = "\n".join(
            f"{i.source}{':' + str(i.line) if i.line else ''}: {i.message}" for i in check.items
        )
        if not check.passed:
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{check.summary} (value {_fmt(check.value)}, threshold "
                f"{_fmt(check.threshold)})",
                type="CoverageCheckFailed",
            )
            failure.text = detail
        elif detail:
            ET.SubElement(case, "system-out").text = detail
    suites = ET.Element(
        "testsuites", name="thematiek", tests=str(len(report.checks)), failures=str(failures)
    )
    suites.append(suite)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: CoverageReport) -> str:
    """GitHub Actions workflow commands that annotate the offending files."""
    lines = []
    for check in report.checks:
        for item in check.items:
            level = "error" if item.level == "error" and not check.passed else "warning"
            props = []
            # Only a real path can carry an annotation (not "<default taxonomy>", "<stdin>").
            if not item.source.startswith("<"):
                props.append(f"file={_escape_property(item.source)}")
                if item.line:
                    props.append(f"line={item.line}")
            props.append(f"title={_escape_property('thematiek ' + check.name)}")
            lines.append(f"::{level} {','.join(props)}::{_escape_data(item.message)}")
        if not check.passed:
            lines.append(
                f"::error title={_escape_property('thematiek ' + check.name)}::"
                f"{_escape_data(check.summary)} (value {_fmt(check.value)}, threshold "
                f"{_fmt(check.threshold)})"
            )
    lines.append(
        f"::notice title=thematiek coverage::"
        f"{'all checks passed' if report.passed else 'coverage checks failed'}"
    )
    return "\n".join(lines) + "\n"


RENDERERS = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}
