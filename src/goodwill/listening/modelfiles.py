"""A trained model on disk: a directory with the fitted scikit-learn objects (skops format) and a JSON manifest.

skops (`skops.io`) is scikit-learn's recommended format for models that are shared: loading it runs no code from
the file, and every type it would build must be on a list we trust (ADR 0012). A model directory:

    manifest.json   format version, normalisation version, labels, topics, training rows, CV figures, versions
    models.skops    {"features": Pipeline, "sentiment": classifier, "topic": classifier or None}
"""

from __future__ import annotations

import json
import platform
import zipfile
from pathlib import Path
from typing import Any

import numpy
import scipy
import sklearn
import skops
import skops.io

from goodwill import __version__
from goodwill.errors import InvalidInput
from goodwill.listening.analysis import Models
from goodwill.listening.text import NORMALISATION_VERSION

FORMAT = "goodwill-listening-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MODELS = "models.skops"

# Types a model file may hold beyond what skops trusts by default (numpy and scipy arrays, plain containers): our
# own two functions, one transformer and one classifier, and scikit-learn's estimators. Anything else (a builtin,
# another module's function) is refused, so a model file from elsewhere can never make `transform` call it.
_TRUSTED = frozenset(
    {
        "goodwill.listening.analysis.lexicon_matrix",
        "goodwill.listening.analysis.normalise_all",
        "goodwill.listening.analysis.TopicClassifier",
        "goodwill.listening.features.CharNgramTfidf",
    }
)
_TRUSTED_PREFIX = "sklearn."


def library_versions() -> dict[str, str]:
    return {
        "goodwill": __version__,
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
    }


def save_model(directory: Path, models: Models, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write the models and their manifest into `directory` (created if needed; files there are replaced)."""
    if directory.exists() and not directory.is_dir():
        raise InvalidInput(f"{directory}: exists and is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    full = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "normalisation_version": NORMALISATION_VERSION,
        "sentiments": models.sentiments,
        "topics": models.topics,
        **manifest,
        "versions": library_versions(),
        "files": {"models": MODELS},
    }
    payload = {"features": models.features, "sentiment": models.sentiment, "topic": models.topic}
    # Compressed: the vocabularies are most of the file and shrink about tenfold (the shipped model is 2-3 MB).
    skops.io.dump(payload, directory / MODELS, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    (directory / MANIFEST).write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return full


def load_model(directory: Path) -> tuple[Models, dict[str, Any]]:
    """Read a model directory written by `save_model`; refuse one of another format or with untrusted types."""
    manifest_path = directory / MANIFEST
    if not directory.is_dir():
        raise InvalidInput(f"{directory}: no such model directory")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{manifest_path}: missing: {directory} is not a model directory") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{manifest_path}: not a JSON manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput(f"{manifest_path}: not a Goodwill listening model manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            f"{manifest_path}: model format version {manifest.get('format_version')}; "
            f"this Goodwill reads version {FORMAT_VERSION}: train the model again"
        )
    if manifest.get("normalisation_version") != NORMALISATION_VERSION:
        raise InvalidInput(
            f"{manifest_path}: made with text normalisation version {manifest.get('normalisation_version')}; "
            f"this Goodwill normalises with version {NORMALISATION_VERSION}: train the model again"
        )
    models_path = directory / str(manifest.get("files", {}).get("models", MODELS))
    try:
        untrusted = skops.io.get_untrusted_types(file=models_path)
    except FileNotFoundError:
        raise InvalidInput(f"{models_path}: missing") from None
    except Exception as exc:  # skops raises several kinds for a damaged file
        raise InvalidInput(f"{models_path}: not a readable model file: {exc}") from None
    refused = [t for t in untrusted if t not in _TRUSTED and not t.startswith(_TRUSTED_PREFIX)]
    if refused:
        raise InvalidInput(f"{models_path}: holds types Goodwill does not load: {', '.join(sorted(refused))}")
    payload = skops.io.load(models_path, trusted=untrusted)
    if not isinstance(payload, dict) or "features" not in payload or "sentiment" not in payload:
        raise InvalidInput(f"{models_path}: not a Goodwill listening model")
    models = Models(features=payload["features"], sentiment=payload["sentiment"], topic=payload.get("topic"))
    return models, manifest
