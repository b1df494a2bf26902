"""Named reads of flights and flight events."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.flights.models import Flight, FlightEvent


def count_flights(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Flight)) or 0


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FlightEvent)) or 0


def schedule_span(session: Session) -> tuple[date, date] | None:
    """First and last operating date in the schedule, if any."""
    first, last = session.execute(select(func.min(Flight.operating_date), func.max(Flight.operating_date))).one()
    if first is None or last is None:
        return None
    return first, last
