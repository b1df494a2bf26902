"""Cases: the queue (filters: mine, my team's, unassigned, all; status; priority) and the case page (thread, reply,
internal notes, SLA clock, assignment, a goodwill voucher within the agent's limit, resolution with a code).

The forms post with HTMX and get the case's working area back (`_case_body.html`), so the page stays where the
agent is; without HTMX they post normally and come back to the case. Each form that sends a message or moves
money carries a one-time key made when the form was drawn: a double click sends one reply and issues one
voucher (the services' idempotency, as the API's `Idempotency-Key`)."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.access.users import SignedIn
from goodwill.api.deps import SessionDep
from goodwill.audit import service as audit
from goodwill.cases import service as cases
from goodwill.cases import sla, workflow
from goodwill.cases.models import Case, CaseEvent, CasePriority, CaseStatus, Interaction, InteractionChannel
from goodwill.customers.models import Passenger
from goodwill.errors import InvalidInput
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now
from goodwill.notifications import rendering
from goodwill.web.agent_charts import sla_clock, state_colour
from goodwill.web.auth import AgentPage
from goodwill.web.console import is_htmx, redirect, render

router = APIRouter(include_in_schema=False)

QUEUE_LIMIT = 100
VIEWS = {"mine": "Assigned to me", "team": "My team's, unassigned", "unassigned": "Unassigned", "all": "All"}
STATUS_CHOICES = {
    "unresolved": "Unresolved (new, open, waiting)",
    **{s.value: s.value.replace("_", " ").capitalize() for s in CaseStatus},
    "any": "Any status",
}
MOVES = ("open", "waiting_on_passenger", "closed")  # the status form's order (resolving has its own form)
REPLY_CHANNELS = (InteractionChannel.EMAIL.value, InteractionChannel.SMS.value)
DEFAULT_CURRENCY = "USD"
REPLY_TEMPLATE = "case_reply"  # notifications.outbox.KIND_TEMPLATES["case.reply"]


def _one_time_key() -> str:
    return secrets.token_urlsafe(18)


def queue(
    session: Session, *, me: SignedIn, view: str, status: str, priority: str | None, limit: int = QUEUE_LIMIT
) -> list[Case]:
    """The cases of a queue view, the soonest due first (cases without a target last)."""
    query = select(Case)
    if view == "mine":
        query = query.where(Case.assignee == me.username)
    elif view == "team":
        query = query.where(Case.team == me.team, Case.assignee.is_(None))
    elif view == "unassigned":
        query = query.where(Case.assignee.is_(None))
    if status == "unresolved":
        query = query.where(Case.status.in_(cases.OPEN_STATUSES))
    elif status != "any":
        query = query.where(Case.status == status)
    if priority:
        query = query.where(Case.priority == priority)
    order = (Case.resolution_due_at.is_(None), Case.resolution_due_at, Case.reference)
    return list(session.scalars(query.order_by(*order).limit(limit)))


def passenger_names(session: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.execute(
        select(Passenger.id, Passenger.first_name, Passenger.last_name).where(Passenger.id.in_(wanted))
    )
    return {r.id: f"{r.first_name} {r.last_name}" for r in rows}


@router.get("/cases", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    view: Annotated[str, Query(max_length=12)] = "mine",
    status: Annotated[str, Query(max_length=24)] = "unresolved",
    priority: Annotated[str, Query(max_length=8)] = "",
) -> HTMLResponse:
    if view not in VIEWS:
        raise InvalidInput(f"view: one of {', '.join(VIEWS)}", problems=[{"loc": ["query", "view"], "msg": "unknown"}])
    if status not in STATUS_CHOICES:
        raise InvalidInput(
            f"status: one of {', '.join(STATUS_CHOICES)}", problems=[{"loc": ["query", "status"], "msg": "unknown"}]
        )
    if priority and priority not in {p.value for p in CasePriority}:
        raise InvalidInput(
            "priority: one of low, normal, high, urgent", problems=[{"loc": ["query", "priority"], "msg": "unknown"}]
        )
    now = utc_now()
    found = queue(session, me=me, view=view, status=status, priority=priority or None)
    audit.record(
        session,
        actor=me.principal.actor,
        role=me.principal.role.value,
        action="cases.listed",
        entity_type="cases",
        details={"shown": len(found), "filters": {"view": view, "status": status, "priority": priority}},
    )
    context = {
        "cases": found,
        "clocks": {c.id: sla_clock(c, now) for c in found},
        "names": passenger_names(session, {c.passenger_id for c in found}),
        "view": view,
        "status": status,
        "priority": priority,
        "views": VIEWS,
        "statuses": STATUS_CHOICES,
        "priorities": [p.value for p in CasePriority],
        "limit": QUEUE_LIMIT,
    }
    if is_htmx(request) and request.headers.get("hx-history-restore-request") != "true":
        return render(request, "console/_case_queue.html", context, me=me)
    return render(request, "console/case_queue.html", context, me=me)


def _case_context(session: Session, me: SignedIn, reference: str) -> dict[str, Any]:
    """Everything the case page shows: the case, its thread and steps, SLA clock, cost, passenger, and the forms'
    one-time keys."""
    now = utc_now()
    case = cases.get_case(session, reference=reference)
    thread = list(
        session.scalars(
            select(Interaction).where(Interaction.case_id == case.id).order_by(Interaction.occurred_at, Interaction.id)
        )
    )
    steps = list(
        session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id))
    )
    passenger = session.get(Passenger, case.passenger_id) if case.passenger_id else None
    clock = sla_clock(case, now)
    limit = workflow.GOODWILL_LIMITS.get(me.principal.role.value)
    return {
        "case": case,
        "thread": thread,
        "steps": list(reversed(steps)),
        "passenger": passenger,
        "clock": clock,
        "clock_colour": state_colour(clock.state),
        "cost": _cost_lines(workflow.cost(session, reference=case.reference)),
        "moves": [s for s in MOVES if s in workflow.TRANSITIONS.get(case.status, frozenset())],
        "codes": workflow.RESOLUTION_CODES,
        "is_open": case.status in cases.OPEN_STATUSES,
        "limit": limit,
        "currency": (passenger.revenue_currency if passenger else None) or DEFAULT_CURRENCY,
        "channels": REPLY_CHANNELS,
        "reply_key": _one_time_key(),
        "voucher_key": _one_time_key(),
        "done": None,
    }


def _cost_lines(spent: workflow.Cost) -> list[tuple[str, str]]:
    return [
        (label, f"{Money(minor, currency).major} {currency}")
        for label, part in (("Vouchers", spent.vouchers), ("Compensation", spent.compensation))
        for currency, minor in part.items()
    ]


@router.get("/cases/{reference}", response_class=HTMLResponse)
def case_page(request: Request, session: SessionDep, me: AgentPage, reference: str) -> HTMLResponse:
    context = _case_context(session, me, reference)
    audit.record(
        session,
        actor=me.principal.actor,
        role=me.principal.role.value,
        action="case.viewed",
        entity_type="case",
        entity_id=str(context["case"].id),
    )
    return render(request, "console/case_page.html", context, me=me)


def _after(request: Request, session: Session, me: SignedIn, reference: str, done: str) -> Response:
    """The answer to a form: the case's working area (HTMX), or back to the case page."""
    if not is_htmx(request):
        return redirect(request, f"/cases/{reference}")
    session.flush()
    session.expire_all()
    context = _case_context(session, me, reference)
    context["done"] = done
    return render(request, "console/_case_body.html", context, me=me)


