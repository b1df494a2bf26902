"""The listening model Goodwill ships: trained only on the team's own corpus, loaded offline out of the box.

`default_models()` reads the model directory inside the package once per process (ADR 0016). The corpus it was
trained on is `corpus_data/corpus.csv`, made by `scripts/build_listening_corpus.py` from fragments the Goodwill
developers wrote; that script also trains this model again (`--train`), so both are reproducible.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from goodwill.listening.analysis import Models
from goodwill.listening.modelfiles import load_model

PACKAGE = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE / "default_model"
DEFAULT_CORPUS = PACKAGE / "corpus_data" / "corpus.csv"
# What `goodwill listening evaluate` reports as the model when none is given.
DEFAULT_MODEL_NAME = "default (shipped with Goodwill)"


@cache
def default_models() -> tuple[Models, dict[str, Any]]:
    """The shipped sentiment and complaint-topic models with their manifest (read once per process; a damaged or
    missing model directory raises InvalidInput naming the file)."""
    return load_model(DEFAULT_MODEL_DIR)
