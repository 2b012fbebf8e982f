"""``thematiek themes``: the taxonomy as a table or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from thematiek.cli._common import TaxonomyOption, stdout_console


def themes_cli(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    terms: Annotated[bool, typer.Option("--terms", help="Show the lexicon terms too.")] = False,
    taxonomy: TaxonomyOption = None,
) -> None:
    """Show the themes of the taxonomy: id, labels, scope and lexicon size."""
    from rich.table import Table

    from thematiek.taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy)
    if as_json:
        data = {
            "name": tax.name,
            "version": tax.version,
            "themes": [
                {
                    "id": t.id,
                    "label": t.label,
                    "label_en": t.label_en,
                    "scope": t.scope,
                    "terms": list(t.terms),
                    "weak": list(t.weak),
                    "negative": list(t.negative),
                }
                for t in tax
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{tax.name} {tax.version} ({len(tax)} themes)", show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("label")
    table.add_column("scope", max_width=70)
    table.add_column("terms" if terms else "lexicon", max_width=60 if terms else 12)
    for theme in tax:
        lexicon = (
            ", ".join(theme.terms)
            if terms
            else f"{len(theme.terms)} + {len(theme.weak)} weak, {len(theme.negative)} negative"
        )
        table.add_row(theme.id, f"{theme.label}\n({theme.label_en})", theme.scope, lexicon)
    stdout_console().print(table)
