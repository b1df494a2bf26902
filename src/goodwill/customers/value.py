"""What each passenger is worth to the airline: lifetime revenue and rank among all passengers.

The airline's relationship is with the few who bring most of its revenue (../shared/seeds): the 360 view, the
cases' priorities and the console's Pareto curve read these figures, kept on the passenger so none of them needs
an aggregate over every booking. `refresh_value` recomputes them in two set-based statements; run it after an
import (`goodwill value refresh`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking, BookingPassenger
from goodwill.customers.models import Passenger, PassengerStatus
from goodwill.kit.money import check_currency


@dataclass(frozen=True)
class ValueReport:
    currency: str
    passengers_ranked: int
    revenue_minor: int
    other_currency_fares: int  # fares in another currency, not converted (no exchange rates are kept)


def reporting_currency(session: Session) -> str:
    """The currency most of the airline's bookings are sold in (USD when there are none)."""
    row = session.execute(
        select(Booking.currency).group_by(Booking.currency).order_by(func.count().desc(), Booking.currency).limit(1)
    ).first()
    return str(row[0]) if row else "USD"


def refresh_value(session: Session, *, currency: str | None = None) -> ValueReport:
    """Lifetime revenue (the fares of every booking not cancelled, in the reporting currency) and rank (1 = most
    revenue; ties broken by the older record) of every active passenger. Merged and erased records get no rank."""
    cur = check_currency(currency) if currency else reporting_currency(session)
    fares = (
        select(func.coalesce(func.sum(BookingPassenger.fare_minor), 0))
        .join(Booking, Booking.id == BookingPassenger.booking_id)
        .where(
            BookingPassenger.passenger_id == Passenger.id,
            Booking.currency == cur,
            Booking.status != "cancelled",
        )
        .scalar_subquery()
    )
    session.execute(update(Passenger).values(lifetime_revenue_minor=fares, revenue_currency=cur))
    ranking = (
        select(
            Passenger.id.label("id"),
            func.row_number()
            .over(order_by=(Passenger.lifetime_revenue_minor.desc(), Passenger.created_at, Passenger.id))
            .label("rank"),
        )
        .where(Passenger.status == PassengerStatus.ACTIVE.value)
        .subquery()
    )
    session.execute(update(Passenger).values(value_rank=None).where(Passenger.value_rank.is_not(None)))
    session.execute(
        update(Passenger).values(value_rank=ranking.c.rank).where(Passenger.id == ranking.c.id),
        execution_options={"synchronize_session": False},
    )
    ranked = session.scalar(select(func.count()).where(Passenger.value_rank.is_not(None))) or 0
    revenue = session.scalar(select(func.coalesce(func.sum(Passenger.lifetime_revenue_minor), 0))) or 0
    other = (
        session.scalar(
            select(func.count())
            .select_from(BookingPassenger)
            .join(Booking, Booking.id == BookingPassenger.booking_id)
            .where(Booking.currency != cur, Booking.status != "cancelled")
        )
        or 0
    )
    return ValueReport(cur, int(ranked), int(revenue), int(other))
