"""Measure thematiek's Dutch pipelines against the Universal Dependencies Dutch dev sets.

    python benchmarks/nlp_ud.py --ud-dir ../shared/ud-dutch [--json] [--pipeline embedded]

For each UD file and pipeline (the embedded one, and ``nl_core_news_sm`` when installed):

- token F1: predicted token character spans against the gold tokens, placed by their
  character offsets in each sentence's ``# text`` line;
- lemma accuracy on gold tokens (the gold words are given to the pipeline; comparison is
  case-insensitive, ``_`` removed from the gold lemma, PUNCT skipped), and end to end (the
  pipeline tokenises itself; a gold token counts as right only when a predicted token has
  exactly its span and the right lemma);
- sentence-boundary F1: the sentences of each source document are joined with a space and
  the predicted sentence starts compared with the gold ones;
- words/s: ``nlp.pipe`` over the documents' texts on one core, first (cold-cache) pass.

The UD directory also comes from ``THEMATIEK_UD_DIR``; without one, the benchmark says so
and exits 0. The UD files are read in place, never copied.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, also for numpy-backed pipelines

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

UD_FILES = ("nl_alpino-ud-dev.conllu", "nl_lassysmall-ud-dev.conllu")


@dataclass
class Sentence:
    text: str
    forms: list[str] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)
    upos: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # offsets in ``text``


@dataclass
class Document:
    id: str
    sentences: list[Sentence]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass
class Scores:
    file: str
    pipeline: str
    words: int
    token_f1: float
    lemma_acc_gold_tokens: float
    lemma_acc_end_to_end: float
    sentence_f1: float
    words_per_second: float


def read_conllu(path: Path) -> Iterator[Document]:
    """The documents of a CoNLL-U file, from ``sent_id`` prefixes, in file order."""
    doc_id = ""
    sentences: list[Sentence] = []
    current: Sentence | None = None
    sent_id = ""
    with path.open(encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("# sent_id = "):
                sent_id = line[12:]
            elif line.startswith("# text = "):
                current = Sentence(line[9:])
            elif line.startswith("#"):
                continue
            elif not line:
                if current is not None and current.forms:
                    this_doc = sent_id.split("\\")[0].split(".p.")[0]
                    if sentences and this_doc != doc_id:
                        yield Document(doc_id, sentences)
                        sentences = []
                    doc_id = this_doc
                    _place(current)
                    sentences.append(current)
                current = None
            elif current is not None:
                cols = line.split("\t")
                if "-" in cols[0] or "." in cols[0]:
                    continue  # multiword-token ranges and empty nodes
                current.forms.append(cols[1])
                current.lemmas.append(cols[2])
                current.upos.append(cols[3])
    if current is not None and current.forms:
        _place(current)
        sentences.append(current)
    if sentences:
        yield Document(doc_id, sentences)


def _place(sentence: Sentence) -> None:
    pos = 0
    for form in sentence.forms:
        start = sentence.text.find(form, pos)
        if start < 0:  # should not happen in UD; keep going without a span
            sentence.spans.append((-1, -1))
            continue
        sentence.spans.append((start, start + len(form)))
        pos = start + len(form)


def _norm_gold(lemma: str) -> str:
    return lemma.replace("_", "").lower()


def _f1(gold: set[object], pred: set[object]) -> float:
    if not gold and not pred:
        return 1.0
    hits = len(gold & pred)
    return 2 * hits / (len(gold) + len(pred)) if hits else 0.0


def measure(nlp: object, name: str, file: str, docs: list[Document]) -> Scores:
    """All measures for one pipeline on one UD file."""
    from spacy.tokens import Doc

    texts = [d.text for d in docs]
    start = time.perf_counter()
    predicted = list(nlp.pipe(texts, batch_size=64))  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start

    gold_tokens: set[tuple[int, int, int]] = set()
    pred_tokens: set[tuple[int, int, int]] = set()
    gold_starts: set[tuple[int, int]] = set()
    pred_starts: set[tuple[int, int]] = set()
    words = lemma_ok = e2e_ok = 0
    for n, (doc, pdoc) in enumerate(zip(docs, predicted, strict=True)):
        offset = 0
        gold_lemma: dict[tuple[int, int], str] = {}
        words_list: list[str] = []
        spaces: list[bool] = []
        sent_starts: list[bool] = []
        for sentence in doc.sentences:
            gold_starts.add((n, offset + sentence.spans[0][0]))
            for i, (form, lemma, upos, (s, e)) in enumerate(
                zip(sentence.forms, sentence.lemmas, sentence.upos, sentence.spans, strict=True)
            ):
                gold_tokens.add((n, offset + s, offset + e))
                if upos != "PUNCT":
                    gold_lemma[(offset + s, offset + e)] = _norm_gold(lemma)
                words_list.append(form)
                nxt = sentence.spans[i + 1][0] if i + 1 < len(sentence.spans) else -1
                spaces.append(nxt > e or nxt == -1)
                sent_starts.append(i == 0)
            offset += len(sentence.text) + 1
        for token in pdoc:
            if not token.is_space:
                pred_tokens.add((n, token.idx, token.idx + len(token.text)))
                key = (token.idx, token.idx + len(token.text))
                if gold_lemma.get(key) == token.lemma_.lower():
                    e2e_ok += 1
        pred_starts.update((n, sent.start_char) for sent in pdoc.sents)
        # lemmas on the gold tokens: the gold words through the pipeline's components
        gdoc = Doc(pdoc.vocab, words=words_list, spaces=spaces)
        for _, proc in nlp.pipeline:  # type: ignore[attr-defined]
            gdoc = proc(gdoc)
        index = 0
        for sentence in doc.sentences:
            for lemma, upos in zip(sentence.lemmas, sentence.upos, strict=True):
                if upos != "PUNCT":
                    words += 1
                    lemma_ok += gdoc[index].lemma_.lower() == _norm_gold(lemma)
                index += 1
    total_tokens = sum(len(s.forms) for d in docs for s in d.sentences)
    return Scores(
        file=file,
        pipeline=name,
        words=words,
        token_f1=round(_f1(gold_tokens, pred_tokens), 4),  # type: ignore[arg-type]
        lemma_acc_gold_tokens=round(lemma_ok / words, 4),
        lemma_acc_end_to_end=round(e2e_ok / words, 4),
        sentence_f1=round(_f1(gold_starts, pred_starts), 4),  # type: ignore[arg-type]
        words_per_second=round(total_tokens / elapsed),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ud-dir", default=os.environ.get("THEMATIEK_UD_DIR"))
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--pipeline",
        action="append",
        help="pipelines to measure (default: embedded, and nl_core_news_sm when installed)",
    )
    args = parser.parse_args(argv)
    if not args.ud_dir or not Path(args.ud_dir).is_dir():
        print(
            "No UD Dutch directory (give --ud-dir or set THEMATIEK_UD_DIR); skipping the "
            "benchmark.",
            file=sys.stderr,
        )
        return 0
    ud_dir = Path(args.ud_dir)

    from thematiek.nlp import DEFAULT_PIPELINE, _installed, describe_nlp, load_nlp

    pipelines = args.pipeline or ["embedded", DEFAULT_PIPELINE]
    notes: list[str] = []
    results: list[Scores] = []
    for name in pipelines:
        if name != "embedded" and not _installed(name):
            notes.append(f"{name}: not installed, not measured")
            continue
        load_start = time.perf_counter()
        nlp = load_nlp(name)
        load_seconds = time.perf_counter() - load_start
        notes.append(f"{describe_nlp(nlp)}: loaded in {load_seconds:.2f}s")
        for file in UD_FILES:
            path = ud_dir / file
            if not path.is_file():
                notes.append(f"{file}: not found in {ud_dir}, skipped")
                continue
            results.append(measure(nlp, describe_nlp(nlp), file, list(read_conllu(path))))

    if args.json:
        print(json.dumps({"results": [asdict(r) for r in results], "notes": notes}, indent=2))
        return 0
    header = (
        f"{'file':30} {'pipeline':26} {'words':>6} {'tokF1':>6} {'lem(gold)':>9} "
        f"{'lem(e2e)':>8} {'sentF1':>6} {'words/s':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.file:30} {r.pipeline:26} {r.words:6} {r.token_f1:6.4f} "
            f"{r.lemma_acc_gold_tokens:9.4f} {r.lemma_acc_end_to_end:8.4f} "
            f"{r.sentence_f1:6.4f} {r.words_per_second:9,}"
        )
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
