"""An airline's worth of passengers and their history, written straight into SQLite for the customer 360 benchmark.

The demo seed makes a rich, realistic airline, but through the import (validation, a plan, the domain
services): at a million passengers it did not finish in 21 CPU-minutes on the shared two-core machine. The
benchmark only needs the shape of a large airline, in the real schema, so the app's own 360 and search read it:

- 1,000,000 passengers with identities (every one an email, most a phone, many a loyalty number, some a
  social handle), consents and a few wishes; lifetime revenue, rank and tier from their bookings;
- bookings (record locators) of one or two passengers, one-way or return, some through the hub, on a
  generated schedule of the demo network's routes two years back and two months ahead, with delays and
  cancellations, the entitlements, vouchers and ledger entries, notices, feedback and cases that follow;
- `interactions` timeline rows spread over the passengers with a long tail (a few with thousands, most with a
  handful), some of them on the cases.

Rows are made as tuples of stored values (UUID hex, naive-UTC text, ISO dates, JSON text: what SQLAlchemy
stores) and written with executemany on the engine's own sqlite3 connection, a table at a time in large
transactions, as the import does (ADR 0007): the plain indexes are dropped first and built once at the end,
foreign keys are off during the load and checked once after it. The file is a benchmark's scratch database,
so the load also skips the rollback journal (`journal_mode=OFF`); a build that did not finish is recognised
by its marker row (`bench_build`, written last) and built again.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

from rich.progress import Progress, TaskID

from goodwill.demo import people
from goodwill.demo.schedule import load_network
from goodwill.kit.text import fold
from goodwill.migrations import runner
from goodwill.store.db import make_engine

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FIRST_FLIGHT_DAY = date(2024, 6, 1)  # two years of flown trips...
LAST_FLIGHT_DAY = date(2026, 7, 31)  # ...and two months of upcoming ones
TIMELINE_YEARS = 3
MARKER = "bench_build"
BATCH = 50_000

_PNR_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_PNR_SPACE = 32**6
_CHANNELS = ("email", "phone", "chat", "social", "sms", "airport", "web")
_BODIES = (
    "Asked about the baggage allowance for the return flight.",
    "Called to change the seat to an aisle.",
    "Thanked the crew for the care on the delayed flight.",
    "Wanted to know where the voucher can be used.",
    "Reported a broken handle on the checked bag.",
    "Asked whether the connection in New York is protected.",
    "Requested a wheelchair at the gate.",
    "Complained that the refund has not arrived yet.",
)
_FEEDBACK = (
    ("The crew was lovely and the flight left on time.", "positive", 0.8, 9),
    ("Three hours on the tarmac and nobody told us anything.", "negative", -0.8, 2),
    ("Seat was fine, snacks were fine.", "neutral", 0.0, 7),
    ("My bag arrived a day late and the desk was rude.", "negative", -0.6, 3),
    ("Great legroom, will fly again.", "positive", 0.7, 10),
)
_CASES = (
    ("complaint", "Delay without information"),
    ("disruption_recovery", "Rebooking after cancellation"),
    ("baggage", "Delayed bag"),
    ("compensation_claim", "Claim for the cancelled flight"),
    ("compliment", "Thanks to the crew"),
)
_CLOSED = ("resolved", "closed")
_OPEN = ("new", "open", "waiting_on_passenger")


def _stamp(moment: datetime) -> str:
    """An aware instant as SQLAlchemy stores it on SQLite: naive UTC text with microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_CREATED = _stamp(NOW)


def _ids(table: int) -> Callable[[int], str]:
    """Time-ordered UUID hex for row `n` of a table (version 7 layout; rows of one table ascend)."""
    head = f"{(int(NOW.timestamp() * 1000) + table):012x}7000"

    def make(n: int) -> str:
        return f"{head}{(8 << 60) | n:016x}"

    return make


_passenger, _identity, _consent, _wish = _ids(1), _ids(2), _ids(3), _ids(4)
_flight, _event, _booking, _booking_passenger, _segment = _ids(5), _ids(6), _ids(7), _ids(8), _ids(9)
_entitlement, _voucher, _entry, _feedback, _case, _message, _interaction = (
    _ids(10),
    _ids(11),
    _ids(12),
    _ids(13),
    _ids(14),
    _ids(15),
    _ids(16),
)


