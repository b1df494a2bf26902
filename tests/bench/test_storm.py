"""The storm benchmark at a small size: JSON with the floor, every affected passenger settled once."""

from __future__ import annotations

from goodwill.bench import storm


def test_a_small_storm_reports_its_figures_and_floor() -> None:
    result = storm.run(150)
    assert result["journeys_on_cancelled_flights"] >= 150
    assert result["passengers_affected"] > 0
    assert result["rows_written"]["outbound_messages"] == result["passengers_affected"]
    assert result["rows_written"]["flight_events"] == result["flights_cancelled"]
    assert result["floor_seconds"] > 0
    # The ratio is computed from unrounded times; the printed ones are rounded to milliseconds.
    assert abs(result["ratio_to_floor"] - result["seconds"] / result["floor_seconds"]) < 0.05 * result["ratio_to_floor"]
