"""Airports, carriers, flights and what happens to them: reads by natural key and bulk writes.

Every function takes many records at once (an import is a million rows, an operations feed a storm of
events) and works with a few queries per thousand records, never one ORM object per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple, cast

import airportsdata
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import Conflict
from goodwill.flights.carriers import CARRIERS
from goodwill.flights.models import Airport, Carrier, Flight, FlightEvent
from goodwill.flights.rules import EventFacts, apply_events, judge_revision
from goodwill.kit.ids import new_ids
from goodwill.store.bulk import Outcome, insert_rows, select_in, update_rows


class FlightKey(NamedTuple):
    """A flight's natural key: carrier, number (no leading zeros) and local operating date."""

    carrier: str
    number: str
    operating_date: date

    def label(self) -> str:
        return f"{self.carrier} {self.number} on {self.operating_date.isoformat()}"


class FlightRef(NamedTuple):
    id: uuid.UUID
    origin: str
    destination: str


class FlightRecord(NamedTuple):
    """A flight as a schedule or operations file states it. None in an optional field keeps what is stored."""

    carrier: str
    number: str
    operating_date: date
    origin: str
    destination: str
    scheduled_departure: datetime
    scheduled_arrival: datetime
    actual_departure: datetime | None = None
    actual_arrival: datetime | None = None
    aircraft: str | None = None
    tail_number: str | None = None
    seats: int | None = None
    status: str | None = None

    @property
    def key(self) -> FlightKey:
        return FlightKey(self.carrier, self.number, self.operating_date)


class EventRecord(NamedTuple):
    """One revision of a flight event, with its references resolved to ids."""

    external_id: str
    revision: int
    flight_id: uuid.UUID
    type: str
    cause: str
    cause_detail: str | None
    occurred_at: datetime
    reported_at: datetime
    departure_delay_minutes: int | None
    arrival_delay_minutes: int | None
    notice_given_at: datetime | None
    tarmac_minutes: int | None
    diverted_to: str | None
    passenger_id: uuid.UUID | None
    bag_id: uuid.UUID | None
    note: str | None
    details: Mapping[str, Any] = {}  # never mutated: what the airline did and the passenger chose (JSON values)


class StoredEvent(NamedTuple):
    id: uuid.UUID
    record: EventRecord


# ---- airports and carriers ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _airports_data() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = cast(dict[str, dict[str, Any]], airportsdata.load("IATA"))
    return data


def known_airport_codes() -> frozenset[str]:
    """Every IATA airport code in the airportsdata package."""
    return _airport_codes()


@lru_cache(maxsize=1)
def _airport_codes() -> frozenset[str]:
    return frozenset(_airports_data())


def is_known_airport(code: str) -> bool:
    """Whether `code` is an IATA airport code in the airportsdata package."""
    return code in _airports_data()


def ensure_airports(session: Session, *, codes: Iterable[str]) -> set[str]:
    """Make the airports in `codes` available, loading them from airportsdata on first use.

    Returns the codes that are no known airport (nothing is written for them).
    """
    wanted = set(codes)
    if not wanted:
        return set()
    stored = {row[0] for row in select_in(session, lambda b: select(Airport.iata).where(Airport.iata.in_(b)), wanted)}
    data = _airports_data()
    missing = sorted(wanted - stored)
    columns = ("iata", "icao", "name", "city", "country", "latitude", "longitude", "tz")
    rows = [
        (
            code,
            data[code]["icao"] or None,
            data[code]["name"][:120],
            (data[code]["city"] or data[code]["name"])[:80],
            data[code]["country"],
            float(data[code]["lat"]),
            float(data[code]["lon"]),
            data[code]["tz"][:40],
        )
        for code in missing
        if code in data
    ]
    insert_rows(session, Airport.__table__, columns, rows)
    return {code for code in missing if code not in data}


