"""Claiming due messages from the outbox under a lease, and reading in bulk what each needs to be written and
routed (ADR 0020): the passenger, their contact, consents and bounces, the event and flight, what they are owed, the
vouchers, the case, a wish on the trip, the next flights on the route, and the messages before it."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from goodwill.bookings.models import Segment
from goodwill.cases.models import Case
from goodwill.customers.models import Consent, IdentityKind, Passenger, PassengerIdentity, PassengerStatus, Wish
from goodwill.flights.models import Airport, EventType, Flight, FlightEvent, FlightStatus
from goodwill.kit.money import Money
from goodwill.notifications import policy
from goodwill.notifications.models import AddressBounce, MessageStatus, OutboundMessage
from goodwill.notifications.policy import Address, Decision, Recipient
from goodwill.notifications.rendering import (
    EventInfo,
    FlightInfo,
    MessageContext,
    Option,
    Owed,
    VoucherInfo,
)
from goodwill.recovery.models import Entitlement
from goodwill.store.bulk import chunks, select_in
from goodwill.vouchers.models import Voucher

LEASE = timedelta(minutes=5)
OPTION_WINDOW = timedelta(hours=48)
OPTIONS = 3
OPTION_EVENTS = frozenset({EventType.CANCELLATION.value, EventType.DENIED_BOARDING.value})
_M = OutboundMessage
# The template of a kind whose writer names none (an agent's answer is framed by `case_reply`).
KIND_TEMPLATES = {"case.reply": "case_reply"}


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    passenger_id: uuid.UUID
    channel: str
    kind: str
    template: str | None
    language: str
    subject: str | None
    body: str
    flight_event_id: uuid.UUID | None
    case_id: uuid.UUID | None
    idempotency_key: str
    attempts: int  # counting this one
    recipient: str | None = None


_CLAIM_COLUMNS = (
    _M.id,
    _M.passenger_id,
    _M.channel,
    _M.kind,
    _M.template,
    _M.language,
    _M.subject,
    _M.body,
    _M.flight_event_id,
    _M.case_id,
    _M.idempotency_key,
    _M.attempts,
    _M.recipient,
)


def claim_due(session: Session, *, now: datetime, limit: int = 200, lease: timedelta = LEASE) -> list[Claimed]:
    """Take up to `limit` due messages (a dead worker's first), leasing them to this worker for `lease`."""
    queries = (
        select(*_CLAIM_COLUMNS).where(_M.status == MessageStatus.SENDING.value, _M.next_attempt_at <= now),
        select(*_CLAIM_COLUMNS)
        .where(_M.status == MessageStatus.PENDING.value, _M.next_attempt_at <= now)
        .order_by(_M.next_attempt_at),
        # Fresh messages, in the order of the index on (status, next attempt): the order they were written.
        select(*_CLAIM_COLUMNS).where(
            _M.status == MessageStatus.PENDING.value,
            _M.next_attempt_at.is_(None),
            (_M.scheduled_at.is_(None)) | (_M.scheduled_at <= now),
        ),
    )
    rows: list[Any] = []
    for query in queries:
        if len(rows) >= limit:
            break
        rows.extend(session.execute(query.limit(limit - len(rows)).with_for_update(skip_locked=True)).all())
    for batch in chunks([r.id for r in rows]):
        session.execute(
            update(_M)
            .where(_M.id.in_(batch))
            .values(
                status=MessageStatus.SENDING.value,
                next_attempt_at=now + lease,
                attempts=_M.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    return [
        Claimed(
            r.id,
            r.passenger_id,
            r.channel,
            r.kind,
            r.template,
            r.language or "en",
            r.subject,
            r.body or "",
            r.flight_event_id,
            r.case_id,
            r.idempotency_key,
            int(r.attempts or 0) + 1,
            r.recipient,
        )
        for r in rows
    ]


# ---- reading what a message needs, in bulk ----------------------------------------------------------------


@dataclass
class Work:
    """One claimed message with what it needs: what to say, to whom, and the decision where."""

    claimed: Claimed
    context: MessageContext
    recipient: Recipient
    identities: dict[str, str] = field(default_factory=dict)  # channel -> identity id
    decision: Decision | None = None
    superseded: bool = False
    erased: bool = False


def _airports(session: Session, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    return {
        code: (city, tz)
        for code, city, tz in select_in(
            session, lambda b: select(Airport.iata, Airport.city, Airport.tz).where(Airport.iata.in_(b)), set(codes)
        )
    }


def _contacts(session: Session, pids: set[uuid.UUID]) -> dict[uuid.UUID, dict[str, Address]]:
    rows = list(
        select_in(
            session,
            lambda b: select(
                PassengerIdentity.passenger_id,
                PassengerIdentity.id,
                PassengerIdentity.kind,
                PassengerIdentity.value,
                PassengerIdentity.is_primary,
            ).where(
                PassengerIdentity.passenger_id.in_(b),
                PassengerIdentity.kind.in_((IdentityKind.EMAIL.value, IdentityKind.PHONE.value, "loyalty")),
            ),
            pids,
        )
    )
    bounced = {
        i
        for (i,) in select_in(
            session,
            lambda b: select(AddressBounce.identity_id).where(AddressBounce.identity_id.in_(b)),
            {r.id for r in rows},
        )
    }
    channel_of = {IdentityKind.EMAIL.value: "email", IdentityKind.PHONE.value: "sms", "loyalty": "push"}
    found: dict[uuid.UUID, dict[str, Address]] = defaultdict(dict)
    for r in sorted(rows, key=lambda r: (not r.is_primary, str(r.id))):
        channel = channel_of[r.kind]
        have = found[r.passenger_id].get(channel)
        if have is None or (have.bounced and r.id not in bounced):
            found[r.passenger_id][channel] = Address(channel, r.value, str(r.id), bounced=r.id in bounced)
    return found


def _consents(session: Session, pids: set[uuid.UUID]) -> dict[uuid.UUID, dict[tuple[str, str], bool]]:
    found: dict[uuid.UUID, dict[tuple[str, str], bool]] = defaultdict(dict)
    for pid, channel, purpose, granted in select_in(
        session,
        lambda b: select(Consent.passenger_id, Consent.channel, Consent.purpose, Consent.granted).where(
            Consent.passenger_id.in_(b)
        ),
        pids,
    ):
        found[pid][(channel, purpose)] = bool(granted)
    return found


def _owed(
    session: Session, pairs: set[tuple[uuid.UUID, uuid.UUID]]
) -> tuple[dict[tuple[uuid.UUID, uuid.UUID], list[Owed]], dict[tuple[uuid.UUID, uuid.UUID], list[VoucherInfo]]]:
    """Granted entitlements and their vouchers per (passenger, flight)."""
    owed: dict[tuple[uuid.UUID, uuid.UUID], list[Owed]] = defaultdict(list)
    by_entitlement: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
    flights = {f for _p, f in pairs}
    rows = select_in(
        session,
        lambda b: (
            select(
                Entitlement.id,
                Entitlement.passenger_id,
                Entitlement.flight_id,
                Entitlement.kind,
                Entitlement.regime,
                Entitlement.legal_basis,
                Entitlement.amount_minor,
                Entitlement.currency,
                Entitlement.form,
                Entitlement.care,
            )
            .where(Entitlement.passenger_id.in_(b), Entitlement.flight_id.in_(flights), Entitlement.status == "granted")
            .order_by(Entitlement.id)
        ),
        {p for p, _f in pairs},
    )
    for r in rows:
        key = (r.passenger_id, r.flight_id)
        if key not in pairs:
            continue
        amount = Money(int(r.amount_minor), r.currency) if r.amount_minor is not None and r.currency else None
        owed[key].append(Owed(r.kind, r.regime, r.legal_basis, amount, r.form, tuple(r.care or ())))
        by_entitlement[r.id] = key
    vouchers: dict[tuple[uuid.UUID, uuid.UUID], list[VoucherInfo]] = defaultdict(list)
    for code, kind, minor, currency, expires, entitlement_id in select_in(
        session,
        lambda b: select(
            Voucher.code,
            Voucher.kind,
            Voucher.face_value_minor,
            Voucher.currency,
            Voucher.expires_at,
            Voucher.entitlement_id,
        ).where(Voucher.entitlement_id.in_(b)),
        set(by_entitlement),
    ):
        vouchers[by_entitlement[entitlement_id]].append(
            VoucherInfo(code, Money(int(minor), currency), kind, expires.date() if expires else None)
        )
    return owed, vouchers


def _options(
    session: Session, flights: Mapping[uuid.UUID, Any], tz: Mapping[str, str]
) -> dict[uuid.UUID, list[Option]]:
    found: dict[uuid.UUID, list[Option]] = {}
    for fid, f in flights.items():
        start = f.scheduled_departure
        days = {(start + timedelta(days=d)).date() for d in range(-1, 3)}
        rows = session.execute(
            select(Flight.carrier, Flight.number, Flight.scheduled_departure)
            .where(
                Flight.operating_date.in_(days),
                Flight.origin == f.origin,
                Flight.destination == f.destination,
                Flight.scheduled_departure > start,
                Flight.scheduled_departure <= start + OPTION_WINDOW,
                Flight.status != FlightStatus.CANCELLED.value,
            )
            .order_by(Flight.scheduled_departure)
            .limit(OPTIONS)
        ).all()
        zone = policy.zone(tz.get(f.origin))
        found[fid] = [Option(f"{c} {n}", d.astimezone(zone)) for c, n, d in rows]
    return found


def prepare(session: Session, claimed: Sequence[Claimed], *, now: datetime, airline: str) -> list[Work]:
    """Everything the claimed messages need, read in bulk, and each one's decision."""
    pids = {c.passenger_id for c in claimed}
    passengers = {
        r.id: r
        for r in select_in(
            session,
            lambda b: select(
                Passenger.id,
                Passenger.first_name,
                Passenger.last_name,
                Passenger.language,
                Passenger.tier,
                Passenger.home_airport,
                Passenger.preferences,
                Passenger.status,
            ).where(Passenger.id.in_(b)),
            pids,
        )
    }
    events = {
        e.id: e
        for e in select_in(
            session,
            lambda b: select(
                FlightEvent.id,
                FlightEvent.flight_id,
                FlightEvent.type,
                FlightEvent.cause,
                FlightEvent.cause_detail,
                FlightEvent.departure_delay_minutes,
                FlightEvent.arrival_delay_minutes,
                FlightEvent.tarmac_minutes,
                FlightEvent.diverted_to,
            ).where(FlightEvent.id.in_(b)),
            {c.flight_event_id for c in claimed if c.flight_event_id},
        )
    }
    flights = {
        f.id: f
        for f in select_in(
            session,
            lambda b: select(
                Flight.id,
                Flight.carrier,
                Flight.number,
                Flight.origin,
                Flight.destination,
                Flight.scheduled_departure,
                Flight.scheduled_arrival,
                Flight.estimated_departure,
            ).where(Flight.id.in_(b)),
            {e.flight_id for e in events.values()},
        )
    }
    codes = {f.origin for f in flights.values()} | {f.destination for f in flights.values()}
    codes |= {e.diverted_to for e in events.values() if e.diverted_to}
    codes |= {p.home_airport for p in passengers.values() if p.home_airport}
    airports = _airports(session, codes)
    tz = {code: zone for code, (_city, zone) in airports.items()}
    contacts = _contacts(session, pids)
    consents = _consents(session, pids)
    flight_of = {c.id: events[c.flight_event_id].flight_id for c in claimed if c.flight_event_id in events}
    pairs = {(c.passenger_id, flight_of[c.id]) for c in claimed if c.id in flight_of}
    owed, vouchers = _owed(session, pairs)
    case_keys = {f"recovery:{fid.hex}:{pid.hex}": (pid, fid) for pid, fid in pairs}
    case_ids = {c.case_id for c in claimed if c.case_id}
    references: dict[Any, str] = {}
    for cid, reference, key in select_in(
        session,
        lambda b: select(Case.id, Case.reference, Case.dedupe_key).where(Case.dedupe_key.in_(b)),
        set(case_keys),
    ):
        references[case_keys[key]] = reference
        references[cid] = reference
    for cid, reference in select_in(session, lambda b: select(Case.id, Case.reference).where(Case.id.in_(b)), case_ids):
        references[cid] = reference
    wishes: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    for pid, fid, occasion in select_in(
        session,
        lambda b: (
            select(Wish.passenger_id, Segment.flight_id, Wish.occasion)
            .join(Segment, Segment.booking_id == Wish.booking_id)
            .where(Wish.passenger_id.in_(b), Segment.flight_id.in_({f for _p, f in pairs}))
        ),
        {p for p, _f in pairs},
    ):
        wishes.setdefault((pid, fid), occasion)
    # Other messages about the same events: an earlier one sent makes this an update; a newer one supersedes it.
    claimed_ids = {c.id for c in claimed}
    sent_before: set[tuple[uuid.UUID, uuid.UUID]] = set()
    newest: dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID] = {}
    event_ids = {c.flight_event_id for c in claimed if c.flight_event_id}
    for mid, pid, eid, status in select_in(
        session,
        lambda b: select(_M.id, _M.passenger_id, _M.flight_event_id, _M.status).where(
            _M.passenger_id.in_(b),
            _M.flight_event_id.in_(event_ids),
            _M.status.in_((MessageStatus.PENDING.value, MessageStatus.SENDING.value, MessageStatus.SENT.value)),
        ),
        {c.passenger_id for c in claimed if c.flight_event_id},
    ):
        key = (pid, eid)
        if status == MessageStatus.SENT.value and mid not in claimed_ids:
            sent_before.add(key)
        if key not in newest or mid > newest[key]:
            newest[key] = mid
    event_flights = {fid: flights[fid] for c in claimed if (fid := flight_of.get(c.id)) and fid in flights}
    options = _options(
        session,
        {
            fid: f
            for fid, f in event_flights.items()
            if any(events[c.flight_event_id].type in OPTION_EVENTS for c in claimed if flight_of.get(c.id) == fid)
        },
        tz,
    )
    work: list[Work] = []
    for c in claimed:
        person = passengers.get(c.passenger_id)
        preferences = dict(person.preferences or {}) if person else {}
        event = events.get(c.flight_event_id) if c.flight_event_id else None
        flight = flights.get(event.flight_id) if event else None
        flight_info = event_info = None
        pair = (c.passenger_id, flight.id) if flight else None
        if flight is not None and event is not None:
            origin_zone = policy.zone(tz.get(flight.origin))
            flight_info = FlightInfo(
                code=f"{flight.carrier} {flight.number}",
                origin=flight.origin,
                origin_city=airports.get(flight.origin, (flight.origin, ""))[0],
                destination=flight.destination,
                destination_city=airports.get(flight.destination, (flight.destination, ""))[0],
                departs=flight.scheduled_departure.astimezone(origin_zone),
                arrives=flight.scheduled_arrival.astimezone(policy.zone(tz.get(flight.destination))),
            )
            new_departure = flight.estimated_departure
            if new_departure is None and event.departure_delay_minutes:
                new_departure = flight.scheduled_departure + timedelta(minutes=event.departure_delay_minutes)
            event_info = EventInfo(
                type=event.type,
                cause=event.cause,
                cause_detail=event.cause_detail,
                departure_delay_minutes=event.departure_delay_minutes,
                arrival_delay_minutes=event.arrival_delay_minutes,
                tarmac_minutes=event.tarmac_minutes,
                diverted_to_city=airports.get(event.diverted_to, (None, ""))[0] if event.diverted_to else None,
                new_departure=new_departure.astimezone(origin_zone) if new_departure else None,
            )
        named = c.template or KIND_TEMPLATES.get(c.kind)
        template = named if (flight_info or not (named or "").startswith("disruption_")) else None
        context = MessageContext(
            template=template or "",
            language=c.language or (person.language if person else "en"),
            first_name=person.first_name if person else "",
            last_name=person.last_name if person else "",
            tier=person.tier if person else "none",
            airline=airline,
            flight=flight_info,
            event=event_info,
            owed=tuple(owed.get(pair, ())) if pair else (),
            vouchers=tuple(vouchers.get(pair, ())) if pair else (),
            options=tuple(options.get(flight.id, ())) if flight else (),
            case_reference=references.get(c.case_id) or (references.get(pair) if pair else None),
            wish_occasion=wishes.get(pair) if pair else None,
            update=bool(c.flight_event_id and (c.passenger_id, c.flight_event_id) in sent_before),
            stored_subject=c.subject,
            stored_body=c.body,
            channel=c.channel,
        )
        timezone = preferences.get("timezone")
        if not isinstance(timezone, str):
            home = person.home_airport if person else None
            timezone = tz.get(home or "") or (tz.get(flight.origin) if flight else None) or "UTC"
        recipient = Recipient(
            addresses=contacts.get(c.passenger_id, {}),
            consents=consents.get(c.passenger_id, {}),
            preferences=preferences,
            timezone=timezone,
        )
        item = Work(c, context, recipient)
        item.erased = person is None or person.status == PassengerStatus.ERASED.value
        if c.flight_event_id is not None:
            item.superseded = newest.get((c.passenger_id, c.flight_event_id), c.id) > c.id
        if not item.erased and not item.superseded:
            item.decision = policy.decide(
                kind=c.kind,
                asked_channel=c.channel,
                recipient=recipient,
                now=now,
                departs_at=flight.scheduled_departure if flight else None,
            )
        work.append(item)
    return work
