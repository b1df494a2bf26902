"""Trends and spike alerts over HTTP: who may read them, and what they return."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.listening import alerting
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import make_api_key
from tests.listening.loop_helpers import NOW, make_feedback, make_flight


@pytest.fixture
def keys(app: FastAPI) -> dict[str, dict[str, str]]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        flight = make_flight(session)
        for nps, hour in ((10, 8), (2, 9), (3, 10), (4, 11), (5, 12), (6, 13)):
            make_feedback(session, flight_id=flight, nps=nps, received_at=NOW.replace(hour=hour), topics=["crew"],
                          text=f"score {nps}")  # fmt: skip
        alerting.detect_spikes(session, now=NOW, actor="test")
        tokens = {role.value: make_api_key(session, role=role, name=role.value) for role in Role}
    return {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def test_a_manager_reads_nps_by_route_with_verbatims(client: TestClient, keys: dict[str, dict[str, str]],
                                                     url_engine: Engine) -> None:  # fmt: skip
    response = client.get(
        "/api/v1/listening/trends",
        params={"metric": "nps", "by": "day", "group": "route", "verbatims": 1},
        headers=keys["manager"],
    )
    assert response.status_code == 200, response.text
    [row] = response.json()
    assert (row["period"], row["group"], row["count"], row["nps"], row["detractors"]) == (
        "2026-03-10", "JFK-BOS", 6, -66.7, 5,
    )  # fmt: skip
    assert [v["text"] for v in row["verbatims"]] == ["score 2"]
    with url_engine.connect() as connection:
        actors = (
            connection.execute(select(AuditEntry.actor).where(AuditEntry.action == "listening.trends_viewed"))
            .scalars()
            .all()
        )
    assert actors == ["key:manager"]


@pytest.mark.parametrize(("role", "status"), [("agent", 403), ("integration", 403), ("admin", 200)])
def test_trends_need_the_manager_role(client: TestClient, keys: dict[str, dict[str, str]], role: str,
                                      status: int) -> None:  # fmt: skip
    assert client.get("/api/v1/listening/trends", headers=keys[role]).status_code == status
    assert client.get("/api/v1/listening/trends").status_code == 401


def test_a_bad_parameter_is_named(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = client.get("/api/v1/listening/trends", params={"metric": "mood"}, headers=keys["manager"])
    assert response.status_code == 422
    assert response.json()["problems"][0]["loc"] == ["query", "metric"]


def test_a_supervisor_lists_the_alerts(client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    response = client.get("/api/v1/listening/alerts", headers=keys["supervisor"])
    assert response.status_code == 200, response.text
    # Six crew complaints on JFK-BOS today, none before: the route and both airports.
    assert sorted((a["scope_kind"], a["scope"], a["subject"], a["observed"]) for a in response.json()) == [
        ("airport", "BOS", "crew", 6), ("airport", "JFK", "crew", 6), ("route", "JFK-BOS", "crew", 6),
    ]  # fmt: skip
    later = (NOW + timedelta(days=1)).astimezone(UTC).isoformat()
    assert client.get("/api/v1/listening/alerts", params={"since": later}, headers=keys["supervisor"]).json() == []
    assert client.get("/api/v1/listening/alerts", headers=keys["agent"]).status_code == 403
    assert client.get("/api/v1/listening/alerts", headers=keys["integration"]).status_code == 403
    assert client.get("/api/v1/listening/alerts").status_code == 401
