"""Cases over HTTP: an agent answers the passenger on a case."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel, Field

from goodwill.api.deps import AgentDep, SessionDep
from goodwill.cases import service as cases
from goodwill.cases.models import InteractionChannel
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
