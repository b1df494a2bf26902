"""Benchmark of `goodwill seed`: seed a fresh SQLite database, then measure a floor in the same run.

The floor writes the very same rows plainly into another fresh SQLite database: one table per kind, one
text column per field, the DBAPI cursor's `executemany` in batches, one transaction, no validation, no
lookups, no identities, no upserts.
It is what writing these rows costs at the least on this machine, so `write_vs_floor` says what the
importers' work (validation, identity resolution, normalisation, idempotent upserts) adds on top.
Generation is timed apart in both runs and left out of the write figures.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text

from goodwill.demo import service as demo_airline
from goodwill.demo.generator import FIRST_DAY, LAST_DAY, DemoAirline
from goodwill.demo.schedule import load_network
from goodwill.imports.rows import ROW_SCHEMAS, ImportKind
from goodwill.migrations import runner
from goodwill.store.db import make_engine, make_session_factory, unit_of_work

BATCH = 5_000
KINDS = (ImportKind.FLIGHTS, ImportKind.PASSENGERS, ImportKind.BOOKINGS)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def rows(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        iterator = iter(rows)
        while True:
            started = time.perf_counter()
            try:
                row = next(iterator)
            except StopIteration:
                self.seconds += time.perf_counter() - started
                return
            self.seconds += time.perf_counter() - started
            yield row


def plain_floor(engine: Engine, airline: DemoAirline) -> dict[str, Any]:
    """Insert the airline's rows plainly; returns seconds spent writing (generation excluded) and row counts."""
    metadata = MetaData()
    fields = {kind: list(ROW_SCHEMAS[kind].model_fields) for kind in KINDS}
    tables = {
        kind: Table(
            f"plain_{kind.value}",
            metadata,
            Column("line", Integer, primary_key=True),
            *(Column(name, Text) for name in fields[kind]),
        )
        for kind in KINDS
    }
    metadata.create_all(engine)  # a scratch database for the floor, not the application schema
    streams = {
        ImportKind.FLIGHTS: airline.flight_rows,
        ImportKind.PASSENGERS: airline.passenger_rows,
        ImportKind.BOOKINGS: airline.booking_rows,
    }
    timer = _Timer()
    counts: dict[str, int] = {}
    started = time.perf_counter()
    with engine.begin() as connection:
        cursor = connection.connection.cursor()  # the DBAPI itself: no per-row work but the values
        for kind in KINDS:
            names = fields[kind]
            marks = ", ".join("?" * (len(names) + 1))
            sql = f"INSERT INTO {tables[kind].name} (line, {', '.join(names)}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            line = 0
            for row in timer.rows(streams[kind]()):
                line += 1
                batch.append((line, *(_text(row.get(name)) for name in names)))
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
            counts[kind.value] = line
        cursor.close()
    total = time.perf_counter() - started
    return {"write_seconds": round(total - timer.seconds, 3), "generation_seconds": round(timer.seconds, 3), **counts}


def run(*, passengers: int, seed: int, workdir: Path, start: date = FIRST_DAY, end: date = LAST_DAY) -> dict[str, Any]:
    """Seed a fresh migrated SQLite database in `workdir`, then measure the floor; return the figures."""
    seeded_url = f"sqlite:///{workdir / 'seed.db'}"
    engine = make_engine(seeded_url)
    try:
        runner.upgrade(engine)
        started = time.perf_counter()
        with unit_of_work(make_session_factory(engine)) as session:
            report = demo_airline.seed_demo_airline(
                session, seed=seed, passengers=passengers, start=start, end=end, actor="bench"
            )
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    floor_engine = make_engine(f"sqlite:///{workdir / 'floor.db'}")
    try:
        airline = DemoAirline(load_network(), seed=seed, passengers=passengers, start=start, end=end)
        floor = plain_floor(floor_engine, airline)
    finally:
        floor_engine.dispose()
    rows = report.rows
    write = report.write_seconds
    floor_seconds = floor["write_seconds"]
    return {
        "benchmark": "seed",
        "database": "sqlite",
        "seed": seed,
        "passengers": report.passengers,
        "households": report.households,
        "bookings": report.bookings,
        "booking_rows": report.booking_rows,
        "flights": report.flights,
        "rows": rows,
        "seconds": round(seconds, 3),
        "generation_seconds": report.generation_seconds,
        "write_seconds": write,
        "rows_per_second": round(rows / seconds),
        "write_rows_per_second": round(rows / write) if write else None,
        "floor_seconds": floor_seconds,
        "floor_rows_per_second": round(rows / floor_seconds) if floor_seconds else None,
        "ratio_to_floor": round(write / floor_seconds, 2) if floor_seconds else None,
        "floor": "the same rows written with sqlite3 executemany into one text table per kind, in a fresh database; "
        "generation is timed apart in both runs and left out of write_seconds, floor_seconds and ratio_to_floor",
        "top20_revenue_share": report.top20_share,
        "unplaced_trips": report.unplaced_trips,
        "database_mb": round(os.path.getsize(workdir / "seed.db") / 1e6, 1),
        "python": platform.python_version(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "processor": platform.machine(),
        },
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
