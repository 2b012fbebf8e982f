"""The model bundle on disk: train, save, verify and load safely.

A bundle is a folder::

    classifier.skops     the fitted ThemeClassifier, saved with skops (no pickle)
    background.json.gz   document frequencies of key-phrase candidates in the corpus
    taxonomy.toml        the taxonomy and lexicons it was trained with
    meta.json            versions, the spaCy pipeline, corpus hash, metrics, date, and
                         the SHA-256 of every file above

Loading checks, in this order: the folder and meta.json exist and parse; the format
version; the thematiek and scikit-learn versions; every file's checksum; the taxonomy
(its fingerprint, and the one the caller asks for); the types inside classifier.skops
against an explicit trusted list. Any failure is a :class:`~thematiek.errors.ModelError`
that says which check failed and what to do.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.abc
import json
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from thematiek.errors import ModelError, TaxonomyError
from thematiek.keywords import Background
from thematiek.taxonomy import Taxonomy, parse_taxonomy

# 2: the stacked classifier (text models + per-theme combiners).
# 3: one combiner for all themes (with gaps to the top theme); per-theme thresholds drawn
#    towards a shared one.
FORMAT_VERSION = 3
_FILES = ("classifier.skops", "background.json.gz", "taxonomy.toml")

# Every type a classifier.skops may contain. The whole archive's schema is checked against
# this list before anything is loaded: a type outside it is refused, even one that skops
# itself would trust.
TRUSTED_TYPES = [
    "builtins.bool",
    "builtins.dict",
    "builtins.float",
    "builtins.int",
    "builtins.list",
    "builtins.NoneType",
    "builtins.slice",
    "builtins.str",
    "builtins.tuple",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "thematiek.classify.LexiconFeatures",
    "thematiek.classify.ThemeClassifier",
    "thematiek.classify._strip_marks",
    "thematiek.classify._word_tokens",
    "thematiek.taxonomy.Taxonomy",
    "thematiek.taxonomy.Theme",
]


@dataclass(frozen=True)
class ModelBundle:
    """A loaded, verified model bundle.

    Attributes:
        name: The bundle's name (its folder name).
        path: Where it was loaded from.
        classifier: The fitted :class:`~thematiek.classify.ThemeClassifier`.
        taxonomy: The taxonomy it was trained with.
        background: Key-phrase document frequencies of the training corpus.
        meta: The contents of meta.json.
    """

    name: str
    path: Path
    classifier: Any
    taxonomy: Taxonomy
    background: Background
    meta: dict[str, Any]


def default_model_path() -> Path:
    """The default bundle: inside the installed package, or models/default in a checkout."""
    packaged = Path(str(resources.files("thematiek").joinpath("_default_model")))
    if (packaged / "meta.json").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "models" / "default"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    import sklearn
    import spacy

    import thematiek

    return {
        "thematiek": thematiek.__version__,
        "scikit-learn": sklearn.__version__,
        "spacy": spacy.__version__,
    }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def save_model(
    path: str | Path,
    classifier: Any,
    taxonomy: Taxonomy,
    background: Background,
    meta: dict[str, Any],
) -> Path:
    """Write a bundle folder (replacing one that is there), files first, meta.json last.

    Args:
        path: The bundle folder.
        classifier: A fitted ThemeClassifier.
        taxonomy: The taxonomy it was trained with.
        background: Key-phrase document frequencies.
        meta: Extra metadata (pipeline, corpus hash, metrics); versions, checksums, the
            taxonomy fingerprint and the date are added here.

    Returns:
        The bundle folder.
    """
    skops_io = _skops_io()
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        staging = Path(tmp)
        skops_io.dump(
            classifier,
            staging / "classifier.skops",
            compression=zipfile.ZIP_DEFLATED,
            compresslevel=9,
        )
        payload = json.dumps(
            {"n_docs": background.n_docs, "df": dict(sorted(background.df.items()))},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode("utf-8")
        with gzip.GzipFile(staging / "background.json.gz", "wb", mtime=0) as handle:
            handle.write(payload)
        (staging / "taxonomy.toml").write_text(taxonomy.text, encoding="utf-8")
        full_meta = {
            "format": FORMAT_VERSION,
            "name": target.name,
            "versions": _versions(),
            "taxonomy": {
                "name": taxonomy.name,
                "version": taxonomy.version,
                "fingerprint": taxonomy.fingerprint(),
                "themes": list(taxonomy.ids),
            },
            "thresholds": {
                theme: round(float(t), 4)
                for theme, t in zip(taxonomy.ids, classifier.thresholds_, strict=True)
            },
            **meta,
            "created": _created(),
            "files": {name: _sha256(staging / name) for name in _FILES},
        }
        (staging / "meta.json").write_text(
            json.dumps(full_meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        for name in (*_FILES, "meta.json"):
            os.replace(staging / name, target / name)
    return target


def _created() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat()


def read_meta(path: str | Path) -> dict[str, Any]:
    """Read a bundle's meta.json.

    Raises:
        ModelError: When the folder or meta.json is missing or not valid JSON.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError(
            f"{folder}: no model bundle here (not a folder); train one with "
            "`thematiek train CORPUS --out FOLDER`"
        )
    meta_path = folder / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(
            f"{folder}: meta.json is missing; this is not a thematiek model "
            "bundle (rebuild it with `thematiek train`)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"{meta_path}: unreadable or not valid JSON ({exc}); the bundle is "
            "damaged, rebuild it with `thematiek train`"
        ) from None
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: not a JSON object; rebuild the bundle")
    return meta


