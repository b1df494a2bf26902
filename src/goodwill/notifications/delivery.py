"""Sending claimed messages and recording what became of each (ADR 0020): written at send time, routed by the
policy, handed to a channel; a message that leaves the building is recorded at once, the console's together."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from goodwill.notifications import rendering, replies
from goodwill.notifications.channels import Bounced, Channel, Envelope, Unavailable
from goodwill.notifications.models import AddressBounce, MessageStatus, OutboundMessage
from goodwill.notifications.outbox import LEASE, Claimed, Work, claim_due, prepare
from goodwill.notifications.policy import Address, Outcome
from goodwill.notifications.rendering import Rendered
from goodwill.store.bulk import chunks
from goodwill.webhooks import signing

SURVEY_KIND = "survey.invitation"
SURVEY_LINK = re.compile(r"(/s/)[A-Za-z0-9_\-]{16,}")
SENT_LINK = r"\1(sent)"
_M = OutboundMessage


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


_RECORD = (
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


def record(session: Session, results: Sequence[Result], *, now: datetime) -> int:
    """Write the outcomes of claimed messages (only rows still `sending`: a row another worker took over after
    our lease ran out is theirs); mark bounced addresses. Returns the rows written."""
    if not results:
        return 0
    session.connection().execute(
        _RECORD,
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
    parts = ("subject", "body") if name == "email" else ("subject", "short")
    rendered = rendering.render(replace(item.context, channel=name), parts)
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
        if channel.external:
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
