"""The closed loop: analysed feedback that needs a person gets one, on a case with a service level.

`close_loop` takes the feedback that is ready and not yet looped, oldest first, and for each:

- when it names a passenger, writes it on their timeline as an inbound Interaction (once: its external id is
  `feedback:<id>`), on their case when it has one;
- when `loop.decide` says it needs a person, joins the passenger's open case (any open case, a disruption's
  too: one conversation per person) or opens a complaint, baggage or compensation case with its SLA due
  times (once: the case's dedupe key is `feedback:<id>`). Feedback naming no passenger still opens a case,
  with the message on it, for an agent to identify the author: a person must hear an angry or urgent voice
  whether or not the software recognised it;
- marks it looped (`looped_at`), so a rerun finds nothing to do.

Ready means analysed (a sentiment or a spam judgement is stored, or the analysis model is named), or a survey
answer with no words to analyse. The analysis is read as stored: an agent's later correction does not reopen
the loop for that feedback.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.cases import service as cases
from goodwill.cases import sla
from goodwill.cases.models import Case, Direction, Interaction, InteractionChannel
from goodwill.customers.models import Passenger
from goodwill.listening import loop
from goodwill.listening.models import Feedback, FeedbackChannel
from goodwill.webhooks import service as webhooks

ACTOR = "listening.loop"
BATCH = 500

_CHANNELS = {
    FeedbackChannel.SURVEY.value: InteractionChannel.SURVEY.value,
    FeedbackChannel.EMAIL.value: InteractionChannel.EMAIL.value,
    FeedbackChannel.SOCIAL.value: InteractionChannel.SOCIAL.value,
    FeedbackChannel.CHAT.value: InteractionChannel.CHAT.value,
}
_CASE_SUBJECTS = {"baggage": "Baggage", "compensation_claim": "Compensation claim", "complaint": "Complaint"}


@dataclass
class LoopReport:
    """What one run of the loop did."""

    examined: int = 0
    needing_person: int = 0
    cases_opened: int = 0
    cases_joined: int = 0
    priorities_raised: int = 0
    timeline_entries: int = 0
    spam_skipped: int = 0
    opened: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "examined": self.examined,
            "needing_person": self.needing_person,
            "cases_opened": self.cases_opened,
            "cases_joined": self.cases_joined,
            "priorities_raised": self.priorities_raised,
            "timeline_entries": self.timeline_entries,
            "spam_skipped": self.spam_skipped,
            "opened": self.opened,
            "joined": sorted(set(self.joined)),
        }


def _ready() -> list[ColumnElement[bool]]:
    return [
        Feedback.looped_at.is_(None),
        or_(
            Feedback.sentiment.is_not(None),
            Feedback.is_spam.is_not(None),
            Feedback.analysis_model.is_not(None),
            Feedback.text == "",
        ),
    ]


def pending_count(session: Session) -> int:
    """How much feedback is ready for the loop and not yet looped."""
    return int(session.scalar(select(func.count()).select_from(Feedback).where(*_ready())) or 0)


def facts_of(feedback: Feedback, tier: str | None) -> loop.FeedbackFacts:
    return loop.FeedbackFacts(
        nps=feedback.nps,
        sentiment=feedback.sentiment,
        sentiment_score=feedback.sentiment_score,
        sentiment_confidence=feedback.sentiment_confidence,
        urgency=tuple(feedback.urgency or ()),
        topics=tuple(feedback.topics or ()),
        is_spam=feedback.is_spam,
        tier=tier,
    )


def _subject(decision: loop.LoopDecision, feedback: Feedback) -> str:
    kind = _CASE_SUBJECTS.get(decision.case_type or "complaint", "Complaint")
    topics = ", ".join(t.replace("_", " ") for t in feedback.topics or ()) or None
    why = ", ".join(r.replace("_", " ") for r in decision.reasons)
    return f"{kind} from {feedback.channel}: {why}" + (f" ({topics})" if topics else "")


def _timeline(session: Session, feedback: Feedback, case: Case | None, decision: loop.LoopDecision) -> None:
    session.add(
        Interaction(
            passenger_id=feedback.passenger_id,
            case_id=case.id if case else None,
            channel=_CHANNELS.get(feedback.channel, InteractionChannel.WEB.value),
            direction=Direction.INBOUND.value,
            occurred_at=feedback.received_at,
            subject=None,
            body=feedback.text,
            author=(feedback.author or None) and feedback.author[:80],
            external_id=f"feedback:{feedback.id}",
            flight_id=feedback.flight_id,
            details={
                "feedback_id": str(feedback.id),
                "source": feedback.source,
                "nps": feedback.nps,
                "csat": feedback.csat,
                "reasons": list(decision.reasons),
            },
        )
    )


def close_loop(
    session: Session, *, now: datetime, policy: sla.SlaPolicy = sla.DEFAULT_POLICY, limit: int | None = None
) -> LoopReport:
    """Give every analysed feedback that needs a person a case with an SLA, and put every feedback with a passenger
    on their timeline; once per feedback."""
    report = LoopReport()
    while limit is None or report.examined < limit:
        size = BATCH if limit is None else min(BATCH, limit - report.examined)
        # Taken by this transaction: on PostgreSQL a feedback another loop holds is skipped (FOR UPDATE SKIP
        # LOCKED), so two workers never judge one feedback twice; SQLite's single writer takes turns.
        ready = select(Feedback).where(*_ready()).order_by(Feedback.received_at, Feedback.id).limit(size)
        batch = list(session.scalars(ready.with_for_update(skip_locked=True)))
        if not batch:
            break
        _loop_batch(session, batch, report, now=now, policy=policy)
        session.flush()
    return report


def _hold_case_counter(session: Session) -> None:
    """Lock the case counter until the transaction ends (taking no reference). On a database that has never
    opened a case, a loop running at the same time may create the counter first: then wait for theirs."""
    try:
        with session.begin_nested():
            cases.next_references(session, 0)
    except IntegrityError:
        cases.next_references(session, 0)


def _loop_batch(
    session: Session, batch: list[Feedback], report: LoopReport, *, now: datetime, policy: sla.SlaPolicy
) -> None:
    passenger_ids = {f.passenger_id for f in batch if f.passenger_id is not None}
    tiers: dict[uuid.UUID, str] = {}
    if passenger_ids:
        rows = session.execute(select(Passenger.id, Passenger.tier).where(Passenger.id.in_(passenger_ids)))
        tiers = {row[0]: row[1] for row in rows}
    decisions = [loop.decide(facts_of(f, tiers.get(f.passenger_id) if f.passenger_id else None)) for f in batch]
    if any(d.needs_person for d in decisions):
        # Hold the case counter before reading who has an open case: a loop running at the same time (another
        # worker's) opens its cases and commits first, and this one then sees them and joins them, so two
        # feedback of one passenger judged at once still make one conversation.
        _hold_case_counter(session)
    open_cases = cases.open_cases_of(session, passenger_ids=passenger_ids)
    written = set(
        session.scalars(
            select(Interaction.external_id).where(Interaction.external_id.in_([f"feedback:{f.id}" for f in batch]))
        )
    )
    detractors: list[Feedback] = []
    # The references of the cases this batch opens, taken at once: a feedback needing a person opens one unless
    # its passenger has an open case or an earlier feedback of the batch opened one.
    openers: set[uuid.UUID] = set(open_cases)
    opening = 0
    for feedback, decision in zip(batch, decisions, strict=True):
        if decision.needs_person and (feedback.passenger_id is None or feedback.passenger_id not in openers):
            opening += 1
            if feedback.passenger_id is not None:
                openers.add(feedback.passenger_id)
    references = iter(cases.next_references(session, opening) if opening else [])
    for feedback, decision in zip(batch, decisions, strict=True):
        report.examined += 1
        feedback.looped_at = now
        tier = tiers.get(feedback.passenger_id) if feedback.passenger_id else None
        if feedback.is_spam:
            report.spam_skipped += 1
            continue
        if "detractor" in decision.reasons:
            detractors.append(feedback)
        case: Case | None = None
        if decision.needs_person:
            report.needing_person += 1
            priority = decision.priority or "normal"
            case = open_cases.get(feedback.passenger_id) if feedback.passenger_id else None
            if case is not None:
                if cases.note_inbound(
                    session, case, reasons=list(decision.reasons), priority=priority, tier=tier,
                    feedback_id=feedback.id, now=now, actor=ACTOR, policy=policy,
                ):  # fmt: skip
                    report.priorities_raised += 1
                report.cases_joined += 1
                report.joined.append(case.reference)
            else:
                case = cases.open_case(
                    session,
                    type=decision.case_type or "complaint",
                    priority=priority,
                    subject=_subject(decision, feedback),
                    passenger_id=feedback.passenger_id,
                    tier=tier,
                    now=now,
                    actor=ACTOR,
                    team="customer_care",
                    flight_id=feedback.flight_id,
                    booking_id=feedback.booking_id,
                    origin={"trigger": "feedback", "feedback_id": str(feedback.id), "reasons": list(decision.reasons)},
                    dedupe_key=f"feedback:{feedback.id}",
                    policy=policy,
                    reference=next(references),
                )
                report.cases_opened += 1
                report.opened.append(case.reference)
                if feedback.passenger_id is not None:
                    open_cases[feedback.passenger_id] = case
            feedback.case_id = case.id
        if (feedback.passenger_id is not None or case is not None) and f"feedback:{feedback.id}" not in written:
            _timeline(session, feedback, case, decision)
            report.timeline_entries += 1
    if detractors:  # after the loop: each payload names the case the detractor got
        webhooks.emit(
            session,
            event_type="detractor.received",
            events=[(f"detractor.received:{f.id}", _detractor(f)) for f in detractors],
            now=now,
        )


def _detractor(feedback: Feedback) -> dict[str, Any]:
    """What a `detractor.received` webhook says (the words stay in Goodwill: the receiver asks for them)."""
    return {
        "feedback_id": str(feedback.id),
        "passenger_id": str(feedback.passenger_id) if feedback.passenger_id else None,
        "flight_id": str(feedback.flight_id) if feedback.flight_id else None,
        "case_id": str(feedback.case_id) if feedback.case_id else None,
        "channel": feedback.channel,
        "nps": feedback.nps,
        "received_at": feedback.received_at.isoformat(),
    }
