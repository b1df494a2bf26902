"""Console users over the API: admin only, passwords in but never out, changes audited."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import TEST_PASSWORD, make_api_key


def _token(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=role.value)}"}


def test_only_an_admin_lists_and_adds_users(app: FastAPI, client: TestClient) -> None:
    body = {"username": "maria", "name": "María López", "role": "agent", "password": TEST_PASSWORD, "team": "care"}
    for role in (Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.INTEGRATION):
        headers = _token(app, role)
        assert client.get("/api/v1/users", headers=headers).status_code == 403
        assert client.post("/api/v1/users", json=body, headers=headers).status_code == 403
    assert client.get("/api/v1/users").status_code == 401
    admin = _token(app, Role.ADMIN)
    made = client.post("/api/v1/users", json=body, headers=admin)
    assert made.status_code == 201
    assert made.json()["username"] == "maria"
    assert "password" not in made.text
    assert "hash" not in made.text
    listed = client.get("/api/v1/users", headers=admin).json()
    assert [u["username"] for u in listed] == ["maria"]
    again = client.post("/api/v1/users", json=body, headers=admin)
    assert again.status_code == 409


def test_bad_input_names_the_field(app: FastAPI, client: TestClient) -> None:
    admin = _token(app, Role.ADMIN)
    weak = client.post(
        "/api/v1/users", json={"username": "ana", "name": "Ana", "role": "agent", "password": "short"}, headers=admin
    )
    assert weak.status_code == 400
    assert weak.json()["problems"] == [{"loc": ["body", "password"], "msg": "a password needs at least 12 characters"}]
    machine = client.post(
        "/api/v1/users",
        json={"username": "bot", "name": "Bot", "role": "integration", "password": TEST_PASSWORD},
        headers=admin,
    )
    assert machine.status_code == 400
    assert machine.json()["problems"][0]["loc"] == ["body", "role"]
    missing = client.patch("/api/v1/users/nobody", json={"team": "x"}, headers=admin)
    assert missing.status_code == 404


def test_a_change_is_audited_and_a_disabled_user_cannot_sign_in(app: FastAPI, client: TestClient) -> None:
    admin = _token(app, Role.ADMIN)
    client.post(
        "/api/v1/users",
        json={"username": "ana", "name": "Ana", "role": "agent", "password": TEST_PASSWORD},
        headers=admin,
    )
    changed = client.patch("/api/v1/users/ana", json={"role": "supervisor", "disabled": True}, headers=admin)
    assert changed.status_code == 200
    assert changed.json()["role"] == "supervisor"
    assert changed.json()["disabled_at"] is not None
    refused = TestClient(app).post("/sign-in", data={"username": "ana", "password": TEST_PASSWORD})
    assert refused.status_code == 401
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")).one()
        assert entry.actor == "key:admin"
        assert entry.details["role"] == {"from": "agent", "to": "supervisor"}
        assert entry.details["disabled"] is True
