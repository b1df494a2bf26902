"""Delivering the outbox: claim what is due, write each message from what Goodwill knows now, send it on a
channel the passenger allows, record what happened (ADR 0019, docs/MESSAGES.md).

The writers of the outbox (the recovery fan-out, an agent's answer, a survey invitation) only say *that* a
passenger must hear about something; the words are written here, at send time, from the stored event, the
entitlements, the vouchers and the case (`rendering.render`). So a storm writes one small row per passenger,
and a message sent after a revision says what is true when it leaves.

- **Claim** (`claim_due`, one short transaction): due rows (pending and due, or `sending` whose lease has
  run out because a worker died) become `sending`, leased for `LEASE`, their attempt counted. PostgreSQL
  takes them `FOR UPDATE SKIP LOCKED`; SQLite's writes are serialised (`BEGIN IMMEDIATE`).
- **Decide** (`prepare`, a read): for each, the passenger's contact, consents and bounces, the event, flight,
  entitlements, vouchers, case, wish and other flights on the route are read in bulk; a message that a newer
  one about the same event supersedes is `replaced`; `policy.decide` chooses the channel, or holds the message
  for the quiet hours, or suppresses it.
- **Send and record**: a message that leaves the building (SMTP, the provider) is recorded in its own
  transaction as soon as the channel answers; the console channel's are recorded together at the end.
  A transient failure waits (1 min, 5 min, 30 min, 2 h, 6 h, 12 h) and then fails; a bounce marks the address
  and the message tries the passenger's next channel at once.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session

from goodwill.bookings.models import Segment
from goodwill.cases import service as cases
from goodwill.cases import workflow
from goodwill.cases.models import Case, CaseStatus, Direction, Interaction
from goodwill.customers.models import Consent, IdentityKind, Passenger, PassengerIdentity, PassengerStatus, Wish
from goodwill.errors import InvalidInput, NotFound
from goodwill.flights.models import Airport, EventType, Flight, FlightEvent, FlightStatus
from goodwill.kit.money import Money
from goodwill.notifications import policy, rendering, replies
from goodwill.notifications.channels import Bounced, Channel, Envelope, Unavailable
from goodwill.notifications.models import AddressBounce, MessageStatus, OutboundMessage
from goodwill.notifications.policy import Address, Decision, Outcome, Recipient
from goodwill.notifications.rendering import (
    EventInfo,
    FlightInfo,
    MessageContext,
    Option,
    Owed,
    Rendered,
    VoucherInfo,
)
from goodwill.recovery.models import Entitlement
from goodwill.store.bulk import chunks, select_in
from goodwill.vouchers.models import Voucher
from goodwill.webhooks import signing

LEASE = timedelta(minutes=5)
SURVEY_KIND = "survey.invitation"
SURVEY_LINK = re.compile(r"(/s/)[A-Za-z0-9_\-]{16,}")
SENT_LINK = r"\1(sent)"
OPTION_WINDOW = timedelta(hours=48)
OPTIONS = 3
OPTION_EVENTS = frozenset({EventType.CANCELLATION.value, EventType.DENIED_BOARDING.value})
_M = OutboundMessage


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
        template = c.template if (flight_info or not (c.template or "").startswith("disruption_")) else None
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


# ---- recording outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What became of one claimed message: its row's final values."""

    message_id: uuid.UUID
    status: str
    channel: str
    recipient: str | None
    subject: str | None
    body: str
    language: str
    attempts: int
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    provider_message_id: str | None = None
    bounce: tuple[str, str, str] | None = None  # (identity id, channel, reason)


def _retry_or_fail(c: Claimed, *, now: datetime, immediately: bool = False) -> tuple[str, datetime | None]:
    wait = signing.next_wait(c.attempts)
    if wait is None:
        return MessageStatus.FAILED.value, None
    return MessageStatus.PENDING.value, now if immediately else now + wait


