"""The customer 360 benchmark at a small size: every figure is reported, a kept build is measured again without
being rebuilt and reads back through the app's own 360 and search, and a file it did not build is never replaced."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

from typer.testing import CliRunner

from goodwill.bench import airline_at_scale as airline
from goodwill.cli import app
from goodwill.customers.view import customer_360, search_passengers
from goodwill.store.db import make_engine, make_session_factory


def _bench(database: Path, *extra: str) -> dict[str, object]:
    sizes = ["--passengers", "1000", "--interactions", "5000", "--samples", "20"]
    result = CliRunner().invoke(app, ["bench", "customer360", *sizes, "--database", str(database), "--json", *extra])
    assert result.exit_code == 0, result.output
    figures: dict[str, object] = json.loads(result.output)
    return figures


def test_the_benchmark_builds_measures_and_reuses_its_database(tmp_path: Path) -> None:
    database = tmp_path / "c360.db"
    first = _bench(database)
    assert first["reused"] is False
    rows = first["rows"]
    assert isinstance(rows, dict)
    assert rows["passengers"] == 1000
    assert rows["interactions"] == 5000
    assert rows["bookings"] > 1000  # a long tail: some passengers book many times
    assert first["list_pages_not_through_an_index"] == {}
    medians = first["median_of_runs"]
    assert isinstance(medians, dict)
    for name in ("customer_360", "floor_primary_key_read", *(f"search_{k}" for k in ("name", "email", "phone"))):
        assert medians[name]["p95_ms"] > 0, name
    for kind in ("loyalty", "handle", "pnr"):
        assert medians[f"search_{kind}"]["p50_ms"] > 0, kind
    assert medians["lists_first_page"]["interactions_of_passenger"]["p95_ms"] > 0
    assert "flights" in medians["lists_deep_page"]
    again = _bench(database)
    assert again["reused"] is True
    assert airline.is_built(database, passengers=1000, interactions=5000)
    assert not airline.is_built(database, passengers=2000, interactions=5000)
    engine = make_engine(f"sqlite:///{database}")
    try:  # the generated rows read back through the app's own 360 and search
        with make_session_factory(engine)() as session:
            view = customer_360(session, passenger_id=uuid.UUID(airline._passenger(0)), now=airline.NOW)
            email = next(i.value for i in view.identities if i.kind == "email")
            assert [m.id for m in search_passengers(session, query=email)] == [view.profile.id]
            assert view.value.ranked_passengers == 1000
            assert view.upcoming_trips or view.past_trips
    finally:
        engine.dispose()


def test_a_file_it_did_not_build_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "mine.db"
    sqlite3.connect(other).execute("CREATE TABLE precious (x)").connection.close()
    result = CliRunner().invoke(
        app, ["bench", "customer360", "--passengers", "1000", "--interactions", "10", "--database", str(other)]
    )
    assert result.exit_code != 0
    assert "not a database this benchmark built" in result.output
    assert sqlite3.connect(other).execute("SELECT name FROM sqlite_master").fetchall() == [("precious",)]
