"""A small airline for message tests: flights, passengers with emails, phones and consents, bookings, a
cancellation settled by the recovery fan-out (which writes one outbox row per passenger); and a real SMTP
server (aiosmtpd) on a free loopback port that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.flights.models import Flight, FlightEvent
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.recovery import catalogue
from goodwill.recovery.service import process_event

NOW = datetime(2026, 2, 14, 12, 0, tzinfo=UTC)  # 07:00 in New York, 13:00 in Paris
POLICIES = catalogue.builtin()
FLIGHTS = [
    ("B6", "101", "2026-02-14", "JFK", "BOS", "2026-02-14T10:00:00-05:00", "2026-02-14T11:15:00-05:00"),
    ("B6", "103", "2026-02-14", "JFK", "BOS", "2026-02-14T13:00:00-05:00", "2026-02-14T14:15:00-05:00"),
    ("B6", "105", "2026-02-14", "JFK", "BOS", "2026-02-14T17:30:00-05:00", "2026-02-14T18:45:00-05:00"),
]


def build(session: Session, *, people: list[dict[str, Any]]) -> FlightEvent:
    """Flights, the passengers given (email, first_name, and any passenger import field), each booked on B6 101,
    and the flight's cancellation settled. Returns the event."""
    flights = [
        dict(zip(("carrier", "number", "operating_date", "origin", "destination", "scheduled_departure",
                  "scheduled_arrival"), f, strict=True)) | {"seats": 150}
        for f in FLIGHTS
    ]  # fmt: skip
    imports.import_rows(session, kind=ImportKind.FLIGHTS, rows=enumerate(flights, 2), source="f.csv", now=NOW)
    imports.import_rows(
        session,
        kind=ImportKind.PASSENGERS,
        rows=enumerate([{"last_name": "Test"} | p for p in people], 2),
        source="p.csv",
        now=NOW,
    )
    rows = [
        {
            "pnr": f"PN{i:04d}", "booking_channel": "direct", "booked_at": "2026-01-05T10:00:00-05:00",
            "currency": "USD", "fare_paid": "150.00", "passenger_email": p["email"],
            "passenger_first_name": p["first_name"], "passenger_last_name": p.get("last_name", "Test"),
            "segment": 1, "journey": 1, "carrier": "B6", "flight_number": "101", "flight_date": "2026-02-14",
            "origin": "JFK", "destination": "BOS",
        }
        for i, p in enumerate(people)
    ]  # fmt: skip
    report = imports.import_rows(session, kind=ImportKind.BOOKINGS, rows=enumerate(rows, 2), source="b.csv", now=NOW)
    assert not report.rejected, report.rejected
    return cancel(session, "E-101")


def cancel(session: Session, external_id: str, *, revision: int = 1, cause: str = "controllable") -> FlightEvent:
    flight = session.scalars(select(Flight).where(Flight.number == "101")).one()
    event = session.scalars(select(FlightEvent).where(FlightEvent.external_id == external_id)).first()
    if event is None:
        event = FlightEvent(flight_id=flight.id, external_id=external_id, occurred_at=NOW, reported_at=NOW, details={})
        session.add(event)
    event.type, event.revision, event.cause = "cancellation", revision, cause
    event.cause_detail = "a crew shortage"
    event.notice_given_at = datetime(2026, 2, 14, 13, 0, tzinfo=UTC)
    session.flush()
    process_event(session, event_id=event.id, now=NOW, policies=POLICIES)
    session.flush()
    return event


def person(i: int, **extra: Any) -> dict[str, Any]:
    return {"email": f"p{i}@example.com", "first_name": f"Pax{i}"} | extra


@dataclass
class Mailbox:
    """What the SMTP server received, in order."""

    messages: list[Message] = field(default_factory=list)
    delay: float = 0.0
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.messages.append(
                email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()