def ensure_carriers(session: Session, *, codes: Iterable[str]) -> set[str]:
    """Make the carriers in `codes` available from the built-in table; returns the codes nobody knows."""
    wanted = set(codes)
    if not wanted:
        return set()
    stored = {row[0] for row in select_in(session, lambda b: select(Carrier.iata).where(Carrier.iata.in_(b)), wanted)}
    missing = sorted(wanted - stored)
    rows = [tuple(CARRIERS[code]) for code in missing if code in CARRIERS]
    insert_rows(session, Carrier.__table__, ("iata", "name", "country", "size"), rows)
    return {code for code in missing if code not in CARRIERS}


# ---- flights --------------------------------------------------------------------------------------------

_FLIGHT_COLUMNS = (
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
    "tail_number",
    "seats",
    "status",
)


def _flights_on(session: Session, keys: Iterable[FlightKey], *columns: Any) -> Iterable[Any]:
    dates = {key.operating_date for key in keys}
    return select_in(
        session,
        lambda batch: select(Flight.carrier, Flight.number, Flight.operating_date, *columns).where(
            Flight.operating_date.in_(batch)
        ),
        dates,
    )


def find_flights(session: Session, *, keys: Iterable[FlightKey]) -> dict[FlightKey, FlightRef]:
    """The stored flights among `keys`, by key (flights that do not exist are simply absent)."""
    wanted = set(keys)
    found: dict[FlightKey, FlightRef] = {}
    for carrier, number, day, flight_id, origin, destination in _flights_on(
        session, wanted, Flight.id, Flight.origin, Flight.destination
    ):
        key = FlightKey(carrier, number, day)
        if key in wanted:
            found[key] = FlightRef(flight_id, origin, destination)
    return found


def upsert_flights(session: Session, *, flights: Sequence[FlightRecord], now: datetime) -> list[Outcome]:
    """Create the flights not yet known and update the others; one record per flight, one outcome each.

    Airports and carriers must exist (`ensure_airports`, `ensure_carriers`). A record whose optional field
    is None keeps the stored value; a new flight without a status is `scheduled`.
    """
    wanted = {record.key for record in flights}
    stored: dict[FlightKey, tuple[uuid.UUID, FlightRecord]] = {}
    for row in _flights_on(session, wanted, Flight.id, *(getattr(Flight, c) for c in _FLIGHT_COLUMNS)):
        key = FlightKey(row[0], row[1], row[2])
        if key in wanted:
            stored[key] = (row[3], FlightRecord(*row[4:]))
    outcomes: list[Outcome] = []
    inserts: list[FlightRecord] = []
    updates: list[tuple[Any, ...]] = []
    for record in flights:
        found = stored.get(record.key)
        if found is None:
            inserts.append(record._replace(status=record.status or "scheduled"))
            outcomes.append(Outcome.CREATED)
            continue
        flight_id, old = found
        new = FlightRecord._make(
            [*record[:7], *(value if value is not None else old[i] for i, value in enumerate(record[7:], start=7))]
        )
        if new == old:
            outcomes.append(Outcome.UNCHANGED)
        else:
            outcomes.append(Outcome.UPDATED)
            updates.append((flight_id, *new, now))
    ids = new_ids(len(inserts))
    insert_rows(
        session,
        Flight.__table__,
        ("id", "created_at", "updated_at", *_FLIGHT_COLUMNS),
        ((flight_id, now, now, *record) for flight_id, record in zip(ids, inserts, strict=True)),
    )
    update_rows(session, Flight.__table__, (*_FLIGHT_COLUMNS, "updated_at"), updates)
    return outcomes


# ---- flight events --------------------------------------------------------------------------------------

_EVENT_COLUMNS = EventRecord._fields


