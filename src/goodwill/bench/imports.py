"""The import benchmark: N booking rows through `goodwill import`, against a floor measured in the same run.

`write_files` builds, deterministically from a seed, a flights file and a bookings file of N rows shaped
like an airline's: a hub (JFK) and spokes, one to four passengers per PNR, one-way, round and connecting
trips (one to four segments), repeat travellers, loyalty numbers and emails, bags. `run` imports the
flights (untimed), then times the bookings import end to end (read, validate, resolve, write, commit)
into a fresh database; then it writes the very rows that import produced into a second fresh database of
the same schema with plain executemany, and times that: the floor no importer can beat. The ratio between
the two is the cost of everything an import does besides writing.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from goodwill.all_models import metadata
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind, columns
from goodwill.migrations import runner
from goodwill.store.db import make_engine, make_session_factory, normalise_url, unit_of_work

HUB = "JFK"
SPOKES = (
    "BOS", "FLL", "MCO", "TPA", "LAX", "SFO", "SEA", "LAS", "DEN", "AUS", "SJU", "BUF", "ROC", "SYR", "PIT",
    "RDU", "CLT", "IAD", "ORD", "MSY", "SAN", "PHX", "SLC", "PBI", "RSW", "BTV", "PWM", "SRQ", "JAX", "HOU",
)  # fmt: skip
FIRST_DAY = date(2013, 1, 1)
EASTERN = timezone(timedelta(hours=-5))
FLIGHTS_PER_DAY = 2 * len(SPOKES) * 3  # three waves a day to and from each spoke
ROWS_PER_FLIGHT = 110  # passengers per flight, roughly
# Tables an import of bookings writes, parents first.
WRITTEN = ("passengers", "passenger_identities", "bookings", "booking_passengers", "segments", "bags")
REFERENCE = ("airports", "carriers", "flights")


@dataclass(frozen=True)
class BenchFiles:
    flights: Path
    bookings: Path
    flight_count: int
    booking_count: int
    rows: int


def _flight(number: int) -> tuple[str, str, int]:
    """Route and departure hour of flight `number`: even numbers leave the hub, odd ones return to it."""
    wave, rest = divmod(number - 100, 2 * len(SPOKES))
    spoke = SPOKES[rest // 2]
    outbound = rest % 2 == 0
    hour = 7 + 5 * wave + (0 if outbound else 2)
    return (HUB, spoke, hour) if outbound else (spoke, HUB, hour)


def write_files(directory: Path, rows: int, *, seed: int = 2013) -> BenchFiles:
    """Write flights.csv and bookings.csv with `rows` booking rows (passenger × segment) into `directory`."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    days = max(2, rows // (FLIGHTS_PER_DAY * ROWS_PER_FLIGHT) + 2)
    flights_path = directory / "flights.csv"
    with flights_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["carrier", "number", "operating_date", "origin", "destination",
                         "scheduled_departure", "scheduled_arrival", "aircraft", "seats"])  # fmt: skip
        for day in range(days):
            when = FIRST_DAY + timedelta(days=day)
            for number in range(100, 100 + FLIGHTS_PER_DAY):
                origin, destination, hour = _flight(number)
                leaves = datetime(when.year, when.month, when.day, hour, 0, tzinfo=EASTERN)
                lands = leaves + timedelta(minutes=75 + 7 * (number % 23))
                writer.writerow(["B6", number, when.isoformat(), origin, destination,
                                 leaves.isoformat(), lands.isoformat(), "A320", 150])  # fmt: skip
    pool = max(10, rows // 3)
    names = [(f"Given{n % 997}", f"Family{n % 1009}") for n in range(pool)]
    bookings_path = directory / "bookings.csv"
    header = [name for name, _required, _d in columns(ImportKind.BOOKINGS)]
    written = pnrs = bag = 0
    with bookings_path.open("w", newline="", encoding="utf-8") as out:
        rows_out = csv.DictWriter(out, fieldnames=header)
        rows_out.writeheader()
        while written < rows:
            pnrs += 1
            party = rng.choices((1, 2, 3, 4), (55, 30, 10, 5))[0]
            people = rng.sample(range(pool), party)
            shape = rng.choices(("oneway", "round", "connect"), (20, 65, 15))[0]
            day = rng.randrange(days - 1)
            spoke, other = rng.sample(range(len(SPOKES)), 2)
            wave = rng.randrange(3) * 2 * len(SPOKES)
            if shape == "oneway":
                legs = [(1, day, 100 + wave + 2 * spoke)]
            elif shape == "round":
                back = min(days - 1, day + rng.randrange(1, 8))
                legs = [(1, day, 100 + wave + 2 * spoke), (2, back, 101 + wave + 2 * spoke)]
            else:
                back = min(days - 1, day + rng.randrange(1, 8))
                legs = [(1, day, 101 + 2 * spoke), (1, day, 100 + 4 * len(SPOKES) + 2 * other),
                        (2, back, 101 + 2 * other), (2, back, 100 + 4 * len(SPOKES) + 2 * spoke)]  # fmt: skip
            pnr = _pnr(pnrs)
            booked = datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time(), EASTERN)
            booked -= timedelta(days=rng.randrange(1, 90), minutes=rng.randrange(1440))
            fare = f"{rng.randrange(79, 900)}.{rng.randrange(100):02d}"
            agency = rng.random() < 0.25
            for person in people:
                member = person % 10 < 7
                bags: dict[int, list[str]] = {1: [], 2: []}
                for journey in (1, 2):
                    if rng.random() < 0.3:
                        bag += 1
                        bags[journey].append(f"B6{bag:08d}")
                first_of: set[int] = set()
                for sequence, (journey, on_day, number) in enumerate(legs, start=1):
                    origin, destination, _hour = _flight(number)
                    tags = bags[journey] if journey not in first_of else []
                    first_of.add(journey)
                    rows_out.writerow({
                        "pnr": pnr, "booking_channel": "agency" if agency else "direct",
                        "agency_code": "23456781" if agency else "", "booked_at": booked.isoformat(),
                        "currency": "USD", "fare_paid": fare,
                        "passenger_loyalty_number": f"{7_000_000_000 + person * 7919 % 1_000_000_007:010d}"
                        if member else "",
                        "passenger_email": f"traveller{person}@example.com" if person % 10 != 9 or not member else "",
                        "passenger_first_name": names[person][0], "passenger_last_name": names[person][1],
                        "passenger_language": "en", "passenger_type": "adult",
                        "ticket_number": f"279{pnrs * 4 + people.index(person):010d}", "segment": sequence,
                        "journey": journey, "carrier": "B6", "flight_number": number,
                        "flight_date": (FIRST_DAY + timedelta(days=on_day)).isoformat(), "origin": origin,
                        "destination": destination, "cabin": "economy", "fare_class": "Q",
                        "bag_tags": ";".join(tags),
                    })  # fmt: skip
                    written += 1
    return BenchFiles(flights_path, bookings_path, days * FLIGHTS_PER_DAY, pnrs, written)


