"""Cases: open one with its service-level due times, note what the passenger said on it, answer it.

Every change leaves a CaseEvent on the case and an audit entry; the answer leaves an outbound Interaction on
the case and the passenger's timeline and a message in the outbox, once per idempotency key.
"""

from __future__ import annotations

import json
import tomllib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from goodwill.audit import service as audit
from goodwill.cases import sla
from goodwill.cases.models import Case, CaseCounter, CaseEvent, CaseStatus, Direction, Interaction, InteractionChannel
from goodwill.customers.models import Passenger
from goodwill.errors import Conflict, InvalidInput, NotFound, RuleViolation
from goodwill.kit.ids import new_id
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.webhooks import service as webhooks

OPEN_STATUSES = (CaseStatus.NEW.value, CaseStatus.OPEN.value, CaseStatus.WAITING_ON_PASSENGER.value)


class CaseNotFound(NotFound):
    """No case has this reference."""


class CaseHasNoPassenger(RuleViolation):
    """The case's passenger is not identified yet, so there is nobody to send an answer to."""


class ReplyKeyReused(Conflict):
    """An idempotency key already answered another case or with other words."""


def next_references(session: Session, count: int) -> list[str]:
    """Hand out `count` human-readable case references (C-0000001...), without database sequences."""
    counter = session.get(CaseCounter, "case", with_for_update=True)
    if counter is None:
        # The very first case: two transactions may both get here. The row is inserted unless it exists (the
        # second waits for the first to commit, then inserts nothing) and then read under the lock, so
        # neither fails and each gets its own numbers.
        dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
        session.execute(dialect.insert(CaseCounter).values(name="case", value=0).on_conflict_do_nothing())
        counter = session.get(CaseCounter, "case", with_for_update=True, populate_existing=True)
        if counter is None:  # pragma: no cover - inserted or there just above
            raise Conflict("the case counter could not be created")
    start = counter.value
    counter.value = start + count
    session.flush()
    return [f"C-{n:07d}" for n in range(start + 1, start + count + 1)]


