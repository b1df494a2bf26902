"""Messages over HTTP: previews for agents, replies and bounces from the provider (integration role)."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.cases.models import Interaction
from goodwill.customers.models import Passenger
from goodwill.notifications import replies
from goodwill.notifications import service as notify
from goodwill.notifications.channels import ConsoleChannel
from goodwill.notifications.models import AddressBounce, OutboundMessage
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import TEST_SECRET, make_api_key
from tests.notifications.world import NOW, build, person


def _headers(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=f'{role.value}-key')}"}


def _sent_world(app: FastAPI) -> tuple[str, str, str]:
    """One passenger (platinum: a recovery case), their cancellation, the message sent; (message, event, passenger)."""
    factory = make_session_factory(app.state.engine)
    with unit_of_work(factory) as session:
        event = build(session, people=[person(1, tier="platinum", language="fr")])
        event_id = str(event.id)
    notify.deliver_due(
        lambda: unit_of_work(factory), channels={"email": ConsoleChannel("email")}, server_secret=TEST_SECRET,
        airline="Goodwill Demo Air", now=lambda: NOW,
    )  # fmt: skip
    with unit_of_work(factory) as session:
        message = session.scalars(select(OutboundMessage)).one()
        return str(message.id), event_id, str(message.passenger_id)


def test_an_agent_previews_a_message_and_an_event_in_any_language(client: TestClient, app: FastAPI) -> None:
    message_id, event_id, passenger_id = _sent_world(app)
    agent = _headers(app, Role.AGENT)
    sent = client.get(f"/api/v1/messages/{message_id}/preview", headers=agent)
    assert sent.status_code == 200, sent.text
    assert sent.json()["language"] == "fr"
    assert sent.json()["subject"] == "Votre vol B6 101 du 14 fév est annulé"
    assert sent.json()["status"] == "sent"
    english = client.get(f"/api/v1/messages/{message_id}/preview", params={"language": "en"}, headers=agent).json()
    assert english["body"].startswith("Dear Pax1,")
    text = client.get(
        "/api/v1/message-previews",
        params={"event_id": event_id, "passenger_id": passenger_id, "language": "es", "channel": "sms"},
        headers=agent,
    )
    assert text.status_code == 200, text.text
    assert text.json()["short"].startswith("Goodwill Demo Air: Pax1, su vuelo B6 101")
    assert client.get(f"/api/v1/messages/{message_id}/preview").status_code == 401
    missing = client.get("/api/v1/messages/00000000-0000-0000-0000-000000000000/preview", headers=agent)
    assert missing.status_code == 404


def test_a_reply_from_the_provider_reaches_the_case_once(client: TestClient, app: FastAPI) -> None:
    message_id, _event_id, passenger_id = _sent_world(app)
    token = replies.token_for(TEST_SECRET, uuid.UUID(message_id))
    integration = _headers(app, Role.INTEGRATION)
    body = {
        "channel": "email", "external_id": "<r1@mail.example>", "token": f"reply+{token}@goodwill.example",
        "body": "Merci. Pouvez-vous me mettre sur le B6 103 ?",
    }  # fmt: skip
    first = client.post("/api/v1/inbound-messages", json=body, headers=integration)
    assert first.status_code == 201, first.text
    assert first.json()["case_reference"].startswith("C-")
    assert first.json()["passenger_id"] == passenger_id
    again = client.post("/api/v1/inbound-messages", json=body, headers=integration)
    assert again.status_code == 200
    assert again.json()["interaction_id"] == first.json()["interaction_id"]
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        inbound = session.scalars(select(Interaction).where(Interaction.direction == "inbound")).one()
        assert inbound.case_id is not None
        assert inbound.body == body["body"]
    forged = client.post(
        "/api/v1/inbound-messages", json={**body, "token": "reply+" + "0" * 48, "external_id": "x"}, headers=integration
    )
    assert forged.status_code == 404
    unnamed = client.post("/api/v1/inbound-messages", json={"channel": "sms", "external_id": "y", "body": "hi"},
                          headers=integration)  # fmt: skip
    assert unnamed.status_code in (400, 422)
    assert client.post("/api/v1/inbound-messages", json=body, headers=_headers(app, Role.AGENT)).status_code == 403


def test_a_late_bounce_marks_the_address_and_sends_again(client: TestClient, app: FastAPI) -> None:
    message_id, _event_id, _passenger_id = _sent_world(app)
    integration = _headers(app, Role.INTEGRATION)
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        provider_id = session.scalar(select(OutboundMessage.provider_message_id))
    bounced = client.post(
        "/api/v1/inbound-messages",
        json={"kind": "bounce", "channel": "email", "external_id": "dsn-1", "in_reply_to": provider_id,
              "reason": "550 mailbox unavailable"},
        headers=integration,
    )  # fmt: skip
    assert bounced.status_code == 201, bounced.text
    assert bounced.json()["message_status"] == "pending"
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        assert session.scalar(select(AddressBounce.reason)) == "550 mailbox unavailable"
        assert session.get(Passenger, session.scalar(select(Passenger.id))) is not None
    assert message_id
