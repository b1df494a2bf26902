"""The listening benchmark at a small size: each mode and step timed, against the floor, from the shipped corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.bench import listening
from tests.listening.analysis_helpers import tiny_model_dir


@pytest.mark.slow
def test_a_small_run_reports_each_mode_each_step_and_the_floor(tmp_path: Path) -> None:
    result = listening.run(
        messages=120, model=tiny_model_dir(tmp_path / "tiny"), shared_data=tmp_path / "no-data", repeats=1
    )
    assert result["messages"] == 120
    assert "shipped model's corpus" in result["source"]  # no shared data: the corpus the default model learnt
    assert result["model"].startswith("tiny:")
    assert set(result["whole_analysis"]) == {"fast", "accurate"}
    floor = result["floor"]["seconds_median"]
    for figures in result["whole_analysis"].values():
        assert figures["messages_per_second"] > 0
        assert abs(figures["ratio_to_floor"] - figures["seconds_median"] / floor) < 0.1 * figures["ratio_to_floor"]
    assert set(result["steps"]) == {
        "language_fast", "language_accurate", "spam", "sentiment_and_topics", "urgency", "entities",
    }  # fmt: skip


def test_messages_repeat_to_the_count_asked(tmp_path: Path) -> None:
    messages, _source = listening.read_messages(tmp_path, 7)
    assert len(messages) == 7
    assert all(m.text for m in messages)