def load_sla_policy(path: Path) -> sla.SlaPolicy:
    """An airline's SLA policy from a TOML or JSON file (`cases.sla` describes the keys)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: the SLA policy must be a table (object)")
    try:
        return sla.policy_from_mapping(data)
    except ValueError as exc:
        raise InvalidInput(f"{path}: {exc}") from exc


def record_step(
    session: Session, case: Case, *, kind: str, at: datetime, actor: str, details: dict[str, Any], to: str | None = None
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            at=at,
            kind=kind,
            actor=actor,
            from_status=case.status if to else None,
            to_status=to,
            details=details,
        )
    )


def opened_payload(
    *,
    case_id: uuid.UUID,
    reference: str,
    passenger_id: uuid.UUID | None,
    type: str,
    priority: str,
    subject: str,
    team: str | None,
    flight_id: uuid.UUID | None,
    first_response_due_at: datetime | None,
    resolution_due_at: datetime | None,
    origin: dict[str, Any],
) -> tuple[str, dict[str, Any]]:
    """The `case.opened` webhook event (key, payload): one shape wherever a case is opened."""
    return (
        f"case.opened:{case_id}",
        {
            "case_id": str(case_id),
            "reference": reference,
            "passenger_id": str(passenger_id) if passenger_id else None,
            "type": type,
            "priority": priority,
            "subject": subject,
            "team": team,
            "flight_id": str(flight_id) if flight_id else None,
            "first_response_due_at": first_response_due_at.isoformat() if first_response_due_at else None,
            "resolution_due_at": resolution_due_at.isoformat() if resolution_due_at else None,
            "origin": origin,
        },
    )


def open_case(
    session: Session,
    *,
    type: str,
    priority: str,
    subject: str,
    passenger_id: uuid.UUID | None,
    tier: str | None,
    now: datetime,
    actor: str,
    team: str | None = None,
    flight_id: uuid.UUID | None = None,
    booking_id: uuid.UUID | None = None,
    origin: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    policy: sla.SlaPolicy = sla.DEFAULT_POLICY,
    reference: str | None = None,
) -> Case:
    """Open a case with its first-response and resolution due times, and record its opening.

    `reference`: one handed out by `next_references` (a caller opening many cases takes them at once)."""
    due = sla.due_times(policy, priority=priority, tier=tier, opened_at=now)
    case = Case(
        id=new_id(),
        reference=reference or next_references(session, 1)[0],
        passenger_id=passenger_id,
        type=type,
        priority=priority,
        status=CaseStatus.NEW.value,
        subject=subject[:200],
        team=team,
        flight_id=flight_id,
        booking_id=booking_id,
        opened_at=now,
        first_response_due_at=due.first_response_due_at,
        resolution_due_at=due.resolution_due_at,
        origin=origin or {},
        dedupe_key=dedupe_key,
    )
    session.add(case)
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            kind="opened",
            actor=actor,
            from_status=None,
            to_status=CaseStatus.NEW.value,
            details={"priority": priority, "tier": tier or "none", **(origin or {})},
        )
    )
    audit.record(
        session, actor=actor, action="case.opened", entity_type="case", entity_id=str(case.id),
        details={"reference": case.reference, "type": type, "priority": priority},
    )  # fmt: skip
    webhooks.emit(
        session,
        event_type="case.opened",
        events=[
            opened_payload(
                case_id=case.id,
                reference=case.reference,
                passenger_id=passenger_id,
                type=type,
                priority=priority,
                subject=case.subject,
                team=team,
                flight_id=flight_id,
                first_response_due_at=case.first_response_due_at,
                resolution_due_at=case.resolution_due_at,
                origin=origin or {},
            )
        ],
        now=now,
    )
    return case


def get_case(session: Session, *, reference: str) -> Case:
    """The case with this reference (any case, surrounding spaces ignored), or CaseNotFound."""
    wanted = reference.strip().upper()
    case = session.scalar(select(Case).where(Case.reference == wanted))
    if case is None:
        raise CaseNotFound(f"no case {wanted}", reference=wanted)
    return case


def open_cases_of(session: Session, *, passenger_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Case]:
    """Each passenger's open case (new, open or waiting on them), the most recently opened when several."""
    ids = list(set(passenger_ids))
    found: dict[uuid.UUID, Case] = {}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(Case)
            .where(Case.passenger_id.in_(ids[start : start + 500]), Case.status.in_(OPEN_STATUSES))
            .order_by(Case.opened_at, Case.reference)
        )
        for case in rows:
            if case.passenger_id is not None:
                found[case.passenger_id] = case
    return found


def note_inbound(
    session: Session,
    case: Case,
    *,
    reasons: list[str],
    priority: str,
    tier: str | None,
    feedback_id: uuid.UUID,
    now: datetime,
    actor: str,
    policy: sla.SlaPolicy = sla.DEFAULT_POLICY,
) -> bool:
    """Join a new message of the passenger to their open case: a CaseEvent, and the priority raised (with due
    times moved earlier, never later) when the new reasons warrant it. Returns whether the priority rose."""
    record_step(
        session, case, kind="feedback_joined", at=now, actor=actor,
        details={"feedback_id": str(feedback_id), "reasons": reasons},
    )  # fmt: skip
    raised = sla.raise_priority(case.priority, priority)
    if raised == case.priority:
        audit.record(
            session, actor=actor, action="case.feedback_joined", entity_type="case", entity_id=str(case.id),
            details={"feedback_id": str(feedback_id)},
        )  # fmt: skip
        return False
    due = sla.due_times(policy, priority=raised, tier=tier, opened_at=case.opened_at)
    record_step(
        session, case, kind="priority_raised", at=now, actor=actor,
        details={"from": case.priority, "to": raised, "feedback_id": str(feedback_id)},
    )  # fmt: skip
    case.priority = raised
    if case.first_responded_at is None and (
        case.first_response_due_at is None or due.first_response_due_at < case.first_response_due_at
    ):
        case.first_response_due_at = due.first_response_due_at
    if case.resolution_due_at is None or due.resolution_due_at < case.resolution_due_at:
        case.resolution_due_at = due.resolution_due_at
    case.updated_at = now
    audit.record(
        session, actor=actor, action="case.feedback_joined", entity_type="case", entity_id=str(case.id),
        details={"feedback_id": str(feedback_id), "priority": raised},
    )  # fmt: skip
    return True


