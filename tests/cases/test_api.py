"""Answering a case over HTTP: agents may, integrations may not, strangers get 401; once per Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.cases import service as cases
from goodwill.cases.models import Case, CaseEvent, Interaction
from goodwill.notifications.models import OutboundMessage
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import make_api_key
from tests.listening.loop_helpers import NOW, make_passenger


@dataclass
class Seed:
    reference: str
    anonymous: str
    agent: dict[str, str]
    integration: dict[str, str]


@pytest.fixture
def seed(app: FastAPI) -> Seed:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        ana = make_passenger(session)
        opened = cases.open_case(session, type="complaint", priority="normal", subject="Lost bag", passenger_id=ana,
                                 tier="none", now=NOW, actor="test")  # fmt: skip
        nobody = cases.open_case(session, type="complaint", priority="high", subject="Angry tweet", passenger_id=None,
                                 tier=None, now=NOW, actor="test")  # fmt: skip
        agent = make_api_key(session, role=Role.AGENT, name="desk-1")
        integration = make_api_key(session, role=Role.INTEGRATION, name="pos")
    return Seed(opened.reference, nobody.reference, {"Authorization": f"Bearer {agent}"},
                {"Authorization": f"Bearer {integration}"})  # fmt: skip


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def test_an_agent_answers_once_per_key(client: TestClient, seed: Seed, url_engine: Engine) -> None:
    headers = {**seed.agent, "Idempotency-Key": "answer-1"}
    url = f"/api/v1/cases/{seed.reference}/replies"
    first = client.post(url, json={"body": "Your bag arrives tonight."}, headers=headers)
    assert first.status_code == 201, first.text
    again = client.post(url, json={"body": "Your bag arrives tonight."}, headers=headers)
    assert again.status_code == 200
    assert again.json()["message_id"] == first.json()["message_id"]
    assert (first.json()["status"], first.json()["author"]) == ("open", "key:desk-1")
    assert (_count(url_engine, OutboundMessage), _count(url_engine, Interaction)) == (1, 1)
    with url_engine.connect() as connection:
        case = connection.execute(
            select(Case.first_responded_at, Case.status).where(Case.reference == seed.reference)
        ).one()
        kinds = connection.execute(select(CaseEvent.kind).order_by(CaseEvent.kind)).scalars().all()
        audited = connection.execute(select(AuditEntry.actor).where(AuditEntry.action == "case.replied")).all()
    assert case.first_responded_at is not None
    assert case.status == "open"
    assert kinds == ["opened", "opened", "replied"]
    assert [a.actor for a in audited] == ["key:desk-1"]

    other = client.post(url, json={"body": "Something else"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"] == "ReplyKeyReused"
    second = client.post(url, json={"body": "A second answer"}, headers={**seed.agent, "Idempotency-Key": "answer-2"})
    assert second.status_code == 201
    assert _count(url_engine, OutboundMessage) == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [pytest.param("integration", 403, id="integration-refused"), pytest.param(None, 401, id="no-key-401")],
)
def test_only_staff_may_answer(client: TestClient, seed: Seed, who: str | None, status: int) -> None:
    headers = seed.integration if who else {}
    response = client.post(f"/api/v1/cases/{seed.reference}/replies", json={"body": "hi"}, headers=headers)
    assert response.status_code == status


def test_unknown_case_and_unidentified_passenger(client: TestClient, seed: Seed, url_engine: Engine) -> None:
    missing = client.post("/api/v1/cases/C-9999999/replies", json={"body": "hi"}, headers=seed.agent)
    assert (missing.status_code, missing.json()["error"]) == (404, "CaseNotFound")
    nobody = client.post(f"/api/v1/cases/{seed.anonymous}/replies", json={"body": "hi"}, headers=seed.agent)
    assert (nobody.status_code, nobody.json()["error"]) == (400, "CaseHasNoPassenger")
    empty = client.post(f"/api/v1/cases/{seed.reference}/replies", json={"body": ""}, headers=seed.agent)
    assert empty.status_code == 422
    assert _count(url_engine, OutboundMessage) == 0
