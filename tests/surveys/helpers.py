"""A small airline for survey tests: flights that arrived, passengers in several languages, their bookings."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.customers.models import Passenger
from goodwill.flights.models import Flight
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.notifications.models import OutboundMessage
from goodwill.surveys import rules
from goodwill.surveys import service as surveys
from goodwill.surveys.service import InviteReport

DAY = "2026-02-14"
# Every flight below has landed by then.
NOW = datetime(2026, 2, 15, 6, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=2)
BASE_URL = "https://survey.example.org"

FLIGHTS = [
    # number, origin, destination, departs, arrives (local, with offset)
    ("101", "JFK", "BOS", "2026-02-14T10:00:00-05:00", "2026-02-14T11:15:00-05:00"),
    ("102", "BOS", "JFK", "2026-02-14T13:00:00-05:00", "2026-02-14T14:15:00-05:00"),
    ("301", "JFK", "MCO", "2026-02-14T08:00:00-05:00", "2026-02-14T10:45:00-05:00"),
]
PEOPLE = {
    # first name: (email, language, extra passenger columns)
    "Ana": ("ana@example.com", "es", {}),
    "Ben": ("ben@example.com", "en", {}),
    "Chloe": ("chloe@example.com", "fr", {}),
    "Duda": ("duda@example.com", "pt-BR", {}),
    "Emil": ("emil@example.com", "de", {"consent_email": "false"}),
}


def build(session: Session, trips: dict[str, list[str]] | None = None) -> None:
    """Import FLIGHTS, PEOPLE and one booking per person with the flights `trips` names (default: 101)."""
    rows = [
        {"carrier": "B6", "number": n, "operating_date": DAY, "origin": o, "destination": d,
         "scheduled_departure": dep, "scheduled_arrival": arr, "seats": 150}
        for n, o, d, dep, arr in FLIGHTS
    ]  # fmt: skip
    _load(session, ImportKind.FLIGHTS, rows)
    people = [
        {"email": email, "first_name": first, "last_name": "Test", "language": language, **extra}
        for first, (email, language, extra) in PEOPLE.items()
    ]
    _load(session, ImportKind.PASSENGERS, people)
    trips = trips or {first: ["101"] for first in PEOPLE}
    flights = {n: (o, d) for n, o, d, _dep, _arr in FLIGHTS}
    bookings = []
    for i, (first, numbers) in enumerate(trips.items()):
        for sequence, number in enumerate(numbers, 1):
            bookings.append({
                "pnr": f"PNR{i:03d}", "booked_at": "2026-01-05T10:00:00-05:00", "currency": "USD", "fare_paid": "99.00",
                "passenger_email": PEOPLE[first][0], "passenger_first_name": first, "passenger_last_name": "Test",
                "segment": sequence, "carrier": "B6", "flight_number": number, "flight_date": DAY,
                "origin": flights[number][0], "destination": flights[number][1],
            })  # fmt: skip
    _load(session, ImportKind.BOOKINGS, bookings)
    for flight in session.scalars(select(Flight)):
        land(session, flight.number)


def _load(session: Session, kind: ImportKind, rows: list[dict[str, Any]]) -> None:
    report = imports.import_rows(session, kind=kind, rows=enumerate(rows, 2), source=f"{kind}.csv", now=SINCE)
    assert not report.rejected, report.rejected


def land(session: Session, number: str, *, late_minutes: int = 0, status: str = "arrived") -> Flight:
    flight = session.scalars(select(Flight).where(Flight.number == number)).one()
    flight.status = status
    flight.actual_arrival = (
        None if status == "cancelled" else flight.scheduled_arrival + timedelta(minutes=late_minutes)
    )
    session.flush()
    return flight


def passenger(session: Session, first_name: str) -> Passenger:
    return session.scalars(select(Passenger).where(Passenger.first_name == first_name)).one()


def invite(session: Session, *, now: datetime = NOW, dry_run: bool = False, **policy: Any) -> InviteReport:
    return surveys.invite_after_flights(
        session, since=now - timedelta(days=2), now=now, policy=rules.Policy(**policy), base_url=BASE_URL,
        dry_run=dry_run,
    )  # fmt: skip


LINK = re.compile(re.escape(BASE_URL) + r"/s/([A-Za-z0-9_-]{43})")


def token_of(session: Session, first_name: str) -> str:
    """The token in the survey link emailed to this passenger (the newest invitation)."""
    pid: uuid.UUID = passenger(session, first_name).id
    bodies = session.scalars(
        select(OutboundMessage.body)
        .where(OutboundMessage.passenger_id == pid, OutboundMessage.kind == surveys.MESSAGE_KIND)
        .order_by(OutboundMessage.created_at.desc())
    ).all()
    found = LINK.search(bodies[0])
    assert found is not None, bodies[0]
    return found.group(1)


def crowd(session: Session, n: int, *, number: str = "102") -> None:
    """`n` more English-speaking passengers, each on their own booking of flight `number`."""
    origin, destination = next((o, d) for num, o, d, _dep, _arr in FLIGHTS if num == number)
    people = [{"email": f"p{i}@example.com", "first_name": f"P{i}", "last_name": "Crowd"} for i in range(n)]
    _load(session, ImportKind.PASSENGERS, people)
    bookings = [
        {"pnr": f"CRD{i:03d}", "booked_at": "2026-01-05T10:00:00-05:00", "currency": "USD", "fare_paid": "99.00",
         "passenger_email": f"p{i}@example.com", "passenger_first_name": f"P{i}", "passenger_last_name": "Crowd",
         "segment": 1, "carrier": "B6", "flight_number": number, "flight_date": DAY, "origin": origin,
         "destination": destination}
        for i in range(n)
    ]  # fmt: skip
    _load(session, ImportKind.BOOKINGS, bookings)
