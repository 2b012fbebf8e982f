"""Parallel tagging: real worker processes give the same results, in input order."""

from __future__ import annotations

from pathlib import Path

import pytest

from thematiek.records import Article

ROOT = Path(__file__).resolve().parents[1]

# Short Dutch texts written for this test, in a deliberate mix: on-topic, off-topic, too
# short to tag (an error result), and an item that is a reader error.
TEXTS = [
    "Onze teamleider luistert eerst en beslist dan samen met het team. Dienend leiderschap "
    "vraagt geduld: een leider die ruimte geeft, krijgt betrokken medewerkers terug.",
    "Klantgerichtheid begint bij de telefoon. Wie een klant drie keer laat doorverbinden, "
    "verliest hem; onze klantenservice lost vragen nu in één gesprek op.",
    "Kort.",
    "De herfststorm blies de laatste bladeren van de bomen. In de polder trokken ganzen in "
    "lange rijen naar het zuiden, en de boer keek tevreden naar zijn volle schuur.",
    "Na de reorganisatie bleef het stil op de afdeling. De directie sprak over een crisis, "
    "maar de medewerkers wilden vooral weten of hun baan veilig was en wie het zei.",
]


def _inputs() -> list[Article]:
    posts = sorted((ROOT / "corpus" / "posts").glob("*.md"))[:7]
    articles = [Article(id=f"text-{i}", text=text) for i, text in enumerate(TEXTS)]
    articles += [Article(id=p.name, text=p.read_text("utf-8")) for p in posts]
    return articles


def _summary(results: list) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (
            r.source,
            r.error,
            tuple((t.id, round(t.score, 9)) for t in r.themes),
            tuple(sorted((k, round(v, 9)) for k, v in r.scores.items())),
            tuple(k.text for k in r.keywords),
        )
        for r in results
    ]


@pytest.mark.slow
def test_two_processes_give_the_same_results_in_input_order(small_tagger) -> None:  # type: ignore[no-untyped-def]
    from thematiek.errors import CorpusFormatError

    items = [*_inputs(), CorpusFormatError("broken.md", "not valid UTF-8")]
    serial = list(small_tagger.tag_many(items, batch_size=3, n_process=1))
    parallel = list(small_tagger.tag_many(items, batch_size=3, n_process=2))
    assert len(parallel) == len(items)
    assert [r.source for r in parallel][: len(TEXTS)] == [f"text-{i}" for i in range(len(TEXTS))]
    assert _summary(parallel) == _summary(serial)
    assert parallel[2].error is not None  # too short: an error result in its place
    assert parallel[-1].error is not None
    assert any(r.themes for r in parallel)


@pytest.mark.slow
def test_parallel_keeps_the_order_whatever_the_batch_size(small_tagger) -> None:  # type: ignore[no-untyped-def]
    items = _inputs()
    expected = [a.id for a in items]
    for batch_size in (1, 4, 64):
        results = small_tagger.tag_many(items, batch_size=batch_size, n_process=2)
        assert [r.source for r in results] == expected
