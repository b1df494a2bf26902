"""Passenger search and the customer 360 in the console, on the demo airline: live results, one page with
everything and a suggested next action; both audited as the API's reads are."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.customers.models import Passenger
from goodwill.store.db import make_session_factory, unit_of_work
from tests.web.agent_fixtures import make_casework, run_blizzard

Console = Callable[..., tuple[TestClient, str]]


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    return seeded_app


def audits(app: FastAPI, action: str) -> list[AuditEntry]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def a_passenger(app: FastAPI) -> Passenger:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        found = session.scalars(select(Passenger).order_by(Passenger.id).limit(1)).one()
        session.expunge(found)
        return found


def test_search_answers_htmx_with_the_results_only_and_a_link_to_after_with_the_page(
    served_app: FastAPI, console: Console
) -> None:
    client, _ = console(Role.AGENT, "ana")
    who = a_passenger(served_app)
    full = client.get("/passengers", params={"q": who.last_name})
    assert full.status_code == 200
    assert "<html" in full.text
    assert 'id="q"' in full.text
    assert f'href="/passengers/{who.id}"' in full.text
    live = client.get("/passengers", params={"q": who.last_name}, headers={"HX-Request": "true"})
    assert "<html" not in live.text
    assert f'href="/passengers/{who.id}"' in live.text
    none = client.get("/passengers", params={"q": "Zzyzxqv"}, headers={"HX-Request": "true"})
    assert "No passenger matches" in none.text
    searched = audits(served_app, "passengers.searched")
    assert len(searched) == 3
    assert {a.actor for a in searched} == {"user:ana"}
    assert str(who.id) in searched[0].details["shown"]
    assert who.last_name not in str(searched[0].details)  # the query is not kept


def test_the_360_shows_the_passenger_their_case_feedback_and_a_next_action(
    served_app: FastAPI, console: Console
) -> None:
    client, _ = console(Role.AGENT, "ana")
    work = make_casework(served_app.state.engine, agent="ana", team="care")
    pid = work.passenger_ids[0]
    page = client.get(f"/passengers/{pid}")
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="passenger-name"' in text
    assert f'href="/cases/{work.mine}"' in text  # the open case
    assert "waited nine hours" in text  # the feedback, also on the timeline
    assert text.count("<rect") >= 1
    assert "1 pieces of feedback: 0 positive, 0 neutral, 1 negative" in text
    assert 'data-testid="next-action"' in text
    viewed = audits(served_app, "passenger.viewed")
    assert [(a.actor, a.entity_id) for a in viewed] == [("user:ana", str(pid))]


def test_an_urgent_case_is_the_next_action(served_app: FastAPI, console: Console) -> None:
    client, _ = console(Role.AGENT, "ana")
    work = make_casework(served_app.state.engine, agent="ana", team="care")
    page = client.get(f"/passengers/{work.urgent_passenger}")
    assert f"Answer case {work.urgent}" in page.text


def test_an_unknown_passenger_is_a_404_page(console: Console) -> None:
    client, _ = console(Role.AGENT)
    page = client.get("/passengers/01a22fcd-0000-7000-8000-000000000000")
    assert page.status_code == 404
    assert "Not found" in page.text
    assert client.get("/passengers/not-a-uuid").status_code == 422


def test_the_360_of_a_passenger_the_blizzard_stranded(served_app: FastAPI, console: Console) -> None:
    client, _ = console(Role.AGENT, "ana")
    stranded = run_blizzard(served_app.state.engine)
    page = client.get(f"/passengers/{stranded}")
    assert page.status_code == 200
    assert "None decided." not in page.text  # the entitlements the storm decided, each with its flight:
    assert re.search(r"B6 \d+ [A-Z]{3}→[A-Z]{3} 0[89] Feb 2013, cancelled", page.text)
    assert "disruption.cancellation" in page.text  # the message about it, on the timeline
    assert "Answer case C-" in page.text  # the recovery case's first answer is due within hours
