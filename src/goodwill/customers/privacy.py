"""A passenger's rights over their data: a copy of all of it, erasure, and how long free text is kept.

- `export_passenger`: every row of every table that points at the passenger (or at a record merged into them),
  plus their bookings, as JSON values. Tables are found from the schema, so a new table is exported too.
- `erase_passenger`: personal data anonymised; what compensation evidence needs is kept: the ledger, vouchers,
  entitlements and their facts, bookings and fares, cases and their steps. Each table that points at a passenger
  is named in `ERASED` (with what is blanked) or `KEPT` (with why); a test fails for a table named in neither.
- `apply_retention`: free text (feedback, timeline bodies, survey answers) older than a number of days is
  blanked; scores, analysis and links stay, so trends keep their numbers.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, or_, select, true, update
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking, BookingPassenger, Segment
from goodwill.customers.models import Passenger, PassengerStatus
from goodwill.errors import NotFound
from goodwill.store.bulk import select_in

ERASED_TEXT = "[erased]"
RETAINED_TEXT = "[removed after the retention period]"

# Table -> column -> the value it takes when the passenger is erased. Rows of `DELETED` tables are removed.
ERASED: dict[str, dict[str, Any]] = {
    "passengers": {
        "first_name": "Erased",
        "last_name": "passenger",
        "name_key": "",
        "date_of_birth": None,
        "home_airport": None,
        "preferences": {},
        "status": PassengerStatus.ERASED.value,
    },
    "feedback": {"text": ERASED_TEXT, "author": None, "entities": {}},
    "interactions": {"subject": None, "body": ERASED_TEXT},
    "outbound_messages": {"recipient": None, "subject": None, "body": ERASED_TEXT},
    "survey_invitations": {"answers": {}},
}
DELETED = {
    "passenger_identities": "emails, phone numbers, loyalty numbers and handles identify the person",
    "consents": "no one is contacted any more",
    "wishes": "free text about the person's life",
}
KEPT = {
    "booking_passengers": "fares: the basis of compensation owed and paid",
    "bags": "tags and fees: evidence for baggage claims",
    "entitlements": "what was owed, with the journey facts it was decided on",
    "vouchers": "value issued, kept with the ledger",
    "ledger_entries": "append-only money movements",
    "cases": "case facts are compensation evidence (their subjects name flights, not people)",
    "flight_events": "an event's passenger (denied boarding, a bag) is part of the flight's record",
    "passenger_merges": "which records were found to be one person (ids only)",
}


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _passenger_columns(table: Table) -> list[str]:
    """The columns of `table` that point at a passenger."""
    return [c.name for c in table.columns if any(fk.column.table.name == "passengers" for fk in c.foreign_keys)]


def _records(session: Session, passenger_id: uuid.UUID) -> list[uuid.UUID]:
    """The person's records: the surviving record first (a merged id leads to it), then every record merged
    into it."""
    passenger = session.get(Passenger, passenger_id)
    if passenger is None:
        raise NotFound(f"no passenger {passenger_id}")
    seen = {passenger.id}
    while passenger.merged_into_id is not None and passenger.merged_into_id not in seen:
        survivor = session.get(Passenger, passenger.merged_into_id)
        if survivor is None:
            break
        passenger = survivor
        seen.add(passenger.id)
    ids = [passenger.id]
    frontier = [passenger.id]
    while frontier:
        frontier = [
            i
            for i in session.scalars(select(Passenger.id).where(Passenger.merged_into_id.in_(frontier)))
            if i not in ids
        ]
        ids.extend(frontier)
    return ids


def _rows(session: Session, table: Table, clause: Any) -> list[dict[str, Any]]:
    key = list(table.primary_key.columns)
    query = select(table).where(clause).order_by(*key)
    return [{k: _json(v) for k, v in row._mapping.items()} for row in session.execute(query)]


def export_passenger(session: Session, *, passenger_id: uuid.UUID, tables: Iterable[Table]) -> dict[str, Any]:
    """Everything stored about the passenger, table by table (`tables`: the application's schema)."""
    ids = _records(session, passenger_id)
    found: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        columns = _passenger_columns(table)
        if table.name == "passengers":
            found[table.name] = _rows(session, table, table.c.id.in_(ids))
        elif columns:
            found[table.name] = _rows(session, table, or_(*(table.c[c].in_(ids) for c in columns)))
    booking_ids = sorted(
        {
            b
            for (b,) in select_in(
                session, lambda x: select(BookingPassenger.booking_id).where(BookingPassenger.passenger_id.in_(x)), ids
            )
        },
        key=str,
    )
    found["bookings"] = _rows(session, Booking.__table__, Booking.id.in_(booking_ids))  # type: ignore[arg-type]
    found["segments"] = _rows(session, Segment.__table__, Segment.booking_id.in_(booking_ids))  # type: ignore[arg-type]
    return {
        "passenger_id": str(ids[0]),
        "records": [str(i) for i in ids],
        "tables": {name: rows for name, rows in sorted(found.items()) if rows},
    }


@dataclass(frozen=True)
class Erasure:
    passenger_id: uuid.UUID
    records: int
    already_erased: bool
    anonymised: dict[str, int]
    deleted: dict[str, int]


def erase_passenger(session: Session, *, passenger_id: uuid.UUID, tables: Iterable[Table], now: datetime) -> Erasure:
    """Anonymise the passenger (and the records merged into them) in the caller's transaction. Erasing again
    changes nothing. Refuses (ValueError) a schema with a table pointing at passengers that is neither erased
    nor deliberately kept."""
    by_name = {t.name: t for t in tables}
    unplanned = sorted(
        name
        for name, table in by_name.items()
        if _passenger_columns(table) and name not in ERASED and name not in DELETED and name not in KEPT
    )
    if unplanned:
        raise ValueError(f"tables point at passengers without an erasure plan: {', '.join(unplanned)}")
    ids = _records(session, passenger_id)
    survivor = session.get(Passenger, ids[0])
    already = survivor is not None and survivor.status == PassengerStatus.ERASED.value
    anonymised: dict[str, int] = {}
    deleted: dict[str, int] = {}
    for name, values in ERASED.items():
        table = by_name.get(name)
        if table is None:
            continue
        columns = ["id"] if name == "passengers" else _passenger_columns(table)
        clause = or_(*(table.c[c].in_(ids) for c in columns))
        changed = [table.c[c].is_distinct_from(v) for c, v in values.items() if not isinstance(v, dict)]
        changes = dict(values)
        if "updated_at" in table.c:
            changes["updated_at"] = now
        result = session.execute(
            update(table).where(clause, or_(*changed) if changed else true()).values(**changes),
            execution_options={"synchronize_session": False},
        )
        anonymised[name] = int(getattr(result, "rowcount", 0) or 0)
    for name in DELETED:
        table = by_name.get(name)
        if table is None:
            continue
        clause = or_(*(table.c[c].in_(ids) for c in _passenger_columns(table)))
        result = session.execute(table.delete().where(clause), execution_options={"synchronize_session": False})
        deleted[name] = int(getattr(result, "rowcount", 0) or 0)
    session.expire_all()
    return Erasure(ids[0], len(ids), already, anonymised, deleted)


@dataclass(frozen=True)
class Retention:
    cutoff: datetime
    feedback: int
    interactions: int
    survey_answers: int


def apply_retention(
    session: Session, *, tables: Sequence[Table], days: int, now: datetime, dry_run: bool = False
) -> Retention:
    """Blank free text received more than `days` ago: feedback text, timeline bodies, survey answers."""
    if days < 1:
        raise ValueError("the retention period is at least one day")
    cutoff = now - timedelta(days=days)
    by_name = {t.name: t for t in tables}
    counts: list[int] = []
    for name, when, column, blank in (
        ("feedback", "received_at", "text", RETAINED_TEXT),
        ("interactions", "occurred_at", "body", RETAINED_TEXT),
    ):
        table = by_name.get(name)
        if table is None:
            counts.append(0)
            continue
        clause = and_(table.c[when] < cutoff, table.c[column].not_in((RETAINED_TEXT, ERASED_TEXT, "")))
        if dry_run:
            counts.append(len(session.execute(select(table.c.id).where(clause)).all()))
            continue
        values: dict[str, Any] = {column: blank}
        if "entities" in table.c:
            values["entities"] = {}
        result = session.execute(update(table).where(clause).values(**values))
        counts.append(int(getattr(result, "rowcount", 0) or 0))
    # Survey answers are JSON: the ones still holding words are picked out here, the table read by date.
    table = by_name.get("survey_invitations")
    answered: list[Any] = []
    if table is not None:
        answered = [
            row.id
            for row in session.execute(select(table.c.id, table.c.answers).where(table.c.responded_at < cutoff))
            if row.answers
        ]
        if answered and not dry_run:
            session.execute(update(table).where(table.c.id.in_(answered)).values(answers={}))
    counts.append(len(answered))
    return Retention(cutoff, *counts)
