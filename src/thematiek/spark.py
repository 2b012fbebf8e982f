"""Tag a PySpark DataFrame with :func:`thematiek.tag_batches` over ``mapInPandas``.

PySpark is optional (``pip install 'thematiek[spark]'``) and imported only when a function
here is called. Every Python worker loads the model and the Dutch pipeline once and reuses
them for all the batches it gets.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from thematiek.errors import ThematiekError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["OUTPUT_COLUMNS", "output_schema", "tag_dataframe"]

#: The columns of :func:`tag_dataframe`'s result, all strings (as ``tag_batches`` yields).
OUTPUT_COLUMNS = ("id", "themes", "scores", "keywords", "error")

_INSTALL_HINT = "PySpark is not installed; install it with: pip install 'thematiek[spark]'"


def _types() -> Any:
    try:
        from pyspark.sql import types
    except ImportError as exc:
        raise ThematiekError(f"{_INSTALL_HINT} ({exc})") from None
    return types


def output_schema() -> Any:
    """The explicit Spark schema of :func:`tag_dataframe`'s result.

    Returns:
        A ``pyspark.sql.types.StructType``: ``id``, ``themes`` (comma-separated theme ids,
        best first), ``scores`` (a JSON object of every theme's score), ``keywords``
        (comma-separated key phrases) and ``error`` (empty when tagged), all strings.

    Raises:
        ThematiekError: PySpark is not installed.
    """
    types = _types()
    return types.StructType(
        [types.StructField(name, types.StringType(), nullable=False) for name in OUTPUT_COLUMNS]
    )


def tag_dataframe(
    df: Any,
    text_col: str = "text",
    id_col: str | None = None,
    title_col: str | None = None,
    model: str | None = None,
    nlp: str | None = None,
    *,
    min_score: float | None = None,
    max_tags: int | None = None,
    force: bool = False,
) -> Any:
    """Tag the texts of a PySpark DataFrame, partition by partition.

    Lazy, like every Spark transformation: nothing runs until an action (``collect``,
    ``write``) asks for the result. The executors need thematiek installed in the Python
    that ``PYSPARK_PYTHON`` names, and ``model`` (when given) must be a folder they can
    read.

    Args:
        df: A ``pyspark.sql.DataFrame``.
        text_col: The column with the article texts.
        id_col: A column copied to the output's ``id`` (cast to string). Without one the
            ``id`` is the row's position within its batch, which is not unique: give an id
            column to join the results back.
        title_col: A column with the article titles.
        model: A model bundle folder (``None``: the default model).
        nlp: The spaCy pipeline name (``None``: ``auto``).
        min_score: A floor on top of the per-theme thresholds.
        max_tags: The most themes per article.
        force: Tag texts that are not Dutch or too short.

    Returns:
        A ``pyspark.sql.DataFrame`` with the schema of :func:`output_schema`, one row per
        input row.

    Raises:
        ThematiekError: PySpark is not installed, or a named column is missing.
    """
    schema = output_schema()
    wanted = [c for c in (id_col, text_col, title_col) if c is not None]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise ThematiekError(
            f"DataFrame has no column {', '.join(map(repr, missing))}; "
            f"its columns are {', '.join(df.columns)}"
        )
    options: dict[str, Any] = {
        "text_col": text_col,
        "id_col": id_col,
        "title_col": title_col,
        "model": model,
        "nlp": nlp,
        "min_score": min_score,
        "max_tags": max_tags,
        "force": force,
    }

    def tag(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from thematiek.tagging import tag_batches

        yield from tag_batches(frames, **options)

    with warnings.catch_warnings():
        # PySpark 4 warns on every pandas >= 3 that its pandas support is incomplete. Only
        # string columns cross here, through Arrow, which tests/test_spark.py checks on
        # pandas 3; the warning says nothing about this use.
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        # Only the needed columns travel to the Python workers.
        return df.select(*wanted).mapInPandas(tag, schema=schema)