@router.post("/cases/{reference}/reply", response_class=HTMLResponse)
def reply(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    reference: str,
    body: Annotated[str, Form(max_length=10_000)],
    key: Annotated[str, Form(min_length=8, max_length=100)],
    channel: Annotated[str, Form(max_length=10)] = InteractionChannel.EMAIL.value,
) -> Response:
    """Answer the passenger: through the outbox, once per form (its one-time key)."""
    if channel not in REPLY_CHANNELS:
        raise InvalidInput(
            f"channel: one of {', '.join(REPLY_CHANNELS)}", problems=[{"loc": ["form", "channel"], "msg": "unknown"}]
        )
    result = cases.reply_to_case(
        session,
        reference=reference,
        body=body,
        author=me.principal.actor,
        idempotency_key=f"console:{key}",
        now=utc_now(),
        channel=channel,
    )
    done = "Your answer was already sent." if result.replayed else f"Answer queued for sending by {channel}."
    return _after(request, session, me, result.case.reference, done)


@router.post("/cases/{reference}/reply-preview", response_class=HTMLResponse)
def reply_preview(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    reference: str,
    body: Annotated[str, Form(max_length=10_000)] = "",
    channel: Annotated[str, Form(max_length=10)] = InteractionChannel.EMAIL.value,
) -> HTMLResponse:
    """The answer as the passenger will read it (the outbox frames it with the `case_reply` template in their
    language when it is sent); nothing is written."""
    case = cases.get_case(session, reference=reference)
    passenger = session.get(Passenger, case.passenger_id) if case.passenger_id else None
    if passenger is None:
        raise InvalidInput(f"case {case.reference} has no passenger yet: identify them before answering")
    written = rendering.render(
        rendering.MessageContext(
            template=REPLY_TEMPLATE,
            language=passenger.language,
            first_name=passenger.first_name,
            last_name=passenger.last_name,
            tier=passenger.tier,
            airline=request.app.state.settings.airline_name,
            case_reference=case.reference,
            stored_subject=f"Re: {case.subject}"[:200],
            stored_body=body.strip() or "…",
            channel=channel,
        )
    )
    context = {"written": written, "channel": channel, "short": channel != InteractionChannel.EMAIL.value}
    return render(request, "console/_case_reply_preview.html", context, me=me)


