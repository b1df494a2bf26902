"""Webhooks over HTTP: only administrators subscribe and read the log; the secret is shown once and signs."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.webhooks import signing
from tests.factories import TEST_SECRET, make_api_key


def _headers(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=f'{role.value}-key')}"}


def test_an_admin_subscribes_and_gets_the_secret_once(client: TestClient, app: FastAPI) -> None:
    admin = _headers(app, Role.ADMIN)
    body = {"url": "https://crm.example.com/hooks", "events": ["case.opened", "detractor.received"]}
    made = client.post("/api/v1/webhooks", json=body, headers=admin)
    assert made.status_code == 201, made.text
    created = made.json()
    assert created["secret"] == signing.secret_for(TEST_SECRET, __import__("uuid").UUID(created["id"]))
    listed = client.get("/api/v1/webhooks", headers=admin).json()
    assert [s["id"] for s in listed] == [created["id"]]
    assert "secret" not in listed[0]
    log = client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=admin)
    assert (log.status_code, log.json()) == (200, [])
    stopped = client.delete(f"/api/v1/webhooks/{created['id']}", headers=admin).json()
    assert stopped["active"] is False
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        actions = [a for (a,) in session.execute(select(AuditEntry.action).order_by(AuditEntry.at))]
    assert {"webhook.subscribed", "webhooks.listed", "webhook.deliveries_read", "webhook.deactivated"} <= set(actions)


def test_others_are_refused_and_bad_bodies_name_the_field(client: TestClient, app: FastAPI) -> None:
    body = {"url": "https://crm.example.com/hooks", "events": ["case.opened"]}
    for role in (Role.AGENT, Role.MANAGER, Role.INTEGRATION):
        assert client.post("/api/v1/webhooks", json=body, headers=_headers(app, role)).status_code == 403
    assert client.get("/api/v1/webhooks").status_code == 401
    admin = _headers(app, Role.ADMIN)
    bad = client.post("/api/v1/webhooks", json={**body, "events": ["case.closed"]}, headers=admin)
    assert bad.status_code == 400
    assert "events" in bad.text
    missing = client.get("/api/v1/webhooks/00000000-0000-0000-0000-000000000000/deliveries", headers=admin)
    assert missing.status_code == 404
