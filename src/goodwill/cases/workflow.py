"""A case's life after it opens: assignment, internal notes, status steps (each with its instant), the SLA clock
paused while the case waits on the passenger, resolution with a code, merging duplicates, the cost of the
recovery, warnings before a breach, and the SLA report per team and agent.

Every step writes a CaseEvent (who, when, from which status to which) and an audit entry; the caller's
transaction holds them all.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from goodwill.audit import service as audit
from goodwill.cases.hours import BusinessHours
from goodwill.cases.models import Case, CaseEvent, CaseStatus, Interaction, InteractionChannel
from goodwill.cases.service import get_case, record_step
from goodwill.errors import Conflict, InvalidInput, PermissionDenied
from goodwill.kit.money import Money
from goodwill.listening.models import Feedback
from goodwill.notifications.models import OutboundMessage
from goodwill.recovery.models import Entitlement
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import LedgerEntry, Voucher, VoucherKind

OPEN = (CaseStatus.NEW.value, CaseStatus.OPEN.value, CaseStatus.WAITING_ON_PASSENGER.value)
RESOLUTION_CODES: dict[str, str] = {
    "compensated": "paid or credited what the rules or the airline's goodwill owed",
    "voucher_issued": "a goodwill voucher closed it",
    "explained": "the passenger needed an explanation, and got it",
    "rebooked": "the passenger was put on another flight",
    "bag_delivered": "the bag was found and delivered",
    "refunded": "the fare or a fee was refunded",
    "no_action": "nothing the airline could or should do",
    "duplicate": "the same matter as another case",
}
# Which status may follow which. Resolved and closed cases reopen; a merged case is done for good.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW.value: frozenset({"open", "waiting_on_passenger", "resolved", "closed"}),
    CaseStatus.OPEN.value: frozenset({"waiting_on_passenger", "resolved", "closed"}),
    CaseStatus.WAITING_ON_PASSENGER.value: frozenset({"open", "resolved", "closed"}),
    CaseStatus.RESOLVED.value: frozenset({"open", "closed"}),
    CaseStatus.CLOSED.value: frozenset({"open"}),
    CaseStatus.MERGED.value: frozenset(),
}


def _step(
    session: Session,
    case: Case,
    *,
    kind: str,
    actor: str,
    now: datetime,
    to: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """The case's step (`cases.service.record_step`) and its audit entry."""
    record_step(session, case, kind=kind, at=now, actor=actor, details=details or {}, to=to)
    audit.record(
        session,
        actor=actor,
        action=f"case.{kind}",
        entity_type="case",
        entity_id=str(case.id),
        details={"reference": case.reference, **({"to": to} if to else {}), **(details or {})},
    )


def assign(
    session: Session, *, reference: str, team: str | None, assignee: str | None, actor: str, now: datetime
) -> Case:
    """Give the case to a team and (or) an agent."""
    case = get_case(session, reference=reference)
    if team is None and assignee is None:
        raise InvalidInput("name a team, an agent, or both", problems=[{"loc": ["body", "team"], "msg": "missing"}])
    before = {"team": case.team, "assignee": case.assignee}
    if team is not None:
        case.team = team[:40]
    if assignee is not None:
        case.assignee = assignee[:80]
    case.updated_at = now
    _step(
        session,
        case,
        kind="assigned",
        actor=actor,
        now=now,
        details={"from": before, "team": case.team, "assignee": case.assignee},
    )
    return case


def add_note(session: Session, *, reference: str, body: str, author: str, now: datetime) -> Interaction:
    """An internal note on the case: on its thread for agents, never sent to the passenger."""
    text = body.strip()
    if not text:
        raise InvalidInput("the note is empty", problems=[{"loc": ["body", "body"], "msg": "must not be empty"}])
    case = get_case(session, reference=reference)
    note = Interaction(
        passenger_id=case.passenger_id,
        case_id=case.id,
        channel=InteractionChannel.CONSOLE.value,
        direction="outbound",
        occurred_at=now,
        body=text,
        internal=True,
        author=author[:80],
        details={"kind": "note"},
    )
    session.add(note)
    session.flush()
    _step(session, case, kind="noted", actor=author, now=now, details={"interaction_id": str(note.id)})
    return note


