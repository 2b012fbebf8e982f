"""The shipped corpus: complete, valid against the taxonomy, varied, and documented."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from thematiek.corpus import read_articles
from thematiek.coverage import find_duplicates
from thematiek.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "corpus" / "posts"
EXAMPLES = ROOT / "corpus" / "examples"
FIELDS = {"title", "date", "author", "tags"}


@pytest.fixture(scope="module")
def articles():  # type: ignore[no-untyped-def]
    return list(read_articles([POSTS]))


def test_there_are_enough_articles_and_every_one_reads(articles) -> None:  # type: ignore[no-untyped-def]
    assert len(articles) >= 320
    assert len(articles) == len(list(POSTS.glob("*.md")))


def test_front_matter_is_complete_and_nothing_more(articles) -> None:  # type: ignore[no-untyped-def]
    for path in sorted(POSTS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(re.match(r"---\n(.*?)\n---\n", text, re.S).group(1))
        assert set(front) == FIELDS, path.name
        assert isinstance(front["title"], str) and front["title"].strip(), path.name
        assert isinstance(front["author"], str) and len(front["author"].split()) >= 2, path.name
        assert isinstance(front["date"], date), path.name
        assert date(2008, 1, 1) <= front["date"] <= date(2026, 12, 31), path.name
        assert path.name.startswith(front["date"].isoformat()), path.name
        assert isinstance(front["tags"], list), path.name


def test_every_tag_is_a_theme_and_counts_reach_their_minimum(articles) -> None:  # type: ignore[no-untyped-def]
    taxonomy = load_taxonomy()
    counts: Counter[str] = Counter()
    for article in articles:
        assert article.tags is not None, article.source
        assert len(article.tags) <= 4, article.source
        assert len(set(article.tags)) == len(article.tags), article.source
        for tag in article.tags:
            assert tag in taxonomy, f"{article.source}: unknown tag {tag}"
        counts.update(article.tags)
    for theme_id in taxonomy.ids:
        assert counts[theme_id] >= 35, f"{theme_id} has only {counts[theme_id]} articles"
    assert sum(1 for a in articles if a.tags == ()) >= 35


def test_lengths_dates_and_authors_vary(articles) -> None:  # type: ignore[no-untyped-def]
    words = [len(a.text.split()) for a in articles]
    assert min(words) >= 120 and max(words) <= 1300
    years = {str(a.date)[:4] for a in articles}
    assert {"2008", "2026"} <= years and len(years) >= 15
    assert len({a.author for a in articles}) >= 60


def test_no_duplicate_or_near_duplicate_texts(articles) -> None:  # type: ignore[no-untyped-def]
    pairs = find_duplicates(articles, similarity=0.5)
    assert not pairs, [(a.source, b.source, round(s, 2)) for a, b, s in pairs]


def test_examples_are_separate_from_the_training_posts() -> None:
    examples = list(read_articles([EXAMPLES]))
    assert len(examples) >= 8
    posts = {a.text for a in read_articles([POSTS])}
    assert not {a.text for a in examples} & posts
    assert any(a.tags == () for a in examples), "the demo needs an off-topic example"


def test_annotation_passes_cover_every_article(articles) -> None:  # type: ignore[no-untyped-def]
    names = {Path(a.source).name for a in articles}
    for name in ("pass1.tsv", "pass2.tsv"):
        lines = (ROOT / "corpus" / "annotations" / name).read_text(encoding="utf-8").splitlines()
        assert {line.split("\t")[0] for line in lines[1:]} == names, name


def test_datasheet_figures_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "corpus_datasheet.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
