"""The closed loop over stored feedback: a case with its SLA, or the passenger's open case joined; the
timeline; once per feedback."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.cases.models import Case, CaseEvent, Interaction
from goodwill.listening import closing
from goodwill.listening.models import Feedback
from tests.listening.loop_helpers import NOW, make_feedback, make_flight, make_passenger

ANGRY = {"sentiment": "negative", "sentiment_score": -0.9, "sentiment_confidence": 0.95}


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


class TestOpening:
    def test_a_detractor_opens_a_complaint_with_its_sla_and_lands_on_the_timeline(self, session: Session) -> None:
        ana = make_passenger(session)
        flight = make_flight(session)
        feedback = make_feedback(session, passenger_id=ana, flight_id=flight, nps=3, text="the crew ignored us",
                                 channel="survey", topics=["crew"])  # fmt: skip

        report = closing.close_loop(session, now=NOW)

        assert (report.examined, report.cases_opened, report.cases_joined, report.timeline_entries) == (1, 1, 0, 1)
        case = session.scalars(select(Case)).one()
        assert (case.type, case.priority, case.status, case.passenger_id, case.flight_id) == (
            "complaint", "normal", "new", ana, flight,
        )  # fmt: skip
        assert case.first_response_due_at == NOW + timedelta(hours=24)
        assert case.resolution_due_at == NOW + timedelta(hours=120)
        assert case.origin["reasons"] == ["detractor"]
        assert case.dedupe_key == f"feedback:{feedback.id}"
        assert session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all() == ["opened"]
        session.refresh(feedback)
        assert (feedback.case_id, feedback.looped_at) == (case.id, NOW)
        entry = session.scalars(select(Interaction)).one()
        assert (entry.passenger_id, entry.case_id, entry.direction, entry.channel, entry.body) == (
            ana, case.id, "inbound", "survey", "the crew ignored us",
        )  # fmt: skip

    def test_lost_baggage_opens_a_baggage_case_and_a_platinum_angry_one_is_urgent(self, session: Session) -> None:
        ben = make_passenger(session, tier="platinum")
        make_feedback(session, passenger_id=ben, topics=["lost_baggage"], **ANGRY)
        closing.close_loop(session, now=NOW)
        case = session.scalars(select(Case)).one()
        assert (case.type, case.priority) == ("baggage", "urgent")
        assert case.first_response_due_at == NOW + timedelta(minutes=30)  # 1 h halved for platinum

    def test_feedback_without_a_passenger_still_opens_a_case_with_the_message_on_it(self, session: Session) -> None:
        make_feedback(session, urgency=["medical"], text="my son needs his insulin, the bag is gone",
                      topics=["refunds_compensation"])  # fmt: skip
        closing.close_loop(session, now=NOW)
        case = session.scalars(select(Case)).one()
        assert (case.passenger_id, case.type, case.priority) == (None, "compensation_claim", "urgent")
        entry = session.scalars(select(Interaction)).one()
        assert (entry.passenger_id, entry.case_id) == (None, case.id)

    def test_content_feedback_lands_on_the_timeline_without_a_case(self, session: Session) -> None:
        ana = make_passenger(session)
        make_feedback(session, passenger_id=ana, nps=10, sentiment="positive", sentiment_score=0.9)
        anonymous = make_feedback(session, nps=9)
        report = closing.close_loop(session, now=NOW)
        assert (report.examined, report.cases_opened, report.timeline_entries) == (2, 0, 1)
        assert _count(session, Case) == 0
        assert session.scalars(select(Interaction.passenger_id)).all() == [ana]
        session.refresh(anonymous)
        assert anonymous.looped_at == NOW

    def test_spam_never_opens_a_case_nor_reaches_a_timeline(self, session: Session) -> None:
        ana = make_passenger(session, tier="platinum")
        make_feedback(session, passenger_id=ana, is_spam=True, nps=0, urgency=["medical"], **ANGRY)
        report = closing.close_loop(session, now=NOW)
        assert (report.spam_skipped, report.cases_opened, report.timeline_entries) == (1, 0, 0)
        assert _count(session, Case) == 0
        assert _count(session, Interaction) == 0

    def test_feedback_not_analysed_yet_waits(self, session: Session) -> None:
        make_feedback(session, nps=2, sentiment=None, sentiment_score=None, is_spam=None, text="awful")
        assert closing.close_loop(session, now=NOW).examined == 0
        assert closing.pending_count(session) == 0
        # A score with no words has nothing to analyse: it is ready as it is.
        make_feedback(session, nps=2, sentiment=None, sentiment_score=None, is_spam=None, text="")
        assert closing.pending_count(session) == 1
        assert closing.close_loop(session, now=NOW).cases_opened == 1


class TestJoining:
    def test_a_second_message_joins_the_open_case_and_raises_its_priority(self, session: Session) -> None:
        ana = make_passenger(session)
        first = make_feedback(session, passenger_id=ana, nps=4, received_at=NOW - timedelta(hours=2))
        closing.close_loop(session, now=NOW - timedelta(hours=1))
        case = session.scalars(select(Case)).one()
        assert case.priority == "normal"

        second = make_feedback(session, passenger_id=ana, urgency=["wedding"], text="my wedding is on Saturday")
        report = closing.close_loop(session, now=NOW)

        assert (report.cases_opened, report.cases_joined, report.priorities_raised) == (0, 1, 1)
        session.refresh(case)
        session.refresh(second)
        assert second.case_id == case.id == first.case_id
        assert case.priority == "high"
        opened_at = NOW - timedelta(hours=1)
        assert case.first_response_due_at == opened_at + timedelta(hours=4)  # moved earlier, from the opening
        kinds = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at))
        assert sorted(kinds) == ["feedback_joined", "opened", "priority_raised"]
        bodies = session.scalars(select(Interaction.body).where(Interaction.case_id == case.id)).all()
        assert sorted(bodies) == ["a message", "my wedding is on Saturday"]

    def test_a_lower_priority_message_joins_without_lowering(self, session: Session) -> None:
        ana = make_passenger(session)
        make_feedback(session, passenger_id=ana, urgency=["medical"], received_at=NOW - timedelta(hours=1))
        make_feedback(session, passenger_id=ana, nps=5)
        report = closing.close_loop(session, now=NOW)  # one run: the second joins the case the first opened
        assert (report.cases_opened, report.cases_joined, report.priorities_raised) == (1, 1, 0)
        assert session.scalars(select(Case.priority)).one() == "urgent"

    def test_a_resolved_case_is_not_joined(self, session: Session) -> None:
        ana = make_passenger(session)
        make_feedback(session, passenger_id=ana, nps=1, received_at=NOW - timedelta(days=3))
        closing.close_loop(session, now=NOW - timedelta(days=2))
        session.scalars(select(Case)).one().status = "resolved"
        make_feedback(session, passenger_id=ana, nps=1)
        report = closing.close_loop(session, now=NOW)
        assert (report.cases_opened, report.cases_joined) == (1, 0)


def test_a_rerun_opens_nothing_more(session: Session) -> None:
    ana = make_passenger(session)
    make_feedback(session, passenger_id=ana, nps=2)
    make_feedback(session, nps=0)
    make_feedback(session, passenger_id=make_passenger(session, first_name="Cy"), nps=10)
    first = closing.close_loop(session, now=NOW)
    counts = (_count(session, Case), _count(session, CaseEvent), _count(session, Interaction))
    again = closing.close_loop(session, now=NOW + timedelta(minutes=5))
    assert (first.examined, first.cases_opened, first.timeline_entries) == (3, 2, 3)  # the anonymous one: on its case
    assert (again.examined, again.cases_opened, again.cases_joined, again.timeline_entries) == (0, 0, 0, 0)
    assert (_count(session, Case), _count(session, CaseEvent), _count(session, Interaction)) == counts
    assert session.scalar(select(func.count()).where(Feedback.looped_at.is_(None))) == 0
