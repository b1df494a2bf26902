"""A tiny listening model trained on our own sentences, and the seed's blog comments, for the analysis tests."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from goodwill.listening import analysis, modelfiles
from goodwill.listening.analysis import Models

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

PEOPLE = ["the crew", "the agent at the gate", "the pilot", "your team", "the staff in Boston", "everyone on board"]
POSITIVE = ["{p} was wonderful, thank you", "loved the flight, {p} made my day", "great job by {p}, thanks so much"]
NEUTRAL = ["what time does boarding start for {p}", "is {p} on the morning flight to Denver"]
LATE = ["flight delayed again and {p} gave no update", "three hours late, {p} said nothing about the delay"]
BAGS = ["my bag is lost and {p} cannot find my luggage", "luggage missing for two days, {p} has no idea where"]


def training_rows() -> list[tuple[str, str, str | None]]:
    """(text, sentiment, topic) rows a model can learn apart."""
    rows: list[tuple[str, str, str | None]] = []
    for person in PEOPLE:
        rows += [(t.format(p=person), "positive", None) for t in POSITIVE]
        rows += [(t.format(p=person), "neutral", None) for t in NEUTRAL]
        rows += [(t.format(p=person), "negative", "late_flight") for t in LATE]
        rows += [(t.format(p=person), "negative", "lost_baggage") for t in BAGS]
    return rows


@cache
def tiny_models() -> Models:
    rows = training_rows()
    return analysis.train([r[0] for r in rows], [r[1] for r in rows], topics=[r[2] for r in rows])


def tiny_model_dir(directory: Path) -> Path:
    """The tiny model written as a model directory (for the commands' --model)."""
    modelfiles.save_model(directory, tiny_models(), {"name": "tiny", "trained_on": {"file": "tests"}})
    return directory


def seed_comments() -> list[tuple[str, str]]:
    """The comments under the letter in the seed's blog page, as (text, author); skips without ../shared."""
    found = sorted(SEEDS.glob("002_*.txt"))
    if not found:
        if os.environ.get("GOODWILL_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"GOODWILL_REQUIRE_SHARED_DATA=1 but no seed 002 in {SEEDS}")
        pytest.skip(f"seeds not found at {SEEDS}")
    lines = found[0].read_text(encoding="utf-8").splitlines()
    return [
        (lines[i - 1], re.sub(r"^Posted by:\s*|\s*\|.*$", "", line))
        for i, line in enumerate(lines)
        if line.startswith("Posted by:")
    ]
