"""Where the airline's value sits and who may be leaving: the tier pyramid, the revenue Pareto curve, passengers at
risk (for the console's Value page).

Set-based: tiers and the Pareto curve are one GROUP BY each over the figures `customers.value` keeps on the
passenger (lifetime revenue, rank); the risk signals are gathered and summed per passenger by the database, which
returns only the `candidates` with the most signal; trips are counted for those alone; `customers.risk` (pure)
scores them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, exists, false, func, literal, select, union_all
from sqlalchemy.orm import Session

from goodwill.bookings.models import BookingPassenger, Segment
from goodwill.cases.models import Case, CaseType
from goodwill.customers.models import Passenger, PassengerStatus, Tier
from goodwill.customers.risk import WEIGHTS, Risk, RiskSignals, score
from goodwill.flights.models import Flight
from goodwill.listening.models import Feedback
from goodwill.recovery.models import Entitlement
from goodwill.vouchers.models import LedgerEntry

OPEN_CASE = ("new", "open", "waiting_on_passenger")
TREND_DAYS = 90  # trips are compared over the last 90 days of the schedule and the 90 before


@dataclass(frozen=True)
class TierRow:
    tier: str
    passengers: int
    revenue_minor: int


@dataclass(frozen=True)
class AtRisk:
    passenger_id: uuid.UUID
    name: str
    tier: str
    revenue_minor: int
    currency: str
    value_rank: int | None
    signals: RiskSignals
    risk: Risk


def _active() -> Any:
    return Passenger.status == PassengerStatus.ACTIVE.value


def tiers(session: Session) -> list[TierRow]:
    """Active passengers and their lifetime revenue per tier, the highest tier first."""
    found = {
        str(tier): (int(n), int(revenue))
        for tier, n, revenue in session.execute(
            select(Passenger.tier, func.count(), func.coalesce(func.sum(Passenger.lifetime_revenue_minor), 0))
            .where(_active())
            .group_by(Passenger.tier)
        )
    }
    known = [t.value for t in reversed(Tier)]
    ordered = known + sorted(t for t in found if t not in known)
    return [TierRow(t, *found.get(t, (0, 0))) for t in ordered if t in found or t in known]


def revenue_currency(session: Session) -> str:
    row = session.execute(select(Passenger.revenue_currency).where(Passenger.value_rank == 1).limit(1)).first()
    return str(row[0]) if row else "USD"


def revenue_slices(session: Session, *, slices: int = 100) -> list[int]:
    """Lifetime revenue of `slices` equal slices of the ranked passengers, the most valuable slice first (the
    Pareto curve's steps). Empty when no passenger is ranked."""
    ranked = session.scalar(select(func.max(Passenger.value_rank))) or 0
    if not ranked:
        return []
    bucket = (Passenger.value_rank - 1) * slices // ranked  # floor division on both databases
    totals = dict(
        session.execute(
            select(bucket, func.sum(Passenger.lifetime_revenue_minor))
            .where(Passenger.value_rank.is_not(None))
            .group_by(bucket)
        ).all()
    )
    return [int(totals.get(i, 0) or 0) for i in range(min(slices, ranked))]


def _capped(column: Any, name: str) -> Any:
    weight = WEIGHTS[name]
    return case((column * weight.each > weight.cap, weight.cap), else_=column * weight.each)


def _signal_rows() -> Any:
    """One row per (passenger, source) with the counts that source gives; summed per passenger by the caller."""
    zero = literal(0)
    disrupted = select(
        Entitlement.passenger_id.label("pid"),
        func.count(distinct(Entitlement.flight_id)).label("disruptions"),
        zero.label("unresolved"),
        zero.label("open_cases"),
        zero.label("detractors"),
        zero.label("negative"),
    ).group_by(Entitlement.passenger_id)
    paid = exists().where(LedgerEntry.entitlement_id == Entitlement.id)
    unpaid = (
        select(
            Entitlement.passenger_id,
            zero,
            func.count(distinct(Entitlement.flight_id)),
            zero,
            zero,
            zero,
        )
        .where(Entitlement.amount_minor > 0, ~paid)
        .group_by(Entitlement.passenger_id)
    )
    is_disruption = case((Case.type == CaseType.DISRUPTION_RECOVERY.value, 1), else_=0)
    cases = (
        select(Case.passenger_id, zero, func.sum(is_disruption), func.count(), zero, zero)
        .where(Case.status.in_(OPEN_CASE), Case.passenger_id.is_not(None))
        .group_by(Case.passenger_id)
    )
    detractor = and_(Feedback.nps.is_not(None), Feedback.nps <= 6)
    negative = and_(Feedback.sentiment == "negative", ~func.coalesce(detractor, false()))
    voices = (
        select(
            Feedback.passenger_id,
            zero,
            zero,
            zero,
            func.sum(case((detractor, 1), else_=0)),
            func.sum(case((negative, 1), else_=0)),
        )
        .where(Feedback.passenger_id.is_not(None), func.coalesce(Feedback.is_spam, false()) == false())
        .group_by(Feedback.passenger_id)
    )
    return union_all(disrupted, unpaid, cases, voices).subquery("signal_rows")


def _trips(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """Flights before and since the midpoint of the last 2 × TREND_DAYS of the schedule, per passenger."""
    last = session.scalar(select(func.max(Flight.operating_date)))
    if last is None or not ids:
        return {}
    middle: date = last - timedelta(days=TREND_DAYS)
    first: date = middle - timedelta(days=TREND_DAYS)
    recent = func.sum(case((Flight.operating_date > middle, 1), else_=0))
    before = func.sum(case((Flight.operating_date <= middle, 1), else_=0))
    rows = session.execute(
        select(BookingPassenger.passenger_id, before, recent)
        .join(Segment, Segment.booking_id == BookingPassenger.booking_id)
        .join(Flight, Flight.id == Segment.flight_id)
        .where(BookingPassenger.passenger_id.in_(ids), Flight.operating_date > first)
        .group_by(BookingPassenger.passenger_id)
    ).all()
    return {pid: (int(b or 0), int(r or 0)) for pid, b, r in rows}


@dataclass(frozen=True)
class RiskList:
    signalled: int  # active passengers with any risk signal
    levels: dict[str, int]  # among the candidates scored: high / medium / low
    passengers: list[AtRisk]  # the most at risk, the highest level first, then the most valuable


def at_risk(session: Session, *, limit: int = 25, candidates: int = 100) -> RiskList:
    """How many active passengers show any risk signal, and the `limit` most at risk among the `candidates` with
    the most signal (the highest level first, then the most valuable)."""
    rows = _signal_rows()
    summed = (
        select(
            rows.c.pid.label("pid"),
            func.sum(rows.c.disruptions).label("disruptions"),
            func.sum(rows.c.unresolved).label("unresolved"),
            func.sum(rows.c.open_cases).label("open_cases"),
            func.sum(rows.c.detractors).label("detractors"),
            func.sum(rows.c.negative).label("negative"),
        )
        .group_by(rows.c.pid)
        .subquery("summed")
    )
    s = summed.c
    signal = (
        _capped(s.disruptions, "disruptions")
        + _capped(s.unresolved, "unresolved")
        + _capped(s.open_cases, "open_cases")
        + _capped(s.detractors, "detractor_answers")
        + _capped(s.negative, "negative_feedback")
    )
    active = Passenger.status == PassengerStatus.ACTIVE.value
    picked = session.execute(
        select(
            *s,
            func.count().over().label("signalled"),  # every passenger with a signal, counted in the same pass
            Passenger.first_name,
            Passenger.last_name,
            Passenger.tier,
            Passenger.lifetime_revenue_minor,
            Passenger.revenue_currency,
            Passenger.value_rank,
        )
        .join(Passenger, Passenger.id == s.pid)
        .where(active)
        .order_by(signal.desc(), Passenger.lifetime_revenue_minor.desc(), Passenger.id)
        .limit(candidates)
    ).all()
    total = picked[0].signalled if picked else 0
    trips = _trips(session, [row.pid for row in picked])
    found = []
    for row in picked:
        before, recent = trips.get(row.pid, (0, 0))
        signals = RiskSignals(
            disruptions=int(row.disruptions or 0),
            unresolved=int(row.unresolved or 0),
            open_cases=int(row.open_cases or 0),
            detractor_answers=int(row.detractors or 0),
            negative_feedback=int(row.negative or 0),
            trips_before=before,
            trips_recent=recent,
        )
        found.append(
            AtRisk(
                row.pid,
                f"{row.first_name} {row.last_name}",
                row.tier,
                row.lifetime_revenue_minor,
                row.revenue_currency,
                row.value_rank,
                signals,
                score(signals),
            )
        )
    levels = {"high": 0, "medium": 1, "low": 2}
    found.sort(key=lambda a: (levels[a.risk.level], -a.revenue_minor, -a.risk.score, str(a.passenger_id)))
    counted = {level: sum(1 for a in found if a.risk.level == level) for level in levels}
    return RiskList(int(total or 0), counted, found[:limit])
