"""The case workflow over HTTP: read, assign, note, move, merge, at risk, SLA report; roles and audit."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.cases import service as cases
from goodwill.kit.time import utc_now
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import make_api_key


def _headers(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=f'{role.value}-key')}"}


def _open(app: FastAPI, priority: str = "urgent") -> str:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        case = cases.open_case(
            session, type="complaint", priority=priority, subject="Missed my sister's wedding", passenger_id=None,
            tier=None, now=utc_now() - timedelta(minutes=30), actor="test", team="care",
        )  # fmt: skip
        return case.reference


def test_an_agent_works_a_case_from_note_to_resolution(client: TestClient, app: FastAPI) -> None:
    ref = _open(app)
    agent = _headers(app, Role.AGENT)
    assert (
        client.post(f"/api/v1/cases/{ref}/assignment", json={"assignee": "agent-7"}, headers=agent).status_code == 200
    )
    noted = client.post(f"/api/v1/cases/{ref}/notes", json={"body": "Rebooked on B6 12"}, headers=agent)
    assert noted.status_code == 201
    assert [t["internal"] for t in noted.json()["thread"]] == [True]
    refused = client.post(f"/api/v1/cases/{ref}/status", json={"status": "resolved"}, headers=agent)
    assert refused.status_code == 400
    assert refused.json()["problems"][0]["loc"] == ["body", "resolution_code"]
    done = client.post(
        f"/api/v1/cases/{ref}/status", json={"status": "resolved", "resolution_code": "rebooked"}, headers=agent
    ).json()
    assert (done["status"], done["resolution_code"], done["assignee"]) == ("resolved", "rebooked", "agent-7")
    assert [s["kind"] for s in done["steps"]] == ["opened", "assigned", "noted", "status_changed"]
    read = client.get(f"/api/v1/cases/{ref}", headers=agent)
    assert read.json()["cost"] == {"vouchers": {}, "compensation": {}, "total": {}}
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"case.viewed", "case.assigned", "case.noted", "case.status_changed"} <= actions


def test_breach_warnings_and_the_sla_report(client: TestClient, app: FastAPI) -> None:
    urgent = _open(app, "urgent")  # opened 30 minutes ago: first answer due in 30 minutes
    _open(app, "low")
    agent = _headers(app, Role.AGENT)
    soon = client.get("/api/v1/cases/at-risk", params={"within_minutes": 60}, headers=agent).json()
    assert [(r["reference"], r["what"], r["breached"]) for r in soon] == [(urgent, "first_response", False)]
    assert client.get("/api/v1/cases/sla-report", params={"since": "2020-01-01T00:00:00Z",
                                                          "until": "2100-01-01T00:00:00Z"},
                      headers=agent).status_code == 403  # fmt: skip
    report = client.get(
        "/api/v1/cases/sla-report",
        params={"since": "2020-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"},
        headers=_headers(app, Role.SUPERVISOR),
    ).json()
    assert [(line["group"], line["cases"]) for line in report] == [("care", 2)]


def test_merging_needs_a_supervisor(client: TestClient, app: FastAPI) -> None:
    first, second = _open(app), _open(app)
    body = {"into": first}
    assert client.post(f"/api/v1/cases/{second}/merge", json=body, headers=_headers(app, Role.AGENT)).status_code == 403
    merged = client.post(f"/api/v1/cases/{second}/merge", json=body, headers=_headers(app, Role.SUPERVISOR))
    assert merged.status_code == 200
    assert merged.json()["reference"] == first
    again = client.post(f"/api/v1/cases/{second}/merge", json=body, headers=_headers(app, Role.SUPERVISOR))
    assert again.status_code == 409
    assert client.get("/api/v1/cases/C-9999999", headers=_headers(app, Role.AGENT)).status_code == 404


def test_a_goodwill_voucher_within_the_agent_s_limit_once_per_key(client: TestClient, app: FastAPI) -> None:
    from goodwill.customers.models import Passenger

    ref = _open(app)
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        passenger = Passenger(first_name="Ana", last_name="López", name_key="lopez ana")
        session.add(passenger)
        session.flush()
        case = cases.get_case(session, reference=ref)
        case.passenger_id = passenger.id
    agent = {**_headers(app, Role.AGENT), "Idempotency-Key": "gw-1"}
    url = f"/api/v1/cases/{ref}/vouchers"
    too_much = client.post(url, json={"amount": "400.00", "currency": "USD", "reason": "wedding"}, headers=agent)
    assert too_much.status_code == 403
    assert "up to 150 USD" in too_much.json()["detail"]
    first = client.post(url, json={"amount": "75.00", "currency": "USD", "reason": "missed the wedding"}, headers=agent)
    assert first.status_code == 201, first.text
    again = client.post(url, json={"amount": "75.00", "currency": "USD", "reason": "missed the wedding"}, headers=agent)
    assert (again.status_code, again.json()["code"]) == (200, first.json()["code"])
    other = client.post(url, json={"amount": "80.00", "currency": "USD", "reason": "missed the wedding"}, headers=agent)
    assert other.status_code == 409
    no_key = client.post(
        url, json={"amount": "5.00", "currency": "USD", "reason": "x"}, headers=_headers(app, Role.AGENT)
    )
    assert no_key.status_code == 422
    detail = client.get(f"/api/v1/cases/{ref}", headers=agent).json()
    assert detail["cost"]["vouchers"] == {"USD": 7500}
    assert [s["kind"] for s in detail["steps"]].count("voucher_issued") == 1
    manager = {**_headers(app, Role.MANAGER), "Idempotency-Key": "gw-2"}
    assert (
        client.post(url, json={"amount": "400.00", "currency": "USD", "reason": "wedding"}, headers=manager).status_code
        == 201
    )


def test_a_report_window_without_an_offset_is_refused_not_guessed(client: TestClient, app: FastAPI) -> None:
    supervisor = _headers(app, Role.SUPERVISOR)
    naive = client.get(
        "/api/v1/cases/sla-report", params={"since": "2020-01-01T00:00:00", "until": "2030-01-01T00:00:00"},
        headers=supervisor,
    )  # fmt: skip
    assert naive.status_code == 422
    assert "since" in naive.text
