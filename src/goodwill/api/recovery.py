"""Recovery over HTTP: integrations post flight events; agents read what a passenger is owed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from goodwill.api.deps import AgentDep, IntegrationDep, SessionDep
from goodwill.audit import service as audit
from goodwill.customers.models import Passenger
from goodwill.errors import InvalidInput, NotFound
from goodwill.flights.models import Cause, EventType, FlightEvent
from goodwill.imports import service as imports
from goodwill.imports.rows import ROW_SCHEMAS, ImportKind
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now
from goodwill.recovery import catalogue
from goodwill.recovery.models import Entitlement
from goodwill.recovery.service import process_event

router = APIRouter(tags=["recovery"])


def _event_body() -> dict[str, Any]:
    """The request body's schema: one row of the `events` import format."""
    schema = ROW_SCHEMAS[ImportKind.EVENTS].model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)  # EventType and Cause: inlined below as plain enums
    for name, values in (("type", [t.value for t in EventType]), ("cause", [c.value for c in Cause])):
        schema["properties"][name] = {**schema["properties"][name], "enum": values, "type": "string"}
        schema["properties"][name].pop("$ref", None)
        schema["properties"][name].pop("allOf", None)
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {**schema, "title": "FlightEventIn"}}},
        },
    }


class FanOutRead(BaseModel):
    """What processing a flight event did: every affected passenger, settled once."""

    event_id: str
    outcome: str = Field(description="created, updated, unchanged or stale (an older revision: ignored)")
    flight: str
    passengers: int
    entitlements: dict[str, int]
    ledger_entries: int
    vouchers: int
    messages: int
    cases: int
    moved: dict[str, str] = Field(description='Value moved per currency and form, e.g. {"USD credit": "50.00 USD"}')


class EntitlementRead(BaseModel):
    id: uuid.UUID
    flight_id: uuid.UUID
    kind: str
    status: str
    regime: str
    rule_id: str
    legal_basis: str
    explanation: str
    amount: str | None = Field(description="Major units as a decimal string, or null")
    amount_minor: int | None
    currency: str | None
    form: str | None
    care: list[str]
    decided_at: datetime
    facts: dict[str, Any]


@router.post(
    "/flight-events",
    response_model=FanOutRead,
    summary="Post a flight event and settle every affected passenger",
    description="The body is one event in the import format (docs/IMPORT_FORMATS.md, kind `events`). A resend or an "
    "older revision changes nothing; a higher revision of the same `event_id` settles only the difference.",
    status_code=200,
    openapi_extra=_event_body(),
)
def post_flight_event(
    body: Annotated[dict[str, Any], Body()], request: Request, session: SessionDep, principal: IntegrationDep
) -> FanOutRead:
    now = utc_now()
    report = imports.import_rows(
        session, kind=ImportKind.EVENTS, rows=[(1, body)], source="api", actor=principal.actor, now=now
    )
    if report.rejected:
        raise InvalidInput(
            "the event was refused",
            problems=[{"where": "body", "loc": [r.field], "msg": f"{r.field}: {r.reason}"} for r in report.rejected],
        )
    outcome = "created" if report.created else "updated" if report.updated else "stale" if report.stale else "unchanged"
    event = session.scalars(select(FlightEvent).where(FlightEvent.external_id == str(body.get("event_id")))).one()
    policies = catalogue.policies(getattr(request.app.state, "policy_dirs", ()))
    fanout = process_event(session, event_id=event.id, now=now, policies=policies, actor=principal.actor)
    data = fanout.as_dict()
    return FanOutRead(outcome=outcome, **{k: v for k, v in data.items() if k in FanOutRead.model_fields})


@router.get(
    "/passengers/{passenger_id}/entitlements",
    response_model=list[EntitlementRead],
    summary="What a passenger is owed, with the rule and legal basis of each item",
    description="Granted entitlements by default; `all=true` includes withdrawn ones. Each read is audited.",
)
def list_entitlements(
    passenger_id: uuid.UUID,
    session: SessionDep,
    principal: AgentDep,
    include_all: bool = Query(False, alias="all"),
) -> list[EntitlementRead]:
    if session.get(Passenger, passenger_id) is None:
        raise NotFound(f"no passenger {passenger_id}")
    query = select(Entitlement).where(Entitlement.passenger_id == passenger_id)
    if not include_all:
        query = query.where(Entitlement.status == "granted")
    rows = session.scalars(query.order_by(Entitlement.decided_at, Entitlement.id)).all()
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="entitlements.listed",
        entity_type="passenger",
        entity_id=str(passenger_id),
        details={"count": len(rows)},
    )
    return [_read(e) for e in rows]


def _read(e: Entitlement) -> EntitlementRead:
    amount = str(Money(e.amount_minor, e.currency).major) if e.amount_minor is not None and e.currency else None
    return EntitlementRead(
        id=e.id,
        flight_id=e.flight_id,
        kind=e.kind,
        status=e.status,
        regime=e.regime,
        rule_id=e.rule_id,
        legal_basis=e.legal_basis,
        explanation=e.explanation,
        amount=amount,
        amount_minor=e.amount_minor,
        currency=e.currency,
        form=e.form,
        care=list(e.care or []),
        decided_at=e.decided_at,
        facts={k: v for k, v in (e.facts or {}).items() if k != "history"}
        | {"history": (e.facts or {}).get("history", [])},
    )
