"""The writing plan of a corpus batch (fixed seed), as used for the later batches.

    python tools/plan_corpus_batch.py OUT_DIR [--seed 2] [--writers 8]

The second batch is ``--seed 2``, the third ``--seed 3``, the fourth ``--seed 4``, all with
eight writers.

Writes ``plan.json`` (every slot) and ``plan-wN.json`` (one writer's slots) into OUT_DIR:
per writer 36 on-topic slots (one to four themes in the first batch's proportions, every
theme at least five times) and six off-topic slots, each with a genre, a register, a
length band, a sector, a date and, for about one in five, web boilerplate. See
``corpus/README.md`` for how the plan became articles.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

THEMES = [
    "visie", "leiderschap", "betrokkenheid", "klantgerichtheid", "talent", "diversiteit",
    "werk-privebalans", "nieuwe-werken", "crisis", "zelfsturing", "prestaties", "innovatie",
    "verandering", "duurzaamheid",
]  # fmt: skip
GENRES = [
    "opinieblog", "how-to-lijst", "interview", "casestudy", "nieuwsbericht", "column",
    "longread", "deel van een serie", "persoonlijk verhaal",
    "recensie van een verzonnen managementboek", "lezersvraag",
    "nieuwsbrief van een adviesbureau",
]  # fmt: skip
REGISTERS = ["je", "u", "neutraal", "wij"]
BANDS = [(150, 250), (250, 350), (300, 450), (400, 600), (550, 800), (750, 1100)]
BAND_WEIGHTS = [10, 22, 26, 20, 15, 7]
SECTORS = [
    "zorg", "onderwijs", "gemeente", "bouw", "logistiek", "retail",
    "financiële dienstverlening", "IT", "horeca", "energie", "rijksoverheid", "start-up",
    "industrie", "woningcorporatie", "advocatuur", "transport", "cultuur",
    "agrarisch bedrijf", "uitzendbureau", "politie", "waterschap", "callcenter",
    "accountancy", "sportbond",
]  # fmt: skip
OFF_TOPIC = [
    "sportverslag met een coach", "recept en kooktips", "reisverhaal", "lokaal nieuws",
    "productreview met klantenservice", "persoonlijke financiën", "consumententechniek",
    "tuinieren", "schaakcolumn", "huisdieren", "weerbericht", "hardloopschema",
    "muziekrecensie", "klussen in huis", "fietsvakantie", "voetbaltactiek",
]  # fmt: skip
# Themes per on-topic article in the first batch (1, 2, 3, 4 themes).
THEME_COUNT_WEIGHTS = [63, 117, 87, 21]
YEAR_WEIGHTS = [3, 6, 6, 6, 6, 7, 7, 7, 9, 8, 9, 10, 8, 9, 9, 8, 8, 6, 4]  # 2008-2026


def plan(seed: int = 2, writers: int = 8) -> list[dict[str, object]]:
    """Every slot of the batch, writer by writer."""
    rng = random.Random(seed)
    slots_out: list[dict[str, object]] = []
    for writer in range(1, writers + 1):
        slots: list[list[str]] = []
        need = dict.fromkeys(THEMES, 5)
        for count in rng.choices([1, 2, 3, 4], weights=THEME_COUNT_WEIGHTS, k=36):
            pool = sorted(THEMES, key=lambda t: (-need[t], rng.random()))
            chosen = pool[:count]
            for theme in chosen:
                need[theme] -= 1
            rng.shuffle(chosen)
            slots.append(chosen)
        slots += [[] for _ in range(6)]
        rng.shuffle(slots)
        for number, themes in enumerate(slots, start=1):
            year = rng.choices(range(2008, 2027), weights=YEAR_WEIGHTS, k=1)[0]
            slots_out.append(
                {
                    "writer": writer,
                    "slot": number,
                    "themes": themes,
                    "offtopic_subject": rng.choice(OFF_TOPIC) if not themes else None,
                    "genre": rng.choice(GENRES),
                    "register": rng.choice(REGISTERS),
                    "words": list(rng.choices(BANDS, weights=BAND_WEIGHTS, k=1)[0]),
                    "sector": rng.choice(SECTORS),
                    "boilerplate": rng.random() < 0.2,
                    "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                }
            )
    return slots_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    slots = plan(args.seed, args.writers)
    args.out.mkdir(parents=True, exist_ok=True)
    dump = {"ensure_ascii": False, "indent": 1}
    (args.out / "plan.json").write_text(json.dumps(slots, **dump), encoding="utf-8")
    for writer in range(1, args.writers + 1):
        mine = [s for s in slots if s["writer"] == writer]
        (args.out / f"plan-w{writer}.json").write_text(json.dumps(mine, **dump), encoding="utf-8")
    counts = Counter(t for s in slots for t in s["themes"])  # type: ignore[attr-defined]
    print(f"{len(slots)} slots; articles per theme: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
