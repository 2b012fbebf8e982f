"""``thematiek train``: train a model bundle on a labelled corpus."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from thematiek.cli._common import NlpOption, TaxonomyOption, stderr_console, stdout_console


def train_cli(
    corpus: Annotated[list[str], typer.Argument(help="Labelled articles: files or folders.")],
    out: Annotated[str, typer.Option("--out", "-o", help="The bundle folder to write.")],
    cv: Annotated[int, typer.Option("--cv", min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    taxonomy: TaxonomyOption = None,
    nlp: NlpOption = "embedded",
) -> None:
    """Train a model: analyse the corpus, cross-validate, tune the thresholds, and
    write a self-contained bundle (classifier, thresholds, taxonomy, meta.json)."""
    from thematiek.taxonomy import load_taxonomy
    from thematiek.training import train_model

    tax = load_taxonomy(taxonomy)
    with _StageProgress() as progress:
        meta = train_model(
            corpus, out, taxonomy=tax, nlp_name=nlp, cv=cv, random_state=seed, progress=progress
        )
    metrics = meta["metrics"]
    console = stdout_console()
    console.print(
        f"Wrote {out}: {meta['corpus']['articles']} articles, {cv}-fold CV "
        f"micro-F1 {metrics['micro']['f1']:.3f}, macro-F1 {metrics['macro']['f1']:.3f} "
        f"({meta['training_seconds']} s)"
    )


class _StageProgress:
    """A progress bar per training stage, on stderr."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _StageProgress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = stderr_console()
        self._progress = Progress(
            TextColumn("{task.description:<15}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._progress.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        task = self._tasks.get(stage)
        if task is None:
            task = self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(*exc)