def verify_model(path: str | Path) -> list[str]:
    """Check a bundle without loading any of its code; return every problem found.

    Returns:
        Human-readable problems; an empty list means the bundle verifies.
    """
    folder = Path(path)
    try:
        meta = read_meta(folder)
    except ModelError as exc:
        return [str(exc)]
    problems = []
    if meta.get("format") != FORMAT_VERSION:
        problems.append(
            f"bundle format {meta.get('format')!r}, this thematiek reads "
            f"format {FORMAT_VERSION}: rebuild it with `thematiek train`"
        )
    versions = meta.get("versions", {})
    current = _versions()
    for package in ("thematiek", "scikit-learn"):
        built = str(versions.get(package, "?"))
        if _minor(built) != _minor(current[package]):
            problems.append(
                f"built with {package} {built}, but {current[package]} is installed: "
                f"install {package}=={_minor(built)}.* or retrain with `thematiek train`"
            )
    files = meta.get("files", {})
    for name in _FILES:
        file_path = folder / name
        expected = files.get(name)
        if not file_path.is_file():
            problems.append(f"{name} is missing")
        elif expected is None:
            problems.append(f"{name} has no checksum in meta.json")
        elif _sha256(file_path) != expected:
            problems.append(
                f"{name}: checksum mismatch (the file was changed or truncated "
                "after the bundle was made); rebuild or re-copy the bundle"
            )
    if (folder / "taxonomy.toml").is_file() and not problems:
        try:
            taxonomy = parse_taxonomy(
                (folder / "taxonomy.toml").read_text("utf-8"), source=str(folder / "taxonomy.toml")
            )
        except TaxonomyError as exc:
            problems.append(str(exc))
        else:
            if taxonomy.fingerprint() != meta.get("taxonomy", {}).get("fingerprint"):
                problems.append("taxonomy.toml does not match the fingerprint in meta.json")
    if (folder / "classifier.skops").is_file() and not problems:
        problems.extend(_untrusted_problems(folder / "classifier.skops"))
    return problems