def _paused_since(session: Session, case: Case) -> datetime | None:
    """When the case last started waiting on the passenger (its clock is paused since then)."""
    return session.scalar(
        select(CaseEvent.at)
        .where(CaseEvent.case_id == case.id, CaseEvent.to_status == CaseStatus.WAITING_ON_PASSENGER.value)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        .limit(1)
    )


def set_status(
    session: Session,
    *,
    reference: str,
    status: str,
    actor: str,
    now: datetime,
    hours: BusinessHours | None = None,
    resolution_code: str | None = None,
) -> Case:  # `hours`: the SLA policy's business hours (`SlaPolicy.hours`)
    """Move the case to `status`. Leaving `waiting_on_passenger` moves its due times later by the open time it
    waited (the SLA clock was paused); resolving needs a resolution code; reopening clears the resolution."""
    hours = hours or BusinessHours.always()
    case = get_case(session, reference=reference)
    if status not in TRANSITIONS:
        raise InvalidInput(
            f"status: one of {', '.join(TRANSITIONS)}", problems=[{"loc": ["body", "status"], "msg": "unknown"}]
        )
    if status == case.status:
        return case
    if status not in TRANSITIONS[case.status]:
        raise Conflict(f"case {case.reference} is {case.status}: it cannot become {status}", reference=case.reference)
    details: dict[str, Any] = {}
    if status == CaseStatus.RESOLVED.value:
        if resolution_code not in RESOLUTION_CODES:
            raise InvalidInput(
                f"resolution_code: one of {', '.join(RESOLUTION_CODES)}",
                problems=[{"loc": ["body", "resolution_code"], "msg": "a known resolution code is required"}],
            )
        details["resolution_code"] = resolution_code
    if case.status == CaseStatus.WAITING_ON_PASSENGER.value:
        since = _paused_since(session, case) or now
        paused = hours.elapsed(since, now)
        details["paused_minutes"] = round(paused.total_seconds() / 60, 1)
        if case.first_responded_at is None and case.first_response_due_at is not None:
            case.first_response_due_at = hours.add(case.first_response_due_at, paused)
        if case.resolution_due_at is not None:
            case.resolution_due_at = hours.add(case.resolution_due_at, paused)
    _step(session, case, kind="status_changed", actor=actor, now=now, to=status, details=details)
    if status == CaseStatus.RESOLVED.value:
        case.resolved_at = now
        case.resolution_code = resolution_code
    elif status == CaseStatus.CLOSED.value:
        case.closed_at = now
    elif case.status in (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value):  # reopened
        case.resolved_at = None
        case.closed_at = None
        case.resolution_code = None
    case.status = status
    case.updated_at = now
    session.flush()
    return case


def merge(session: Session, *, duplicate: str, into: str, actor: str, now: datetime) -> Case:
    """Fold a duplicate case into another: its thread, feedback, messages and vouchers move; it is marked merged
    (and points at the survivor); both record the step."""
    dup, survivor = get_case(session, reference=duplicate), get_case(session, reference=into)
    if dup.id == survivor.id:
        raise InvalidInput("a case cannot be merged into itself")
    if dup.status == CaseStatus.MERGED.value:
        raise Conflict(f"case {dup.reference} is already merged", reference=dup.reference)
    if survivor.status == CaseStatus.MERGED.value:
        raise Conflict(f"case {survivor.reference} is merged itself: merge into the case it went to")
    if dup.passenger_id and survivor.passenger_id and dup.passenger_id != survivor.passenger_id:
        raise Conflict(f"cases {dup.reference} and {survivor.reference} are about different passengers")
    moved = {}
    # The ledger is append-only: its entries keep the duplicate's id, and `cost` counts merged cases in.
    for model in (Interaction, Feedback, OutboundMessage, Voucher):
        result = session.execute(
            update(model).where(model.case_id == dup.id).values(case_id=survivor.id),
            execution_options={"synchronize_session": False},
        )
        moved[model.__tablename__] = int(getattr(result, "rowcount", 0) or 0)
    _step(
        session,
        dup,
        kind="merged",
        actor=actor,
        now=now,
        to=CaseStatus.MERGED.value,
        details={"into": survivor.reference, "moved": moved},
    )
    dup.status = CaseStatus.MERGED.value
    dup.merged_into_id = survivor.id
    dup.resolution_code = "duplicate"
    dup.closed_at = now
    dup.updated_at = now
    _step(
        session, survivor, kind="absorbed", actor=actor, now=now, details={"duplicate": dup.reference, "moved": moved}
    )
    if survivor.passenger_id is None and dup.passenger_id is not None:
        survivor.passenger_id = dup.passenger_id
    survivor.updated_at = now
    session.flush()
    session.expire_all()
    return get_case(session, reference=into)


