"""The CLI over the torture collection mixed with good Dutch posts: one error line per bad
input, no traceback, exit 1, and nothing written into a failed file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thematiek.cli import app

sys.path.insert(0, str(Path(__file__).parent / "data" / "torture"))
from make_torture import EXPECTED, JSONL_EXPECTED, make_torture

ROOT = Path(__file__).resolve().parents[1]
THEMATIEK = Path(sys.executable).parent / "thematiek"
GOOD = sorted((ROOT / "corpus" / "posts").glob("*.md"))[2:6]
# Readable, but refused by the language check unless --force.
REFUSED = {"english.md": "not Dutch", "german.txt": "not Dutch", "kort.md": "too short"}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("torture")
    make_torture(folder, big=False)
    # Only the plain files of EXPECTED (no symlink loop, no mode-000 file).
    shutil.rmtree(folder / "lus")
    (folder / "geheim.md").chmod(0o600)
    (folder / "geheim.md").unlink()
    for post in GOOD:
        shutil.copy(post, folder / post.name)
    return folder


def _file(source: str) -> str:
    """A source without the line number of a front-matter error (JSONL keeps its line)."""
    return source if ".jsonl:" in source else re.sub(r":\d+$", "", source)


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


def _expected_failures(folder: Path) -> dict[str, str]:
    """source (path or path:line) -> words its one error line must contain."""
    failures = {str(folder / n): words for n, (state, words) in EXPECTED.items() if state != "ok"}
    for line, state, words in JSONL_EXPECTED:
        if state != "ok":
            failures[f"{folder / 'records.jsonl'}:{line}"] = words
    for name, words in REFUSED.items():
        failures[str(folder / name)] = words
    return failures


def test_tag_good_files_tagged_bad_files_one_error_each(mixed: Path, small_model: Path) -> None:
    result = subprocess.run(
        [str(THEMATIEK), "tag", str(mixed), "-m", str(small_model), "-f", "jsonl"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "THEMATIEK_NO_PROGRESS": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    tagged = {r["source"] for r in rows if "error" not in r}
    assert {str(mixed / p.name) for p in GOOD} <= tagged
    # Good torture files (bom, cp1252, …) are tagged too, or refused as too short.
    expected = _expected_failures(mixed)
    errors = _errors(result.stderr)
    for source, words in expected.items():
        mine = [e for e in errors if re.match(rf"Error: {re.escape(source)}(:\d+)?: ", e)]
        assert len(mine) == 1, (source, errors)
        assert words in mine[0], (source, mine[0])
    # No error line names a good post.
    for post in GOOD:
        assert not [e for e in errors if str(mixed / post.name) in e]
    assert re.search(r"^\d+ inputs failed; the others were tagged\.$", result.stderr, re.M)
    # Every error also appears as a {"source", "error"} object on stdout.
    assert {_file(r["source"]) for r in rows if "error" in r} >= {
        s for s in expected if not s.endswith("records.jsonl")
    }


def test_force_tags_english_german_and_short(mixed: Path, small_model: Path) -> None:
    paths = [str(mixed / name) for name in REFUSED]
    code = CliRunner().invoke(app, ["tag", *paths, "-m", str(small_model), "-f", "jsonl"])
    assert code.exit_code == 1
    assert len(_errors(code.stderr)) == 3
    assert "not Dutch" in code.stderr and "use --force" in code.stderr
    forced = CliRunner().invoke(
        app, ["tag", *paths, "-m", str(small_model), "-f", "jsonl", "--force"]
    )
    assert forced.exit_code == 0, forced.stderr
    rows = [json.loads(line) for line in forced.stdout.splitlines()]
    assert [r["source"] for r in rows] == paths
    assert all("error" not in r and len(r["scores"]) == 14 for r in rows)


def test_write_touches_no_failed_file(mixed: Path, small_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kopie"
    shutil.copytree(mixed, folder)
    failed = [folder / n for n, (state, _) in EXPECTED.items() if state != "ok"]
    failed += [folder / n for n in REFUSED]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in failed}
    result = CliRunner().invoke(app, ["tag", str(folder), "-m", str(small_model), "--write"])
    assert result.exit_code == 1
    for path, (data, mtime) in before.items():
        assert path.read_bytes() == data, path
        assert path.stat().st_mtime_ns == mtime, path
    assert not list(folder.glob(".*.tmp")) and not list(folder.glob("*.lock"))
    # The good posts did get their tags written (or had them already).
    written = re.findall(r"^wrote (.+?): \+", result.stderr, re.M)
    assert all(Path(w).name not in {p.name for p in failed} for w in written)


def test_explain_bad_file_one_error_no_traceback(mixed: Path, small_model: Path) -> None:
    for name, words in [("invalid-yaml.md", "not valid YAML"), ("english.md", "not Dutch")]:
        result = CliRunner().invoke(app, ["explain", str(mixed / name), "-m", str(small_model)])
        assert result.exit_code == 2, result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Error: {mixed / name}") and words in line


def test_keywords_over_torture(mixed: Path, small_model: Path) -> None:
    result = CliRunner().invoke(
        app, ["keywords", str(mixed), "-m", str(small_model), "--json", "-n", "3"]
    )
    assert result.exit_code == 1
    errors = _errors(result.stderr)
    unreadable = {s: w for s, w in _expected_failures(mixed).items() if Path(s).name not in REFUSED}
    assert len(errors) == len(unreadable)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {str(mixed / p.name) for p in GOOD} <= {r["source"] for r in rows}


def test_coverage_over_torture(mixed: Path) -> None:
    result = CliRunner().invoke(
        app, ["coverage", str(mixed), "--no-model", "--min-per-theme", "0", "-f", "json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    [readable] = [c for c in report["checks"] if c["name"] == "readable"]
    unreadable = {s for s in _expected_failures(mixed) if Path(s).name not in REFUSED}
    got = {
        _file(f"{i['source']}:{i['line']}" if i["line"] else i["source"]) for i in readable["items"]
    }
    assert got == unreadable