def _schema_types(path: Path) -> set[str]:
    """Every ``module.name`` named anywhere in a skops archive's schema (functions too)."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("__module__"), str) and isinstance(node.get("__class__"), str):
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _skops_io() -> Any:
    """``skops.io``, imported without its scikit-learn-wide default trust list.

    At import, skops lists every scikit-learn estimator and every numpy and ``scipy.special``
    ufunc to trust by default, which imports all of scikit-learn, scipy.stats and pandas and
    searches every loaded module for each ufunc (2–3 s and ~150 MB at start-up). thematiek
    never relies on those lists: it checks every type in the archive against its own
    :data:`TRUSTED_TYPES` and passes that list to ``skops.io.load``.
    """
    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    finder = _NoDefaultTrustLists()
    sys.meta_path.insert(0, finder)
    try:
        import skops.io
    finally:
        sys.meta_path.remove(finder)
        finder.restore()
    return skops.io


class _NoDefaultTrustLists(importlib.abc.MetaPathFinder):
    """While ``skops.io`` is imported: its default trust lists come out empty.

    ``skops.io._trusted_types`` builds them at import from ``sklearn.utils.all_estimators``
    (which imports all of scikit-learn) and ``skops.io._utils.get_public_type_names``
    (which searches every loaded module for each of ~800 ufuncs). Just before that module
    is imported (``skops.io._utils`` is loaded by then), both are swapped for functions that
    list nothing; :meth:`restore` puts them back. The finder finds nothing itself: the
    normal import machinery does the import.
    """

    def __init__(self) -> None:
        self._patched: list[tuple[Any, str, Any]] = []

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        utils = sys.modules.get("skops.io._utils")
        if fullname == "skops.io._trusted_types" and utils is not None and not self._patched:
            import sklearn.utils

            for module, name in (
                (sklearn.utils, "all_estimators"),
                (utils, "get_public_type_names"),
            ):
                self._patched.append((module, name, getattr(module, name)))
                setattr(module, name, lambda *args, **kwargs: [])
        return None

    def restore(self) -> None:
        for module, name, original in self._patched:
            setattr(module, name, original)
        self._patched.clear()


def _untrusted_problems(path: Path) -> list[str]:
    try:
        # Every type named anywhere in the archive, checked against thematiek's own list:
        # stricter than skops' check, which trusts every scikit-learn estimator.
        untrusted = _schema_types(path)
    except Exception as exc:  # zipfile and json raise many kinds on a damaged archive
        return [
            f"classifier.skops cannot be inspected ({type(exc).__name__}: {exc}); "
            "the file is damaged, rebuild the bundle"
        ]
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        return [
            f"classifier.skops contains types thematiek does not trust: "
            f"{', '.join(unexpected)}; it was not loaded (never load a model from "
            "an unknown source)"
        ]
    return []


def load_model(path: str | Path | None = None, taxonomy: Taxonomy | None = None) -> ModelBundle:
    """Verify and load a model bundle.

    Args:
        path: The bundle folder; ``None`` for the default model.
        taxonomy: The taxonomy the caller means to use; refused when the bundle was
            trained for another one.

    Returns:
        The loaded bundle.

    Raises:
        ModelError: When any check fails; the message says which and what to do.
    """
    skops_io = _skops_io()
    folder = Path(path) if path is not None else default_model_path()
    problems = verify_model(folder)
    if problems:
        detail = "; ".join(p.removeprefix(f"{folder}: ") for p in problems)
        raise ModelError(f"{folder}: model refused: {detail}")
    meta = read_meta(folder)
    bundle_taxonomy = parse_taxonomy(
        (folder / "taxonomy.toml").read_text("utf-8"), source=str(folder / "taxonomy.toml")
    )
    if taxonomy is not None and taxonomy.fingerprint() != bundle_taxonomy.fingerprint():
        raise ModelError(
            f"{folder}: model refused: it was trained for taxonomy "
            f"{bundle_taxonomy.name} {bundle_taxonomy.version}, not for {taxonomy.source}; "
            "retrain with `thematiek train CORPUS --taxonomy "
            f"{taxonomy.source} --out FOLDER` or leave out --taxonomy"
        )
    try:
        classifier = skops_io.load(folder / "classifier.skops", trusted=TRUSTED_TYPES)
    except Exception as exc:  # skops raises many kinds on a damaged archive
        raise ModelError(
            f"{folder}: model refused: classifier.skops cannot be loaded "
            f"({type(exc).__name__}: {exc}); rebuild the bundle"
        ) from None
    with gzip.open(folder / "background.json.gz", "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    background = Background(n_docs=int(data["n_docs"]), df=data["df"])
    name = str(meta.get("name") or folder.name)
    return ModelBundle(name, folder, classifier, bundle_taxonomy, background, meta)


def hash_corpus(items: Iterable[tuple[str, str, Sequence[str]]]) -> str:
    """A SHA-256 over (id, text, tags) of every training article, in order."""
    digest = hashlib.sha256()
    for article_id, text, tags in items:
        for part in (article_id, text, ",".join(tags)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
    return digest.hexdigest()