def _pnr(n: int) -> str:
    """A record locator for booking `n`: a bijective scramble of n, six letters of a readable alphabet."""
    number = (n * 747_796_405 + 2_891_336_453) % _PNR_SPACE
    letters = []
    for _ in range(6):
        number, digit = divmod(number, 32)
        letters.append(_PNR_ALPHABET[digit])
    return "".join(letters)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and c.isascii()).lower()


@dataclass(frozen=True, slots=True)
class Route:
    origin: str
    destination: str
    minutes: int


@dataclass
class Built:
    """How many rows of each kind were written, and how long the build took."""

    rows: dict[str, int]
    seconds: float


class Steps:
    """One progress bar per step of the build (nothing shown without a Progress)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, what: str, total: int | None) -> None:
        if self.progress is not None:
            self.task = self.progress.add_task(what, total=total)

    def advance(self, n: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, n)

    def done(self) -> None:
        if self.progress is not None and self.task is not None:
            task = self.progress.tasks[self.task]
            self.progress.update(self.task, total=task.completed)


class _Writer:
    """executemany into one table per call, in batches, counting and showing the rows."""

    def __init__(self, connection: sqlite3.Connection, steps: Steps) -> None:
        self.connection = connection
        self.steps = steps
        self.rows: dict[str, int] = {}

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            self.connection.executemany(sql, batch)
            self.rows[table] = self.rows.get(table, 0) + len(batch)


def _plain_indexes(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every index made by CREATE INDEX (not a primary key or UNIQUE constraint): name and SQL."""
    return [
        (name, sql)
        for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        )
        if not sql.upper().startswith("CREATE UNIQUE")
    ]


def is_built(path: Path, *, passengers: int, interactions: int) -> bool:
    """Whether `path` holds a finished build of these sizes (its marker row is written last)."""
    if not path.exists():
        return False
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(f"SELECT passengers, interactions, finished_at FROM {MARKER}").fetchone()
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
    return row is not None and row[0] == passengers and row[1] == interactions and row[2] is not None