@dataclass(frozen=True)
class Cost:
    """What the recovery of a case cost, per currency (minor units)."""

    vouchers: dict[str, int]  # goodwill vouchers and credits issued on the case (net of reversals)
    compensation: dict[str, int]  # compensation granted for the case's flight to its passenger

    @property
    def total(self) -> dict[str, int]:
        found: dict[str, int] = defaultdict(int)
        for part in (self.vouchers, self.compensation):
            for currency, minor in part.items():
                found[currency] += minor
        return dict(sorted(found.items()))


def cost(session: Session, *, reference: str) -> Cost:
    """What the case's recovery cost: the ledger's movements on it and on the duplicates merged into it, and the
    compensation its passenger was granted for its flight. A merged duplicate itself costs nothing more."""
    case = get_case(session, reference=reference)
    if case.status == CaseStatus.MERGED.value:
        return Cost({}, {})
    ids = [case.id, *session.scalars(select(Case.id).where(Case.merged_into_id == case.id))]
    vouchers: dict[str, int] = defaultdict(int)
    for currency, minor in session.execute(
        select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .where(
            LedgerEntry.case_id.in_(ids),
            LedgerEntry.entry_type.in_(("issue", "top_up", "cash_payout", "reversal")),
        )
        .group_by(LedgerEntry.currency)
    ):
        vouchers[str(currency)] += int(minor or 0)
    compensation: dict[str, int] = defaultdict(int)
    if case.passenger_id is not None and case.flight_id is not None:
        for ent_currency, ent_minor in session.execute(
            select(Entitlement.currency, func.sum(Entitlement.amount_minor))
            .where(
                Entitlement.passenger_id == case.passenger_id,
                Entitlement.flight_id == case.flight_id,
                Entitlement.kind == "compensation",
                Entitlement.status == "granted",
            )
            .group_by(Entitlement.currency)
        ):
            if ent_currency is not None:
                compensation[str(ent_currency)] += int(ent_minor or 0)
    return Cost(dict(sorted(vouchers.items())), dict(sorted(compensation.items())))


@dataclass(frozen=True)
class AtRisk:
    reference: str
    priority: str
    status: str
    team: str | None
    assignee: str | None
    what: str  # first_response or resolution
    due_at: datetime
    breached: bool


def at_risk(
    session: Session, *, now: datetime, within: timedelta, team: str | None = None, assignee: str | None = None
) -> list[AtRisk]:
    """Open cases whose first answer or resolution is due within `within` (or overdue), soonest first. A case
    waiting on the passenger has its clock paused: it is not at risk."""
    horizon = now + within
    query = select(Case).where(Case.status.in_((CaseStatus.NEW.value, CaseStatus.OPEN.value)))
    if team is not None:
        query = query.where(Case.team == team)
    if assignee is not None:
        query = query.where(Case.assignee == assignee)
    found = []
    for c in session.scalars(
        query.where(
            ((Case.first_responded_at.is_(None)) & (Case.first_response_due_at <= horizon))
            | (Case.resolution_due_at <= horizon)
        )
    ):
        due: datetime | None
        if c.first_responded_at is None and c.first_response_due_at is not None and c.first_response_due_at <= horizon:
            what, due = "first_response", c.first_response_due_at
        else:
            what, due = "resolution", c.resolution_due_at
        if due is None:  # only the first response was near, and it was given meanwhile
            continue
        found.append(AtRisk(c.reference, c.priority, c.status, c.team, c.assignee, what, due, due <= now))
    return sorted(found, key=lambda r: (r.due_at, r.reference))