def record(session: Session, results: Sequence[Result], *, now: datetime) -> int:
    """Write the outcomes of claimed messages (only rows still `sending`: a row another worker took over after
    our lease ran out is theirs); mark bounced addresses. Returns the rows written."""
    if not results:
        return 0
    statement = (
        update(_M)
        .where(_M.id == bindparam("_id"), _M.status == MessageStatus.SENDING.value)
        .values(
            status=bindparam("_status"),
            channel=bindparam("_channel"),
            recipient=bindparam("_recipient"),
            subject=bindparam("_subject"),
            body=bindparam("_body"),
            language=bindparam("_language"),
            attempts=bindparam("_attempts"),
            sent_at=bindparam("_sent_at"),
            next_attempt_at=bindparam("_next"),
            last_error=bindparam("_error"),
            provider_message_id=bindparam("_provider"),
            updated_at=bindparam("_now"),
        )
        .execution_options(synchronize_session=False)
    )
    session.connection().execute(
        statement,
        [
            {
                "_id": r.message_id,
                "_status": r.status,
                "_channel": r.channel,
                "_recipient": r.recipient,
                "_subject": r.subject,
                "_body": r.body,
                "_language": r.language,
                "_attempts": r.attempts,
                "_sent_at": r.sent_at,
                "_next": r.next_attempt_at,
                "_error": r.last_error,
                "_provider": r.provider_message_id,
                "_now": now,
            }
            for r in results
        ],
    )
    for r in results:
        if r.bounce is not None:
            mark_bounced(
                session, identity_id=uuid.UUID(r.bounce[0]), channel=r.bounce[1], reason=r.bounce[2],
                message_id=r.message_id, now=now,
            )  # fmt: skip
    return len(results)


def mark_bounced(
    session: Session, *, identity_id: uuid.UUID, channel: str, reason: str, message_id: uuid.UUID | None, now: datetime
) -> None:
    """Mark an address as bounced (once); messages stop using it."""
    if session.scalar(select(AddressBounce.id).where(AddressBounce.identity_id == identity_id)) is not None:
        return
    session.add(
        AddressBounce(
            identity_id=identity_id, channel=channel, reason=reason[:200], message_id=message_id, bounced_at=now
        )
    )
    session.flush()


def _kept(c: Claimed, status: str, *, error: str | None, attempts: int | None = None, **values: Any) -> Result:
    return Result(
        c.id, status, c.channel, c.recipient, c.subject, c.body, c.language,
        c.attempts if attempts is None else attempts, last_error=error, **values,
    )  # fmt: skip


def _route(item: Work) -> tuple[str, Address]:
    """The channel and address of a message that is to be sent."""
    decision = item.decision
    if decision is None or decision.channel is None or decision.address is None:
        raise RuntimeError(f"message {item.claimed.id} has no channel to be sent on")
    return decision.channel, decision.address


def outcome_without_sending(item: Work) -> Result | None:
    """The result of a message that is not sent now (replaced, held, suppressed), or None when it is to be sent."""
    c = item.claimed
    if item.erased:
        return _kept(c, MessageStatus.SUPPRESSED.value, error="passenger_erased")
    if item.superseded:
        return _kept(c, MessageStatus.REPLACED.value, error="a newer message about this event replaces it")
    decision = item.decision
    if decision is None:
        raise RuntimeError(f"message {c.id} was not decided")
    if decision.outcome is Outcome.SUPPRESS:
        return _kept(c, MessageStatus.SUPPRESSED.value, error=decision.reason)
    if decision.outcome is Outcome.DEFER:
        # Waiting for the quiet hours to end is not an attempt.
        return _kept(
            c, MessageStatus.PENDING.value, error=decision.reason, attempts=c.attempts - 1,
            next_attempt_at=decision.not_before,
        )  # fmt: skip
    return None


def envelope_for(item: Work, rendered: Rendered, *, server_secret: str) -> Envelope:
    channel, address = _route(item)
    email = channel == "email"
    return Envelope(
        message_id=item.claimed.id,
        channel=channel,
        to=address.value,
        subject=rendered.subject,
        body=rendered.body if email else rendered.short,
        language=rendered.language,
        reply_token=replies.token_for(server_secret, item.claimed.id),
        idempotency_key=item.claimed.idempotency_key,
    )


