"""Collections: cursor pages cover a list exactly once in either order, even while rows are added; filters; one
error body for a bad cursor or sort key; roles; every list read audited."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.cases.models import Direction, Interaction
from goodwill.flights.models import Flight
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import make_api_key
from tests.imports.helpers import import_examples

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _headers(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {
            "Authorization": f"Bearer {make_api_key(session, role=role, name=f'{role.value}-{uuid.uuid4().hex[:6]}')}"
        }


def _flights(app: FastAPI, count: int, day: date, first: int = 100) -> None:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        from goodwill.flights.models import Airport, Carrier

        if session.get(Carrier, "B6") is None or session.get(Airport, "JFK") is None:
            import_examples(session)
        for n in range(count):
            departs = datetime(day.year, day.month, day.day, 6, tzinfo=UTC) + timedelta(minutes=7 * n)
            session.add(
                Flight(
                    carrier="B6",
                    number=str(first + n),
                    operating_date=day,
                    origin="JFK",
                    destination="BOS",
                    scheduled_departure=departs,
                    scheduled_arrival=departs + timedelta(hours=1),
                )
            )


def _walk(client: TestClient, url: str, headers: dict[str, str], **params: str | int) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    cursor = None
    for _page in range(100):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(url, params=query, headers=headers).json()
        seen.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("sort", ["operating_date", "-operating_date", "created", "-created"])
def test_pages_cover_the_list_exactly_once_in_order(client: TestClient, app: FastAPI, sort: str) -> None:
    _flights(app, 23, date(2026, 3, 1))
    _flights(app, 9, date(2026, 3, 2), first=500)
    agent = _headers(app, Role.AGENT)
    walked = _walk(client, "/api/v1/flights", agent, sort=sort, limit=5)
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        stored = session.scalar(select(func.count()).select_from(Flight))
    assert len(walked) == stored
    assert len({f["id"] for f in walked}) == stored
    keys = [(f["operating_date"], f["id"]) if "operating_date" in sort else f["id"] for f in walked]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


def test_rows_added_between_pages_are_neither_skipped_nor_repeated(client: TestClient, app: FastAPI) -> None:
    _flights(app, 10, date(2026, 3, 1))
    agent = _headers(app, Role.AGENT)
    first = client.get("/api/v1/flights", params={"sort": "created", "limit": 4}, headers=agent).json()
    _flights(app, 3, date(2026, 3, 5), first=900)  # newer ids: after everything seen so far
    rest = _walk(client, "/api/v1/flights", agent, sort="created", limit=4, cursor=first["next_cursor"])
    ids = [f["id"] for f in first["items"]] + [f["id"] for f in rest]
    assert len(ids) == len(set(ids))
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        assert len(ids) == session.scalar(select(func.count()).select_from(Flight))


def test_filters_narrow_the_list(client: TestClient, app: FastAPI) -> None:
    _flights(app, 6, date(2026, 3, 1))
    _flights(app, 4, date(2026, 3, 2), first=500)
    agent = _headers(app, Role.AGENT)
    march_2 = _walk(client, "/api/v1/flights", agent, operating_date="2026-03-02", limit=3)
    assert [f["number"] for f in march_2] == ["500", "501", "502", "503"]
    one = client.get("/api/v1/bookings", params={"pnr": "hny7qx"}, headers=agent).json()["items"]
    assert [b["pnr"] for b in one] == ["HNY7QX"]


def test_a_bad_cursor_or_sort_is_a_400_naming_the_parameter(client: TestClient, app: FastAPI) -> None:
    _flights(app, 3, date(2026, 3, 1))
    agent = _headers(app, Role.AGENT)
    bad = client.get("/api/v1/flights", params={"cursor": "not-a-cursor"}, headers=agent)
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["loc"] == ["query", "cursor"]
    page = client.get("/api/v1/flights", params={"limit": 1, "sort": "created"}, headers=agent).json()
    other_sort = client.get(
        "/api/v1/flights", params={"cursor": page["next_cursor"], "sort": "-created"}, headers=agent
    )
    assert other_sort.status_code == 400
    wrong = client.get("/api/v1/flights", params={"sort": "price"}, headers=agent)
    assert wrong.status_code == 400
    assert wrong.json()["problems"][0]["loc"] == ["query", "sort"]


@pytest.mark.parametrize(
    ("url", "name", "allowed"),
    [
        ("/api/v1/flights", "status", "cancelled"),
        ("/api/v1/flight-events", "type", "cancellation"),
        ("/api/v1/feedback", "channel", "survey"),
        ("/api/v1/feedback", "sentiment", "negative"),
        ("/api/v1/cases", "status", "waiting_on_passenger"),
        ("/api/v1/cases", "priority", "urgent"),
        ("/api/v1/cases", "type", "baggage"),
        ("/api/v1/entitlements", "kind", "compensation"),
        ("/api/v1/entitlements", "status", "withdrawn"),
        ("/api/v1/vouchers", "kind", "credit"),
        ("/api/v1/messages", "status", "suppressed"),
    ],
)
def test_an_unknown_status_or_type_is_refused_naming_the_parameter_and_the_values(
    client: TestClient, app: FastAPI, url: str, name: str, allowed: str
) -> None:
    supervisor = _headers(app, Role.SUPERVISOR)
    bad = client.get(url, params={name: "bogus"}, headers=supervisor)
    assert bad.status_code == 422, bad.text
    problem = bad.json()["problems"][0]
    assert problem["loc"] == ["query", name]
    assert f"'{allowed}'" in problem["msg"]  # the values allowed are listed
    good = client.get(url, params={name: allowed}, headers=supervisor)
    assert good.status_code == 200, good.text


def test_the_timeline_list_needs_a_passenger_or_case_and_pages_by_time(client: TestClient, app: FastAPI) -> None:
    _flights(app, 1, date(2026, 3, 1))
    from goodwill.customers.models import PassengerIdentity

    with unit_of_work(make_session_factory(app.state.engine)) as session:
        ana = session.scalars(
            select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
        ).one()
        for minute in (5, 1, 3, 2, 4):
            session.add(
                Interaction(
                    passenger_id=ana,
                    channel="chat",
                    direction=Direction.INBOUND.value,
                    occurred_at=START + timedelta(minutes=minute),
                    body=f"m{minute}",
                )
            )
    agent = _headers(app, Role.AGENT)
    assert client.get("/api/v1/interactions", headers=agent).status_code == 400
    walked = _walk(client, "/api/v1/interactions", agent, passenger_id=str(ana), limit=2)
    assert [i["body"] for i in walked] == ["m5", "m4", "m3", "m2", "m1"]


def test_roles_and_the_audit_of_each_list(client: TestClient, app: FastAPI) -> None:
    _flights(app, 2, date(2026, 3, 1))
    assert client.get("/api/v1/flights").status_code == 401
    assert client.get("/api/v1/cases", headers=_headers(app, Role.INTEGRATION)).status_code == 403
    assert client.get("/api/v1/entitlements", headers=_headers(app, Role.AGENT)).status_code == 403
    supervisor = _headers(app, Role.SUPERVISOR)
    for url in ("/api/v1/entitlements", "/api/v1/vouchers", "/api/v1/messages", "/api/v1/cases", "/api/v1/feedback"):
        assert client.get(url, headers=supervisor).status_code == 200, url
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"entitlements.listed", "vouchers.listed", "messages.listed", "cases.listed", "feedback.listed"} <= actions


def test_a_cursor_with_a_naive_instant_is_a_damaged_cursor(client: TestClient, app: FastAPI) -> None:
    import base64
    import json

    _flights(app, 1, date(2026, 3, 1))
    agent = _headers(app, Role.AGENT)
    raw = json.dumps(["-occurred_at", "2026-03-01T08:00:00", str(uuid.uuid4())]).encode()
    forged = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = client.get(
        "/api/v1/interactions", params={"passenger_id": str(uuid.uuid4()), "cursor": forged}, headers=agent
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["loc"] == ["query", "cursor"]
