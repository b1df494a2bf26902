"""`goodwill seed` and `goodwill demo` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from goodwill.bookings.models import BookingPassenger
from goodwill.cli import app
from goodwill.customers.models import Passenger
from goodwill.store.db import make_engine

runner = CliRunner()
FEBRUARY = ["--start", "2013-02-04", "--end", "2013-02-17"]


def _seed(db_url: str, *extra: str) -> dict[str, object]:
    result = runner.invoke(app, ["--database-url", db_url, "seed", "--json", "--passengers", "1000", *FEBRUARY, *extra])
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


class TestSeedCommand:
    def test_seed_json_reports_what_it_built(self, db_url: str) -> None:
        report = _seed(db_url)
        assert report["passengers"] == 1000
        assert isinstance(report["bookings"], int)
        assert report["bookings"] > 1000
        assert isinstance(report["top20_revenue_share"], float)
        assert 0.6 < report["top20_revenue_share"] < 0.95
        assert set(report["tiers"]) <= {"none", "silver", "gold", "platinum"}  # type: ignore[arg-type]
        assert report["window"] == {"start": "2013-02-04", "end": "2013-02-17"}

    def test_every_seeded_passenger_is_ranked_by_the_revenue_their_fares_brought(self, db_url: str) -> None:
        _seed(db_url)
        engine = make_engine(db_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    select(Passenger.lifetime_revenue_minor, Passenger.value_rank).order_by(Passenger.value_rank)
                ).all()
                fares = connection.scalar(select(func.sum(BookingPassenger.fare_minor)))
        finally:
            engine.dispose()
        assert [rank for _r, rank in rows] == list(range(1, 1001))
        revenues = [r for r, _rank in rows]
        assert revenues == sorted(revenues, reverse=True)
        assert sum(revenues) == fares

    def test_seeding_again_with_the_same_seed_changes_nothing(self, db_url: str) -> None:
        first = _seed(db_url)
        again = _seed(db_url)
        assert first["changed"]
        assert again["changed"] == 0

    def test_seed_prints_a_summary_for_people(self, db_url: str) -> None:
        result = runner.invoke(app, ["--database-url", db_url, "seed", "--passengers", "1000", *FEBRUARY])
        assert result.exit_code == 0, result.output
        assert "Top 20% bring" in result.stdout
        assert "Passengers" in result.stdout

    def test_fewer_than_1000_passengers_is_a_usage_error(self, db_url: str) -> None:
        result = runner.invoke(app, ["--database-url", db_url, "seed", "--passengers", "10"])
        assert result.exit_code == 2

    def test_an_unmigrated_database_is_refused_with_advice(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        result = runner.invoke(app, ["--database-url", url, "seed", "--passengers", "1000"])
        assert result.exit_code == 1
        assert "goodwill db upgrade" in result.stderr


class TestDemoCommand:
    def test_demo_without_serving_keeps_existing_bookings_and_prints_an_admin_key(self, db_url: str) -> None:
        _seed(db_url)
        result = runner.invoke(app, ["--database-url", db_url, "demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        assert "not seeding again" in result.stdout
        assert "gw_" in result.stdout
        assert "http://127.0.0.1:8000/" in result.stdout
        keys = runner.invoke(app, ["--database-url", db_url, "keys", "list", "--json"])
        assert [k["role"] for k in json.loads(keys.stdout)] == ["admin"]