def send_one(item: Work, channel: Channel, *, server_secret: str, now: Callable[[], datetime]) -> Result:
    """Write the message, hand it to the channel, and say what became of it."""
    c = item.claimed
    name, address = _route(item)
    rendered = rendering.render(replace(item.context, channel=name))
    envelope = envelope_for(item, rendered, server_secret=server_secret)
    body = SURVEY_LINK.sub(SENT_LINK, envelope.body) if c.kind == SURVEY_KIND else envelope.body
    try:
        sent = channel.send(envelope)
    except Bounced as exc:
        status, at = _retry_or_fail(c, now=now(), immediately=True)
        bounce = (address.identity_id, name, str(exc)) if address.identity_id else None
        return Result(
            c.id, status, name, address.value, c.subject, c.body, c.language, c.attempts,
            next_attempt_at=at, last_error=f"bounced: {exc}"[:500], bounce=bounce,
        )  # fmt: skip
    except Unavailable as exc:
        status, at = _retry_or_fail(c, now=now())
        return Result(
            c.id, status, name, c.recipient, c.subject, c.body, c.language, c.attempts,
            next_attempt_at=at, last_error=str(exc)[:500],
        )  # fmt: skip
    return Result(
        c.id, MessageStatus.SENT.value, name, address.value, envelope.subject[:200], body,
        rendered.language, c.attempts, sent_at=now(), provider_message_id=sent.provider_message_id,
    )  # fmt: skip