@dataclass(frozen=True)
class Reply:
    case: Case
    interaction: Interaction
    message: OutboundMessage
    replayed: bool


def reply_key(key: str) -> str:
    """The outbox idempotency key of an agent's answer made with the caller's key."""
    return f"case-reply:{key}"


def reply_to_case(
    session: Session,
    *,
    reference: str,
    body: str,
    author: str,
    idempotency_key: str,
    now: datetime,
    channel: str = InteractionChannel.EMAIL.value,
) -> Reply:
    """Answer the passenger on a case: an outbound Interaction on the case and their timeline, a message in the
    outbox, the first response time set, a CaseEvent. The same key again returns the first answer."""
    text = body.strip()
    if not text:
        raise InvalidInput("the answer is empty", problems=[{"loc": ["body", "body"], "msg": "must not be empty"}])
    if not idempotency_key or len(idempotency_key) > 100:
        raise InvalidInput(
            "the idempotency key must have 1 to 100 characters",
            problems=[{"loc": ["header", "Idempotency-Key"], "msg": "1 to 100 characters"}],
        )
    case = get_case(session, reference=reference)
    key = reply_key(idempotency_key)
    message = session.scalar(select(OutboundMessage).where(OutboundMessage.idempotency_key == key))
    if message is not None:
        interaction = session.scalar(select(Interaction).where(Interaction.message_id == message.id))
        if message.case_id != case.id or message.body != text or interaction is None:
            raise ReplyKeyReused(
                "this idempotency key already answered another case or with other words", reference=case.reference
            )
        return Reply(case, interaction, message, replayed=True)
    if case.passenger_id is None:
        raise CaseHasNoPassenger(
            f"case {case.reference} has no passenger yet: identify them before answering", reference=case.reference
        )
    passenger = session.get(Passenger, case.passenger_id)
    message = OutboundMessage(
        passenger_id=case.passenger_id,
        channel=channel,
        kind="case.reply",
        language=passenger.language if passenger else "en",
        subject=f"Re: {case.subject}"[:200],
        body=text,
        status=MessageStatus.PENDING.value,
        case_id=case.id,
        scheduled_at=now,
        idempotency_key=key,
    )
    session.add(message)
    session.flush()
    interaction = Interaction(
        passenger_id=case.passenger_id,
        case_id=case.id,
        channel=channel,
        direction=Direction.OUTBOUND.value,
        occurred_at=now,
        subject=message.subject,
        body=text,
        author=author[:80],
        external_id=key[:120],
        message_id=message.id,
        flight_id=case.flight_id,
        details={},
    )
    session.add(interaction)
    session.flush()
    first = case.first_responded_at is None
    to = CaseStatus.OPEN.value if case.status == CaseStatus.NEW.value else None
    record_step(
        session, case, kind="replied", at=now, actor=author, to=to,
        details={"interaction_id": str(interaction.id), "message_id": str(message.id), "first_response": first},
    )  # fmt: skip
    if first:
        case.first_responded_at = now
    if to:
        case.status = to
    case.updated_at = now
    audit.record(
        session, actor=author, action="case.replied", entity_type="case", entity_id=str(case.id),
        details={"reference": case.reference, "message_id": str(message.id)},
    )  # fmt: skip
    return Reply(case, interaction, message, replayed=False)