@router.post("/cases/{reference}/note", response_class=HTMLResponse)
def note(
    request: Request, session: SessionDep, me: AgentPage, reference: str, body: Annotated[str, Form(max_length=10_000)]
) -> Response:
    workflow.add_note(session, reference=reference, body=body, author=me.principal.actor, now=utc_now())
    return _after(request, session, me, reference.strip().upper(), "Note added (not sent to the passenger).")


@router.post("/cases/{reference}/status", response_class=HTMLResponse)
def set_status(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    reference: str,
    status: Annotated[str, Form(max_length=24)],
    resolution_code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    path = request.app.state.settings.sla_policy
    policy = cases.load_sla_policy(path) if path else sla.DEFAULT_POLICY
    case = workflow.set_status(
        session,
        reference=reference,
        status=status,
        resolution_code=resolution_code or None,
        actor=me.principal.actor,
        now=utc_now(),
        hours=policy.hours,
    )
    done = f"Case {case.status.replace('_', ' ')}" + (
        f" ({case.resolution_code.replace('_', ' ')})." if case.resolution_code else "."
    )
    return _after(request, session, me, case.reference, done)


@router.post("/cases/{reference}/assign", response_class=HTMLResponse)
def assign(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    reference: str,
    assignee: Annotated[str, Form(max_length=80)] = "",
    team: Annotated[str, Form(max_length=40)] = "",
    to_me: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    if to_me:  # the case keeps its team
        assignee = me.username
    case = workflow.assign(
        session,
        reference=reference,
        team=team.strip() or None,
        assignee=assignee.strip() or None,
        actor=me.principal.actor,
        now=utc_now(),
    )
    who = "you" if case.assignee == me.username else (case.assignee or "nobody")
    return _after(request, session, me, case.reference, f"Assigned to {who}{f' ({case.team})' if case.team else ''}.")


@router.post("/cases/{reference}/voucher", response_class=HTMLResponse)
def voucher(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    reference: str,
    amount: Annotated[str, Form(max_length=12)],
    reason: Annotated[str, Form(max_length=150)],
    key: Annotated[str, Form(min_length=8, max_length=100)],
    currency: Annotated[str, Form(min_length=3, max_length=3)] = DEFAULT_CURRENCY,
) -> Response:
    """A goodwill voucher within the role's limit (`workflow.GOODWILL_LIMITS`), once per form."""
    try:
        money = Money.parse(amount.strip(), currency.strip().upper())
    except ValueError as exc:
        raise InvalidInput(f"amount: {exc}", problems=[{"loc": ["form", "amount"], "msg": str(exc)}]) from exc
    if money.minor <= 0:
        raise InvalidInput("amount: must be more than zero", problems=[{"loc": ["form", "amount"], "msg": "> 0"}])
    issued, replayed = workflow.issue_goodwill(
        session,
        reference=reference,
        amount=money,
        reason=reason,
        actor=me.principal.actor,
        role=me.principal.role.value,
        idempotency_key=f"console:{key}",
        now=utc_now(),
    )
    value = Money(issued.face_value_minor, issued.currency)
    done = (
        f"Voucher {issued.code} was already issued."
        if replayed
        else f"Voucher {issued.code} for {value.major} {value.currency} issued."
    )
    return _after(request, session, me, reference.strip().upper(), done)
