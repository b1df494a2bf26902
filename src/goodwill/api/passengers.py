"""Passengers over HTTP: the customer 360 and search, for the people serving passengers. Every read is audited."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from goodwill.api.deps import AgentDep, SessionDep
from goodwill.audit import service as audit
from goodwill.customers.view import SEARCH_LIMIT, Customer360, Match, customer_360, search_passengers
from goodwill.kit.time import utc_now

router = APIRouter(tags=["passengers"])


@router.get(
    "/passengers",
    response_model=list[Match],
    summary="Find passengers by name, email, phone, loyalty number, social handle or record locator",
    description="A name matches by prefix, in any case and with or without accents, first name first or last. "
    "The others match exactly once normalised (an email in any case, a phone number in any format). "
    "The audit log records who searched and which passengers were shown, not the query.",
)
def search(
    session: SessionDep,
    principal: AgentDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for")],
    limit: Annotated[int, Query(ge=1, le=100)] = SEARCH_LIMIT,
) -> list[Match]:
    found = search_passengers(session, query=q, limit=limit)
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="passengers.searched",
        entity_type="passenger",
        details={"shown": [str(m.id) for m in found]},
    )
    return found


@router.get(
    "/passengers/{passenger_id}",
    response_model=Customer360,
    summary="The customer 360: everything about a passenger in one answer",
    description="Profile, identities, consents, value and rank, trips with each leg's disruptions, entitlements "
    "with their legal basis, vouchers with balances, feedback with its analysis, the latest timeline in both "
    "directions, open and past cases, wishes. A merged record answers for the passenger it was merged into. "
    "Each read is audited.",
)
def passenger_360(passenger_id: uuid.UUID, session: SessionDep, principal: AgentDep) -> Customer360:
    view = customer_360(session, passenger_id=passenger_id, now=utc_now())
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="passenger.viewed",
        entity_type="passenger",
        entity_id=str(view.profile.id),
    )
    return view
