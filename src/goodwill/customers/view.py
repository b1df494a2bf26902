"""The customer 360: everything the person serving a passenger should know, in one read.

Every part is read through an index on the passenger (or on what the passenger's rows point to), with a bound
on how much of a long history is returned; nothing here scans a table. The value figures (lifetime revenue,
rank) are kept on the passenger by `customers.value.refresh_value`, so the view needs no aggregate over all
passengers either.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking, BookingPassenger, Segment
from goodwill.cases.models import Case, CaseStatus, Interaction
from goodwill.customers.models import Consent, Passenger, PassengerIdentity, Tier, Wish
from goodwill.errors import NotFound
from goodwill.flights.models import Flight, FlightEvent
from goodwill.kit.money import Money
from goodwill.kit.text import fold, normalise_email, normalise_handle, normalise_loyalty, normalise_phone
from goodwill.listening.models import Feedback
from goodwill.notifications.models import OutboundMessage
from goodwill.recovery.models import Entitlement
from goodwill.store.bulk import select_in
from goodwill.vouchers.service import passenger_vouchers

PAST_TRIPS = 20
FEEDBACK = 20
TIMELINE = 50
PAST_CASES = 20
OPEN_STATUSES = (CaseStatus.NEW.value, CaseStatus.OPEN.value, CaseStatus.WAITING_ON_PASSENGER.value)


class Amount(BaseModel):
    """Money: exact decimal string in major units, integer minor units, ISO 4217 currency."""

    amount: str
    amount_minor: int
    currency: str


def _amount(minor: int, currency: str) -> Amount:
    money = Money(minor, currency)
    return Amount(amount=f"{money.major}", amount_minor=minor, currency=currency)


class Profile(BaseModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    language: str
    tier: str
    tier_since: date | None
    date_of_birth: date | None
    home_airport: str | None
    status: str
    merged_into_id: uuid.UUID | None
    preferences: dict[str, Any]
    created_at: datetime


class IdentityView(BaseModel):
    kind: str
    value: str
    platform: str | None
    is_primary: bool
    verified: bool


class ConsentView(BaseModel):
    channel: str
    purpose: str
    granted: bool
    recorded_at: datetime


class Value(BaseModel):
    """What the passenger is worth to the airline (kept by `goodwill value refresh`)."""

    lifetime_revenue: Amount
    tier: str
    tier_rank: int = Field(description="0 for no tier, up to 3 for platinum")
    rank: int | None = Field(description="1 = the passenger who brought the most revenue; null until ranked")
    ranked_passengers: int | None = Field(description="How many passengers the rank is among")
    top_percent: float | None = Field(description="The rank as a share of all ranked passengers, in percent")


class EventView(BaseModel):
    type: str
    cause: str
    occurred_at: datetime
    departure_delay_minutes: int | None
    arrival_delay_minutes: int | None
    note: str | None


class Leg(BaseModel):
    flight_id: uuid.UUID
    flight: str = Field(description='Carrier and number, e.g. "B6 1423"')
    date: date
    origin: str
    destination: str
    scheduled_departure: datetime
    scheduled_arrival: datetime
    flight_status: str
    segment_status: str
    cabin: str
    events: list[EventView]


class Trip(BaseModel):
    """One journey of a booking (a connection's legs together)."""

    booking_id: uuid.UUID
    pnr: str
    journey: int
    booking_status: str
    fare: Amount
    departs: datetime | None
    legs: list[Leg]
    disrupted: bool


class EntitlementView(BaseModel):
    id: uuid.UUID
    flight_id: uuid.UUID
    kind: str
    status: str
    regime: str
    rule_id: str
    legal_basis: str
    explanation: str
    amount: Amount | None
    form: str | None
    care: list[str]
    decided_at: datetime


class VoucherItem(BaseModel):
    code: str
    kind: str
    status: str
    face_value: Amount
    balance: Amount
    issued_at: datetime
    expires_at: datetime | None
    reason: str


class FeedbackView(BaseModel):
    id: uuid.UUID
    channel: str
    received_at: datetime
    text: str
    nps: int | None
    csat: int | None
    language: str | None
    is_spam: bool | None
    sentiment: str | None
    sentiment_score: float | None
    topics: list[str]
    urgency: list[str]
    case_id: uuid.UUID | None
    corrected: list[str] = Field(description="The analysis fields an agent corrected")


class TimelineItem(BaseModel):
    """Something said between the airline and the passenger, either way."""

    at: datetime
    direction: str
    channel: str
    kind: str = Field(description="interaction, or the outbound message's kind (e.g. disruption.cancellation)")
    subject: str | None
    body: str
    internal: bool
    status: str | None = Field(description="An outbound message's delivery status")
    case_id: uuid.UUID | None
    message_id: uuid.UUID | None = Field(default=None, description="The outbound message (its preview shows it)")


class CaseView(BaseModel):
    id: uuid.UUID
    reference: str
    type: str
    priority: str
    status: str
    subject: str
    team: str | None
    assignee: str | None
    opened_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    resolved_at: datetime | None
    resolution_code: str | None


class WishView(BaseModel):
    occasion: str
    text: str
    travel_date: date | None
    pnr: str | None


class Customer360(BaseModel):
    profile: Profile
    identities: list[IdentityView]
    consents: list[ConsentView]
    value: Value
    upcoming_trips: list[Trip]
    past_trips: list[Trip] = Field(description=f"The latest {PAST_TRIPS} past trips")
    past_trips_total: int
    entitlements: list[EntitlementView]
    compensation_paid: list[Amount] = Field(description="Granted compensation, summed per currency")
    vouchers: list[VoucherItem]
    feedback: list[FeedbackView] = Field(description=f"The latest {FEEDBACK} pieces of feedback")
    timeline: list[TimelineItem] = Field(description=f"The latest {TIMELINE} items, newest first")
    timeline_more: bool = Field(description="Whether older timeline items exist")
    open_cases: list[CaseView]
    past_cases: list[CaseView]
    wishes: list[WishView]


def customer_360(session: Session, *, passenger_id: uuid.UUID, now: datetime) -> Customer360:
    """The passenger's whole record. A merged record answers for the passenger it was merged into."""
    passenger = session.get(Passenger, passenger_id)
    if passenger is None:
        raise NotFound(f"no passenger {passenger_id}")
    if passenger.merged_into_id is not None:
        survivor = session.get(Passenger, passenger.merged_into_id)
        if survivor is not None:
            passenger = survivor
    pid = passenger.id
    upcoming, past, past_total = _trips(session, pid, now)
    entitlements = session.scalars(
        select(Entitlement).where(Entitlement.passenger_id == pid).order_by(Entitlement.decided_at.desc())
    ).all()
    paid: dict[str, int] = defaultdict(int)
    for e in entitlements:
        if e.status == "granted" and e.kind == "compensation" and e.amount_minor and e.currency:
            paid[e.currency] += e.amount_minor
    timeline, more = _timeline(session, pid)
    cases = session.scalars(select(Case).where(Case.passenger_id == pid).order_by(Case.opened_at.desc())).all()
    return Customer360(
        profile=Profile.model_validate(passenger, from_attributes=True),
        identities=[
            IdentityView.model_validate(i, from_attributes=True)
            for i in session.scalars(
                select(PassengerIdentity)
                .where(PassengerIdentity.passenger_id == pid)
                .order_by(PassengerIdentity.kind, PassengerIdentity.is_primary.desc(), PassengerIdentity.value)
            )
        ],
        consents=[
            ConsentView.model_validate(c, from_attributes=True)
            for c in session.scalars(
                select(Consent).where(Consent.passenger_id == pid).order_by(Consent.channel, Consent.purpose)
            )
        ],
        value=_value(session, passenger),
        upcoming_trips=upcoming,
        past_trips=past,
        past_trips_total=past_total,
        entitlements=[_entitlement(e) for e in entitlements],
        compensation_paid=[_amount(minor, currency) for currency, minor in sorted(paid.items())],
        vouchers=[
            VoucherItem(
                code=v.code,
                kind=v.kind,
                status=v.status.value,
                face_value=_amount(v.face_value.minor, v.face_value.currency),
                balance=_amount(v.balance.minor, v.balance.currency),
                issued_at=v.issued_at,
                expires_at=v.expires_at,
                reason=v.reason,
            )
            for v in passenger_vouchers(session, passenger_id=pid, now=now)
        ],
        feedback=_feedback(session, pid),
        timeline=timeline,
        timeline_more=more,
        open_cases=[_case(c) for c in cases if c.status in OPEN_STATUSES],
        past_cases=[_case(c) for c in cases if c.status not in OPEN_STATUSES][:PAST_CASES],
        wishes=_wishes(session, pid),
    )


def _value(session: Session, passenger: Passenger) -> Value:
    ranked = None
    if passenger.value_rank is not None:
        # The largest rank given is the number ranked (ranks are dense from 1): one index lookup.
        ranked = session.scalar(
            select(Passenger.value_rank)
            .where(Passenger.value_rank.is_not(None))
            .order_by(Passenger.value_rank.desc())
            .limit(1)
        )
    tier = Tier(passenger.tier) if passenger.tier in Tier.__members__.values() else Tier.NONE
    return Value(
        lifetime_revenue=_amount(passenger.lifetime_revenue_minor or 0, passenger.revenue_currency or "USD"),
        tier=passenger.tier,
        tier_rank=tier.rank,
        rank=passenger.value_rank,
        ranked_passengers=ranked,
        top_percent=round(100 * passenger.value_rank / ranked, 2) if passenger.value_rank and ranked else None,
    )


def _trips(session: Session, pid: uuid.UUID, now: datetime) -> tuple[list[Trip], list[Trip], int]:
    """Upcoming trips (soonest first), the latest `PAST_TRIPS` past ones (latest first), and how many past trips
    there are. Rows are read as plain columns, and only the trips shown are built (a frequent flyer has hundreds)."""
    fares = dict(
        session.execute(
            select(BookingPassenger.booking_id, BookingPassenger.fare_minor).where(BookingPassenger.passenger_id == pid)
        ).all()
    )
    if not fares:
        return [], [], 0
    bookings = {
        row.id: row
        for row in select_in(
            session,
            lambda ids: select(Booking.id, Booking.pnr, Booking.status, Booking.currency).where(Booking.id.in_(ids)),
            fares,
        )
    }
    legs = list(
        select_in(
            session,
            lambda ids: (
                select(
                    Segment.booking_id,
                    Segment.journey,
                    Segment.sequence,
                    Segment.status.label("segment_status"),
                    Segment.cabin,
                    Flight.id.label("flight_id"),
                    Flight.carrier,
                    Flight.number,
                    Flight.operating_date,
                    Flight.origin,
                    Flight.destination,
                    Flight.scheduled_departure,
                    Flight.scheduled_arrival,
                    Flight.status.label("flight_status"),
                )
                .join(Flight, Flight.id == Segment.flight_id)
                .where(Segment.booking_id.in_(ids))
            ),
            bookings,
        )
    )
    journeys: dict[tuple[uuid.UUID, int], list[Any]] = defaultdict(list)
    for leg in legs:
        journeys[(leg.booking_id, leg.journey)].append(leg)
    timed = []
    for key, rows in journeys.items():
        rows.sort(key=lambda r: r.sequence)
        departs = min(r.scheduled_departure for r in rows)
        arrives = max(r.scheduled_arrival for r in rows)
        timed.append((key, rows, departs, arrives > now))
    coming = sorted((t for t in timed if t[3]), key=lambda t: (t[2], bookings[t[0][0]].pnr, t[0][1]))
    gone = sorted((t for t in timed if not t[3]), key=lambda t: (t[2], bookings[t[0][0]].pnr, t[0][1]), reverse=True)
    shown = coming + gone[:PAST_TRIPS]
    events: dict[uuid.UUID, list[EventView]] = defaultdict(list)
    for e in select_in(
        session,
        lambda ids: (
            select(
                FlightEvent.flight_id,
                FlightEvent.passenger_id,
                FlightEvent.type,
                FlightEvent.cause,
                FlightEvent.occurred_at,
                FlightEvent.departure_delay_minutes,
                FlightEvent.arrival_delay_minutes,
                FlightEvent.note,
            )
            .where(FlightEvent.flight_id.in_(ids))
            .order_by(FlightEvent.occurred_at)
        ),
        {r.flight_id for _k, rows, _d, _u in shown for r in rows},
    ):
        if e.passenger_id is not None and e.passenger_id != pid:
            continue  # another passenger's denied boarding or bag
        events[e.flight_id].append(
            EventView(
                type=e.type,
                cause=e.cause,
                occurred_at=e.occurred_at,
                departure_delay_minutes=e.departure_delay_minutes,
                arrival_delay_minutes=e.arrival_delay_minutes,
                note=e.note,
            )
        )

    def trip(key: tuple[uuid.UUID, int], rows: list[Any], departs: datetime) -> Trip:
        booking = bookings[key[0]]
        views = [_leg(r, events.get(r.flight_id, [])) for r in rows]
        return Trip(
            booking_id=key[0],
            pnr=booking.pnr,
            journey=key[1],
            booking_status=booking.status,
            fare=_amount(fares[key[0]], booking.currency),
            departs=departs,
            legs=views,
            disrupted=any(v.events for v in views),
        )

    return (
        [trip(k, rows, d) for k, rows, d, _u in coming],
        [trip(k, rows, d) for k, rows, d, _u in gone[:PAST_TRIPS]],
        len(gone),
    )


def _leg(r: Any, events: list[EventView]) -> Leg:
    return Leg(
        flight_id=r.flight_id,
        flight=f"{r.carrier} {r.number}",
        date=r.operating_date,
        origin=r.origin,
        destination=r.destination,
        scheduled_departure=r.scheduled_departure,
        scheduled_arrival=r.scheduled_arrival,
        flight_status=r.flight_status,
        segment_status=r.segment_status,
        cabin=r.cabin,
        events=events,
    )


def _entitlement(e: Entitlement) -> EntitlementView:
    return EntitlementView(
        id=e.id,
        flight_id=e.flight_id,
        kind=e.kind,
        status=e.status,
        regime=e.regime,
        rule_id=e.rule_id,
        legal_basis=e.legal_basis,
        explanation=e.explanation,
        amount=_amount(e.amount_minor, e.currency) if e.amount_minor is not None and e.currency else None,
        form=e.form,
        care=list(e.care or []),
        decided_at=e.decided_at,
    )


def _feedback(session: Session, pid: uuid.UUID) -> list[FeedbackView]:
    rows = session.scalars(
        select(Feedback).where(Feedback.passenger_id == pid).order_by(Feedback.received_at.desc()).limit(FEEDBACK)
    )
    return [
        FeedbackView(
            id=f.id,
            channel=f.channel,
            received_at=f.received_at,
            text=f.text,
            nps=f.nps,
            csat=f.csat,
            language=f.language,
            is_spam=f.is_spam,
            sentiment=f.sentiment,
            sentiment_score=f.sentiment_score,
            topics=list(f.topics or []),
            urgency=list(f.urgency or []),
            case_id=f.case_id,
            corrected=sorted((f.corrections or {}).keys()),
        )
        for f in rows
    ]


def _timeline(session: Session, pid: uuid.UUID) -> tuple[list[TimelineItem], bool]:
    """The latest interactions and outbound messages, merged newest first. An outbound message that is also
    recorded as an interaction (a reply written on a case) is shown once, as the interaction."""
    interactions = session.scalars(
        select(Interaction)
        .where(Interaction.passenger_id == pid)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(TIMELINE + 1)
    ).all()
    shown = {i.message_id for i in interactions if i.message_id is not None}
    messages = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.passenger_id == pid)
        .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
        .limit(TIMELINE + 1 + len(shown))
    ).all()
    items = [
        TimelineItem(
            at=i.occurred_at,
            direction=i.direction,
            channel=i.channel,
            kind="interaction",
            subject=i.subject,
            body=i.body,
            internal=i.internal,
            status=None,
            case_id=i.case_id,
            message_id=i.message_id,
        )
        for i in interactions
    ] + [
        TimelineItem(
            at=m.sent_at or m.scheduled_at or m.created_at,
            direction="outbound",
            channel=m.channel,
            kind=m.kind,
            subject=m.subject,
            body=m.body,
            internal=False,
            status=m.status,
            case_id=m.case_id,
            message_id=m.id,
        )
        for m in messages
        if m.id not in shown
    ]
    items.sort(key=lambda t: t.at, reverse=True)
    return items[:TIMELINE], len(items) > TIMELINE


