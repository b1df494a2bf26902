"""Factories for the closed loop, trends and spikes: plain functions returning flushed objects. The analysis
fields are set directly, as the analysis step would leave them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.customers.models import Passenger
from goodwill.flights.models import Flight
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.listening.models import Feedback

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def make_passenger(session: Session, *, tier: str = "none", first_name: str = "Ana") -> uuid.UUID:
    passenger = Passenger(first_name=first_name, last_name="Test", name_key=f"test {first_name}".lower(), tier=tier)
    session.add(passenger)
    session.flush()
    return passenger.id


def make_flight(session: Session, *, number: str = "101", origin: str = "JFK", destination: str = "BOS",
                day: str = "2026-03-01") -> uuid.UUID:  # fmt: skip
    row = {
        "carrier": "B6", "number": number, "operating_date": day, "origin": origin, "destination": destination,
        "scheduled_departure": f"{day}T12:00:00+00:00", "scheduled_arrival": f"{day}T14:00:00+00:00", "seats": 150,
    }  # fmt: skip
    report = imports.import_rows(session, kind=ImportKind.FLIGHTS, rows=enumerate([row], 2), source="f.csv", now=NOW)
    assert not report.rejected, report.rejected
    return session.scalars(
        select(Flight.id).where(Flight.number == number, Flight.operating_date == date.fromisoformat(day))
    ).one()


def make_feedback(session: Session, **fields: Any) -> Feedback:
    """Analysed feedback (neutral, not spam) unless the test says otherwise."""
    values: dict[str, Any] = {
        "channel": "email", "external_id": f"fb-{uuid.uuid4().hex}", "content_hash": uuid.uuid4().hex * 2,
        "received_at": NOW, "text": "a message", "sentiment": "neutral", "sentiment_score": 0.0,
        "sentiment_confidence": 0.8, "is_spam": False, "topics": [], "urgency": [], "entities": {},
        "corrections": {},
    }  # fmt: skip
    values.update(fields)
    feedback = Feedback(**values)
    session.add(feedback)
    session.flush()
    return feedback
