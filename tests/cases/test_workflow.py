"""A case's life: assignment, notes, status steps with their instants, the SLA clock paused while waiting on the
passenger, resolution codes, reopening, merging duplicates, the cost of the recovery, breach warnings, the SLA
report per team and agent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.cases import service as cases
from goodwill.cases import workflow
from goodwill.cases.hours import BusinessHours
from goodwill.cases.models import Case, CaseEvent, Interaction
from goodwill.customers.models import PassengerIdentity
from goodwill.errors import Conflict, InvalidInput
from goodwill.kit.money import Money
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import VoucherKind
from tests.imports.helpers import import_examples

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def _ana(session: Session) -> object:
    return session.scalars(
        select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
    ).one()


def _open(session: Session, *, priority: str = "normal", team: str | None = "care", at: datetime = T0) -> Case:
    return cases.open_case(
        session,
        type="complaint",
        priority=priority,
        subject="My bag never came",
        passenger_id=None,
        tier=None,
        now=at,
        actor="test",
        team=team,
    )


def _steps(session: Session, case: Case) -> list[tuple[str, str | None]]:
    return [
        (e.kind, e.to_status)
        for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at))
    ]


def test_each_step_is_recorded_with_its_instant(session: Session) -> None:
    case = _open(session)
    workflow.assign(session, reference=case.reference, team="baggage", assignee="agent-7", actor="lead", now=T0)
    workflow.add_note(session, reference=case.reference, body="Called WorldTracer", author="agent-7", now=T0)
    workflow.set_status(session, reference=case.reference, status="open", actor="agent-7", now=T0 + timedelta(hours=1))
    done = workflow.set_status(
        session,
        reference=case.reference,
        status="resolved",
        actor="agent-7",
        now=T0 + timedelta(hours=5),
        resolution_code="bag_delivered",
    )
    assert (done.team, done.assignee, done.status, done.resolution_code) == (
        "baggage",
        "agent-7",
        "resolved",
        "bag_delivered",
    )
    assert done.resolved_at == T0 + timedelta(hours=5)
    assert _steps(session, case) == [
        ("opened", "new"),
        ("assigned", None),
        ("noted", None),
        ("status_changed", "open"),
        ("status_changed", "resolved"),
    ]
    note = session.scalars(select(Interaction).where(Interaction.case_id == case.id)).one()
    assert note.internal


def test_resolving_needs_a_known_code_and_moves_follow_the_rules(session: Session) -> None:
    case = _open(session)
    with pytest.raises(InvalidInput, match="resolution_code"):
        workflow.set_status(session, reference=case.reference, status="resolved", actor="a", now=T0)
    workflow.set_status(
        session, reference=case.reference, status="resolved", actor="a", now=T0, resolution_code="explained"
    )
    reopened = workflow.set_status(session, reference=case.reference, status="open", actor="a", now=T0)
    assert (reopened.resolved_at, reopened.resolution_code) == (None, None)
    with pytest.raises(InvalidInput, match="status"):
        workflow.set_status(session, reference=case.reference, status="lost", actor="a", now=T0)


def test_waiting_on_the_passenger_pauses_the_clock(session: Session) -> None:
    case = _open(session, priority="normal")  # 24 h to answer, 120 h to resolve
    due = case.resolution_due_at
    first_due = case.first_response_due_at
    assert due is not None
    assert first_due is not None
    workflow.set_status(session, reference=case.reference, status="waiting_on_passenger", actor="a", now=T0)
    back = workflow.set_status(
        session, reference=case.reference, status="open", actor="a", now=T0 + timedelta(hours=30)
    )
    assert back.resolution_due_at == due + timedelta(hours=30)
    assert back.first_response_due_at == first_due + timedelta(hours=30)


def test_in_business_hours_only_open_time_is_paused(session: Session) -> None:
    hours = BusinessHours(
        week={d: (datetime.min.time().replace(hour=8), datetime.min.time().replace(hour=18)) for d in range(5)}
    )
    case = _open(session)
    due = case.resolution_due_at
    assert due is not None
    workflow.set_status(session, reference=case.reference, status="waiting_on_passenger", actor="a", now=T0)
    # Monday 09:00 to Tuesday 09:00: 10 open hours passed (Monday 09-18, Tuesday 08-09).
    back = workflow.set_status(
        session, reference=case.reference, status="open", actor="a", now=T0 + timedelta(days=1), hours=hours
    )
    assert back.resolution_due_at == hours.add(due, timedelta(hours=10))


def test_a_duplicate_merges_with_its_thread_and_money(session: Session) -> None:
    import_examples(session)
    ana = _ana(session)
    first, second = _open(session), _open(session)
    for c in (first, second):
        c.passenger_id = ana
    session.flush()
    workflow.add_note(session, reference=second.reference, body="Same bag, second call", author="a", now=T0)
    vouchers.issue_voucher(
        session, passenger_id=ana, amount=Money.parse("40.00", "USD"), kind=VoucherKind.VOUCHER,
        reason="goodwill", idempotency_key="merge-test", now=T0, case_id=second.id, actor="a",
    )  # fmt: skip
    survivor = workflow.merge(session, duplicate=second.reference, into=first.reference, actor="lead", now=T0)
    dup = cases.get_case(session, reference=second.reference)
    assert (dup.status, dup.merged_into_id, dup.resolution_code) == ("merged", survivor.id, "duplicate")
    assert (
        session.scalars(select(Interaction.case_id).where(Interaction.body == "Same bag, second call")).one()
        == first.id
    )
    assert workflow.cost(session, reference=first.reference).vouchers == {"USD": 4000}
    assert workflow.cost(session, reference=second.reference).total == {}
    with pytest.raises(Conflict):
        workflow.merge(session, duplicate=second.reference, into=first.reference, actor="lead", now=T0)
    with pytest.raises(Conflict):
        workflow.set_status(session, reference=second.reference, status="open", actor="a", now=T0)


def test_cases_about_to_breach_come_first_and_waiting_ones_are_not_at_risk(session: Session) -> None:
    urgent = _open(session, priority="urgent")  # first answer due in 1 h
    normal = _open(session, priority="normal")  # due in 24 h
    waiting = _open(session, priority="urgent")
    workflow.set_status(session, reference=waiting.reference, status="waiting_on_passenger", actor="a", now=T0)
    soon = workflow.at_risk(session, now=T0 + timedelta(minutes=30), within=timedelta(hours=1))
    assert [(r.reference, r.what, r.breached) for r in soon] == [(urgent.reference, "first_response", False)]
    later = workflow.at_risk(session, now=T0 + timedelta(hours=2), within=timedelta(hours=23))
    assert [(r.reference, r.breached) for r in later] == [(urgent.reference, True), (normal.reference, False)]


def test_the_sla_report_counts_met_targets_per_team(session: Session) -> None:
    import_examples(session)
    ana = _ana(session)
    met = _open(session, team="care")
    late = _open(session, team="care")
    other = _open(session, team="baggage")
    for c in (met, late, other):
        c.passenger_id = ana
    session.flush()
    cases.reply_to_case(
        session, reference=met.reference, body="On it", author="a", idempotency_key="k1", now=T0 + timedelta(hours=1)
    )
    cases.reply_to_case(
        session, reference=late.reference, body="Sorry", author="a", idempotency_key="k2", now=T0 + timedelta(hours=30)
    )
    workflow.set_status(
        session,
        reference=met.reference,
        status="resolved",
        actor="a",
        now=T0 + timedelta(hours=2),
        resolution_code="explained",
    )
    lines = {
        line.group: line
        for line in workflow.sla_report(
            session, since=T0 - timedelta(days=1), until=T0 + timedelta(days=1), now=T0 + timedelta(days=10)
        )
    }
    care, baggage = lines["care"], lines["baggage"]
    assert (care.cases, care.first_response_met, care.first_response_due) == (2, 1, 2)
    assert care.first_response_percent == 50.0
    assert (care.resolution_met, care.resolution_due, care.open_breached) == (1, 2, 1)
    assert (baggage.cases, baggage.first_response_met, baggage.open_breached) == (1, 0, 1)
