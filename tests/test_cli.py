"""Tests of the command line: help, README, output shapes, write-back, determinism."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from thematiek.cli import app

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
THEMATIEK = Path(sys.executable).parent / "thematiek"
COMMANDS = ["tag", "explain", "keywords", "themes", "train", "evaluate", "coverage", "info"]

LEIDERSCHAP = (
    "Een goede leider luistert eerst naar zijn mensen en praat pas daarna. In veel "
    "organisaties gebeurt het omgekeerde: de manager weet het antwoord al voordat de vraag "
    "is gesteld. Dat kost vertrouwen. Leiderschap begint bij aandacht voor de medewerkers, "
    "bij het geven van ruimte en bij het goede voorbeeld van de leidinggevende zelf."
)
CRISIS = (
    "Toen de orders in het najaar wegvielen, moest de fabriek snel ingrijpen. De directie "
    "koos voor een reorganisatie, bezuinigingen op alle afdelingen en deeltijd-WW in plaats "
    "van gedwongen ontslagen. De recessie raakte de hele sector; de omzet daalde met een "
    "kwart en de bank eiste een nieuw plan om de crisis door te komen."
)
THUISWERK = (
    "Thuiswerken was op het accountantskantoor lang een gunst voor een enkeling. Sinds dit "
    "jaar mag iedereen twee dagen per week vanuit huis of op een flexplek werken. Het nieuwe "
    "werken vraagt wel om afspraken: wanneer ben je bereikbaar, hoe houd je overleg met je "
    "collega's, en hoe voorkom je dat werk en privé door elkaar gaan lopen?"
)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def article(folder: Path, name: str, body: str, tags: list[str] | None = None) -> Path:
    front: dict[str, object] = {"title": name.removesuffix(".md").capitalize()}
    if tags is not None:
        front["tags"] = tags
    path = folder / name
    path.write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "artikelen"
    folder.mkdir()
    article(folder, "leiderschap.md", LEIDERSCHAP)
    article(folder, "crisis.md", CRISIS)
    article(folder, "thuiswerk.md", THUISWERK)
    return folder


# --- help and README -------------------------------------------------------------------


def test_every_command_is_registered() -> None:
    names = [c.name for c in app.registered_commands]
    assert sorted(names) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Usage:" in out and command in out
    [registered] = [c for c in app.registered_commands if c.name == command]
    doc = (registered.callback.__doc__ or "").strip()
    assert len(doc) > 20, f"{command} has no help text"
    assert doc.split()[0] in out


@pytest.mark.parametrize("command", COMMANDS)
def test_command_appears_in_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"thematiek {command}" in readme, f"README.md does not document `thematiek {command}`"


def test_top_level_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in COMMANDS:
        assert command in out


def test_console_script_and_python_m_help() -> None:
    for argv in ([str(THEMATIEK), "--help"], [PYTHON, "-m", "thematiek", "--help"]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "Usage:" in done.stdout
        assert all(command in done.stdout for command in COMMANDS)


@pytest.mark.parametrize("full_exit", ["", "1"])
def test_console_script_ends_with_all_output_and_the_right_code(
    tmp_path: Path, small_model: Path, full_exit: str
) -> None:
    # The console script leaves without interpreter teardown: everything must be out first.
    folder = tmp_path / "posts"
    folder.mkdir()
    text = (ROOT / "corpus" / "examples" / "01-de-teamleider-die-eerst-luistert.md").read_text(
        encoding="utf-8"
    )
    for i in range(40):
        (folder / f"post-{i:02d}.md").write_text(text, encoding="utf-8")
    (folder / "broken.md").write_bytes(b"---\ntitle: [\n---\nTekst.\n")
    env = {**os.environ, "THEMATIEK_NO_PROGRESS": "1", "THEMATIEK_FULL_EXIT": full_exit}
    argv = [str(THEMATIEK), "tag", str(folder), "-m", str(small_model), "-f", "jsonl"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    lines = done.stdout.splitlines()
    assert len(lines) == 41
    assert all(json.loads(line)["source"] for line in lines)
    assert done.returncode == 1
    assert "broken.md" in done.stderr
    done = subprocess.run(
        [str(THEMATIEK), "themes", "--no-such-option"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2
    assert "No such option" in done.stderr


# --- tag: output shapes ----------------------------------------------------------------


def test_tag_json_shape(articles: Path, small_model: Path) -> None:
    code, out, err = run("tag", str(articles), "-m", str(small_model), "-f", "json")
    assert code == 0, err
    results = json.loads(out)
    assert [Path(r["source"]).name for r in results] == [
        "crisis.md",
        "leiderschap.md",
        "thuiswerk.md",
    ]
    from thematiek.taxonomy import load_taxonomy

    ids = set(load_taxonomy().ids)
    for result in results:
        assert set(result) == {"source", "title", "themes", "scores", "keywords", "nlp", "model"}
        assert set(result["scores"]) == ids and len(ids) == 14
        assert all(0.0 <= s <= 1.0 for s in result["scores"].values())
        assert result["model"] == "small"
        for theme in result["themes"]:
            assert set(theme) == {"id", "label", "score", "evidence"}
            assert theme["id"] in ids and theme["score"] == result["scores"][theme["id"]]
            for hit in theme["evidence"]:
                assert set(hit) == {"text", "sentence", "start", "end"}
                assert hit["end"] > hit["start"] >= 0 and hit["text"] in hit["sentence"]
        for keyword in result["keywords"]:
            assert set(keyword) == {"text", "score"}
    by_name = {Path(r["source"]).name: r for r in results}
    assert "crisis" in [t["id"] for t in by_name["crisis.md"]["themes"]]


def test_tag_unreadable_input_gives_error_object(articles: Path, small_model: Path) -> None:
    (articles / "kapot.md").write_text("---\ntitle: [open\n---\nTekst\n", encoding="utf-8")
    code, out, err = run("tag", str(articles), "-m", str(small_model), "-f", "json")
    assert code == 1
    results = json.loads(out)
    [bad] = [r for r in results if "error" in r]
    assert set(bad) == {"source", "error"}
    assert re.fullmatch(re.escape(str(articles / "kapot.md")) + r":\d+", bad["source"])
    assert f"Error: {articles / 'kapot.md'}" in err
    assert len(results) == 4


def test_tag_jsonl_csv_table(articles: Path, small_model: Path) -> None:
    code, jsonl, _ = run("tag", str(articles), "-m", str(small_model), "-f", "jsonl")
    lines = [json.loads(line) for line in jsonl.splitlines()]
    assert code == 0 and len(lines) == 3
    code, out, _ = run("tag", str(articles), "-m", str(small_model), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["source", "title", "themes", "scores", "keywords", "error"]
    assert [r["source"] for r in rows] == [r["source"] for r in lines]
    assert [r["themes"].split() for r in rows] == [[t["id"] for t in r["themes"]] for r in lines]
    code, out, _ = run("tag", str(articles), "-m", str(small_model))
    assert code == 0
    assert "[crisis]" in out and "Leiderschap" in out and "Thuiswerk" in out


def test_tag_stdin(small_model: Path) -> None:
    code, out, _ = run("tag", "-", "-m", str(small_model), "-f", "jsonl", stdin=CRISIS)
    [result] = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert result["source"] == "<stdin>"
    assert "crisis" in [t["id"] for t in result["themes"]]


# --- tag --write ---------------------------------------------------------------------


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_write_adds_tags_keeps_human_tags_records_provenance(
    tmp_path: Path, small_model: Path
) -> None:
    path = article(tmp_path, "crisis.md", CRISIS, tags=["diversiteit"])
    code, _, err = run("tag", str(path), "-m", str(small_model), "--write", "-f", "jsonl")
    assert code == 0, err
    front = _front(path)
    assert front["tags"][0] == "diversiteit"
    assert "crisis" in front["tags"]
    assert f"wrote {path}: + crisis" in err
    provenance = json.dumps(front["thematiek"])
    assert "small" in provenance and "crisis" in provenance
    # A second run adds nothing and changes nothing.
    before = path.read_bytes()
    code, _, err = run("tag", str(path), "-m", str(small_model), "--write", "-f", "jsonl")
    assert code == 0 and path.read_bytes() == before and "wrote" not in err


def test_dry_run_writes_nothing_and_shows_diff(tmp_path: Path, small_model: Path) -> None:
    path = article(tmp_path, "crisis.md", CRISIS, tags=["diversiteit"])
    before = path.read_bytes()
    code, _, err = run("tag", str(path), "-m", str(small_model), "--dry-run", "-f", "jsonl")
    assert code == 0
    assert path.read_bytes() == before
    assert "+  - crisis" in err or "+- crisis" in err or "+tags:" in err, err
    assert err.startswith("---") or "\n---" in err or err.startswith("--- ")


# --- explain, keywords, themes, evaluate --------------------------------------------


def test_explain_text_and_json(articles: Path, small_model: Path) -> None:
    path = articles / "crisis.md"
    code, out, _ = run("explain", str(path), "-m", str(small_model))
    assert code == 0
    assert "✔" in out and "[crisis]" in out and "threshold" in out
    code, out, _ = run("explain", str(path), "-m", str(small_model), "--json")
    data = json.loads(out)
    assert code == 0
    assert len(data["themes"]) == 14
    crisis = next(t for t in data["themes"] if t["id"] == "crisis")
    assert crisis["assigned"] is True and crisis["score"] >= crisis["threshold"]
    assert {"text", "sentence", "start", "end", "term"} <= set(crisis["evidence"][0])


def test_keywords(articles: Path, small_model: Path) -> None:
    code, out, _ = run("keywords", str(articles), "-m", str(small_model), "--json", "-n", "5")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 3
    assert all(1 <= len(r["keywords"]) <= 5 for r in rows)
    assert all(set(k) == {"text", "score"} for r in rows for k in r["keywords"])


def test_themes_json() -> None:
    code, out, _ = run("themes", "--json")
    data = json.loads(out)
    assert code == 0
    assert len(data["themes"]) == 14
    assert set(data["themes"][0]) == {
        "id",
        "label",
        "label_en",
        "scope",
        "terms",
        "weak",
        "negative",
    }
    assert all(t["terms"] for t in data["themes"])


@pytest.fixture()
def labelled(tmp_path: Path) -> Path:
    folder = tmp_path / "gelabeld"
    folder.mkdir()
    article(folder, "leiderschap.md", LEIDERSCHAP, ["leiderschap"])
    article(folder, "crisis.md", CRISIS, ["crisis"])
    article(folder, "thuiswerk.md", THUISWERK, ["nieuwe-werken", "werk-privebalans"])
    return folder


def test_evaluate_json_and_table(labelled: Path, small_model: Path) -> None:
    code, out, _ = run("evaluate", str(labelled), "-m", str(small_model), "-f", "json")
    report = json.loads(out)
    assert code == 0
    assert report["articles"] == 3 and report["model"] == "small"
    assert len(report["themes"]) == 14
    assert report["micro"]["support"] == 4
    assert report["themes"]["crisis"]["support"] == 1
    for m in (report["micro"], report["macro"]):
        assert 0 <= m["precision"] <= 1 and 0 <= m["recall"] <= 1
    code, out, _ = run("evaluate", str(labelled), "-m", str(small_model))
    assert code == 0
    assert "micro average" in out and "3 articles, model small" in out


# --- determinism ------------------------------------------------------------------------


def test_same_input_same_output_and_order_does_not_matter(
    articles: Path, small_model: Path
) -> None:
    paths = sorted(str(p) for p in articles.glob("*.md"))
    _, first, _ = run("tag", *paths, "-m", str(small_model), "-f", "jsonl")
    _, again, _ = run("tag", *paths, "-m", str(small_model), "-f", "jsonl")
    _, reverse, _ = run("tag", *reversed(paths), "-m", str(small_model), "-f", "jsonl")
    assert first == again
    forward = {json.loads(line)["source"]: line for line in first.splitlines()}
    backward = {json.loads(line)["source"]: line for line in reverse.splitlines()}
    assert forward == backward
    assert [json.loads(line)["source"] for line in reverse.splitlines()] == paths[::-1]


def test_copy_of_a_post_tags_like_the_original(tmp_path: Path, small_model: Path) -> None:
    post = sorted((ROOT / "corpus" / "posts").glob("*.md"))[1]
    copy = tmp_path / post.name
    shutil.copy(post, copy)
    _, a, _ = run("tag", str(post), "-m", str(small_model), "-f", "jsonl")
    _, b, _ = run("tag", str(copy), "-m", str(small_model), "-f", "jsonl")
    left, right = json.loads(a), json.loads(b)
    left.pop("source"), right.pop("source")
    assert left == right


def test_table_shows_brackets_literally(tmp_path: Path, small_model: Path) -> None:
    """Rich markup must not eat `[crisis]` or a title such as `[Column] …`."""
    path = tmp_path / "column.md"
    path.write_text(f"---\ntitle: '[Column] Zware tijden'\n---\n\n{CRISIS}\n", encoding="utf-8")
    code, out, _ = run("tag", str(path), "-m", str(small_model))
    assert code == 0
    assert "[Column]" in out and "[crisis]" in out
