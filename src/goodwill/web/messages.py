"""A message as the passenger read it, or as it will be written when it leaves: the console's preview of what
Goodwill tells a passenger (a disruption notice, an agent's answer, a survey invitation), in their language or in
another, by email and as a text."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from goodwill.api.deps import SessionDep
from goodwill.audit import service as audit
from goodwill.customers.models import Passenger
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now
from goodwill.notifications import service as messages
from goodwill.web.auth import AgentPage
from goodwill.web.console import render

router = APIRouter(include_in_schema=False)

LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}  # the languages with templates


@router.get("/messages/{message_id}", response_class=HTMLResponse)
def message_page(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    message_id: uuid.UUID,
    language: Annotated[str | None, Query(max_length=8)] = None,
) -> HTMLResponse:
    if language is not None and language not in LANGUAGES:
        problem = {"loc": ["query", "language"], "msg": f"one of {', '.join(LANGUAGES)}"}
        raise InvalidInput(f"no message template in {language!r}", problems=[problem])
    message, rendered = messages.preview_message(
        session,
        message_id=message_id,
        now=utc_now(),
        airline=request.app.state.settings.airline_name,
        language=language,
    )
    passenger = session.get(Passenger, message.passenger_id)
    audit.record(
        session,
        actor=me.principal.actor,
        role=me.principal.role.value,
        action="message.previewed",
        entity_type="outbound_message",
        entity_id=str(message.id),
        details={"passenger_id": str(message.passenger_id), "via": "console"},
    )
    context = {
        "message": message,
        "rendered": rendered,
        "passenger": passenger,
        "languages": LANGUAGES,
        "chosen": language,
        "as_sent": message.status == "sent" and language is None,
    }
    return render(request, "console/message_page.html", context, me=me)