def _case(c: Case) -> CaseView:
    return CaseView.model_validate(c, from_attributes=True)


def _wishes(session: Session, pid: uuid.UUID) -> list[WishView]:
    rows = session.execute(
        select(Wish, Booking.pnr)
        .outerjoin(Booking, Booking.id == Wish.booking_id)
        .where(Wish.passenger_id == pid)
        .order_by(Wish.travel_date, Wish.created_at)
    ).all()
    return [WishView(occasion=w.occasion, text=w.text, travel_date=w.travel_date, pnr=pnr) for w, pnr in rows]


# ---- search --------------------------------------------------------------------------------------------------


class Match(BaseModel):
    """A passenger a search found, with what matched."""

    id: uuid.UUID
    first_name: str
    last_name: str
    tier: str
    home_airport: str | None
    matched_on: str = Field(description="name, email, phone, loyalty, social or pnr")
    emails: list[str]


SEARCH_LIMIT = 20


def search_passengers(session: Session, *, query: str, limit: int = SEARCH_LIMIT) -> list[Match]:
    """Passengers matching a name (prefix, any case or accents, "first last" or "last first"), an email, a phone
    number, a loyalty number, a social handle or a record locator. Merged and erased records are not returned."""
    text = query.strip()
    if not text:
        return []
    found: dict[uuid.UUID, str] = {}
    for kind, value in _identity_candidates(text):
        for (passenger_id,) in session.execute(
            select(PassengerIdentity.passenger_id).where(
                PassengerIdentity.kind == kind, PassengerIdentity.value == value
            )
        ):
            found.setdefault(passenger_id, kind)
    if len(text) == 6 and text.isalnum():
        for (passenger_id,) in session.execute(
            select(BookingPassenger.passenger_id)
            .join(Booking, Booking.id == BookingPassenger.booking_id)
            .where(Booking.pnr == text.upper())
            .limit(limit)
        ):
            found.setdefault(passenger_id, "pnr")
    if len(found) < limit and not any(c.isdigit() for c in text) and "@" not in text:
        for passenger_id in _by_name(session, text, limit - len(found)):
            found.setdefault(passenger_id, "name")
    if not found:
        return []
    passengers = {
        p.id: p
        for (p,) in select_in(session, lambda ids: select(Passenger).where(Passenger.id.in_(ids)), found)
        if p.status == "active"
    }
    emails: dict[uuid.UUID, list[str]] = defaultdict(list)
    # The kind is tested here, not in SQL: given `kind = 'email'` as well, SQLite read every email identity
    # through the (kind, value) index rather than the few rows of these passengers (11 s at a million passengers).
    for passenger_id, kind, value in select_in(
        session,
        lambda ids: select(PassengerIdentity.passenger_id, PassengerIdentity.kind, PassengerIdentity.value).where(
            PassengerIdentity.passenger_id.in_(ids)
        ),
        passengers,
    ):
        if kind == "email":
            emails[passenger_id].append(value)
    matches = [
        Match(
            id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            tier=p.tier,
            home_airport=p.home_airport,
            matched_on=found[p.id],
            emails=sorted(emails.get(p.id, [])),
        )
        for p in passengers.values()
    ]
    order = {"loyalty": 0, "email": 1, "phone": 2, "social": 3, "pnr": 4, "name": 5}
    matches.sort(key=lambda m: (order[m.matched_on], m.last_name.casefold(), m.first_name.casefold(), m.id.hex))
    return matches[:limit]