@dataclass(frozen=True)
class SlaLine:
    group: str | None
    cases: int
    first_response_met: int
    first_response_due: int  # cases whose first answer came or was due by `now`
    resolution_met: int
    resolution_due: int
    open_breached: int

    @property
    def first_response_percent(self) -> float | None:
        return round(100 * self.first_response_met / self.first_response_due, 1) if self.first_response_due else None

    @property
    def resolution_percent(self) -> float | None:
        return round(100 * self.resolution_met / self.resolution_due, 1) if self.resolution_due else None


def sla_report(session: Session, *, since: datetime, until: datetime, now: datetime, by: str = "team") -> list[SlaLine]:
    """Per team (or agent: by="assignee"), cases opened in [since, until): how many met their first-response and
    resolution targets, of those whose answer came or was due, and how many open ones are past due. One GROUP BY
    in the database."""
    if by not in ("team", "assignee"):
        raise InvalidInput("by: team or assignee")
    group = Case.team if by == "team" else Case.assignee
    first_met = (Case.first_responded_at.is_not(None)) & (Case.first_responded_at <= Case.first_response_due_at)
    first_due = (Case.first_responded_at.is_not(None)) | (Case.first_response_due_at <= now)
    res_met = (Case.resolved_at.is_not(None)) & (Case.resolved_at <= Case.resolution_due_at)
    res_due = (Case.resolved_at.is_not(None)) | (Case.resolution_due_at <= now)
    breached = Case.status.in_((CaseStatus.NEW.value, CaseStatus.OPEN.value)) & (Case.resolution_due_at <= now)

    def count(condition: Any) -> Any:
        return func.sum(when((condition, 1), else_=0))

    rows = session.execute(
        select(
            group,
            func.count(),
            count(first_met),
            count(first_due),
            count(res_met),
            count(res_due),
            count(breached),
        )
        .where(Case.opened_at >= since, Case.opened_at < until, Case.status != CaseStatus.MERGED.value)
        .group_by(group)
        .order_by(group)
    ).all()
    return [SlaLine(r[0], int(r[1]), *(int(v or 0) for v in r[2:])) for r in rows]


def case_by_id(session: Session, case_id: uuid.UUID) -> Case | None:
    return session.get(Case, case_id)


# A goodwill gesture an agent may give on a case without asking, by role (major units of the voucher's currency;
# an administrator has no limit). An airline changes these with the SLA policy in a later step.
GOODWILL_LIMITS: dict[str, int] = {"agent": 150, "supervisor": 500, "manager": 2000}


def issue_goodwill(
    session: Session,
    *,
    reference: str,
    amount: Money,
    reason: str,
    actor: str,
    role: str,
    idempotency_key: str,
    now: datetime,
) -> tuple[Voucher, bool]:
    """A goodwill voucher on the case, for its passenger, within the role's limit; the same key again returns the
    first voucher and issues nothing. Returns (voucher, replayed)."""
    case = get_case(session, reference=reference)
    if case.passenger_id is None:
        raise InvalidInput(f"case {case.reference} has no passenger yet: identify them before giving a voucher")
    if not reason.strip():
        raise InvalidInput("reason: say why", problems=[{"loc": ["body", "reason"], "msg": "must not be empty"}])
    limit = GOODWILL_LIMITS.get(role)
    if role != "admin" and (limit is None or amount.major > limit):
        raise PermissionDenied(
            f"{'an' if role[:1] in 'aeiou' else 'a'} {role} may give up to {limit or 0} {amount.currency} on a case; "
            "ask a supervisor or manager"
        )
    key = f"case-goodwill:{idempotency_key}"
    replayed = vouchers.find_entry(session, idempotency_key=key) is not None
    voucher = vouchers.issue_voucher(
        session,
        passenger_id=case.passenger_id,
        amount=amount,
        kind=VoucherKind.VOUCHER,
        reason=f"goodwill on {case.reference}: {reason.strip()}"[:200],
        idempotency_key=key,
        now=now,
        expires_at=now + timedelta(days=365),
        case_id=case.id,
        actor=actor,
    )
    if not replayed:
        _step(
            session,
            case,
            kind="voucher_issued",
            actor=actor,
            now=now,
            details={"code": voucher.code, "amount_minor": amount.minor, "currency": amount.currency},
        )
    return voucher, replayed
