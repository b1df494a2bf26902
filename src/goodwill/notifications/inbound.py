"""What comes back from a message: a passenger's reply (on their timeline and the case), STOP by text, a late
bounce (ADR 0020)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from goodwill.cases import service as cases
from goodwill.cases import workflow
from goodwill.cases.models import Case, CaseStatus, Direction, Interaction
from goodwill.customers.models import Consent, IdentityKind, PassengerIdentity
from goodwill.errors import InvalidInput, NotFound
from goodwill.flights.models import FlightEvent
from goodwill.notifications import replies
from goodwill.notifications.delivery import mark_bounced
from goodwill.notifications.models import MessageStatus, OutboundMessage


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
