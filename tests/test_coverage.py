"""Tests of `thematiek coverage` and thematiek.coverage, on small corpora built in tmp_path."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from typer.testing import CliRunner

from thematiek.cli import app
from thematiek.coverage import Thresholds, check_coverage, find_duplicates
from thematiek.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "corpus" / "posts"
THEMATIEK = Path(sys.executable).parent / "thematiek"

# Disjoint Dutch sentences: article i uses SENTENCES[3i:3i+3], so no two articles share
# a word 5-gram by accident.
SENTENCES = [
    "Een goede leider luistert eerst naar zijn mensen en praat pas daarna.",
    "Op de afdeling inkoop werd vorige maand een nieuwe werkwijze ingevoerd.",
    "Niemand had verwacht dat de monteurs zo snel aan de tablets zouden wennen.",
    "De directie van de zorginstelling koos voor kleine teams zonder vaste chef.",
    "Elke ochtend bespreken de verpleegkundigen samen de planning van de dag.",
    "Sinds die verandering is het ziekteverzuim met een derde gedaald.",
    "Klanten van de bank klaagden jarenlang over lange wachttijden aan de telefoon.",
    "Een jonge medewerker stelde voor om terugbellen op een vast tijdstip aan te bieden.",
    "Binnen een halfjaar steeg de klanttevredenheid van een zes naar een acht.",
    "Thuiswerken was in het accountantskantoor lang een gunst voor een enkeling.",
    "Nu mag iedereen twee dagen per week vanuit huis of een flexplek werken.",
    "De partners merkten dat de opdrachten daardoor niet later af waren.",
    "Toen de orders in het voorjaar wegvielen, moest de fabriek snel ingrijpen.",
    "Het management koos voor deeltijd-WW in plaats van gedwongen ontslagen.",
    "Achteraf zegt de bedrijfsleider dat het vertrouwen daardoor is gegroeid.",
    "Talentvolle starters blijven vaak niet lang bij een middelgrote gemeente.",
    "Daarom krijgt elke trainee nu een mentor uit een andere afdeling.",
    "Na drie jaar werkt nog steeds vier op de vijf trainees bij de gemeente.",
    "Vrouwen zijn in de top van technische bedrijven nog altijd zeldzaam.",
    "Een netbeheerder besloot de selectiecommissies anders samen te stellen.",
    "Het aandeel vrouwelijke leidinggevenden verdubbelde binnen vier jaar.",
    "Een bakkerij uit Zwolle bakt sinds kort alleen nog met groene stroom.",
    "De eigenaar rekende voor dat de investering zich binnen zes jaar terugverdient.",
    "Ook de bezorging gebeurt voortaan met elektrische bakfietsen door de binnenstad.",
    "Het ontwerpbureau organiseert elk kwartaal een dag zonder vergaderingen.",
    "Ontwerpers mogen dan aan een eigen idee werken, los van de klantopdrachten.",
    "Twee van die ideeën zijn inmiddels uitgegroeid tot nieuwe producten.",
    "Beoordelingsgesprekken leveren in veel organisaties weinig op.",
    "Een verzekeraar verving het jaarlijkse gesprek door korte maandelijkse gesprekken.",
    "Medewerkers zeggen dat ze nu veel eerder horen wat goed gaat en wat beter kan.",
    "Een fusie van twee scholen loopt zelden zonder spanningen.",
    "De nieuwe bestuurder nam de tijd om met elke docent afzonderlijk te praten.",
    "Pas daarna werd het gezamenlijke onderwijsplan op papier gezet.",
    "Een kleine uitgeverij schreef in één zin op waarom zij bestaat.",
    "Die zin hangt nu boven elk bureau en helpt bij lastige keuzes.",
    "Projecten die er niet bij passen, worden sindsdien vriendelijk afgewezen.",
]


def text_of(i: int) -> str:
    """The body of the i-th test article (distinct from every other)."""
    return " ".join(SENTENCES[3 * i : 3 * i + 3]) + "\n"


def write_md(folder: Path, name: str, i: int, tags: list[str] | None, **extra: object) -> Path:
    """A Markdown article with front matter; ``tags=None`` leaves the field out."""
    front: dict[str, object] = {"title": f"Artikel {i}"}
    if tags is not None:
        front["tags"] = tags
    front.update(extra)
    path = folder / name
    path.write_text(
        "---\n"
        + yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        + "---\n\n"
        + text_of(i),
        encoding="utf-8",
    )
    return path


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["coverage", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def check(report: dict, name: str) -> dict:
    [found] = [c for c in report["checks"] if c["name"] == name]
    return found


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    """Six well-tagged articles, one deliberately off-topic (`tags: []`)."""
    folder = tmp_path / "goed"
    folder.mkdir()
    tags = [["leiderschap"], ["zelfsturing"], ["klantgerichtheid"], ["nieuwe-werken"], ["crisis"]]
    for i, t in enumerate(tags):
        write_md(folder, f"a{i}.md", i, t)
    write_md(folder, "a5.md", 5, [])
    return folder


LENIENT = ("--no-model", "--min-per-theme", "0", "--format", "json")


# --- tagged -------------------------------------------------------------------------------


def test_all_checks_pass_exit_0(good: Path) -> None:
    code, out, _ = cli(str(good), *LENIENT)
    report = json.loads(out)
    assert code == 0, out
    assert report["passed"] is True
    assert report["articles"] == 6
    assert [c["name"] for c in report["checks"]] == [
        "readable",
        "tagged",
        "unknown-tags",
        "support",
        "duplicates",
    ]
    assert check(report, "tagged")["value"] == 1.0


def test_empty_tags_count_as_decided_missing_tags_do_not(good: Path) -> None:
    write_md(good, "zonder.md", 6, None)
    code, out, _ = cli(str(good), *LENIENT, "--min-tagged", "0.9")
    tagged = check(json.loads(out), "tagged")
    assert code == 1
    assert tagged["passed"] is False
    assert tagged["value"] == round(6 / 7, 4)
    assert [i["source"] for i in tagged["items"]] == [str(good / "zonder.md")]
    assert "1 off-topic" in tagged["summary"]
    # The same share passes a lower bar.
    code, out, _ = cli(str(good), *LENIENT, "--min-tagged", "0.85")
    assert code == 0, out


def test_off_topic_field_counts_as_decided(tmp_path: Path) -> None:
    tax = load_taxonomy()
    write_md(tmp_path, "a.md", 0, None, **{tax.off_topic_field: True})
    report = check_coverage([tmp_path], tax, thresholds=Thresholds(min_per_theme=0))
    assert report.checks[1].name == "tagged" and report.checks[1].passed


# --- unknown tags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "hint"),
    [
        ("Leiderschap", "case differs: use 'leiderschap'"),
        ("Het Nieuwe Werken", "alias of 'nieuwe-werken'"),
        ("leiderscap", "did you mean 'leiderschap'?"),
        ("kookkunst", "not a theme of the taxonomy"),
    ],
)
def test_unknown_tag_with_hint(good: Path, tag: str, hint: str) -> None:
    write_md(good, "fout.md", 6, ["crisis", tag])
    code, out, _ = cli(str(good), *LENIENT)
    unknown = check(json.loads(out), "unknown-tags")
    assert code == 1
    assert unknown["passed"] is False
    [item] = unknown["items"]
    assert item["source"] == str(good / "fout.md")
    assert f"unknown tag {tag!r}" in item["message"]
    assert hint in item["message"]
    assert item["line"] == 3  # the `tags:` line of the front matter


# --- support ---------------------------------------------------------------------------


def test_support_per_theme_and_empty_themes(good: Path) -> None:
    code, out, _ = cli(str(good), "--no-model", "--format", "json", "--min-per-theme", "1")
    report = json.loads(out)
    support = check(report, "support")
    assert code == 1
    assert report["per_theme"]["leiderschap"] == 1
    assert report["per_theme"]["visie"] == 0
    empty = {t for t, n in report["per_theme"].items() if n == 0}
    assert len(empty) == 14 - 5
    assert {re.search(r"'([^']+)'", i["message"]).group(1) for i in support["items"]} == empty
    assert all("has no articles at all" in i["message"] for i in support["items"])


def test_support_below_minimum(tmp_path: Path) -> None:
    tax = load_taxonomy()
    for i in range(3):
        write_md(tmp_path, f"a{i}.md", i, list(tax.ids))
    report = check_coverage([tmp_path], tax, thresholds=Thresholds(min_per_theme=4))
    support = next(c for c in report.checks if c.name == "support")
    assert not support.passed
    assert support.value == 3
    assert len(support.items) == 14
    assert all("has 3 articles, fewer than 4" in i.message for i in support.items)
    report = check_coverage([tmp_path], tax, thresholds=Thresholds(min_per_theme=3))
    assert next(c for c in report.checks if c.name == "support").passed


# --- duplicates -----------------------------------------------------------------------


def test_exact_and_near_duplicates(good: Path) -> None:
    shutil.copy(good / "a1.md", good / "b-kopie.md")
    near = (good / "a2.md").read_text(encoding="utf-8").replace("Klanten", "Cliënten")
    (good / "b-bijna.md").write_text(near, encoding="utf-8")
    code, out, _ = cli(str(good), *LENIENT)
    dup = check(json.loads(out), "duplicates")
    assert code == 1
    messages = {i["source"]: i["message"] for i in dup["items"]}
    assert set(messages) == {str(good / "b-kopie.md"), str(good / "b-bijna.md")} or set(
        messages
    ) == {str(good / "b-kopie.md"), str(good / "a2.md")}
    assert any("same text as" in m and "a1.md" in m for m in messages.values())
    assert any("nearly the same as" in m for m in messages.values())


def test_find_duplicates_threshold() -> None:
    from thematiek.records import Article

    a = Article("a", text_of(0) + text_of(1))
    b = Article("b", text_of(0).replace("tablets", "laptops") + text_of(1))
    c = Article("c", text_of(2))
    [(first, second, score)] = find_duplicates([a, b, c], 0.5)
    assert (first.id, second.id) == ("a", "b") and 0.5 <= score < 1
    assert find_duplicates([a, b, c], 0.99) == []


# --- unreadable input -----------------------------------------------------------------


def test_unreadable_article_is_an_item_not_a_crash(good: Path) -> None:
    (good / "kapot.md").write_text("---\ntitle: [open\n---\nTekst.\n", encoding="utf-8")
    (good / "leeg.md").write_bytes(b"")
    code, out, err = cli(str(good), *LENIENT)
    readable = check(json.loads(out), "readable")
    assert code == 1
    assert "Traceback" not in err
    assert sorted(i["source"] for i in readable["items"]) == [
        str(good / "kapot.md"),
        str(good / "leeg.md"),
    ]
    assert json.loads(out)["articles"] == 6


@pytest.mark.parametrize(
    "args",
    [
        ("--taxonomy", "/geen/taxonomie.toml", "--no-model"),
        ("--model", "/geen/model"),
        ("--format", "pdf", "--no-model"),
        ("--min-tagged", "1.5", "--no-model"),
    ],
)
def test_usage_errors_exit_2(good: Path, args: tuple[str, ...]) -> None:
    code, _, err = cli(str(good), *args)
    assert code == 2
    assert "Traceback" not in err


def test_invalid_taxonomy_exits_2(good: Path, tmp_path: Path) -> None:
    bad = tmp_path / "tax.toml"
    bad.write_text("[[theme]\nid = 'x'\n", encoding="utf-8")
    code, _, err = cli(str(good), "--no-model", "--taxonomy", str(bad))
    assert code == 2
    assert err.startswith("Error: ") and str(bad) in err


# --- agreement with a model ----------------------------------------------------------


@pytest.fixture()
def trained_posts(tmp_path: Path) -> Path:
    """Eight posts the small model was trained on, with their human tags."""
    from conftest import small_post_paths

    folder = tmp_path / "posts"
    folder.mkdir()
    for path in [p for p in small_post_paths() if "tags: []" not in p.read_text()][:8]:
        shutil.copy(path, folder / path.name)
    return folder


def test_agreement_passes_on_training_posts(trained_posts: Path, small_model: Path) -> None:
    code, out, _ = cli(
        str(trained_posts), "--model", str(small_model), "--min-per-theme", "0", "-f", "json"
    )
    report = json.loads(out)
    agreement = check(report, "agreement")
    assert report["model"] == "small"
    assert agreement["passed"] is True, agreement
    assert agreement["value"] >= 0.6
    assert code == 0


def test_agreement_fails_on_wrong_tags(trained_posts: Path, small_model: Path) -> None:
    for path in trained_posts.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        front = yaml.safe_load(head.removeprefix("---\n"))
        front["tags"] = ["diversiteit"] if "diversiteit" not in front["tags"] else ["crisis"]
        dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
        path.write_text("---\n" + dumped + "---\n" + body, encoding="utf-8")
    code, out, _ = cli(
        str(trained_posts), "--model", str(small_model), "--min-per-theme", "0", "-f", "json"
    )
    agreement = check(json.loads(out), "agreement")
    assert code == 1
    assert agreement["passed"] is False
    assert agreement["value"] < 0.3
    # The items point at the tags that the model doubts, with the file and the tags line.
    assert any("scores far below its threshold" in i["message"] for i in agreement["items"])
    assert all(i["line"] and i["line"] > 1 for i in agreement["items"])


# --- formats and --output ------------------------------------------------------------


@pytest.fixture()
def failing(good: Path) -> Path:
    write_md(good, "zonder.md", 6, None)
    write_md(good, "fout.md", 7, ["Crisis"])
    return good


def test_text_format(failing: Path) -> None:
    code, out, _ = cli(str(failing), "--no-model", "--min-per-theme", "0")
    assert code == 1
    assert re.search(r"^tagged\s+FAIL\s", out, re.M)
    assert re.search(r"^readable\s+pass\s", out, re.M)
    assert f"{failing / 'zonder.md'}:1: no theme tags" in out
    assert f"{failing / 'fout.md'}:3: unknown tag 'Crisis'" in out
    assert out.rstrip().endswith("FAILED: tagged, unknown-tags")


def test_junit_format(failing: Path) -> None:
    code, out, _ = cli(str(failing), "--no-model", "--min-per-theme", "0", "-f", "junit")
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    [suite] = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert list(cases) == ["readable", "tagged", "unknown-tags", "support", "duplicates"]
    assert suite.get("tests") == "5" and suite.get("failures") == "2"
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {"tagged", "unknown-tags"}
    assert str(failing / "zonder.md") in cases["tagged"].find("failure").text
    assert "'Crisis'" in cases["unknown-tags"].find("failure").text
    assert "threshold" in cases["tagged"].find("failure").get("message")


GITHUB = re.compile(r"^::(error|warning|notice)( [a-z]+=[^,:]*(,[a-z]+=[^,:]*)*)?::.+$")


def test_github_format(failing: Path) -> None:
    code, out, _ = cli(str(failing), "--no-model", "--min-per-theme", "1", "-f", "github")
    assert code == 1
    lines = out.splitlines()
    for line in lines:
        assert GITHUB.match(line), line
    assert f"::error file={failing / 'zonder.md'},line=1,title=thematiek tagged::" in out
    assert any(
        line.startswith(f"::error file={failing / 'fout.md'},line=3,") and "Crisis" in line
        for line in lines
    )
    # Items without a file (an empty theme of the taxonomy) carry no file= property.
    assert any(line.startswith("::error title=thematiek support::theme") for line in lines)
    assert lines[-1] == "::notice title=thematiek coverage::coverage checks failed"


def test_output_writes_file(failing: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.xml"
    code, out, _ = cli(str(failing), *LENIENT[:3], "-f", "junit", "--output", str(target))
    assert code == 1
    assert out == ""
    assert ET.parse(target).getroot().tag == "testsuites"
    assert not list(tmp_path.glob(".thematiek-*"))


# --- the installed console script ----------------------------------------------------


def test_console_script_exit_codes(good: Path, tmp_path: Path) -> None:
    base = [str(THEMATIEK), "coverage", str(good), "--no-model", "--min-per-theme", "0"]
    ok = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    write_md(good, "zonder.md", 6, None)
    bad = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "FAILED: tagged" in bad.stdout
    usage = subprocess.run(
        [*base, "--taxonomy", str(tmp_path / "nergens.toml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert usage.returncode == 2
    assert usage.stderr.startswith("Error: ") and "Traceback" not in usage.stderr


# --- a broken copy of the real corpus --------------------------------------------------


def _edit_front(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    head, body = text.removeprefix("---\n").split("\n---\n", 1)
    front = yaml.safe_load(head)
    change(front)
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    path.write_text("---\n" + dumped + "---\n" + body, encoding="utf-8")


def test_broken_corpus_copy_names_exactly_the_problems(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    shutil.copytree(POSTS, folder)
    paths = sorted(folder.glob("*.md"))
    emptied = "duurzaamheid"
    for path in paths:

        def drop(front: dict) -> None:
            if front.get("tags"):
                front["tags"] = [t for t in front["tags"] if t != emptied]

        _edit_front(path, drop)
    untagged = paths[::10]  # one post in ten
    for path in untagged:
        _edit_front(path, lambda front: front.pop("tags"))
    odd = next(p for p in paths[1::10] if yaml.safe_load(p.read_text().split("---")[1])["tags"])
    _edit_front(odd, lambda front: front["tags"].append("Teamwork"))

    code, out, _ = cli(str(folder), "--no-model", "--min-per-theme", "1", "-f", "json")
    report = json.loads(out)
    assert code == 1
    assert report["articles"] == len(paths)
    failed = {c["name"] for c in report["checks"] if not c["passed"]}
    assert failed == {"tagged", "unknown-tags", "support"}
    tagged = check(report, "tagged")
    assert sorted(i["source"] for i in tagged["items"]) == sorted(map(str, untagged))
    assert tagged["value"] == round((len(paths) - len(untagged)) / len(paths), 4)
    [unknown] = check(report, "unknown-tags")["items"]
    assert unknown["source"] == str(odd) and "'Teamwork'" in unknown["message"]
    [empty] = check(report, "support")["items"]
    assert empty["message"] == f"theme {emptied!r} has no articles at all"
    assert report["per_theme"][emptied] == 0
