"""Casework on the demo airline for the agent's pages: feedback from passengers, analysed, taken through the real
closed loop (which opens the cases with their service levels), some cases assigned, one urgent case opened by
hand. The demo seeds no feedback and no case, so the tests make what they look at."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from goodwill.bookings.models import BookingPassenger
from goodwill.cases import service as cases
from goodwill.cases import workflow
from goodwill.cases.models import Case
from goodwill.customers.models import Passenger
from goodwill.demo import storm
from goodwill.kit.time import utc_now
from goodwill.listening import closing
from goodwill.listening.models import Feedback
from goodwill.listening.service import FeedbackRecord, content_hash, record_feedback
from goodwill.recovery import catalogue
from goodwill.store.db import make_session_factory, unit_of_work

COMPLAINTS = (
    (2, "My flight was cancelled and nobody told me anything. I waited nine hours at JFK.", ["delays_cancellations"]),
    (1, "My bag never arrived in Fort Lauderdale and I have no clothes for the wedding.", ["lost_baggage"]),
    (5, "The crew was kind but the refund you promised has not come.", ["refunds_compensation"]),
    (0, "Worst trip ever: delayed twice, rude staff at the gate.", ["staff", "delays_cancellations"]),
)


@dataclass(frozen=True)
class Casework:
    passenger_ids: list[uuid.UUID]  # the complainants, in the order of COMPLAINTS
    mine: str  # assigned to the agent
    team_unassigned: str  # the agent's team's, nobody's yet
    other: str  # another team's
    urgent: str  # opened by hand, urgent: about to breach; assigned to the agent
    urgent_passenger: uuid.UUID


def travellers(session: Session, count: int) -> list[uuid.UUID]:
    """Active passengers who have booked, in a stable order."""
    return list(
        session.scalars(
            select(Passenger.id)
            .where(Passenger.status == "active", Passenger.id.in_(select(BookingPassenger.passenger_id)))
            .order_by(Passenger.id)
            .limit(count)
        )
    )


def run_blizzard(engine: Engine) -> uuid.UUID:
    """Replay the blizzard of 8-9 February 2013 over the stored airline (`goodwill storm replay`): events,
    entitlements, messages and recovery cases. Returns the passenger of the first recovery case."""
    factory = make_session_factory(engine)
    storm.replay(lambda: unit_of_work(factory), storm.blizzard_events(), policies=catalogue.policies(), now=utc_now)
    with unit_of_work(factory) as session:
        found = session.scalar(
            select(Case.passenger_id)
            .where(Case.type == "disruption_recovery", Case.passenger_id.is_not(None))
            .order_by(Case.reference)
            .limit(1)
        )
    assert found is not None, "the blizzard opened a recovery case"
    return found


def make_casework(engine: Engine, *, agent: str, team: str, now: datetime | None = None) -> Casework:
    now = now or utc_now()
    with unit_of_work(make_session_factory(engine)) as session:
        people = travellers(session, len(COMPLAINTS) + 1)
        complainants, urgent_person = people[: len(COMPLAINTS)], people[-1]
        items = [
            FeedbackRecord(
                channel="survey",
                external_id=content_hash(text),
                content_hash=content_hash(text),
                source="test",
                received_at=now - timedelta(hours=3 - i * 0.5),
                text=text,
                nps=nps,
                csat=None,
                author=None,
                passenger_id=pid,
                flight_id=None,
                booking_id=None,
            )
            for i, ((nps, text, _topics), pid) in enumerate(zip(COMPLAINTS, complainants, strict=True))
        ]
        record_feedback(session, items=items, now=now)
        for (_nps, text, topics), _pid in zip(COMPLAINTS, complainants, strict=True):
            session.execute(
                update(Feedback)
                .where(Feedback.content_hash == content_hash(text))
                .values(
                    sentiment="negative",
                    sentiment_score=-0.8,
                    sentiment_confidence=0.9,
                    topics=topics,
                    language="en",
                    is_spam=False,
                    analysis_model="test",
                )
            )
        report = closing.close_loop(session, now=now)
        mine, team_unassigned, other = report.opened[:3]
        workflow.assign(session, reference=mine, team=team, assignee=agent, actor="test", now=now)
        workflow.assign(session, reference=team_unassigned, team=team, assignee=None, actor="test", now=now)
        workflow.assign(session, reference=other, team="baggage", assignee=None, actor="test", now=now)
        tier = session.scalar(select(Passenger.tier).where(Passenger.id == urgent_person))
        urgent = cases.open_case(
            session,
            type="complaint",
            priority="urgent",
            subject="Child travelling alone missed the connection",
            passenger_id=urgent_person,
            tier=tier,
            now=now - timedelta(minutes=20),
            actor="test",
            team=team,
        )
        urgent.assignee = agent
        return Casework(complainants, mine, team_unassigned, other, urgent.reference, urgent_person)
