"""Named reads of passengers."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.customers.models import Passenger, PassengerStatus, Tier


def count_passengers(session: Session) -> int:
    """Active passengers (merged and erased records are not counted)."""
    stmt = select(func.count()).select_from(Passenger).where(Passenger.status == PassengerStatus.ACTIVE.value)
    return session.scalar(stmt) or 0


def count_by_tier(session: Session) -> dict[str, int]:
    """Active passengers per loyalty tier, highest tier first."""
    stmt = (
        select(Passenger.tier, func.count())
        .where(Passenger.status == PassengerStatus.ACTIVE.value)
        .group_by(Passenger.tier)
    )
    found: dict[str, int] = {str(tier): int(n) for tier, n in session.execute(stmt)}
    return {t.value: found.get(t.value, 0) for t in reversed(Tier)}
