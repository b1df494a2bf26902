"""The customer 360 and search over HTTP: who may read them, what they answer, and the audit of each read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.audit.models import AuditEntry
from goodwill.config import Settings
from goodwill.customers.models import PassengerIdentity
from goodwill.customers.value import refresh_value
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.factories import TEST_SECRET, make_api_key
from tests.imports.helpers import import_examples


@pytest.fixture
def app(db_url: str) -> Iterator[FastAPI]:
    engine = make_engine(db_url)
    application = create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=engine)
    with unit_of_work(make_session_factory(engine)) as session:
        import_examples(session)
        refresh_value(session)
    yield application
    engine.dispose()


def _headers(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=f'{role.value}-key')}"}


def _ana(app: FastAPI) -> str:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return str(
            session.scalars(
                select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
            ).one()
        )


def _audit(app: FastAPI, action: str) -> list[AuditEntry]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(rows)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN])
def test_people_serving_passengers_read_the_360_and_each_read_is_audited(app: FastAPI, role: Role) -> None:
    client = TestClient(app)
    ana = _ana(app)
    response = client.get(f"/api/v1/passengers/{ana}", headers=_headers(app, role))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["profile"]["first_name"] == "Ana"
    assert body["value"]["lifetime_revenue"]["amount"] == "412.60"
    assert body["value"]["rank"] >= 1
    assert [t["pnr"] for t in body["past_trips"]] == ["HNY7QX", "HNY7QX"]
    entries = _audit(app, "passenger.viewed")
    assert [(e.entity_id, e.role) for e in entries] == [(ana, role.value)]


def test_machines_and_strangers_are_refused(app: FastAPI) -> None:
    client = TestClient(app)
    ana = _ana(app)
    assert client.get(f"/api/v1/passengers/{ana}").status_code == 401
    assert client.get(f"/api/v1/passengers/{ana}", headers=_headers(app, Role.INTEGRATION)).status_code == 403
    assert client.get("/api/v1/passengers?q=ana", headers=_headers(app, Role.INTEGRATION)).status_code == 403
    assert _audit(app, "passenger.viewed") == []


def test_search_finds_by_any_key_and_audits_who_was_shown_not_the_query(app: FastAPI) -> None:
    client = TestClient(app)
    headers = _headers(app, Role.AGENT)
    ana = _ana(app)
    for query in ("ana lop", "ANA.LOPEZ@EXAMPLE.COM", "hny7qx", "@ana_lopez"):
        found = client.get("/api/v1/passengers", params={"q": query}, headers=headers).json()
        assert ana in [m["id"] for m in found], query
    entries = _audit(app, "passengers.searched")
    assert len(entries) == 4
    assert all(ana in e.details["shown"] for e in entries)
    assert all("lopez" not in str(e.details).lower() for e in entries)


def test_an_unknown_passenger_and_a_bad_query_get_the_one_error_body(app: FastAPI) -> None:
    client = TestClient(app)
    headers = _headers(app, Role.AGENT)
    missing = client.get("/api/v1/passengers/00000000-0000-0000-0000-000000000000", headers=headers)
    assert missing.status_code == 404
    assert "no passenger" in missing.json()["detail"]
    assert client.get("/api/v1/passengers", params={"q": ""}, headers=headers).status_code == 422
    assert client.get("/api/v1/passengers/not-a-uuid", headers=headers).status_code == 422


def test_an_export_needs_a_manager_and_is_audited(app: FastAPI) -> None:
    client = TestClient(app)
    ana = _ana(app)
    assert client.get(f"/api/v1/passengers/{ana}/export", headers=_headers(app, Role.AGENT)).status_code == 403
    response = client.get(f"/api/v1/passengers/{ana}/export", headers=_headers(app, Role.MANAGER))
    assert response.status_code == 200, response.text
    tables = response.json()["tables"]
    assert tables["passengers"][0]["first_name"] == "Ana"
    assert {i["value"] for i in tables["passenger_identities"]} >= {"ana.lopez@example.com"}
    assert [e.entity_id for e in _audit(app, "passenger.exported")] == [ana]


def test_an_erasure_needs_an_admin_is_audited_and_can_be_repeated(app: FastAPI) -> None:
    client = TestClient(app)
    ana = _ana(app)
    url = f"/api/v1/passengers/{ana}/erasure"
    assert client.post(url, headers=_headers(app, Role.MANAGER)).status_code == 403
    assert client.post(url).status_code == 401
    admin = _headers(app, Role.ADMIN)
    first = client.post(url, headers=admin).json()
    assert first["already_erased"] is False
    assert first["deleted"]["passenger_identities"] == 4
    again = client.post(url, headers=admin).json()
    assert again["already_erased"] is True
    assert sum(again["deleted"].values()) == 0
    profile = client.get(f"/api/v1/passengers/{ana}", headers=_headers(app, Role.AGENT)).json()["profile"]
    assert (profile["first_name"], profile["status"]) == ("Erased", "erased")
    assert len(_audit(app, "passenger.erased")) == 2
