"""Tests of the model bundle: save/load round trip and every refusal, with its message."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thematiek.cli import app
from thematiek.errors import ModelError
from thematiek.model import load_model, read_meta, save_model, verify_model
from thematiek.taxonomy import load_taxonomy, parse_taxonomy

TEXTS = [
    "Een goede leider luistert eerst naar zijn mensen. Hij geeft vertrouwen en ruimte, en "
    "neemt pas daarna een besluit over de koers van de organisatie.",
    "De teams van de thuiszorg plannen hun eigen werk, zonder manager: zelfsturing werkt als "
    "de teams de ruimte krijgen en elkaar aanspreken op resultaten.",
    "Door de crisis vielen de orders weg. De directie koos voor een reorganisatie en "
    "deeltijd-WW om gedwongen ontslagen te voorkomen.",
]


@pytest.fixture()
def bundle(small_model: Path, tmp_path: Path) -> Path:
    """A private copy of the small model, free to damage."""
    target = tmp_path / "bundel"
    shutil.copytree(small_model, target)
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _edit_meta(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    change(meta)
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _fix_checksums(folder: Path) -> None:
    def change(meta: dict) -> None:
        for name in meta["files"]:
            meta["files"][name] = _sha(folder / name)

    _edit_meta(folder, change)


def _refusal(folder: Path, **kwargs: object) -> str:
    with pytest.raises(ModelError) as info:
        load_model(folder, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"{folder}: model refused: ")
    return message


def test_round_trip_identical_predictions(bundle: Path, tmp_path: Path) -> None:
    loaded = load_model(bundle)
    assert loaded.name == "small"  # the name recorded in meta.json, not the folder's
    assert verify_model(bundle) == []
    again = tmp_path / "opnieuw"
    meta = {k: v for k, v in loaded.meta.items() if k in ("nlp", "corpus", "metrics", "params")}
    save_model(again, loaded.classifier, loaded.taxonomy, loaded.background, meta)
    reloaded = load_model(again)
    first = loaded.classifier.predict_proba(TEXTS)
    second = reloaded.classifier.predict_proba(TEXTS)
    assert first.tolist() == second.tolist()
    assert (loaded.classifier.predict(TEXTS) == reloaded.classifier.predict(TEXTS)).all()
    assert reloaded.background == loaded.background
    assert reloaded.taxonomy.fingerprint() == loaded.taxonomy.fingerprint()
    assert read_meta(again)["thresholds"] == read_meta(bundle)["thresholds"]


def test_meta_records_versions_and_checksums(bundle: Path) -> None:
    meta = read_meta(bundle)
    assert set(meta["versions"]) == {"thematiek", "scikit-learn", "spacy"}
    assert set(meta["files"]) == {"classifier.skops", "background.json.gz", "taxonomy.toml"}
    assert all(meta["files"][name] == _sha(bundle / name) for name in meta["files"])
    assert meta["corpus"]["articles"] > 0 and len(meta["corpus"]["sha256"]) == 64
    assert meta["taxonomy"]["themes"] == list(load_taxonomy().ids)


def _dump_untrusted(path: Path) -> None:
    import skops.io
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    evil = Pipeline([("run", FunctionTransformer(func=os.system))])
    skops.io.dump(evil, path)


def test_untrusted_type_is_refused_without_loading(bundle: Path) -> None:
    _dump_untrusted(bundle / "classifier.skops")
    _fix_checksums(bundle)  # so that only the type check can catch it
    message = _refusal(bundle)
    assert "contains types thematiek does not trust" in message
    assert "posix.system" in message or "os.system" in message
    assert "never load a model from an unknown source" in message
    assert verify_model(bundle) and "does not trust" in verify_model(bundle)[0]


def test_a_type_skops_trusts_but_thematiek_does_not_is_refused(bundle: Path) -> None:
    import skops.io
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    skops.io.dump(Pipeline([("scale", StandardScaler())]), bundle / "classifier.skops")
    _fix_checksums(bundle)
    message = _refusal(bundle)
    assert "does not trust" in message
    assert "sklearn.pipeline.Pipeline" in message
    assert "sklearn.preprocessing._data.StandardScaler" in message


class Handig:
    """A custom class: nothing thematiek knows, so never trusted."""

    def __init__(self) -> None:
        self.stappen = ["luisteren", "besluiten"]


def test_custom_class_is_refused(bundle: Path) -> None:
    import skops.io

    skops.io.dump({"model": Handig()}, bundle / "classifier.skops")
    _fix_checksums(bundle)
    message = _refusal(bundle)
    assert "does not trust: test_model.Handig" in message


def test_tampered_file_is_refused(bundle: Path) -> None:
    path = bundle / "taxonomy.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# aangepast\n", encoding="utf-8")
    message = _refusal(bundle)
    assert "taxonomy.toml: checksum mismatch" in message
    assert "rebuild or re-copy the bundle" in message


def test_truncated_file_is_refused(bundle: Path) -> None:
    path = bundle / "classifier.skops"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "classifier.skops: checksum mismatch" in _refusal(bundle)
    # With the checksum fixed too, the archive check catches it.
    _fix_checksums(bundle)
    message = _refusal(bundle)
    assert "classifier.skops cannot be inspected" in message
    assert "rebuild the bundle" in message


def test_checksum_mismatch_in_meta_is_refused(bundle: Path) -> None:
    _edit_meta(bundle, lambda meta: meta["files"].update({"background.json.gz": "0" * 64}))
    assert "background.json.gz: checksum mismatch" in _refusal(bundle)


def test_missing_checksum_and_missing_file(bundle: Path) -> None:
    _edit_meta(bundle, lambda meta: meta["files"].pop("taxonomy.toml"))
    assert "taxonomy.toml has no checksum in meta.json" in _refusal(bundle)
    (bundle / "background.json.gz").unlink()
    assert "background.json.gz is missing" in _refusal(bundle)


def test_missing_meta_is_refused(bundle: Path) -> None:
    (bundle / "meta.json").unlink()
    message = _refusal(bundle)
    assert "meta.json is missing" in message and "thematiek train" in message


def test_meta_not_json_is_refused(bundle: Path) -> None:
    (bundle / "meta.json").write_text("{kapot", encoding="utf-8")
    assert "not valid JSON" in _refusal(bundle)


def test_not_a_folder_is_refused(tmp_path: Path) -> None:
    message = _refusal(tmp_path / "nergens")
    assert "no model bundle here" in message and "thematiek train" in message


def test_bundle_for_another_taxonomy_is_refused(bundle: Path, tmp_path: Path) -> None:
    tax = load_taxonomy()
    other_text = tax.text.replace("terms = [", 'terms = ["kookkunst", ', 1)
    other_path = tmp_path / "anders.toml"
    other_path.write_text(other_text, encoding="utf-8")
    other = parse_taxonomy(other_text, source=str(other_path))
    assert other.fingerprint() != tax.fingerprint()
    message = _refusal(bundle, taxonomy=other)
    assert "it was trained for taxonomy" in message
    assert str(other_path) in message and "--taxonomy" in message
    assert load_model(bundle, taxonomy=tax).taxonomy.fingerprint() == tax.fingerprint()


@pytest.mark.parametrize("package", ["thematiek", "scikit-learn"])
def test_incompatible_version_is_refused(bundle: Path, package: str) -> None:
    _edit_meta(bundle, lambda meta: meta["versions"].update({package: "0.0.1"}))
    message = _refusal(bundle)
    assert f"built with {package} 0.0.1" in message
    assert f"install {package}==0.0.*" in message and "thematiek train" in message


def test_patch_version_difference_is_accepted(bundle: Path) -> None:
    def bump(meta: dict) -> None:
        major, minor, *_ = meta["versions"]["scikit-learn"].split(".")
        meta["versions"]["scikit-learn"] = f"{major}.{minor}.99"

    _edit_meta(bundle, bump)
    assert verify_model(bundle) == []


def test_other_format_version_is_refused(bundle: Path) -> None:
    _edit_meta(bundle, lambda meta: meta.update({"format": 99}))
    assert "bundle format 99" in _refusal(bundle)


def test_taxonomy_fingerprint_mismatch_is_refused(bundle: Path) -> None:
    _edit_meta(bundle, lambda meta: meta["taxonomy"].update({"fingerprint": "x"}))
    assert "does not match the fingerprint" in _refusal(bundle)


def test_every_problem_is_reported_at_once(bundle: Path) -> None:
    def change(meta: dict) -> None:
        meta["versions"]["thematiek"] = "9.9.0"
        meta["files"]["background.json.gz"] = "0" * 64

    _edit_meta(bundle, change)
    problems = verify_model(bundle)
    assert len(problems) == 2


# --- thematiek info --------------------------------------------------------------------


def test_info_shows_metadata_and_verifies(bundle: Path) -> None:
    result = CliRunner().invoke(app, ["info", "--model", str(bundle)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"model         {bundle}" in out
    assert "name        small, created " in out
    assert "taxonomy    thematiek-default" in out
    assert "CV metrics  micro-F1" in out and "(2-fold)" in out
    assert "verifies    yes" in out


def test_info_json(bundle: Path) -> None:
    result = CliRunner().invoke(app, ["info", "--model", str(bundle), "--json"])
    info = json.loads(result.stdout)
    assert result.exit_code == 0
    assert info["model"]["verifies"] is True and info["model"]["problems"] == []
    assert info["model"]["corpus"]["articles"] == read_meta(bundle)["corpus"]["articles"]


def test_info_exit_1_when_it_does_not_verify(bundle: Path) -> None:
    _edit_meta(bundle, lambda meta: meta["files"].update({"taxonomy.toml": "0" * 64}))
    result = CliRunner().invoke(app, ["info", "--model", str(bundle)])
    assert result.exit_code == 1
    assert "verifies    NO: taxonomy.toml: checksum mismatch" in result.stdout


def test_info_untrusted_bundle(bundle: Path) -> None:
    _dump_untrusted(bundle / "classifier.skops")
    _fix_checksums(bundle)
    result = CliRunner().invoke(app, ["info", "--model", str(bundle)])
    assert result.exit_code == 1
    assert "verifies    NO: classifier.skops contains types" in result.stdout


def test_default_model_verifies(default_model: Path) -> None:
    # The committed model must match the code: a stale bundle fails here (run `make model`).
    assert verify_model(default_model) == []
