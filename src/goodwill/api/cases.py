"""Cases over HTTP: read a case, answer the passenger, assign, note, move, merge; breach warnings and the SLA
report."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select

from goodwill.api.deps import AgentDep, SessionDep, SupervisorDep
from goodwill.audit import service as audit
from goodwill.cases import service as cases
from goodwill.cases import sla, workflow
from goodwill.cases.models import CaseEvent, Interaction, InteractionChannel
from goodwill.errors import InvalidInput
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now

router = APIRouter(tags=["cases"])


class ReplyCreate(BaseModel):
    body: str = Field(description="The answer to the passenger.", min_length=1, max_length=10_000)
    channel: InteractionChannel = Field(InteractionChannel.EMAIL, description="How it is sent (default email).")


class ReplyRead(BaseModel):
    reference: str
    interaction_id: uuid.UUID
    message_id: uuid.UUID
    status: str
    first_responded_at: datetime | None
    author: str


@router.post(
    "/cases/{reference}/replies",
    response_model=ReplyRead,
    status_code=201,
    summary="Answer the passenger on a case",
    description=(
        "Writes an outbound interaction on the case and the passenger's timeline and a message in the outbox, "
        "sets the case's first response time and records a case event. An `Idempotency-Key` header makes a "
        "retry safe: the same key and body return the first answer with 200 and send nothing more; the same key "
        "with other words or another case is 409. 404 for an unknown case; 400 when the case's passenger is not "
        "identified yet. Needs the agent role."
    ),
    responses={200: {"model": ReplyRead, "description": "A replay: the answer made earlier with this key"}},
)
def reply_to_case(
    reference: str,
    body: ReplyCreate,
    response: Response,
    session: SessionDep,
    principal: AgentDep,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", min_length=1, max_length=100, description="Your key for this answer."),
    ] = None,
) -> ReplyRead:
    result = cases.reply_to_case(
        session,
        reference=reference,
        body=body.body,
        author=principal.actor,
        idempotency_key=idempotency_key or str(uuid.uuid4()),
        now=utc_now(),
        channel=body.channel.value,
    )
    if result.replayed:
        response.status_code = 200
    return ReplyRead(
        reference=result.case.reference,
        interaction_id=result.interaction.id,
        message_id=result.message.id,
        status=result.case.status,
        first_responded_at=result.case.first_responded_at,
        author=result.interaction.author or principal.actor,
    )


# ---- the case's life: read, assign, note, move, merge; breach warnings and the SLA report -------------------------


class CaseStep(BaseModel):
    at: datetime
    kind: str
    actor: str | None
    from_status: str | None
    to_status: str | None
    details: dict[str, Any]


class ThreadItem(BaseModel):
    at: datetime
    direction: str
    channel: str
    internal: bool = Field(description="An internal note: never sent to the passenger")
    author: str | None
    subject: str | None
    body: str


class CaseDetail(BaseModel):
    id: uuid.UUID
    reference: str
    type: str
    priority: str
    status: str
    subject: str
    passenger_id: uuid.UUID | None
    team: str | None
    assignee: str | None
    flight_id: uuid.UUID | None
    opened_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution_code: str | None
    merged_into_id: uuid.UUID | None
    origin: dict[str, Any]
    cost: dict[str, dict[str, int]] = Field(description="vouchers, compensation and total, minor units per currency")
    steps: list[CaseStep]
    thread: list[ThreadItem]


def _detail(session: Any, reference: str) -> CaseDetail:
    case = cases.get_case(session, reference=reference)
    steps = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id))
    thread = session.scalars(
        select(Interaction).where(Interaction.case_id == case.id).order_by(Interaction.occurred_at, Interaction.id)
    )
    spent = workflow.cost(session, reference=case.reference)
    return CaseDetail(
        **{name: getattr(case, name) for name in CaseDetail.model_fields if name not in ("cost", "steps", "thread")},
        cost={"vouchers": spent.vouchers, "compensation": spent.compensation, "total": spent.total},
        steps=[CaseStep.model_validate(e, from_attributes=True) for e in steps],
        thread=[
            ThreadItem(
                at=i.occurred_at,
                direction=i.direction,
                channel=i.channel,
                internal=i.internal,
                author=i.author,
                subject=i.subject,
                body=i.body,
            )
            for i in thread
        ],
    )


class AtRiskRead(BaseModel):
    reference: str
    priority: str
    status: str
    team: str | None
    assignee: str | None
    what: str = Field(description="first_response or resolution")
    due_at: datetime
    breached: bool


@router.get(
    "/cases/at-risk",
    response_model=list[AtRiskRead],
    summary="Open cases whose first answer or resolution is due soon (or overdue), soonest first",
)
def at_risk(
    session: SessionDep,
    _principal: AgentDep,
    within_minutes: Annotated[int, Query(ge=0, le=60 * 24 * 14)] = 120,
    team: str | None = None,
    assignee: str | None = None,
) -> list[AtRiskRead]:
    found = workflow.at_risk(
        session, now=utc_now(), within=timedelta(minutes=within_minutes), team=team, assignee=assignee
    )
    return [AtRiskRead(**vars(r)) for r in found]


class SlaLineRead(BaseModel):
    group: str | None = Field(description="The team or agent (null: none assigned)")
    cases: int
    first_response_met: int
    first_response_due: int
    first_response_percent: float | None
    resolution_met: int
    resolution_due: int
    resolution_percent: float | None
    open_breached: int


@router.get(
    "/cases/sla-report",
    response_model=list[SlaLineRead],
    summary="Per team or agent: the share of cases that met their first-response and resolution targets",
)
def sla_report(
    session: SessionDep,
    _principal: SupervisorDep,
    since: Annotated[AwareDatetime, Query(description="Cases opened from this instant (with its offset).")],
    until: Annotated[AwareDatetime, Query(description="Up to this instant, exclusive.")],
    by: Annotated[str, Query(pattern="^(team|assignee)$")] = "team",
) -> list[SlaLineRead]:
    lines = workflow.sla_report(session, since=since, until=until, now=utc_now(), by=by)
    return [
        SlaLineRead(
            **vars(line),
            first_response_percent=line.first_response_percent,
            resolution_percent=line.resolution_percent,
        )
        for line in lines
    ]


@router.get("/cases/{reference}", response_model=CaseDetail, summary="A case: its steps, thread, SLA and cost")
def get_case(reference: str, session: SessionDep, principal: AgentDep) -> CaseDetail:
    found = _detail(session, reference)
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="case.viewed",
        entity_type="case",
        entity_id=str(found.id),
    )
    return found


class AssignmentIn(BaseModel):
    team: str | None = Field(default=None, max_length=40)
    assignee: str | None = Field(default=None, max_length=80)


@router.post("/cases/{reference}/assignment", response_model=CaseDetail, summary="Give a case to a team or agent")
def assign(reference: str, body: AssignmentIn, session: SessionDep, principal: AgentDep) -> CaseDetail:
    workflow.assign(
        session, reference=reference, team=body.team, assignee=body.assignee, actor=principal.actor, now=utc_now()
    )
    return _detail(session, reference)


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=10_000)


@router.post(
    "/cases/{reference}/notes", response_model=CaseDetail, status_code=201, summary="An internal note on a case"
)
def add_note(reference: str, body: NoteIn, session: SessionDep, principal: AgentDep) -> CaseDetail:
    workflow.add_note(session, reference=reference, body=body.body, author=principal.actor, now=utc_now())
    return _detail(session, reference)


class StatusIn(BaseModel):
    status: str = Field(description="open, waiting_on_passenger, resolved or closed")
    resolution_code: str | None = Field(
        default=None, description=f"Needed to resolve: one of {', '.join(workflow.RESOLUTION_CODES)}"
    )


@router.post(
    "/cases/{reference}/status",
    response_model=CaseDetail,
    summary="Move a case: waiting on the passenger pauses its SLA clock; resolving needs a resolution code",
)
def set_status(
    reference: str, body: StatusIn, request: Request, session: SessionDep, principal: AgentDep
) -> CaseDetail:
    path = request.app.state.settings.sla_policy
    policy = cases.load_sla_policy(path) if path else sla.DEFAULT_POLICY
    workflow.set_status(
        session,
        reference=reference,
        status=body.status,
        resolution_code=body.resolution_code,
        actor=principal.actor,
        now=utc_now(),
        hours=policy.hours,
    )
    return _detail(session, reference)


class MergeIn(BaseModel):
    into: str = Field(description="The reference of the case that absorbs this one")


@router.post(
    "/cases/{reference}/merge",
    response_model=CaseDetail,
    summary="Merge a duplicate case into another (thread, feedback, messages and vouchers move)",
)
def merge(reference: str, body: MergeIn, session: SessionDep, principal: SupervisorDep) -> CaseDetail:
    workflow.merge(session, duplicate=reference, into=body.into, actor=principal.actor, now=utc_now())
    return _detail(session, body.into)


class GoodwillIn(BaseModel):
    amount: str = Field(description="Major units, e.g. 25.00", pattern=r"^\d{1,7}(\.\d{1,3})?$")
    currency: str = Field(min_length=3, max_length=3)
    reason: str = Field(min_length=1, max_length=150)


class GoodwillRead(BaseModel):
    code: str
    amount: str
    amount_minor: int
    currency: str
    expires_at: datetime | None
    case: str


@router.post(
    "/cases/{reference}/vouchers",
    response_model=GoodwillRead,
    status_code=201,
    summary="Give the case's passenger a goodwill voucher, within the caller's limit",
    description=(
        "Limits per role (major units of the voucher's currency): "
        + ", ".join(f"{role} {limit}" for role, limit in workflow.GOODWILL_LIMITS.items())
        + "; admin unlimited. Needs an `Idempotency-Key` header: the same key returns the first voucher (200) "
        "and issues nothing; the same key with another amount is 409."
    ),
    responses={200: {"model": GoodwillRead, "description": "A replay: the voucher issued earlier with this key"}},
)
def give_goodwill(
    reference: str,
    body: GoodwillIn,
    response: Response,
    session: SessionDep,
    principal: AgentDep,
    idempotency_key: Annotated[
        str, Header(alias="Idempotency-Key", min_length=1, max_length=100, description="Your key for this voucher.")
    ],
) -> GoodwillRead:
    try:
        amount = Money.parse(body.amount, body.currency)
    except ValueError as exc:
        raise InvalidInput(f"amount: {exc}", problems=[{"loc": ["body", "amount"], "msg": str(exc)}]) from exc
    if amount.minor <= 0:
        raise InvalidInput("amount: must be more than zero", problems=[{"loc": ["body", "amount"], "msg": "> 0"}])
    voucher, replayed = workflow.issue_goodwill(
        session,
        reference=reference,
        amount=amount,
        reason=body.reason,
        actor=principal.actor,
        role=principal.role.value,
        idempotency_key=idempotency_key,
        now=utc_now(),
    )
    if replayed:
        response.status_code = 200
    return GoodwillRead(
        code=voucher.code,
        amount=str(Money(voucher.face_value_minor, voucher.currency).major),
        amount_minor=voucher.face_value_minor,
        currency=voucher.currency,
        expires_at=voucher.expires_at,
        case=reference,
    )
