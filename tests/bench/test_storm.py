"""The storm benchmark at a small size: JSON with the floor, every affected passenger settled once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from goodwill.bench import storm
from goodwill.bench.imports import _import, _migrate, write_files
from goodwill.demo import storm as demo_storm
from goodwill.imports.rows import ImportKind
from goodwill.recovery import catalogue
from goodwill.store.db import make_engine, make_session_factory, unit_of_work


def test_a_small_storm_reports_its_figures_and_floor() -> None:
    result = storm.run(150)
    assert result["journeys_on_cancelled_flights"] >= 150
    assert result["passengers_affected"] > 0
    assert result["rows_written"]["outbound_messages"] == result["passengers_affected"]
    assert result["rows_written"]["flight_events"] == result["flights_cancelled"]
    assert result["floor_seconds"] > 0
    assert result["engine_floor_seconds"] > 0  # SQLite copying the very rows (counts checked in the run)
    # The ratio is computed from unrounded times; the printed ones are rounded to milliseconds.
    assert abs(result["ratio_to_floor"] - result["seconds"] / result["floor_seconds"]) < 0.05 * result["ratio_to_floor"]


def test_the_engine_floor_copies_every_row_the_storm_wrote(tmp_path: Path) -> None:
    """The lower bound is honest only if it writes the same rows: a table left out would make it cheaper."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    _migrate(url)
    engine = make_engine(url)
    files = write_files(tmp_path, 300)
    _import(engine, ImportKind.FLIGHTS, files.flights)
    _import(engine, ImportKind.BOOKINGS, files.bookings)
    events, _affected = storm._storm_events(engine, 100)
    factory = make_session_factory(engine)
    demo_storm.replay(
        lambda: unit_of_work(factory), events, policies=catalogue.builtin(), now=lambda: storm.NOW, batch=10
    )
    with engine.connect() as connection:
        written = {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in storm.STORM_TABLES
        }
    engine.dispose()
    seconds, copied = storm._engine_floor(url, tmp_path)
    assert seconds > 0
    assert copied == written
    assert written["entitlements"] > 0
