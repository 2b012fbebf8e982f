"""Write-back: tags are added to the front matter and nothing else changes, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from thematiek.corpus import read_article, read_articles, write_tags
from thematiek.errors import WriteBackError

BODY = "# Feedback geven\n\nWie feedback geeft, moet ook willen luisteren.\n"


def setup(tmp_path: Path, content: str | bytes, name: str = "post.md") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def tagged(path: Path, tags: list[str], **kw: object) -> bytes:
    write_tags(read_article(path), tags, **kw)  # type: ignore[arg-type]
    return path.read_bytes()


# (front matter before, front matter after) for adding ["cultuur", "visie"]
CASES = {
    "flow list": (
        "title: Feedback\ntags: [visie, feedback]  # door mij\n",
        "title: Feedback\ntags: [visie, feedback, cultuur]  # door mij\n",
    ),
    "block list with comments": (
        "# kop\ntitle: 'Feedback'\ntags:\n  - feedback   # eerst\n  # - oud\ndraft: false\n",
        "# kop\ntitle: 'Feedback'\ntags:\n  - feedback   # eerst\n  - cultuur\n  - visie\n"
        "  # - oud\ndraft: false\n",
    ),
    "indentless block list": (
        'tags:\n- feedback\n- visie\nauthor: "Jan"\n',
        'tags:\n- feedback\n- visie\n- cultuur\nauthor: "Jan"\n',
    ),
    "quoted items keep quotes": (
        "tags: ['feedback', \"x\"]\n",
        "tags: ['feedback', \"x\", 'cultuur', 'visie']\n",
    ),
    "empty flow list": ("tags: []\n", "tags: [cultuur, visie]\n"),
    "no tags field": ("title: Feedback\n", "title: Feedback\ntags: [cultuur, visie]\n"),
    "tags null": ("tags: ~\ndate: 2024-01-01\n", "tags: [cultuur, visie]\ndate: 2024-01-01\n"),
    "tags empty value": ("tags:\ndate: 2024-01-01\n", "tags: [cultuur, visie]\ndate: 2024-01-01\n"),
    "tags string": ("tags: feedback, visie\n", "tags: [feedback, visie, cultuur]\n"),
    "categories used when no tags": (
        "categories:\n    - feedback\n",
        "categories:\n    - feedback\n    - cultuur\n    - visie\n",
    ),
    "multi-line flow list": (
        "tags: [\n  feedback,\n  visie,\n]\nx: 1\n",
        "tags: [\n  feedback,\n  visie, cultuur,\n]\nx: 1\n",
    ),
    "empty front matter": ("", "tags: [cultuur, visie]\n"),
}
PROVENANCE = "thematiek:\n  model: default\n  added:\n    cultuur: 0.83\n"


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_splice_styles(tmp_path: Path, name: str, newline: str, bom: bytes) -> None:
    before, after = CASES[name]
    prov = PROVENANCE if "visie" in before else PROVENANCE + "    visie: null\n"
    old = bom + f"---\n{before}---\n{BODY}".replace("\n", newline).encode()
    new = bom + f"---\n{after}{prov}---\n{BODY}".replace("\n", newline).encode()
    path = setup(tmp_path, old)
    result = write_tags(
        read_article(path), ["cultuur", "visie"], model="default", scores={"cultuur": 0.83}
    )
    assert path.read_bytes() == new
    assert result.changed


def test_no_front_matter_gets_one(tmp_path: Path) -> None:
    path = setup(tmp_path, BODY.replace("\n", "\r\n"))
    data = tagged(path, ["feedback"], model="m", scores={"feedback": 0.5})
    assert (
        data
        == (
            "---\r\ntags: [feedback]\r\nthematiek:\r\n  model: m\r\n  added:\r\n"
            "    feedback: 0.5\r\n---\r\n" + BODY.replace("\n", "\r\n")
        ).encode()
    )


def test_cp1252_file_stays_cp1252(tmp_path: Path) -> None:
    old = f"---\ntitle: Café ’s morgens\ntags: [ideeën]\n---\nÉén {BODY}".encode("cp1252")
    path = setup(tmp_path, old)
    article = read_article(path)
    assert article.encoding == "cp1252"
    data = tagged(path, ["coördinatie"])
    assert data.decode("cp1252").startswith(
        "---\ntitle: Café ’s morgens\ntags: [ideeën, coördinatie]\n"
    )
    assert data.endswith(f"---\nÉén {BODY}".encode("cp1252"))
    with pytest.raises(WriteBackError, match="encoding"):
        write_tags(read_article(path), ["日本"])


def test_human_tags_kept_and_provenance_updated_not_duplicated(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\ntags: [Visie, team]\n---\n{BODY}")
    first = write_tags(read_article(path), ["visie", "cultuur"], model="a", scores={"cultuur": 0.7})
    assert first.added == ("cultuur",)
    second = write_tags(
        read_article(path), ["werkdruk", "cultuur"], model="b", scores={"werkdruk": 0.6}
    )
    assert second.added == ("werkdruk",)
    data = yaml.safe_load(path.read_text().split("---")[1])
    assert data["tags"] == ["Visie", "team", "cultuur", "werkdruk"]
    assert data["thematiek"] == {"model": "b", "added": {"cultuur": 0.7, "werkdruk": 0.6}}
    assert path.read_text().count("thematiek:") == 1


def test_nothing_to_add_leaves_file_untouched(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\ntags: [visie]\n---\n{BODY}")
    os.utime(path, (1_000_000, 1_000_000))
    result = write_tags(read_article(path), ["Visie", " visie "])
    assert not result.changed and result.added == () and result.diff == ""
    assert path.stat().st_mtime == 1_000_000


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\ntags: [visie]\n---\n{BODY}")
    before = path.read_bytes()
    result = write_tags(read_article(path), ["cultuur"], dry_run=True)
    assert result.changed and result.added == ("cultuur",)
    assert "+tags: [visie, cultuur]" in result.diff and "-tags: [visie]" in result.diff
    assert path.read_bytes() == before


def test_refuses_when_changed_on_disk(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\ntags: [visie]\n---\n{BODY}")
    article = read_article(path)
    path.write_text(f"---\ntags: [visie]\n---\n{BODY}Nieuwe zin.\n")
    with pytest.raises(
        WriteBackError, match=r"post.md: changed on disk since it was read; run again"
    ):
        write_tags(article, ["cultuur"])


def test_merges_when_only_tags_changed_on_disk(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\ntitle: x\ntags: [visie]\n---\n{BODY}")
    article = read_article(path)
    write_tags(read_article(path), ["team"], model="andere run")
    write_tags(article, ["cultuur"], model="deze run")
    assert read_article(path).tags == ("visie", "team", "cultuur")


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.txt", BODY), ("a.html", f"<html><body><p>{BODY}</p></body></html>"),
     ("a.jsonl", '{"text": "Een tekst."}\n')],
)  # fmt: skip
def test_non_markdown_is_refused(tmp_path: Path, name: str, content: str) -> None:
    (article,) = read_articles([setup(tmp_path, content, name)])
    with pytest.raises(WriteBackError, match="only be written into Markdown"):
        write_tags(article, ["visie"])


def test_atomic_keeps_permissions_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\ntags: [visie]\n---\n{BODY}")
    path.chmod(0o640)
    inode = path.stat().st_ino
    tagged(path, ["cultuur"])
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.stat().st_ino != inode  # replaced, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]


def test_failed_write_leaves_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = setup(tmp_path, f"---\ntags: [visie]\n---\n{BODY}")
    before = path.read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(WriteBackError, match="No space left on device"):
        write_tags(read_article(path), ["cultuur"])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]


def test_symlinked_file_is_written_through(tmp_path: Path) -> None:
    real = setup(tmp_path, f"---\ntags: [visie]\n---\n{BODY}", "echt.md")
    link = tmp_path / "link.md"
    link.symlink_to("echt.md")
    write_tags(read_article(link), ["cultuur"])
    assert link.is_symlink()
    assert read_article(real).tags == ("visie", "cultuur")


def test_alias_tags_are_refused(tmp_path: Path) -> None:
    path = setup(tmp_path, f"---\nbasis: &b [visie]\ntags: *b\n---\n{BODY}")
    with pytest.raises(WriteBackError, match="alias"):
        write_tags(read_article(path), ["cultuur"])


WORKER = textwrap.dedent(
    """
    import sys
    from thematiek.corpus import read_articles, write_tags
    folder, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for round_ in range(rounds):
        for article in read_articles([folder]):
            tags = [f"{name}-{round_}", "gedeeld"]
            write_tags(article, tags, model=name, scores={"gedeeld": 0.5})
    """
)


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    files = 40
    for number in range(files):
        style = ["tags: [mens]\n", "tags:\n  - mens\n", "title: t\n"][number % 3]
        setup(tmp_path, f"---\n{style}---\nTekst {number}.\n", f"post{number:02}.md")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    names, rounds = ["een", "twee", "drie"], 4
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), name, str(rounds)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    expected = {f"{name}-{r}" for name in names for r in range(rounds)} | {"gedeeld"}
    for number, article in enumerate(read_articles([tmp_path])):
        tags = set(article.tags or ())
        assert expected <= tags, article.source
        if number % 3 != 2:
            assert article.tags and article.tags[0] == "mens"
        assert len(article.tags or ()) == len(tags)
        assert article.text == f"Tekst {number}."
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"post{n:02}.md" for n in range(files)]


@pytest.mark.parametrize(
    "yaml_text",
    [
        'title: "Één ñ: citaat"\ntags: [leiderschap, visie]  # door een mens\n',
        "title: Klant\r\ntags:\r\n  - klantgerichtheid\r\n  - 'visie'\r\ndate: 2024-05-01\r\n",
        "title: >\n  Lange titel\n  over twee regels\ncategories: []\n",
    ],
)
def test_fast_yaml_parser_gives_the_same_nodes_and_marks(yaml_text: str) -> None:
    from thematiek import _frontmatter

    if _frontmatter._FastLoader is None:
        pytest.skip("PyYAML is built without libyaml here")

    def walk(loader_class: type) -> list[tuple[object, ...]]:
        loader = loader_class(yaml_text)
        node = loader.get_single_node()
        out = []
        stack = [node]
        while stack:
            current = stack.pop()
            out.append(
                (
                    type(current).__name__,
                    current.tag,
                    current.start_mark.index,
                    current.end_mark.index,
                )
            )
            if isinstance(current.value, list):
                for item in current.value:
                    stack.extend(item if isinstance(item, tuple) else (item,))
        return out

    assert walk(_frontmatter._FastLoader) == walk(_frontmatter._StrictLoader)