@dataclass
class DeliveryRun:
    claimed: int = 0
    sent: int = 0
    deferred: int = 0
    suppressed: int = 0
    replaced: int = 0
    retrying: int = 0
    failed: int = 0
    bounced: int = 0
    released: int = 0

    def add(self, result: Result) -> None:
        if result.bounce is not None:
            self.bounced += 1
        if result.status == MessageStatus.SENT.value:
            self.sent += 1
        elif result.status == MessageStatus.SUPPRESSED.value:
            self.suppressed += 1
        elif result.status == MessageStatus.REPLACED.value:
            self.replaced += 1
        elif result.status == MessageStatus.FAILED.value:
            self.failed += 1
        elif result.last_error == "quiet_hours":
            self.deferred += 1
        else:
            self.retrying += 1

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def deliver_due(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    *,
    channels: Mapping[str, Channel],
    server_secret: str,
    airline: str,
    now: Callable[[], datetime],
    limit: int = 200,
    lease: timedelta = LEASE,
    on_sent: Callable[[Result], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> DeliveryRun:
    """One batch: claim, prepare, send, record. A message sent by a channel that leaves the building is recorded
    in its own transaction at once; the console channel's are recorded with the rest, at the end. When `stop`
    says so (a worker asked to finish), the messages not yet sent are given back at once."""
    run = DeliveryRun()
    with unit_of_work() as session:
        claimed = claim_due(session, now=now(), limit=limit, lease=lease)
    if not claimed:
        return run
    run.claimed = len(claimed)
    with unit_of_work() as session:
        work = prepare(session, claimed, now=now(), airline=airline)
    together: list[Result] = []
    for done, item in enumerate(work):
        if stop is not None and stop():
            if together:
                with unit_of_work() as session:
                    record(session, together, now=now())
                together = []
            with unit_of_work() as session:
                release(session, message_ids=[w.claimed.id for w in work[done:]], now=now())
            run.released = len(work) - done
            break
        result = outcome_without_sending(item)
        if result is not None:
            together.append(result)
            run.add(result)
            continue
        channel = channels[_route(item)[0]]
        result = send_one(item, channel, server_secret=server_secret, now=now)
        run.add(result)
        if getattr(channel, "external", True):
            with unit_of_work() as session:
                record(session, [result], now=now())
        else:
            together.append(result)
        if on_sent is not None and result.status == MessageStatus.SENT.value:
            on_sent(result)
    if together:
        with unit_of_work() as session:
            record(session, together, now=now())
    return run


def release(session: Session, *, message_ids: Sequence[uuid.UUID], now: datetime) -> int:
    """Give claimed messages back (a worker stopping cleanly before it sent them): pending at once, the attempt
    not counted."""
    total = 0
    for batch in chunks(list(message_ids)):
        result = session.execute(
            update(_M)
            .where(_M.id.in_(batch), _M.status == MessageStatus.SENDING.value)
            .values(status=MessageStatus.PENDING.value, next_attempt_at=now, attempts=_M.attempts - 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        total += int(getattr(result, "rowcount", 0) or 0)
    return total


# ---- previews ---------------------------------------------------------------------------------------------


def preview_event(
    session: Session,
    *,
    event_id: uuid.UUID,
    passenger_id: uuid.UUID,
    now: datetime,
    airline: str,
    language: str | None = None,
    channel: str = "email",
) -> Rendered:
    """What a passenger would read about a flight event if it were sent now (nothing is written)."""
    event = session.get(FlightEvent, event_id)
    if event is None:
        raise NotFound(f"no flight event {event_id}")
    passenger = session.get(Passenger, passenger_id)
    if passenger is None:
        raise NotFound(f"no passenger {passenger_id}")
    claimed = Claimed(
        id=uuid.UUID(int=0),
        passenger_id=passenger_id,
        channel=channel,
        kind=f"disruption.{event.type}",
        template=f"disruption_{event.type}",
        language=language or passenger.language,
        subject=None,
        body="",
        flight_event_id=event_id,
        case_id=None,
        idempotency_key="preview",
        attempts=0,
    )
    (item,) = prepare(session, [claimed], now=now, airline=airline)
    return rendering.render(replace(item.context, channel=channel))


def preview_message(
    session: Session, *, message_id: uuid.UUID, now: datetime, airline: str, language: str | None = None
) -> tuple[OutboundMessage, Rendered]:
    """A message as it was sent (when sent) or as it would be written if it left now."""
    message = session.get(OutboundMessage, message_id)
    if message is None:
        raise NotFound(f"no message {message_id}")
    if message.status == MessageStatus.SENT.value and language is None:
        text = message.body
        return message, Rendered(message.subject or "", text, text, message.language, message.template)
    claimed = Claimed(
        message.id, message.passenger_id, message.channel, message.kind, message.template,
        language or message.language, message.subject, message.body, message.flight_event_id, message.case_id,
        message.idempotency_key, message.attempts,
    )  # fmt: skip
    (item,) = prepare(session, [claimed], now=now, airline=airline)
    return message, rendering.render(item.context)


def get_message(session: Session, message_id: uuid.UUID) -> OutboundMessage:
    message = session.get(OutboundMessage, message_id)
    if message is None:
        raise NotFound(f"no message {message_id}")
    return message


def messages(
    session: Session,
    *,
    status: str | None = None,
    passenger_id: uuid.UUID | None = None,
    flight_event_id: uuid.UUID | None = None,
    limit: int = 50,
) -> list[OutboundMessage]:
    """The outbox, newest first."""
    if status is not None and status not in {s.value for s in MessageStatus}:
        raise InvalidInput(f"status: one of {', '.join(s.value for s in MessageStatus)}, not {status!r}")
    query = select(OutboundMessage)
    for column, value in (
        (OutboundMessage.status, status),
        (OutboundMessage.passenger_id, passenger_id),
        (OutboundMessage.flight_event_id, flight_event_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return list(session.scalars(query.order_by(OutboundMessage.id.desc()).limit(limit)))


def retry(session: Session, *, message_id: uuid.UUID, now: datetime) -> OutboundMessage:
    """Send a failed or suppressed message again, with a fresh round of attempts."""
    message = get_message(session, message_id)
    if message.status in (MessageStatus.FAILED.value, MessageStatus.SUPPRESSED.value):
        message.status = MessageStatus.PENDING.value
        message.attempts = 0
        message.next_attempt_at = now
        message.updated_at = now
        session.flush()
    return message


# ---- what comes back: replies and bounces -----------------------------------------------------------------


@dataclass(frozen=True)
class Inbound:
    interaction: Interaction
    message: OutboundMessage
    case_reference: str | None
    replayed: bool
    opted_out: bool


def find_replied_message(
    session: Session, *, server_secret: str, token: str | None, provider_message_id: str | None
) -> OutboundMessage:
    """The message a reply or receipt is about: by its reply token (or reply+ address), or the provider's id."""
    message = None
    if token:
        message_id = replies.message_of(server_secret, token)
        if message_id is not None:
            message = session.get(OutboundMessage, message_id)
    if message is None and provider_message_id:
        message = session.scalars(
            select(OutboundMessage).where(OutboundMessage.provider_message_id == provider_message_id).limit(1)
        ).first()
    if message is None:
        raise NotFound("no message of ours matches this reply (unknown token or provider message id)")
    return message


def _case_of(session: Session, message: OutboundMessage) -> Case | None:
    if message.case_id is not None:
        return session.get(Case, message.case_id)
    if message.flight_event_id is None:
        return None
    flight_id = session.scalar(select(FlightEvent.flight_id).where(FlightEvent.id == message.flight_event_id))
    if flight_id is None:
        return None
    return session.scalars(
        select(Case).where(Case.dedupe_key == f"recovery:{flight_id.hex}:{message.passenger_id.hex}")
    ).first()


def receive_reply(
    session: Session,
    *,
    server_secret: str,
    channel: str,
    external_id: str,
    body: str,
    now: datetime,
    token: str | None = None,
    provider_message_id: str | None = None,
    subject: str | None = None,
) -> Inbound:
    """A passenger's answer to one of our messages: an inbound interaction on their timeline and on the case the
    message belongs to (a case waiting on the passenger opens again). STOP by text withdraws consent to texts.
    The same external id again returns the first."""
    if not external_id or len(external_id) > 100:
        raise InvalidInput(
            "external_id: 1 to 100 characters",
            problems=[{"loc": ["body", "external_id"], "msg": "1 to 100 characters"}],
        )
    message = find_replied_message(
        session, server_secret=server_secret, token=token, provider_message_id=provider_message_id
    )
    key = f"reply:{channel}:{external_id}"
    case = _case_of(session, message)
    existing = session.scalars(select(Interaction).where(Interaction.external_id == key)).first()
    if existing is not None:
        return Inbound(existing, message, case.reference if case else None, replayed=True, opted_out=False)
    text = body.strip()
    stop = channel == "sms" and replies.is_stop(text)
    flight_id = None
    if message.flight_event_id is not None:
        flight_id = session.scalar(select(FlightEvent.flight_id).where(FlightEvent.id == message.flight_event_id))
    interaction = Interaction(
        passenger_id=message.passenger_id,
        case_id=case.id if case else None,
        channel=channel,
        direction=Direction.INBOUND.value,
        occurred_at=now,
        subject=(subject or (f"Re: {message.subject}" if message.subject else None) or "")[:200] or None,
        body=text,
        author="passenger",
        external_id=key,
        message_id=message.id,
        flight_id=flight_id or (case.flight_id if case else None),
        details={"in_reply_to": str(message.id), **({"opt_out": "sms"} if stop else {})},
    )
    session.add(interaction)
    session.flush()
    if stop:
        _refuse(session, passenger_id=message.passenger_id, channel="sms", now=now)
    if case is not None:
        cases.record_step(
            session, case, kind="passenger_replied", at=now, actor="passenger",
            details={"interaction_id": str(interaction.id), "message_id": str(message.id)},
        )  # fmt: skip
        if case.status == CaseStatus.WAITING_ON_PASSENGER.value:
            workflow.set_status(
                session, reference=case.reference, status=CaseStatus.OPEN.value, actor="passenger", now=now
            )
        case.updated_at = now
        session.flush()
    return Inbound(interaction, message, case.reference if case else None, replayed=False, opted_out=stop)


def _refuse(session: Session, *, passenger_id: uuid.UUID, channel: str, now: datetime) -> None:
    consent = session.scalars(
        select(Consent).where(
            Consent.passenger_id == passenger_id, Consent.channel == channel, Consent.purpose == "service"
        )
    ).first()
    if consent is None:
        session.add(
            Consent(passenger_id=passenger_id, channel=channel, purpose="service", granted=False, recorded_at=now,
                    source="reply:stop")
        )  # fmt: skip
    else:
        consent.granted = False
        consent.recorded_at = now
        consent.source = "reply:stop"
    session.flush()


def receive_bounce(
    session: Session,
    *,
    server_secret: str,
    reason: str,
    now: datetime,
    token: str | None = None,
    provider_message_id: str | None = None,
) -> OutboundMessage:
    """A bounce that came later (a delivery status notification, a provider's receipt): the address is marked,
    and the message tries the passenger's next channel."""
    message = find_replied_message(
        session, server_secret=server_secret, token=token, provider_message_id=provider_message_id
    )
    kind = {"email": IdentityKind.EMAIL.value, "sms": IdentityKind.PHONE.value, "push": "loyalty"}.get(message.channel)
    if kind and message.recipient:
        identity = session.scalars(
            select(PassengerIdentity.id).where(
                and_(PassengerIdentity.kind == kind, PassengerIdentity.value == message.recipient)
            )
        ).first()
        if identity is not None:
            mark_bounced(
                session, identity_id=identity, channel=message.channel, reason=reason, message_id=message.id, now=now
            )
    if message.status == MessageStatus.SENT.value:
        message.status = MessageStatus.PENDING.value
        message.next_attempt_at = now
        message.last_error = f"bounced: {reason}"[:500]
        message.updated_at = now
        session.flush()
    return message
