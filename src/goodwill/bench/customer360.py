"""Benchmark of the customer 360 and search at an airline's scale (issue 5: 1,000,000 passengers and 10,000,000
interactions in SQLite, 95th percentile under 50 ms).

Setup (not timed): the demo airline seeded with N passengers, then `interactions` timeline rows spread over them
(a few passengers with hundreds, most with a handful, as in life), then `refresh_value`. A database built once
can be kept (`--database FILE`) and measured again.

Measured: for `samples` passengers drawn at random, the 360 read in a fresh session each time (as an API request
does), and searches by name prefix, email, phone/loyalty and record locator. The floor is the least a request
for a passenger costs: a fresh session reading that passenger's row by primary key.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from goodwill.bookings.models import Booking, BookingPassenger
from goodwill.cases.models import Interaction
from goodwill.customers.models import Passenger, PassengerIdentity
from goodwill.customers.value import refresh_value
from goodwill.customers.view import customer_360, search_passengers
from goodwill.demo import service as demo_airline
from goodwill.kit.ids import new_ids
from goodwill.migrations import runner
from goodwill.store.bulk import insert_rows
from goodwill.store.db import make_engine, make_session_factory, unit_of_work

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CHUNK = 200_000
_CHANNELS = ("email", "phone", "chat", "social", "sms", "airport")
_BODIES = (
    "Asked about the baggage allowance for the return flight.",
    "Called to change the seat to an aisle.",
    "Thanked the crew for the care on the delayed flight.",
    "Wanted to know where the voucher can be used.",
    "Reported a broken handle on the checked bag.",
)


def _interaction_rows(ids: list[Any], count: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """`count` rows over `ids`: a Pareto-like spread, so some passengers have long timelines."""
    weights = [1.0 / (1 + i) ** 0.6 for i in range(len(ids))]
    chosen = rng.choices(ids, weights=weights, k=count)
    for row_id, passenger_id in zip(new_ids(count), chosen, strict=True):
        at = NOW - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        yield (
            row_id,
            at,
            at,
            passenger_id,
            rng.choice(_CHANNELS),
            rng.choice(("inbound", "outbound")),
            at,
            rng.choice(_BODIES),
            False,
            {},
        )


def build(url: str, *, passengers: int, interactions: int, seed: int) -> dict[str, Any]:
    engine = make_engine(url)
    started = time.perf_counter()
    try:
        runner.upgrade(engine)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            demo_airline.seed_demo_airline(session, seed=seed, passengers=passengers, actor="bench")
        rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        with unit_of_work(factory) as session:
            ids = list(session.scalars(select(Passenger.id).order_by(Passenger.id)))
            rng.shuffle(ids)
        written = 0
        while written < interactions:
            n = min(CHUNK, interactions - written)
            with unit_of_work(factory) as session:
                insert_rows(
                    session,
                    Interaction.__table__,
                    (
                        "id",
                        "created_at",
                        "updated_at",
                        "passenger_id",
                        "channel",
                        "direction",
                        "occurred_at",
                        "body",
                        "internal",
                        "details",
                    ),
                    _interaction_rows(ids, n, rng),
                    pure=True,
                )
            written += n
        with unit_of_work(factory) as session:
            refresh_value(session)
    finally:
        engine.dispose()
    return {"build_seconds": round(time.perf_counter() - started, 1)}


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(1000 * ordered[-1], 2),
    }


def _timed(factory: sessionmaker[Session], calls: list[Callable[[Session], Any]]) -> list[float]:
    found = []
    for call in calls:
        started = time.perf_counter()
        with factory() as session:
            call(session)
        found.append(time.perf_counter() - started)
    return found


def _read_row(passenger_id: uuid.UUID) -> Callable[[Session], Any]:
    return lambda session: session.get(Passenger, passenger_id)


def _read_360(passenger_id: uuid.UUID) -> Callable[[Session], Any]:
    return lambda session: customer_360(session, passenger_id=passenger_id, now=NOW)


def _search(query: str) -> Callable[[Session], Any]:
    return lambda session: search_passengers(session, query=query)


def measure(url: str, *, samples: int, seed: int) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        rng = random.Random(seed + 1)  # noqa: S311 - benchmark samples, not secrets
        with factory() as session:
            total = session.scalar(select(func.count()).select_from(Passenger)) or 0
            interactions = session.scalar(select(func.count()).select_from(Interaction)) or 0
            # Random passengers by rank (an index, no table scan): ranks run from 1 to the number ranked.
            ranked = session.scalar(select(func.max(Passenger.value_rank))) or 0
            ranks = [rng.randint(1, ranked) for _ in range(samples)]
            people = [session.scalars(select(Passenger).where(Passenger.value_rank == r)).one() for r in ranks]
            ids = [p.id for p in people]
            names = [f"{p.first_name} {p.last_name[:3]}" for p in people]
            emails = [
                session.scalar(
                    select(PassengerIdentity.value)
                    .where(PassengerIdentity.passenger_id == p.id, PassengerIdentity.kind == "email")
                    .limit(1)
                )
                for p in people
            ]
            pnrs = [
                session.scalar(
                    select(Booking.pnr)
                    .join(BookingPassenger, BookingPassenger.booking_id == Booking.id)
                    .where(BookingPassenger.passenger_id == p.id)
                    .limit(1)
                )
                for p in people
            ]
        # Warm the connection pool and the page cache the same way for every kind of read.
        _timed(factory, [_read_row(i) for i in ids[:20]])
        floor = _timed(factory, [_read_row(i) for i in ids])
        view = _timed(factory, [_read_360(i) for i in ids])
        by_name = _timed(factory, [_search(q) for q in names])
        by_email = _timed(factory, [_search(q) for q in emails if q])
        by_pnr = _timed(factory, [_search(q) for q in pnrs if q])
    finally:
        engine.dispose()
    return {
        "passengers": total,
        "interactions": interactions,
        "samples": samples,
        "customer_360": _percentiles(view),
        "search_name_prefix": _percentiles(by_name),
        "search_email": _percentiles(by_email),
        "search_pnr": _percentiles(by_pnr),
        "floor_primary_key_read": _percentiles(floor),
        "ratio_360_p95_to_floor_p95": round(
            _percentiles(view)["p95_ms"] / max(_percentiles(floor)["p95_ms"], 0.001), 1
        ),
    }


def run(
    *, passengers: int, interactions: int, samples: int, seed: int, database: Path, rebuild: bool
) -> dict[str, Any]:
    url = f"sqlite:///{database}"
    built: dict[str, Any] = {"build_seconds": None, "reused": True}
    if rebuild or not database.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        built = {**build(url, passengers=passengers, interactions=interactions, seed=seed), "reused": False}
    figures = measure(url, samples=samples, seed=seed)
    return {
        "benchmark": "customer360",
        "database": "sqlite",
        **built,
        **figures,
        "goal": "customer_360 and each search under 50 ms at the 95th percentile",
        "database_mb": round(database.stat().st_size / 1e6, 1),
        "python": platform.python_version(),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(terse=True)},
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