def _pnr(n: int) -> str:
    """A six-character record locator, unique per n (a bijective scramble of the counter)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    value = (n * 387_420_489 + 12_345) % (32**6)
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in range(6))


@contextmanager
def fresh_database(base_url: str | None, directory: Path, name: str) -> Iterator[str]:
    """A new, migrated, empty database: a SQLite file in `directory`, or a new database on the server."""
    if base_url is None or base_url.startswith("sqlite"):
        url = f"sqlite:///{directory / (name + '.db')}"
        _migrate(url)
        yield url
        return
    admin = normalise_url(base_url)
    database = f"goodwill_bench_{name}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = make_url(admin).set(database=database).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        engine.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    runner.upgrade(engine)
    engine.dispose()


def _import(engine: Engine, kind: ImportKind, path: Path) -> tuple[float, imports.ImportReport]:
    started = time.perf_counter()
    with unit_of_work(make_session_factory(engine)) as session:
        report = imports.import_file(session, kind=kind, path=path, actor="bench")
    return time.perf_counter() - started, report


def copy_floor(
    source: Engine, target: Engine, *, reference: Sequence[str] = REFERENCE, timed: Sequence[str] = WRITTEN
) -> float:
    """Write the rows a run produced into `target` with plain executemany; returns the timed seconds.

    The `reference` tables (by default airports, carriers, flights) are copied first and not timed; then the
    `timed` ones, parents first. On SQLite the rows are copied in their stored form through the DBAPI cursor,
    so no type conversion is counted; on PostgreSQL through SQLAlchemy Core's executemany.
    """
    sqlite = target.dialect.name == "sqlite"
    tables = {name: metadata.tables[name] for name in (*reference, *timed)}
    loaded: dict[str, tuple[list[str], Any]] = {}
    with source.connect() as connection:
        for name, table in tables.items():
            names = [c.name for c in table.columns]
            if sqlite:
                loaded[name] = (names, connection.exec_driver_sql(f"SELECT {', '.join(names)} FROM {name}").fetchall())
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
            connection.execute(insert(tables[name]), rows)

    with target.begin() as connection:
        for name in reference:
            write(connection, name)
    started = time.perf_counter()
    with target.begin() as connection:
        for name in timed:
            write(connection, name)
    return time.perf_counter() - started


def run(rows: int, *, database_url: str | None = None, workdir: Path | None = None) -> dict[str, Any]:
    """Run the benchmark once and return its figures (what `goodwill bench import` prints)."""
    with tempfile.TemporaryDirectory(prefix="goodwill-bench-", dir=workdir) as tmp:
        directory = Path(tmp)
        files = write_files(directory, rows)
        size_mb = round(files.bookings.stat().st_size / 1e6, 1)
        with (
            fresh_database(database_url, directory, "import") as url,
            fresh_database(database_url, directory, "floor") as floor_url,
        ):
            engine, floor_engine = make_engine(url), make_engine(floor_url)
            try:
                flights_seconds, _flights = _import(engine, ImportKind.FLIGHTS, files.flights)
                seconds, report = _import(engine, ImportKind.BOOKINGS, files.bookings)
                floor = copy_floor(engine, floor_engine)
                with engine.connect() as connection:
                    written = {
                        name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in WRITTEN
                    }
            finally:
                engine.dispose()
                floor_engine.dispose()
    return {
        "benchmark": "import bookings",
        "rows": files.rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(files.rows / seconds),
        "floor_seconds": round(floor, 3),
        "ratio_to_floor": round(seconds / floor, 2) if floor else None,
        "database": make_url(normalise_url(database_url)).get_backend_name() if database_url else "sqlite",
        "python": platform.python_version(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "processor": platform.machine(),
        },
        "bookings_file_mb": size_mb,
        "bookings": report.created,
        "rows_written": written,
        "flights": files.flight_count,
        "flights_import_seconds": round(flights_seconds, 3),
        "rejected_rows": report.rejected_rows,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
