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

import uuid
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.customers.models import Passenger
from goodwill.errors import InvalidInput, NotFound
from goodwill.flights.models import FlightEvent
from goodwill.notifications import rendering
from goodwill.notifications.delivery import (
    SENT_LINK,
    SURVEY_KIND,
    SURVEY_LINK,
    DeliveryRun,
    Result,
    deliver_due,
    mark_bounced,
    record,
    release,
    send_one,
)
from goodwill.notifications.inbound import Inbound, find_replied_message, receive_bounce, receive_reply
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.notifications.outbox import LEASE, Claimed, Work, claim_due, prepare
from goodwill.notifications.rendering import Rendered

__all__ = [
    "LEASE",
    "SENT_LINK",
    "SURVEY_KIND",
    "SURVEY_LINK",
    "Claimed",
    "DeliveryRun",
    "Inbound",
    "Result",
    "Work",
    "claim_due",
    "deliver_due",
    "find_replied_message",
    "get_message",
    "mark_bounced",
    "messages",
    "prepare",
    "preview_event",
    "preview_message",
    "receive_bounce",
    "receive_reply",
    "record",
    "release",
    "retry",
    "send_one",
]


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
