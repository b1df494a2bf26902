"""Messages over HTTP: previews of what a passenger reads, and what comes back (replies, bounces)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, model_validator

from goodwill.api.deps import AgentDep, IntegrationDep, SessionDep
from goodwill.audit import service as audit
from goodwill.config import Settings
from goodwill.kit.time import utc_now
from goodwill.notifications import service as messages
from goodwill.notifications.rendering import Rendered

router = APIRouter(tags=["messages"])


class MessagePreview(BaseModel):
    message_id: uuid.UUID | None
    status: str | None
    language: str = Field(description="The language it is written in (English when theirs has no template)")
    template: str | None = Field(description="The template used; null: the words stored with the message")
    subject: str
    body: str = Field(description="The email text")
    short: str = Field(description="The SMS or push text")
    sent_at: datetime | None


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _preview(
    rendered: Rendered, *, message_id: uuid.UUID | None, status: str | None, sent_at: datetime | None
) -> MessagePreview:
    return MessagePreview(
        message_id=message_id,
        status=status,
        language=rendered.language,
        template=rendered.template,
        subject=rendered.subject,
        body=rendered.body,
        short=rendered.short,
        sent_at=sent_at,
    )


@router.get(
    "/messages/{message_id}/preview",
    response_model=MessagePreview,
    summary="A message as the passenger read it (sent) or will read it (not yet sent)",
    description=(
        "`language` writes it in another language (en, es, fr), as it would be if sent now. Needs the agent role."
    ),
)
def preview_message(
    message_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: AgentDep,
    language: Annotated[str | None, Query(max_length=8)] = None,
) -> MessagePreview:
    message, rendered = messages.preview_message(
        session, message_id=message_id, now=utc_now(), airline=_settings(request).airline_name, language=language
    )
    audit.record(
        session, actor=principal.actor, role=principal.role.value, action="message.previewed",
        entity_type="outbound_message", entity_id=str(message.id), details={"passenger_id": str(message.passenger_id)},
    )  # fmt: skip
    return _preview(rendered, message_id=message.id, status=message.status, sent_at=message.sent_at)


@router.get(
    "/message-previews",
    response_model=MessagePreview,
    summary="What a passenger would read about a flight event, were it sent now (nothing is written)",
    description="Needs the agent role.",
)
def preview_event(
    request: Request,
    session: SessionDep,
    principal: AgentDep,
    event_id: uuid.UUID,
    passenger_id: uuid.UUID,
    language: Annotated[str | None, Query(max_length=8)] = None,
    channel: Literal["email", "sms", "push"] = "email",
) -> MessagePreview:
    rendered = messages.preview_event(
        session, event_id=event_id, passenger_id=passenger_id, now=utc_now(),
        airline=_settings(request).airline_name, language=language, channel=channel,
    )  # fmt: skip
    audit.record(
        session, actor=principal.actor, role=principal.role.value, action="message.previewed",
        entity_type="passenger", entity_id=str(passenger_id), details={"flight_event_id": str(event_id)},
    )  # fmt: skip
    return _preview(rendered, message_id=None, status=None, sent_at=None)


class InboundMessage(BaseModel):
    """What the airline's mail or SMS provider received in answer to one of our messages."""

    kind: Literal["reply", "bounce"] = Field("reply", description="A passenger's reply, or a bounce that came later")
    channel: Literal["email", "sms", "push"]
    external_id: str = Field(
        min_length=1, max_length=100, description="The provider's id of what it received (a replay is recognised)"
    )
    token: str | None = Field(
        None, max_length=200, description="The reply token, or the whole reply+<token>@ address the reply went to"
    )
    in_reply_to: str | None = Field(None, max_length=120, description="The provider's id of our message")
    subject: str | None = Field(None, max_length=200)
    body: str = Field("", max_length=20_000, description="The reply's text")
    reason: str | None = Field(None, max_length=200, description="For a bounce: why")

    @model_validator(mode="after")
    def _names_a_message(self) -> InboundMessage:
        if not self.token and not self.in_reply_to:
            raise ValueError("give token or in_reply_to, so the message it answers can be found")
        if self.kind == "reply" and not self.body.strip():
            raise ValueError("a reply needs a body")
        return self


class InboundRead(BaseModel):
    kind: str
    message_id: uuid.UUID
    passenger_id: uuid.UUID
    interaction_id: uuid.UUID | None
    case_reference: str | None
    replayed: bool
    opted_out: bool
    message_status: str


@router.post(
    "/inbound-messages",
    response_model=InboundRead,
    status_code=201,
    summary="A reply to one of our messages (or a late bounce), from the airline's mail or SMS provider",
    description=(
        "A reply becomes an inbound interaction on the passenger's timeline and on the message's case (a case "
        "waiting on the passenger opens again); `STOP` by text withdraws consent to texts. The same "
        "`external_id` again returns the first (200). A bounce marks the address and sends the message on the "
        "passenger's next channel. The message is named by its reply token or the provider's message id; "
        "neither known: 404. Needs the integration role."
    ),
    responses={200: {"model": InboundRead, "description": "This reply was received before"}},
)
def receive(
    body: InboundMessage, request: Request, response: Response, session: SessionDep, principal: IntegrationDep
) -> InboundRead:
    secret = _settings(request).secret_key.get_secret_value()
    now = utc_now()
    if body.kind == "bounce":
        message = messages.receive_bounce(
            session, server_secret=secret, reason=body.reason or "bounced", now=now, token=body.token,
            provider_message_id=body.in_reply_to,
        )  # fmt: skip
        audit.record(
            session, actor=principal.actor, role=principal.role.value, action="message.bounced",
            entity_type="outbound_message", entity_id=str(message.id),
        )  # fmt: skip
        return InboundRead(
            kind="bounce", message_id=message.id, passenger_id=message.passenger_id, interaction_id=None,
            case_reference=None, replayed=False, opted_out=False, message_status=message.status,
        )  # fmt: skip
    inbound = messages.receive_reply(
        session, server_secret=secret, channel=body.channel, external_id=body.external_id, body=body.body, now=now,
        token=body.token, provider_message_id=body.in_reply_to, subject=body.subject,
    )  # fmt: skip
    if inbound.replayed:
        response.status_code = 200
    else:
        audit.record(
            session, actor=principal.actor, role=principal.role.value, action="message.replied",
            entity_type="outbound_message", entity_id=str(inbound.message.id),
            details={"interaction_id": str(inbound.interaction.id), "opted_out": inbound.opted_out},
        )  # fmt: skip
    return InboundRead(
        kind="reply",
        message_id=inbound.message.id,
        passenger_id=inbound.message.passenger_id,
        interaction_id=inbound.interaction.id,
        case_reference=inbound.case_reference,
        replayed=inbound.replayed,
        opted_out=inbound.opted_out,
        message_status=inbound.message.status,
    )
