"""Passengers over HTTP: the customer 360 and search, for the people serving passengers. Every read is audited."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from goodwill.all_models import metadata
from goodwill.api.deps import AdminDep, AgentDep, ManagerDep, SessionDep
from goodwill.audit import service as audit
from goodwill.customers import privacy
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


@router.get(
    "/passengers/{passenger_id}/export",
    summary="Everything stored about a passenger, as JSON (a subject access request)",
    description="Every row of every table that points at the passenger or at a record merged into them, and their "
    "bookings and segments, table by table. Needs the manager role; audited.",
)
def export(passenger_id: uuid.UUID, session: SessionDep, principal: ManagerDep) -> dict[str, Any]:
    data = privacy.export_passenger(session, passenger_id=passenger_id, tables=metadata.sorted_tables)
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="passenger.exported",
        entity_type="passenger",
        entity_id=data["passenger_id"],
        details={"tables": {name: len(rows) for name, rows in data["tables"].items()}},
    )
    return data


class ErasureRead(BaseModel):
    passenger_id: uuid.UUID
    records: int = Field(description="The passenger's records erased (the survivor and those merged into it)")
    already_erased: bool
    anonymised: dict[str, int] = Field(description="Rows anonymised per table")
    deleted: dict[str, int] = Field(description="Rows deleted per table (identities, consents, wishes)")


@router.post(
    "/passengers/{passenger_id}/erasure",
    response_model=ErasureRead,
    summary="Erase a passenger: personal data anonymised, compensation evidence kept",
    description="Names, identities, consents, wishes and free text are removed; the ledger, vouchers, "
    "entitlements, fares and case facts are kept, as compensation evidence must be. Erasing again changes "
    "nothing. Needs the admin role; audited.",
)
def erase(passenger_id: uuid.UUID, session: SessionDep, principal: AdminDep) -> ErasureRead:
    done = privacy.erase_passenger(session, passenger_id=passenger_id, tables=metadata.sorted_tables, now=utc_now())
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="passenger.erased",
        entity_type="passenger",
        entity_id=str(done.passenger_id),
        details={"anonymised": done.anonymised, "deleted": done.deleted, "already_erased": done.already_erased},
    )
    return ErasureRead(
        passenger_id=done.passenger_id,
        records=done.records,
        already_erased=done.already_erased,
        anonymised=done.anonymised,
        deleted=done.deleted,
    )