def is_bench_database(path: Path) -> bool:
    """Whether `path` was made by this build (finished or not): only such a file is ever replaced."""
    connection = sqlite3.connect(path)
    try:
        found = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MARKER,))
        return found.fetchone() is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def build(path: Path, *, passengers: int, interactions: int, seed: int, progress: Progress | None = None) -> Built:
    """Create `path` afresh (migrations, then the rows) with `passengers` passengers and `interactions`
    timeline rows. Deterministic for a seed, apart from nothing: ids come from row numbers, not the clock."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    try:
        runner.upgrade(engine)
    finally:
        engine.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(
            f"CREATE TABLE {MARKER} (passengers INTEGER NOT NULL, interactions INTEGER NOT NULL, seed INTEGER NOT "
            "NULL, rows TEXT, build_seconds FLOAT, finished_at TEXT)"
        )
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA cache_size=-1048576")  # 1 GiB, used only as pages are
        connection.execute("PRAGMA temp_store=MEMORY")
        indexes = _plain_indexes(connection)
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        steps = Steps(progress)
        writer = _Writer(connection, steps)
        _Airline(writer, steps, passengers=passengers, interactions=interactions, seed=seed).write()
        steps.start("indexes", len(indexes))
        connection.execute("BEGIN")
        for _name, sql in indexes:
            connection.execute(sql)
            steps.advance(1)
        connection.execute("COMMIT")
        steps.start("foreign key check", None)
        broken = connection.execute("PRAGMA foreign_key_check").fetchmany(5)
        steps.done()
        if broken:
            raise RuntimeError(f"the generated rows break foreign keys: {broken}")
        seconds = round(time.perf_counter() - started, 1)
        connection.execute(
            f"INSERT INTO {MARKER} VALUES (?, ?, ?, ?, ?, ?)",
            (passengers, interactions, seed, json.dumps(writer.rows), seconds, _stamp(datetime.now(UTC))),
        )
        connection.execute("PRAGMA journal_mode=WAL")  # as the app opens it
        return Built(rows=dict(writer.rows), seconds=seconds)
    finally:
        connection.close()


class _Airline:
    """The rows, made table by table; the order of the rng's draws makes a seed give the same airline."""

    def __init__(self, writer: _Writer, steps: Steps, *, passengers: int, interactions: int, seed: int) -> None:
        self.writer = writer
        self.steps = steps
        self.n = passengers
        self.interactions = interactions
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        network = load_network()
        self.airports = network.airports
        distances = {(f.origin, f.destination): f.distance for f in network.flights}
        routes = []
        for (origin, destination), miles in sorted(distances.items()):
            minutes = 45 + miles * 60 // 480
            routes += [Route(origin, destination, minutes), Route(destination, origin, minutes)]
        self.routes = routes
        self.route_index = {(r.origin, r.destination): i for i, r in enumerate(routes)}
        self.days = (LAST_FLIGHT_DAY - FIRST_FLIGHT_DAY).days + 1
        self.flights_per_day = 2 if passengers >= 100_000 else 1  # a small airline: a smaller schedule
        self.revenue = [0] * passengers
        # flight number -> status, delay minutes, the event's number (flights with an event only)
        self.disrupted: dict[int, tuple[str, int, int]] = {}
        # (passenger, flight, booking) legs on a disrupted flight: what entitlements and notices follow from
        self.hit: list[tuple[int, int, int]] = []
        self.case_passengers: list[int] = []  # the passenger of each case

    # ---- helpers ----------------------------------------------------------------------------------------

    def _transaction(self, what: str, total: int | None) -> AbstractContextManager[None]:
        self.steps.start(what, total)
        return _Transaction(self.writer.connection, self.steps)

    def _flight_number(self, route: int, day: int, slot: int) -> int:
        return (route * self.days + day) * self.flights_per_day + slot

    def _departure(self, route: int, day: int, slot: int) -> datetime:
        midnight = datetime.combine(FIRST_FLIGHT_DAY + timedelta(days=day), datetime.min.time(), tzinfo=UTC)
        return midnight + timedelta(hours=11 + 7 * slot, minutes=5 * (route % 12))

    def write(self) -> None:
        self._reference()
        self._flights()
        self._bookings()
        self._passengers()
        self._recovery()
        self._feedback_and_cases()
        self._interactions()

    # ---- reference data and the schedule ----------------------------------------------------------------

    def _reference(self) -> None:
        with self._transaction("airports and carrier", len(self.airports) + 1):
            self.writer.write(
                "airports",
                ("iata", "icao", "name", "city", "country", "latitude", "longitude", "tz"),
                (
                    (a.iata, None, a.name, a.city, a.country, a.latitude, a.longitude, a.tz)
                    for a in self.airports.values()
                ),
            )
            self.writer.write("carriers", ("iata", "name", "country", "size"), [("B6", "JetBlue", "US", "large")])
            self.steps.advance(len(self.airports) + 1)

    def _flights(self) -> None:
        rng = self.rng
        total = len(self.routes) * self.days * self.flights_per_day
        now_day = (NOW.date() - FIRST_FLIGHT_DAY).days
        events: list[tuple[Any, ...]] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            for route_number, route in enumerate(self.routes):
                for day in range(self.days):
                    for slot in range(self.flights_per_day):
                        n = self._flight_number(route_number, day, slot)
                        departs = self._departure(route_number, day, slot)
                        arrives = departs + timedelta(minutes=route.minutes)
                        past = day < now_day
                        status = "arrived" if past else "scheduled"
                        actual_departure = actual_arrival = None
                        luck = rng.random()
                        if luck < 0.012:
                            status = "cancelled"
                            self._event(events, n, "cancellation", departs, 0)
                        elif luck < 0.06:
                            delay = rng.choice((35, 60, 95, 150, 200, 260, 330))
                            self._event(events, n, "delay", departs, delay)
                            if not past:
                                status = "delayed"
                        if past and status != "cancelled":
                            late = self.disrupted.get(n, ("", 0, 0))[1]
                            actual_departure = _stamp(departs + timedelta(minutes=late))
                            actual_arrival = _stamp(arrives + timedelta(minutes=late))
                        yield (
                            _flight(n),
                            _CREATED,
                            _CREATED,
                            "B6",
                            str(100 + route_number * self.flights_per_day + slot),
                            (FIRST_FLIGHT_DAY + timedelta(days=day)).isoformat(),
                            route.origin,
                            route.destination,
                            _stamp(departs),
                            _stamp(arrives),
                            actual_departure,
                            actual_arrival,
                            "A320",
                            150,
                            status,
                        )
                    self.steps.advance(self.flights_per_day)

        with self._transaction("flights", total):
            self.writer.write(
                "flights",
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "carrier",
                    "number",
                    "operating_date",
                    "origin",
                    "destination",
                    "scheduled_departure",
                    "scheduled_arrival",
                    "actual_departure",
                    "actual_arrival",
                    "aircraft",
                    "seats",
                    "status",
                ),
                rows(),
            )
            self.writer.write(
                "flight_events",
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "flight_id",
                    "type",
                    "cause",
                    "external_id",
                    "revision",
                    "occurred_at",
                    "reported_at",
                    "departure_delay_minutes",
                    "arrival_delay_minutes",
                    "notice_given_at",
                    "details",
                ),
                events,
            )

    def _event(self, events: list[tuple[Any, ...]], flight: int, kind: str, departs: datetime, delay: int) -> None:
        n = len(events)
        at = departs - timedelta(hours=3)
        self.disrupted[flight] = ("cancelled" if kind == "cancellation" else "delayed", delay, n)
        events.append(
            (
                _event(n),
                _CREATED,
                _CREATED,
                _flight(flight),
                kind,
                self.rng.choice(("weather", "controllable", "air_traffic_control", "safety")),
                f"bench-{n}",
                1,
                _stamp(at),
                _stamp(at),
                delay or None,
                delay or None,
                _stamp(at),
                "{}",
            )
        )

    # ---- bookings ---------------------------------------------------------------------------------------

    def _trips_of(self) -> int:
        """Bookings of a passenger: most one or two, frequent flyers dozens (a Pareto tail, capped)."""
        return min(int(self.rng.paretovariate(2.0)), 150)

    def _bookings(self) -> None:
        rng, n = self.rng, self.n
        hub_routes = {r.origin: i for i, r in enumerate(self.routes) if r.destination == "JFK"}
        from_hub = {r.destination: i for i, r in enumerate(self.routes) if r.origin == "JFK"}
        outstations = sorted(set(hub_routes) & set(from_hub))
        bookings: list[tuple[Any, ...]] = []
        travellers: list[tuple[Any, ...]] = []
        segments: list[tuple[Any, ...]] = []
        counts = {"bookings": 0, "booking_passengers": 0, "segments": 0}

        def legs_for(origin_route: int, day: int) -> list[tuple[int, int, int]]:
            """(route, day, slot) of each leg of one journey: direct, or two legs through the hub."""
            route = self.routes[origin_route]
            slot = rng.randrange(self.flights_per_day)
            if route.origin in outstations and route.destination == "JFK" and rng.random() < 0.15:
                onward = rng.choice(outstations)
                if onward != route.origin:
                    return [(origin_route, day, 0), (from_hub[onward], day, self.flights_per_day - 1)]
            return [(origin_route, day, slot)]

        def flush() -> None:
            self.writer.write(
                "bookings",
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "pnr",
                    "channel",
                    "booked_at",
                    "fare_total_minor",
                    "currency",
                    "status",
                ),
                bookings,
            )
            self.writer.write(
                "booking_passengers",
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "booking_id",
                    "passenger_id",
                    "fare_minor",
                    "ticket_number",
                    "passenger_type",
                    "unaccompanied_minor",
                ),
                travellers,
            )
            self.writer.write(
                "segments",
                (
                    "id",
                    "created_at",
                    "updated_at",
                    "booking_id",
                    "sequence",
                    "journey",
                    "flight_id",
                    "cabin",
                    "fare_class",
                    "status",
                ),
                segments,
            )
            for name, rows in (("bookings", bookings), ("booking_passengers", travellers), ("segments", segments)):
                counts[name] += len(rows)
                rows.clear()

        now_day = (NOW.date() - FIRST_FLIGHT_DAY).days
        with self._transaction("bookings", n):
            for p in range(n):
                for _ in range(self._trips_of()):
                    b = counts["bookings"] + len(bookings)
                    route = rng.randrange(len(self.routes))
                    day = rng.randrange(self.days - 12)
                    journeys = [legs_for(route, day)]
                    if rng.random() < 0.6:  # a return
                        back = self.route_index[(self.routes[route].destination, self.routes[route].origin)]
                        journeys.append([(back, day + rng.randint(2, 11), self.flights_per_day - 1)])
                    party = [p]
                    if rng.random() < 0.12 and n > 1:
                        party.append(rng.randrange(n))
                        if party[1] == p:
                            party.pop()
                    fare = rng.choice((8900, 12900, 15900, 19900, 24900, 34900, 49900)) * len(journeys)
                    cabin = "business" if rng.random() < 0.05 else "economy"
                    if cabin == "business":
                        fare *= 3
                    cancelled = rng.random() < 0.02
                    booked = self._departure(route, max(day - rng.randint(1, 90), 0), 0)
                    bookings.append(
                        (
                            _booking(b),
                            _CREATED,
                            _CREATED,
                            _pnr(b),
                            "agency" if rng.random() < 0.2 else "direct",
                            _stamp(booked),
                            fare * len(party),
                            "USD",
                            "cancelled" if cancelled else "confirmed",
                        )
                    )
                    for who in party:
                        bp = counts["booking_passengers"] + len(travellers)
                        travellers.append(
                            (
                                _booking_passenger(bp),
                                _CREATED,
                                _CREATED,
                                _booking(b),
                                _passenger(who),
                                fare,
                                f"279{bp:010d}",
                                "adult",
                                0,
                            )
                        )
                        if not cancelled:
                            self.revenue[who] += fare
                    sequence = 0
                    for journey, legs in enumerate(journeys, start=1):
                        for leg_route, leg_day, slot in legs:
                            sequence += 1
                            flight = self._flight_number(leg_route, min(leg_day, self.days - 1), slot)
                            disruption = self.disrupted.get(flight)
                            if cancelled or (disruption and disruption[0] == "cancelled"):
                                status = "cancelled"
                            else:
                                status = "flown" if leg_day < now_day else "confirmed"
                            segments.append(
                                (
                                    _segment(counts["segments"] + len(segments)),
                                    _CREATED,
                                    _CREATED,
                                    _booking(b),
                                    sequence,
                                    journey,
                                    _flight(flight),
                                    cabin,
                                    "Y" if cabin == "economy" else "J",
                                    status,
                                )
                            )
                            if disruption and not cancelled:
                                self.hit.extend((who, flight, b) for who in party)
                if len(segments) >= BATCH:
                    flush()
                if p % 1000 == 999:
                    self.steps.advance(1000)
            flush()
            self.steps.advance(n % 1000)

    # ---- passengers -------------------------------------------------------------------------------------

    def _passengers(self) -> None:
        rng, n = self.rng, self.n
        languages = list(people.LANGUAGES)
        weights = list(accumulate(people.LANGUAGES[lang][0] for lang in languages))
        homes = sorted(self.airports)
        ranked = sorted(range(n), key=lambda p: (-self.revenue[p], p))
        rank = [0] * n
        for position, p in enumerate(ranked, start=1):
            rank[p] = position
        counters = {"identity": 0, "consent": 0, "wish": 0, "phone": 0}
        identities: list[tuple[Any, ...]] = []
        consents: list[tuple[Any, ...]] = []
        wishes: list[tuple[Any, ...]] = []

        def identity(p: int, kind: str, value: str, platform: str | None, primary: bool) -> None:
            identities.append(
                (
                    _identity(counters["identity"]),
                    _CREATED,
                    _CREATED,
                    _passenger(p),
                    kind,
                    value,
                    platform,
                    int(primary),
                    1,
                    "bench",
                )
            )
            counters["identity"] += 1

        def rows() -> Iterator[tuple[Any, ...]]:
            for p in range(n):
                language = languages[_pick(rng, weights)]
                _share, women, men, surnames = people.LANGUAGES[language]
                first = rng.choice(women if rng.random() < 0.5 else men)
                last = rng.choice(surnames)
                revenue = self.revenue[p]
                tier = "none"
                member = p % 10 < 6
                if member:
                    for name, threshold in (("platinum", 1_500_000), ("gold", 500_000), ("silver", 150_000)):
                        if revenue >= threshold:
                            tier = name
                            break
                identity(p, "email", f"{_ascii(first)}.{_ascii(last)}.{p}@{people.EMAIL_DOMAINS[p % 5]}", None, True)
                if p % 10 < 7 and counters["phone"] < 750_000:
                    slot = counters["phone"]
                    counters["phone"] += 1
                    identity(p, "phone", f"+1{people.AREA_CODES[slot % 75]}555{slot // 75:04d}", None, True)
                if member:
                    identity(p, "loyalty", f"B6{p:09d}", None, True)
                if p % 10 == 3:
                    identity(p, "social", f"@{_ascii(first)}_{p}", "x", True)
                if p % 2 == 0:
                    consents.append(
                        (_consent(counters["consent"]), _CREATED, _CREATED, _passenger(p), "email", "marketing", 1,
                         _CREATED, "bench")
                    )  # fmt: skip
                    counters["consent"] += 1
                if p % 200 == 7:
                    wishes.append(
                        (_wish(counters["wish"]), _CREATED, _CREATED, _passenger(p), None, "birthday",
                         "A round birthday on the trip", None)
                    )  # fmt: skip
                    counters["wish"] += 1
                yield (
                    _passenger(p),
                    _CREATED,
                    _CREATED,
                    first,
                    last,
                    _name_key(first, last),
                    language,
                    tier,
                    "2024-01-01" if tier != "none" else None,
                    date(1950 + p % 55, 1 + p % 12, 1 + p % 28).isoformat() if p % 5 < 2 else None,
                    rng.choice(homes),
                    '{"seat": "aisle"}' if p % 7 == 0 else "{}",
                    revenue,
                    "USD",
                    rank[p],
                    "active",
                )

        with self._transaction("passengers", n):
            columns = (
                "id",
                "created_at",
                "updated_at",
                "first_name",
                "last_name",
                "name_key",
                "language",
                "tier",
                "tier_since",
                "date_of_birth",
                "home_airport",
                "preferences",
                "lifetime_revenue_minor",
                "revenue_currency",
                "value_rank",
                "status",
            )
            iterator = rows()
            while batch := list(islice(iterator, BATCH)):
                self.writer.write("passengers", columns, batch)
                self.writer.write(
                    "passenger_identities",
                    (
                        "id",
                        "created_at",
                        "updated_at",
                        "passenger_id",
                        "kind",
                        "value",
                        "platform",
                        "is_primary",
                        "verified",
                        "source",
                    ),
                    identities,
                )
                self.writer.write(
                    "consents",
                    (
                        "id",
                        "created_at",
                        "updated_at",
                        "passenger_id",
                        "channel",
                        "purpose",
                        "granted",
                        "recorded_at",
                        "source",
                    ),
                    consents,
                )
                self.writer.write(
                    "wishes",
                    ("id", "created_at", "updated_at", "passenger_id", "booking_id", "occasion", "text", "travel_date"),
                    wishes,
                )
                identities.clear()
                consents.clear()
                wishes.clear()
                self.steps.advance(len(batch))

    # ---- what disruptions bring: entitlements, vouchers and the ledger, notices --------------------------

    def _recovery(self) -> None:
        rng = self.rng
        entitlements: list[tuple[Any, ...]] = []
        vouchers: list[tuple[Any, ...]] = []
        entries: list[tuple[Any, ...]] = []
        messages: list[tuple[Any, ...]] = []
        for passenger, flight, _booking_number in self.hit:
            status, delay, event = self.disrupted[flight]
            decided = _stamp(NOW - timedelta(days=rng.randrange(700)))
            m = len(messages)
            messages.append(
                (_message(m), _CREATED, _CREATED, _passenger(passenger), "email", f"disruption.{status}",
                 "en", None, f"Your flight is {status}", "We are sorry: your flight is " + status + ".",
                 "sent", _event(event), decided, decided, 1, f"bench-notice-{m}")
            )  # fmt: skip
            if status == "delayed" and delay < 180:
                continue
            e = len(entitlements)
            amount = 20_000 if status == "cancelled" else 7_500
            entitlements.append(
                (_entitlement(e), _CREATED, _CREATED, _passenger(passenger), _flight(flight), _event(event),
                 "us_dot", f"{status}.compensation", "Customer service plan", "compensation", amount, "USD",
                 "voucher", "[]", f"The flight was {status}.", "{}", "bench", "granted", decided,
                 f"bench-entitlement-{e}")
            )  # fmt: skip
            if rng.random() < 0.5:
                v = len(vouchers)
                vouchers.append(
                    (_voucher(v), _CREATED, _CREATED, f"GW{v:010d}", _passenger(passenger), "voucher", "USD", amount,
                     decided, _stamp(NOW + timedelta(days=365)), "Compensation", _entitlement(e))
                )  # fmt: skip
                entries.append(
                    (_entry(v), decided, _passenger(passenger), _voucher(v), _entitlement(e), "issue", amount, "USD",
                     f"bench-issue-{v}", "bench")
                )  # fmt: skip
        with self._transaction("entitlements, vouchers, notices", len(entitlements) + len(messages)):
            self.writer.write(
                "outbound_messages",
                ("id", "created_at", "updated_at", "passenger_id", "channel", "kind", "language", "recipient",
                 "subject", "body", "status", "flight_event_id", "scheduled_at", "sent_at", "attempts",
                 "idempotency_key"),
                messages,
            )  # fmt: skip
            self.writer.write(
                "entitlements",
                ("id", "created_at", "updated_at", "passenger_id", "flight_id", "flight_event_id", "regime",
                 "rule_id", "legal_basis", "kind", "amount_minor", "currency", "form", "care", "explanation",
                 "facts", "policy_version", "status", "decided_at", "idempotency_key"),
                entitlements,
            )  # fmt: skip
            self.writer.write(
                "vouchers",
                ("id", "created_at", "updated_at", "code", "passenger_id", "kind", "currency", "face_value_minor",
                 "issued_at", "expires_at", "reason", "entitlement_id"),
                vouchers,
            )  # fmt: skip
            self.writer.write(
                "ledger_entries",
                ("id", "created_at", "passenger_id", "voucher_id", "entitlement_id", "entry_type", "amount_minor",
                 "currency", "idempotency_key", "actor"),
                entries,
            )  # fmt: skip
            self.steps.advance(len(entitlements) + len(messages))
        self.hit = []

    # ---- feedback and cases -----------------------------------------------------------------------------

    def _feedback_and_cases(self) -> None:
        rng, n = self.rng, self.n
        feedback: list[tuple[Any, ...]] = []
        cases: list[tuple[Any, ...]] = []
        case_passengers: list[int] = []
        for p in range(n):
            if rng.random() < 0.12:
                for _ in range(rng.choice((1, 1, 1, 2, 3))):
                    f = len(feedback)
                    text, sentiment, score, nps = rng.choice(_FEEDBACK)
                    received = _stamp(NOW - timedelta(minutes=rng.randrange(TIMELINE_YEARS * 525_600)))
                    feedback.append(
                        (_feedback(f), _CREATED, _CREATED, _passenger(p), rng.choice(("survey", "email", "social")),
                         f"bench-{f}", f"{f:064x}", received, text, nps, "en", 0, sentiment, score, '["service"]',
                         "[]", "[]", "{}")
                    )  # fmt: skip
            if rng.random() < 0.05:
                c = len(cases)
                case_passengers.append(p)
                kind, subject = rng.choice(_CASES)
                opened = NOW - timedelta(minutes=rng.randrange(TIMELINE_YEARS * 525_600))
                status = rng.choice(_OPEN) if rng.random() < 0.1 else rng.choice(_CLOSED)
                resolved = _stamp(opened + timedelta(days=2)) if status in _CLOSED else None
                cases.append(
                    (_case(c), _CREATED, _CREATED, f"C-{c + 1:07d}", _passenger(p), kind,
                     rng.choice(("low", "normal", "normal", "high", "urgent")), status, subject,
                     rng.choice(("care", "baggage", "claims")), None, _stamp(opened),
                     _stamp(opened + timedelta(days=1)), _stamp(opened + timedelta(days=5)), resolved,
                     "answered" if resolved else None, "{}")
                )  # fmt: skip
        self.case_passengers = case_passengers
        with self._transaction("feedback and cases", len(feedback) + len(cases)):
            self.writer.write(
                "feedback",
                ("id", "created_at", "updated_at", "passenger_id", "channel", "external_id", "content_hash",
                 "received_at", "text", "nps", "language", "is_spam", "sentiment", "sentiment_score", "topics",
                 "urgency", "entities", "corrections"),
                feedback,
            )  # fmt: skip
            self.writer.write(
                "cases",
                ("id", "created_at", "updated_at", "reference", "passenger_id", "type", "priority", "status",
                 "subject", "team", "assignee", "opened_at", "first_response_due_at", "resolution_due_at",
                 "resolved_at", "resolution_code", "origin"),
                cases,
            )  # fmt: skip
            self.steps.advance(len(feedback) + len(cases))

    # ---- the timeline -----------------------------------------------------------------------------------

    def _interactions(self) -> None:
        """`interactions` rows: two on each case (the passenger's message, the agent's reply), the rest spread
        over everyone with weights 1/(1+rank)^0.6 over a shuffled order: the busiest passenger has thousands of
        rows, the median one a handful."""
        rng, n, total = self.rng, self.n, self.interactions
        order = list(range(n))
        rng.shuffle(order)
        cumulative = list(accumulate(1.0 / (1 + i) ** 0.6 for i in range(n)))
        span = TIMELINE_YEARS * 365 * 24 * 3600
        base = NOW - timedelta(seconds=span)
        on_cases = min(2 * len(self.case_passengers), total)
        columns = (
            "id",
            "created_at",
            "updated_at",
            "passenger_id",
            "case_id",
            "channel",
            "direction",
            "occurred_at",
            "body",
            "internal",
            "details",
        )

        def rows() -> Iterator[tuple[Any, ...]]:
            written = 0
            for i in range(on_cases):
                c = i // 2
                at = _stamp(base + timedelta(seconds=rng.randrange(span)))
                yield (_interaction(written), at, at, _passenger(self.case_passengers[c]), _case(c), "email",
                       "inbound" if i % 2 == 0 else "outbound", at, rng.choice(_BODIES), 0, "{}")  # fmt: skip
                written += 1
            self.steps.advance(on_cases)
            while written < total:
                k = min(BATCH, total - written)
                chosen = rng.choices(order, cum_weights=cumulative, k=k)
                for p in chosen:
                    at = _stamp(base + timedelta(seconds=rng.randrange(span)))
                    way = "inbound" if rng.random() < 0.55 else "outbound"
                    yield (_interaction(written), at, at, _passenger(p), None, rng.choice(_CHANNELS), way, at,
                           rng.choice(_BODIES), 0, "{}")  # fmt: skip
                    written += 1
                self.steps.advance(k)

        with self._transaction("interactions", total):
            self.writer.write("interactions", columns, rows())


class _Transaction:
    """BEGIN ... COMMIT around a step of the build, and the step's progress bar closed at the end."""

    def __init__(self, connection: sqlite3.Connection, steps: Steps) -> None:
        self.connection = connection
        self.steps = steps

    def __enter__(self) -> None:
        self.connection.execute("BEGIN")

    def __exit__(self, kind: object, *_rest: object) -> None:
        self.connection.execute("ROLLBACK" if kind else "COMMIT")
        self.steps.done()


def _pick(rng: random.Random, cumulative: Sequence[float]) -> int:
    return bisect(cumulative, rng.random() * cumulative[-1])


def _name_key(first: str, last: str) -> str:
    """As `customers.service` keys a name for search: "last first", folded."""
    return fold(f"{last} {first}")[:201]
