"""The disruption picture for the control room: what happened to which flights, who it reached, what is owed, what
was said and how fast, which cases a person has to take.

Set-based: every figure is one aggregate (GROUP BY) in the database, and the lists are short (LIMIT); no row is
loaded to be counted in Python, so a storm over 150,000 passengers costs the same handful of statements as one
over fifty. Messages and cases count the disruption's own: a message tied to a flight event, a case of type
`disruption_recovery`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, distinct, func, select
from sqlalchemy.orm import Session

from goodwill.cases.models import Case, CaseType
from goodwill.flights.models import Flight, FlightEvent
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.recovery.models import Entitlement
from goodwill.store.bulk import is_sqlite
from goodwill.vouchers.models import Voucher

# How fast a message left, from the moment it was queued: the buckets of the control room's bar chart.
SPEED_BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("within a minute", 60),
    ("1 to 5 minutes", 300),
    ("5 to 60 minutes", 3600),
    ("over an hour", None),
)
SPEED_SAMPLE = 2_000  # the newest messages sent, for "how fast": what a controller needs to know now
WAITING = (MessageStatus.PENDING.value, MessageStatus.SENDING.value)
OPEN_CASE = ("new", "open", "waiting_on_passenger")


@dataclass(frozen=True)
class RegimeFigures:
    regime: str
    entitlements: int
    by_kind: dict[str, int]
    owed: dict[str, int]  # currency -> minor units owed as money (compensation, refunds with an amount)


@dataclass(frozen=True)
class FlightRow:
    flight_id: uuid.UUID
    flight: str
    route: str
    departs: datetime
    event: str
    cause: str
    delay_minutes: int | None
    passengers: int
    entitlements: int
    owed: dict[str, int]


@dataclass(frozen=True)
class CaseRow:
    reference: str
    subject: str
    priority: str
    status: str
    passenger_id: uuid.UUID | None
    opened_at: datetime


@dataclass
class Overview:
    events_by_type: dict[str, int] = field(default_factory=dict)
    flights_disrupted: int = 0
    flights_settled: int = 0
    passengers_affected: int = 0
    entitlements: int = 0
    regimes: list[RegimeFigures] = field(default_factory=list)
    owed: dict[str, int] = field(default_factory=dict)
    vouchers: dict[str, tuple[int, int]] = field(default_factory=dict)  # currency -> (count, face value)
    messages: dict[str, int] = field(default_factory=dict)  # status -> count
    message_speed: list[tuple[str, int]] = field(default_factory=list)
    message_mean_seconds: float | None = None
    cases: dict[str, int] = field(default_factory=dict)  # status -> count
    timeline: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # hour -> type -> events

    @property
    def events(self) -> int:
        return sum(self.events_by_type.values())

    @property
    def messages_total(self) -> int:
        return sum(self.messages.values())

    @property
    def messages_queued(self) -> int:
        return sum(n for status, n in self.messages.items() if status in WAITING)

    @property
    def cases_total(self) -> int:
        return sum(self.cases.values())

    @property
    def cases_open(self) -> int:
        return sum(n for status, n in self.cases.items() if status in OPEN_CASE)


def _seconds_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    if is_sqlite(session):
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(func.extract("epoch", end - start), Float)


def _hour(session: Session, column: Any) -> ColumnElement[str]:
    if is_sqlite(session):
        return func.substr(column, 1, 13)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")


def overview(session: Session) -> Overview:
    """Every figure of the control room, in about ten aggregate statements."""
    found = Overview()
    found.events_by_type = {
        str(t): int(n)
        for t, n in session.execute(select(FlightEvent.type, func.count()).group_by(FlightEvent.type)).all()
    }
    found.flights_disrupted = int(session.scalar(select(func.count(distinct(FlightEvent.flight_id)))) or 0)
    settled = session.execute(select(func.count(distinct(Entitlement.flight_id)), func.count())).one()
    found.flights_settled, found.entitlements = (int(v or 0) for v in settled)
    found.passengers_affected = int(session.scalar(select(func.count(distinct(Entitlement.passenger_id)))) or 0)

    by_kind: dict[str, dict[str, int]] = {}
    owed: dict[str, dict[str, int]] = {}
    for regime, kind, currency, n, minor in session.execute(
        select(
            Entitlement.regime,
            Entitlement.kind,
            Entitlement.currency,
            func.count(),
            func.coalesce(func.sum(Entitlement.amount_minor), 0),
        ).group_by(Entitlement.regime, Entitlement.kind, Entitlement.currency)
    ).all():
        by_kind.setdefault(regime, {})
        by_kind[regime][kind] = by_kind[regime].get(kind, 0) + int(n)
        if currency and minor:
            owed.setdefault(regime, {})
            owed[regime][currency] = owed[regime].get(currency, 0) + int(minor)
            found.owed[currency] = found.owed.get(currency, 0) + int(minor)
    found.regimes = sorted(
        (RegimeFigures(regime, sum(kinds.values()), kinds, owed.get(regime, {})) for regime, kinds in by_kind.items()),
        key=lambda r: (-sum(r.owed.values()), -r.entitlements, r.regime),
    )
    found.vouchers = {
        str(currency): (int(n), int(total))
        for currency, n, total in session.execute(
            select(Voucher.currency, func.count(), func.coalesce(func.sum(Voucher.face_value_minor), 0))
            .where(Voucher.entitlement_id.is_not(None))
            .group_by(Voucher.currency)
        ).all()
    }

    disruption_message = OutboundMessage.flight_event_id.is_not(None)
    found.messages = {
        str(s): int(n)
        for s, n in session.execute(
            select(OutboundMessage.status, func.count()).where(disruption_message).group_by(OutboundMessage.status)
        ).all()
    }
    # How fast, over the newest SPEED_SAMPLE sent: the index on (status, id) reads them newest first and stops.
    newest = (
        select(OutboundMessage.created_at, OutboundMessage.sent_at)
        .where(
            OutboundMessage.status == MessageStatus.SENT.value,
            disruption_message,
            OutboundMessage.sent_at.is_not(None),
        )
        .order_by(OutboundMessage.id.desc())
        .limit(SPEED_SAMPLE)
        .subquery("newest")
    )
    took = _seconds_between(session, newest.c.created_at, newest.c.sent_at)
    buckets: list[Any] = []
    lower: float | None = None
    for index, (_label, upper) in enumerate(SPEED_BUCKETS):
        condition: Any = took <= upper if upper is not None else took > (lower or 0)
        if lower is not None and upper is not None:
            condition = (took > lower) & (took <= upper)
        buckets.append(func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(f"b{index}"))
        lower = upper
    speed = session.execute(select(func.avg(took), *buckets).select_from(newest)).one()
    found.message_mean_seconds = float(speed[0]) if speed[0] is not None else None
    found.message_speed = [(label, int(speed[i + 1] or 0)) for i, (label, _u) in enumerate(SPEED_BUCKETS)]

    found.cases = {
        str(s): int(n)
        for s, n in session.execute(
            select(Case.status, func.count())
            .where(Case.type == CaseType.DISRUPTION_RECOVERY.value)
            .group_by(Case.status)
        ).all()
    }

    hour = _hour(session, FlightEvent.occurred_at)
    timeline: dict[str, dict[str, int]] = {}
    for h, t, n in session.execute(
        select(hour, FlightEvent.type, func.count()).group_by(hour, FlightEvent.type).order_by(hour)
    ).all():
        timeline.setdefault(str(h), {})[str(t)] = int(n)
    found.timeline = list(timeline.items())
    return found


def worst_flights(session: Session, *, limit: int = 15) -> list[FlightRow]:
    """The disrupted flights with the most entitlements (so, passengers), with their latest event and what they
    owe."""
    # Ranked by entitlements (COUNT(*) over the index on flight_id alone); people counted for the few shown.
    ranked = session.execute(
        select(Entitlement.flight_id, func.count().label("entitlements"))
        .group_by(Entitlement.flight_id)
        .order_by(func.count().desc(), Entitlement.flight_id)
        .limit(limit)
    ).all()
    if not ranked:
        return []
    ids = [flight_id for flight_id, _n in ranked]
    people = dict(
        session.execute(
            select(Entitlement.flight_id, func.count(distinct(Entitlement.passenger_id)))
            .where(Entitlement.flight_id.in_(ids))
            .group_by(Entitlement.flight_id)
        ).all()
    )
    flights = {f.id: f for f in session.scalars(select(Flight).where(Flight.id.in_(ids)))}
    latest: dict[uuid.UUID, FlightEvent] = {}
    for happened in session.scalars(
        select(FlightEvent).where(FlightEvent.flight_id.in_(ids)).order_by(FlightEvent.occurred_at)
    ):
        latest[happened.flight_id] = happened
    owed: dict[uuid.UUID, dict[str, int]] = {}
    for flight_id, currency, minor in session.execute(
        select(Entitlement.flight_id, Entitlement.currency, func.sum(Entitlement.amount_minor))
        .where(Entitlement.flight_id.in_(ids), Entitlement.amount_minor.is_not(None))
        .group_by(Entitlement.flight_id, Entitlement.currency)
    ).all():
        if currency and minor:
            owed.setdefault(flight_id, {})[currency] = int(minor)
    found = []
    for flight_id, entitlements in ranked:
        flight = flights[flight_id]
        event = latest.get(flight.id)
        found.append(
            FlightRow(
                flight.id,
                f"{flight.carrier} {flight.number}",
                f"{flight.origin}–{flight.destination}",
                flight.scheduled_departure,
                event.type if event else flight.status,
                event.cause if event else "",
                event.departure_delay_minutes if event else None,
                int(people.get(flight.id, 0)),
                int(entitlements),
                owed.get(flight.id, {}),
            )
        )
    return sorted(found, key=lambda f: (-f.passengers, -f.entitlements, f.departs))


def recent_cases(session: Session, *, limit: int = 10) -> list[CaseRow]:
    """The newest disruption cases, for a person to take."""
    rows = session.execute(
        select(Case.reference, Case.subject, Case.priority, Case.status, Case.passenger_id, Case.opened_at)
        .where(Case.type == CaseType.DISRUPTION_RECOVERY.value)
        .order_by(Case.opened_at.desc(), Case.reference.desc())
        .limit(limit)
    ).all()
    return [CaseRow(*row) for row in rows]


def has_days(session: Session, days: tuple[Any, ...]) -> bool:
    """Whether the stored schedule holds flights on any of `days` (the demo's storm needs them)."""
    return session.scalar(select(Flight.id).where(Flight.operating_date.in_(days)).limit(1)) is not None


def events_recorded(session: Session, *, external_prefix: str) -> int:
    """How many flight events carry an integrator id starting with `external_prefix` (a storm's, say)."""
    query = select(func.count()).where(FlightEvent.external_id.startswith(external_prefix, autoescape=True))
    return int(session.scalar(query) or 0)
