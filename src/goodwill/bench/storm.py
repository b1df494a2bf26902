"""The storm benchmark: cancel enough flights to strand N passengers, settle them all, against a floor.

Setup (not timed): a fresh database with flights and bookings from the import benchmark's generator
(`bench.imports.write_files`: a hub and spokes, one to four passengers per PNR, connections, returns),
imported with `goodwill import`. Then the storm: the earliest flights, day by day, are cancelled (a reason
within the airline's control, told 2 hours ahead) until at least N passenger journeys are affected.

Timed, end to end: the events recorded, then each settled in its own transaction (entitlements, ledger
entries and vouchers, one outbox message per passenger, recovery cases, audit), committed.
The floor: the very rows the storm wrote, copied into a second fresh database of the same schema with
plain executemany in one transaction (the least writing them can cost on this machine).
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from goodwill.all_models import metadata
from goodwill.bench.imports import REFERENCE, WRITTEN, _import, copy_floor, fresh_database, write_files
from goodwill.demo import storm
from goodwill.flights.service import FlightKey
from goodwill.imports.rows import ImportKind
from goodwill.recovery import catalogue
from goodwill.store.db import make_engine, make_session_factory, normalise_url, unit_of_work

# What the storm writes, parents first.
STORM_TABLES = (
    "flight_events",
    "entitlements",
    "vouchers",
    "ledger_entries",
    "cases",
    "case_events",
    "outbound_messages",
    "audit_entries",
    "case_counters",
)
NOW = datetime(2013, 3, 1, 12, 0, tzinfo=UTC)
BATCH = 50  # events per transaction, as `goodwill storm replay` does by default


def _storm_events(engine: Engine, passengers: int) -> tuple[list[storm.StormEvent], int]:
    """The earliest flights, in order, until at least `passengers` journeys are on them."""
    with unit_of_work(make_session_factory(engine)) as session:
        rows = storm.flights_by_passengers(session)
    events: list[storm.StormEvent] = []
    affected = 0
    for carrier, number, day, departs, count in rows:
        if affected >= passengers:
            break
        events.append(storm.controllable_cancellation(FlightKey(carrier, number, day), departs, source="bench-storm"))
        affected += count
    return events, affected


def _engine_floor(source_url: str, directory: Path) -> tuple[float, dict[str, int]]:
    """SQLite copying the storm's rows itself, from the storm's database attached (`INSERT … SELECT`), in one
    transaction: the same rows, indexes and checks with no program making them. No way of writing these rows
    here can take less; the seconds the storm could at best come down to with this schema (SQLite only).
    Returns the seconds and the rows each table then holds."""
    source = make_url(source_url).database
    with fresh_database(None, directory, "storm_engine_floor") as url:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                driver: Any = connection.connection.driver_connection
                driver.execute("ATTACH DATABASE ? AS storm", (source,))

                def copy(tables: tuple[str, ...]) -> float:
                    started = time.perf_counter()
                    driver.execute("BEGIN IMMEDIATE")
                    for name in tables:
                        columns = ", ".join(c.name for c in metadata.tables[name].columns)
                        driver.execute(f"INSERT INTO main.{name} ({columns}) SELECT {columns} FROM storm.{name}")
                    driver.execute("COMMIT")
                    return time.perf_counter() - started

                copy((*REFERENCE, *WRITTEN))
                seconds = copy(STORM_TABLES)
                driver.execute("DETACH DATABASE storm")
                copied = {name: driver.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in STORM_TABLES}
        finally:
            engine.dispose()
    return seconds, copied


def run(
    passengers: int, *, database_url: str | None = None, workdir: Path | None = None, worker: bool = False
) -> dict[str, Any]:
    """Run the storm benchmark once and return its figures (what `goodwill bench storm` prints)."""
    rows = max(200, int(passengers * 1.4))
    with tempfile.TemporaryDirectory(prefix="goodwill-bench-storm-", dir=workdir) as tmp:
        directory = Path(tmp)
        files = write_files(directory, rows)
        with (
            fresh_database(database_url, directory, "storm") as url,
            fresh_database(database_url, directory, "storm_floor") as floor_url,
        ):
            engine, floor_engine = make_engine(url), make_engine(floor_url)
            try:
                setup_started = time.perf_counter()
                _import(engine, ImportKind.FLIGHTS, files.flights)
                _import(engine, ImportKind.BOOKINGS, files.bookings)
                events, affected = _storm_events(engine, passengers)
                setup = time.perf_counter() - setup_started
                factory = make_session_factory(engine)
                policies = catalogue.builtin()
                started = time.perf_counter()
                report = storm.replay(
                    lambda: unit_of_work(factory),
                    events,
                    policies=policies,
                    now=lambda: NOW,
                    batch=BATCH,
                    database_url=url if worker else None,
                )
                seconds = time.perf_counter() - started
                floor = copy_floor(engine, floor_engine, reference=(*REFERENCE, *WRITTEN), timed=STORM_TABLES)
                engine_floor, copied = _engine_floor(url, directory) if url.startswith("sqlite") else (None, None)
                with engine.connect() as connection:
                    written = {
                        name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                        for name in STORM_TABLES
                    }
            finally:
                engine.dispose()
                floor_engine.dispose()
    if copied is not None and copied != written:
        raise RuntimeError(f"the engine floor copied {copied}, the storm wrote {written}")
    return {
        "benchmark": "storm",
        "passengers_affected": report.passengers,
        "journeys_on_cancelled_flights": affected,
        "flights_cancelled": report.events,
        "seconds": round(seconds, 3),
        "passengers_per_second": round(report.passengers / seconds) if seconds else None,
        "floor_seconds": round(floor, 3),
        "engine_floor_seconds": round(engine_floor, 3) if engine_floor is not None else None,
        "ratio_to_floor": round(seconds / floor, 2) if floor else None,
        "rows_written": written,
        "moved": dict(sorted(report.moved.items())),
        "batches_prepared_ahead": report.prepared_ahead,
        "setup_seconds": round(setup, 1),
        "database": "sqlite" if database_url is None else normalise_url(database_url).split(":")[0],
        "python": platform.python_version(),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(terse=True)},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
