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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from goodwill.all_models import metadata
from goodwill.bench.imports import REFERENCE, WRITTEN, _import, fresh_database, write_files
from goodwill.bookings.models import BookingPassenger, Segment
from goodwill.demo import storm
from goodwill.flights.models import Cause, EventType, Flight
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
        rows = session.execute(
            select(
                Flight.carrier,
                Flight.number,
                Flight.operating_date,
                Flight.scheduled_departure,
                func.count(BookingPassenger.id),
            )
            .join(Segment, Segment.flight_id == Flight.id)
            .join(BookingPassenger, BookingPassenger.booking_id == Segment.booking_id)
            .group_by(Flight.id, Flight.carrier, Flight.number, Flight.operating_date, Flight.scheduled_departure)
            .order_by(Flight.operating_date, Flight.scheduled_departure, Flight.number)
        ).all()
    events: list[storm.StormEvent] = []
    affected = 0
    for carrier, number, day, departs, count in rows:
        if affected >= passengers:
            break
        notice = departs - timedelta(hours=2)
        events.append(
            storm.StormEvent(
                FlightKey(carrier, number, day),
                f"bench-storm:{carrier}{number}:{day.isoformat()}",
                EventType.CANCELLATION.value,
                Cause.CONTROLLABLE.value,
                notice,
                notice_given_at=notice,
                note="bench storm",
            )
        )
        affected += count
    return events, affected


def _copy_floor(source: Engine, target: Engine) -> float:
    """Write the rows the storm produced into `target` with plain executemany; the timed seconds.

    On SQLite the rows are copied in their stored form through the DBAPI cursor (no type conversion is
    counted); on PostgreSQL through SQLAlchemy Core's executemany.
    """
    sqlite = target.dialect.name == "sqlite"
    reference = (*REFERENCE, *WRITTEN)
    loaded: dict[str, tuple[list[str], list[Any]]] = {}
    with source.connect() as connection:
        for name in (*reference, *STORM_TABLES):
            table = metadata.tables[name]
            names = [c.name for c in table.columns]
            if sqlite:
                result = connection.exec_driver_sql(f"SELECT {', '.join(names)} FROM {name}")
                loaded[name] = (names, [tuple(r) for r in result])
            else:
                loaded[name] = (names, [dict(r._mapping) for r in connection.execute(select(table))])

    def write(connection: Any, name: str) -> None:
        names, rows = loaded[name]
        if not rows:
            return
        if sqlite:
            sql = f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            connection.connection.driver_connection.executemany(sql, rows)
        else:
            connection.execute(insert(metadata.tables[name]), rows)

    with target.begin() as connection:
        for name in reference:
            write(connection, name)
    started = time.perf_counter()
    with target.begin() as connection:
        for name in STORM_TABLES:
            write(connection, name)
    return time.perf_counter() - started


def run(passengers: int, *, database_url: str | None = None, workdir: Path | None = None) -> dict[str, Any]:
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
                    lambda: unit_of_work(factory), events, policies=policies, now=lambda: NOW, batch=BATCH
                )
                seconds = time.perf_counter() - started
                floor = _copy_floor(engine, floor_engine)
                with engine.connect() as connection:
                    written = {
                        name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                        for name in STORM_TABLES
                    }
            finally:
                engine.dispose()
                floor_engine.dispose()
    return {
        "benchmark": "storm",
        "passengers_affected": report.passengers,
        "journeys_on_cancelled_flights": affected,
        "flights_cancelled": report.events,
        "seconds": round(seconds, 3),
        "passengers_per_second": round(report.passengers / seconds) if seconds else None,
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": round(seconds / floor, 2) if floor else None,
        "rows_written": written,
        "moved": dict(sorted(report.moved.items())),
        "setup_seconds": round(setup, 1),
        "database": "sqlite" if database_url is None else normalise_url(database_url).split(":")[0],
        "python": platform.python_version(),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(terse=True)},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
