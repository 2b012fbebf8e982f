"""``thematiek info``: versions, the Dutch pipeline in use and why, and the theme model."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from thematiek.cli._common import ModelOption, NlpOption


def info_cli(
    model: ModelOption = None,
    nlp: NlpOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the thematiek, spaCy and scikit-learn versions, which Dutch pipeline is used and
    why, and which theme model is loaded (its metadata, and whether it verifies)."""
    import sklearn
    import spacy

    import thematiek
    from thematiek.errors import ModelError
    from thematiek.model import default_model_path, read_meta, verify_model
    from thematiek.nlp import explain_nlp_choice

    pipeline, reason = explain_nlp_choice(nlp)
    path = model or default_model_path()
    problems = verify_model(path)
    try:
        meta = read_meta(path)
    except ModelError:
        meta = {}
    info = {
        "thematiek": thematiek.__version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "nlp": {"pipeline": pipeline, "reason": reason},
        "model": {
            "path": str(path),
            "verifies": not problems,
            "problems": problems,
            "name": meta.get("name"),
            "created": meta.get("created"),
            "built_with": meta.get("versions"),
            "nlp": meta.get("nlp"),
            "taxonomy": {k: v for k, v in meta.get("taxonomy", {}).items() if k != "themes"},
            "corpus": meta.get("corpus"),
            "metrics": {k: meta.get("metrics", {}).get(k) for k in ("micro", "macro", "cv")},
            "thresholds": meta.get("thresholds"),
        },
    }
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(f"thematiek     {info['thematiek']}")
        print(f"spaCy         {info['spacy']}")
        print(f"scikit-learn  {info['scikit-learn']}")
        print(f"Dutch NLP     {pipeline} ({reason})")
        print(f"model         {path}")
        if meta:
            m = info["model"]
            micro = (m["metrics"].get("micro") or {}).get("f1")
            macro = (m["metrics"].get("macro") or {}).get("f1")
            print(f"  name        {m['name']}, created {m['created']}")
            print(f"  built with  {m['built_with']}")
            print(f"  nlp         {m['nlp']}")
            print(f"  taxonomy    {m['taxonomy'].get('name')} {m['taxonomy'].get('version')}")
            corpus = m["corpus"] or {}
            print(
                f"  corpus      {corpus.get('articles')} articles, sha256 "
                f"{str(corpus.get('sha256'))[:16]}…"
            )
            print(
                f"  CV metrics  micro-F1 {micro}, macro-F1 {macro} ({m['metrics'].get('cv')}-fold)"
            )
        print("  verifies    " + ("yes" if not problems else "NO: " + "; ".join(problems)))
    if problems:
        raise typer.Exit(1)
