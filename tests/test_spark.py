"""thematiek.spark: tag a PySpark DataFrame in local mode, as ``tag_many`` would."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

pytestmark = [
    # PySpark 4 warns on pandas >= 3 that its support is incomplete; this test checks the
    # one path thematiek uses (string columns through Arrow), so the warning is noise here.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

# Short Dutch texts written for this test: two on-topic, one off-topic, one too short to
# tag (an error row), one missing text, and one with a title.
ROWS = [
    (
        "lead",
        "Onze teamleider luistert eerst en beslist dan samen met het team. Dienend "
        "leiderschap vraagt geduld: een leider die ruimte geeft, krijgt betrokken "
        "medewerkers terug, ook als het spannend wordt.",
        None,
    ),
    (
        "klant",
        "Klantgerichtheid begint bij de telefoon. Wie een klant drie keer laat "
        "doorverbinden, verliest hem; onze klantenservice lost vragen nu in één gesprek op.",
        "Eén gesprek is genoeg",
    ),
    (
        "natuur",
        "De herfststorm blies de laatste bladeren van de bomen. In de polder trokken ganzen "
        "in lange rijen naar het zuiden, en de boer keek tevreden naar zijn volle schuur.",
        None,
    ),
    ("kort", "Kort.", None),
    ("leeg", None, None),
    (
        "crisis",
        "Na de reorganisatie bleef het stil op de afdeling. De directie sprak over een "
        "crisis, maar de medewerkers wilden vooral weten of hun baan veilig was.",
        "Stilte na de storm",
    ),
]


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    pytest.importorskip(
        "pyspark", reason="PySpark is not installed (pip install 'thematiek[spark]')"
    )
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed (PySpark needs a JDK, 17 or later)")
    from pyspark.sql import SparkSession

    # The workers must run this interpreter, where thematiek is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("thematiek-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.slow
def test_tag_dataframe_matches_tag_many(spark, small_tagger, small_model) -> None:  # type: ignore[no-untyped-def]
    from thematiek.records import Article
    from thematiek.spark import OUTPUT_COLUMNS, tag_dataframe

    df = spark.createDataFrame(ROWS, "id string, body string, title string").repartition(2)
    tagged = tag_dataframe(
        df, text_col="body", id_col="id", title_col="title", model=str(small_model), nlp="embedded"
    )
    assert tuple(tagged.columns) == OUTPUT_COLUMNS
    assert all(field.dataType.simpleString() == "string" for field in tagged.schema.fields)
    rows = {row["id"]: row.asDict() for row in tagged.collect()}
    assert sorted(rows) == sorted(r[0] for r in ROWS)

    articles = [Article(id=i, text=t or "", title=h) for i, t, h in ROWS]
    for article, expected in zip(articles, small_tagger.tag_many(articles), strict=True):
        row = rows[article.id]
        assert row["error"] == (expected.error or "")
        assert row["themes"] == ",".join(t.id for t in expected.themes)
        assert row["keywords"] == ",".join(k.text for k in expected.keywords)
        scores = json.loads(row["scores"])
        assert scores == {k: round(v, 4) for k, v in expected.scores.items()}
    assert rows["kort"]["error"] and rows["leeg"]["error"]
    assert not rows["lead"]["error"] and rows["lead"]["keywords"]


@pytest.mark.spark
def test_missing_column_is_a_clear_error(spark) -> None:  # type: ignore[no-untyped-def]
    from thematiek.errors import ThematiekError
    from thematiek.spark import tag_dataframe

    df = spark.createDataFrame([("a", "tekst")], "id string, body string")
    with pytest.raises(ThematiekError, match="no column 'text'"):
        tag_dataframe(df)


def test_tag_batches_reads_missing_values_as_empty(small_model) -> None:  # type: ignore[no-untyped-def]
    pd = pytest.importorskip("pandas")
    import numpy as np

    from thematiek.tagging import tag_batches

    frames = [
        pd.DataFrame({"text": [ROWS[0][1], None], "title": [np.nan, "Titel"]}),
        pd.DataFrame({"text": pd.Series([pd.NA, ROWS[1][1]], dtype="string")}),
        pd.DataFrame({"text": pd.Series([], dtype=object)}),
    ]
    out = list(tag_batches(frames, title_col=None, model=str(small_model), nlp="embedded"))
    assert [len(f) for f in out] == [2, 2, 0]
    assert list(out[0].columns) == ["id", "themes", "scores", "keywords", "error"]
    assert out[0]["id"].tolist() == ["0", "1"]
    assert out[0]["error"][0] == "" and out[0]["error"][1]  # None is an empty text
    assert out[1]["error"][0] and out[1]["error"][1] == ""  # pd.NA too, not "<NA>"


def test_spark_module_imports_without_pyspark() -> None:
    import thematiek.spark as spark_module

    assert spark_module.OUTPUT_COLUMNS == ("id", "themes", "scores", "keywords", "error")
