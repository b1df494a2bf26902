"""Named reads of bookings."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking


def count_bookings(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Booking)) or 0