def _identity_candidates(text: str) -> Iterable[tuple[str, str]]:
    """The identity keys a query could be, normalised as identities are stored."""
    for kind, normalise in (
        ("email", normalise_email),
        ("phone", normalise_phone),
        ("loyalty", normalise_loyalty),
        ("social", normalise_handle),
    ):
        if kind == "social" and not text.startswith("@"):
            continue
        if kind == "phone" and not any(c.isdigit() for c in text):
            continue
        try:
            yield kind, normalise(text)
        except ValueError:
            continue


def _by_name(session: Session, text: str, limit: int) -> list[uuid.UUID]:
    """Names are stored as "last first", folded. Each query word may begin the stored name (it is then the last
    name, or its start); within the names it begins, the database keeps those where every other query word begins
    one of the name's words, so the first `limit` in name order are matches, however common the surname (with
    a window of candidates narrowed afterwards, "William Nel" found no Nelson William among a million)."""
    words = fold(text).split()
    if not words:
        return []
    found: dict[uuid.UUID, str] = {}
    for word in dict.fromkeys(words):
        others = [
            or_(
                Passenger.name_key.like(f"{_like(w)}%", escape="\\"),
                Passenger.name_key.like(f"% {_like(w)}%", escape="\\"),
            )
            for w in dict.fromkeys(words)
            if w != word
        ]
        rows = session.execute(
            select(Passenger.id, Passenger.name_key)
            .where(
                Passenger.name_key >= word,
                Passenger.name_key < word + "\U0010ffff",
                Passenger.status == "active",
                *others,
            )
            .order_by(Passenger.name_key, Passenger.id)
            .limit(limit)
        )
        for passenger_id, name_key in rows:
            names = name_key.split()
            if all(any(n.startswith(w) for n in names) for w in words):
                found.setdefault(passenger_id, name_key)
    return [pid for pid, _key in sorted(found.items(), key=lambda item: (item[1], item[0].hex))][:limit]


def _like(word: str) -> str:
    """A word as a LIKE pattern matching itself: its % and _ escaped."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