def find_events(session: Session, *, external_ids: Iterable[str]) -> dict[str, StoredEvent]:
    """The stored events among `external_ids` (the senders' ids), with their current revision."""
    columns = [FlightEvent.id, *(getattr(FlightEvent, c) for c in _EVENT_COLUMNS)]
    return {
        row[1]: StoredEvent(row[0], EventRecord(*row[1:]))
        for row in select_in(session, lambda b: select(*columns).where(FlightEvent.external_id.in_(b)), external_ids)
    }


def judge_event(stored: StoredEvent | None, record: EventRecord) -> Outcome | None:
    """What recording `record` would do; None if it contradicts the stored event at the same revision."""
    verdict = judge_revision(
        None if stored is None else (stored.record.revision, stored.record[2:]), (record.revision, record[2:])
    )
    return None if verdict is None else Outcome(verdict)


def record_flight_events(session: Session, *, events: Sequence[EventRecord], now: datetime) -> list[Outcome]:
    """Record events (one per external id): new ones are created, a higher revision replaces the stored one,
    the same revision is unchanged and a lower one is stale. The flights concerned then follow their events
    (status and estimated times). Raises Conflict for a same-revision contradiction (check with judge_event).
    """
    stored = find_events(session, external_ids=[e.external_id for e in events])
    outcomes: list[Outcome] = []
    inserts: list[EventRecord] = []
    updates: list[tuple[Any, ...]] = []
    touched: set[uuid.UUID] = set()
    for record in events:
        found = stored.get(record.external_id)
        outcome = judge_event(found, record)
        if outcome is None:
            raise Conflict(
                f"event {record.external_id} revision {record.revision} is already stored with other data",
                external_id=record.external_id,
            )
        outcomes.append(outcome)
        if outcome == Outcome.CREATED:
            inserts.append(record)
            touched.add(record.flight_id)
        elif outcome == Outcome.UPDATED and found is not None:
            updates.append((found.id, *record, now))
            touched.update((record.flight_id, found.record.flight_id))
    ids = new_ids(len(inserts))
    insert_rows(
        session,
        FlightEvent.__table__,
        ("id", "created_at", "updated_at", *_EVENT_COLUMNS),
        ((event_id, now, now, *record) for event_id, record in zip(ids, inserts, strict=True)),
    )
    update_rows(session, FlightEvent.__table__, (*_EVENT_COLUMNS, "updated_at"), updates)
    _follow_events(session, flight_ids=touched, now=now)
    return outcomes


def _follow_events(session: Session, *, flight_ids: set[uuid.UUID], now: datetime) -> None:
    """Set each flight's status and estimated times from all its events."""
    if not flight_ids:
        return
    facts: dict[uuid.UUID, list[EventFacts]] = {}
    for flight_id, *fields in select_in(
        session,
        lambda b: select(
            FlightEvent.flight_id,
            FlightEvent.type,
            FlightEvent.occurred_at,
            FlightEvent.departure_delay_minutes,
            FlightEvent.arrival_delay_minutes,
        ).where(FlightEvent.flight_id.in_(b)),
        flight_ids,
    ):
        facts.setdefault(flight_id, []).append(EventFacts(*fields))
    updates = []
    for row in select_in(
        session,
        lambda b: select(
            Flight.id,
            Flight.status,
            Flight.scheduled_departure,
            Flight.scheduled_arrival,
            Flight.actual_departure,
            Flight.actual_arrival,
            Flight.estimated_departure,
            Flight.estimated_arrival,
        ).where(Flight.id.in_(b)),
        flight_ids,
    ):
        state = apply_events(
            status=row.status,
            scheduled_departure=row.scheduled_departure,
            scheduled_arrival=row.scheduled_arrival,
            actual_departure=row.actual_departure,
            actual_arrival=row.actual_arrival,
            events=facts.get(row.id, []),
        )
        if state is not None and tuple(state) != (row.status, row.estimated_departure, row.estimated_arrival):
            updates.append((row.id, *state, now))
    update_rows(
        session, Flight.__table__, ("status", "estimated_departure", "estimated_arrival", "updated_at"), updates
    )
