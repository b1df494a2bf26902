"""The seed benchmark: it seeds, measures a floor on the same rows, and reports both."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from goodwill.bench import seed as bench
from goodwill.demo.generator import DemoAirline
from goodwill.demo.schedule import load_network
from goodwill.store.db import make_engine

WINDOW = {"start": date(2013, 2, 4), "end": date(2013, 2, 10)}


def test_the_floor_writes_every_row_of_every_kind(tmp_path: Path) -> None:
    airline = DemoAirline(load_network(), seed=5, passengers=1000, **WINDOW)
    engine = make_engine(f"sqlite:///{tmp_path / 'floor.db'}")
    try:
        floor = bench.plain_floor(engine, airline)
        with engine.connect() as connection:
            stored = {
                kind: connection.execute(text(f"SELECT count(*) FROM plain_{kind}")).scalar_one()
                for kind in ("flights", "passengers", "bookings")
            }
    finally:
        engine.dispose()
    assert stored == {"flights": floor["flights"], "passengers": 1000, "bookings": floor["bookings"]}
    assert floor["bookings"] == sum(1 for _ in airline.booking_rows())
    assert floor["write_seconds"] > 0


def test_the_benchmark_reports_seed_and_floor_figures(tmp_path: Path) -> None:
    figures = bench.run(passengers=1000, seed=5, workdir=tmp_path, **WINDOW)
    assert figures["passengers"] == 1000
    assert figures["rows"] == figures["flights"] + figures["passengers"] + figures["booking_rows"]
    assert figures["write_seconds"] > 0
    assert figures["generation_seconds"] > 0
    assert figures["floor_seconds"] > 0
    assert figures["ratio_to_floor"] == round(figures["write_seconds"] / figures["floor_seconds"], 2)
    assert (tmp_path / "seed.db").exists()
