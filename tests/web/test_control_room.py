"""The control room on the demo airline: who may see it, its figures against the database, and the blizzard's
replay from the page (in the background, one at a time, paying nobody twice)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from goodwill.access.roles import Role
from goodwill.audit.models import AuditEntry
from goodwill.notifications.models import OutboundMessage
from goodwill.recovery import overview
from goodwill.recovery.models import Entitlement
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.web.control_room import replay_of

Console = Callable[..., tuple[TestClient, str]]


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    seeded_app.state.storm_replay_pace = 0  # as fast as it goes; the browser test watches it unfold
    return seeded_app


def figure(page: str, name: str) -> int:
    found = re.search(rf'data-testid="{name}">([\d,]+)<', page)
    assert found, f"no figure {name}"
    return int(found.group(1).replace(",", ""))


def count(app: FastAPI, query: object) -> int:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def replay(app: FastAPI, client: TestClient, csrf: str) -> None:
    response = client.post("/control-room/replay", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/control-room"
    replay_of(app).join(timeout=120)
    assert replay_of(app).state().status == "done", replay_of(app).state()


def test_the_control_room_needs_a_supervisor(console: Console) -> None:
    agent, _ = console(Role.AGENT)
    refused = agent.get("/control-room")
    assert refused.status_code == 403
    assert "needs the supervisor role" in refused.text
    anonymous = TestClient(agent.app).get("/control-room", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/sign-in?next=/control-room"
    manager, _ = console(Role.MANAGER)
    assert manager.get("/control-room").status_code == 200


def test_before_the_storm_the_demo_offers_the_replay_and_nothing_is_owed(console: Console) -> None:
    client, _ = console(Role.SUPERVISOR)
    page = client.get("/control-room").text
    assert "Replay the 8–9 February 2013 blizzard" in page
    assert figure(page, "passengers-affected") == 0
    assert figure(page, "cases") == 0
    assert 'hx-trigger="every 30s"' in page  # idle: a slow refresh


def test_replaying_the_blizzard_fills_the_control_room_and_a_second_replay_pays_nothing(
    served_app: FastAPI, console: Console
) -> None:
    client, csrf = console(Role.SUPERVISOR, "sam")
    replay(served_app, client, csrf)
    page = client.get("/control-room").text
    entitlements = count(served_app, select(func.count()).select_from(Entitlement))
    messages = count(
        served_app,
        select(func.count()).select_from(OutboundMessage).where(OutboundMessage.flight_event_id.is_not(None)),
    )
    assert entitlements > 0
    assert messages > 0
    assert figure(page, "events") > 0
    assert figure(page, "messages") == messages
    assert figure(page, "passengers-affected") >= count(
        served_app, select(func.count(func.distinct(Entitlement.passenger_id)))
    )
    assert "Replay finished" in page
    assert re.search(r'<a href="/cases/C-\d+">', page), "the cases opened link to their page"
    assert count(served_app, select(func.count()).where(AuditEntry.action == "storm.replay_started")) == 1

    replay(served_app, client, csrf)
    again = client.get("/control-room").text
    assert count(served_app, select(func.count()).select_from(Entitlement)) == entitlements
    assert figure(again, "messages") == messages
    assert figure(again, "owed") == figure(page, "owed")


def test_the_figures_poll_every_two_seconds_while_a_replay_runs(served_app: FastAPI, console: Console) -> None:
    served_app.state.storm_replay_pace = 0.2
    client, csrf = console(Role.SUPERVISOR)
    running = client.post("/control-room/replay", data={"csrf": csrf}, headers={"HX-Request": "true"})
    try:
        assert running.status_code == 200
        assert running.text.startswith('<div id="control-figures"')  # the fragment, not a page
        assert 'hx-trigger="every 2s"' in running.text
        assert "Settling events" in running.text
        assert replay_of(served_app).start(served_app, by="someone") is False  # one at a time
        fragment = client.get("/control-room/figures", headers={"HX-Request": "true"}).text
        assert 'data-replay="running"' in fragment
    finally:
        served_app.state.storm_replay_pace = 0
        replay_of(served_app).join(timeout=120)
    done = client.get("/control-room/figures").text
    assert 'data-replay="done"' in done
    assert 'hx-trigger="every 30s"' in done


def test_the_replay_needs_the_csrf_token(console: Console) -> None:
    client, _ = console(Role.SUPERVISOR)
    refused = client.post("/control-room/replay", data={"csrf": "wrong"})
    assert refused.status_code == 403
    assert replay_of(client.app).state().status == "idle"  # type: ignore[arg-type]


def test_without_the_blizzard_days_there_is_no_replay(app: FastAPI) -> None:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        assert overview.has_days(session, (date(2013, 2, 8),)) is False
        figures = overview.overview(session)
    assert figures.events == 0
    assert figures.regimes == []
    assert figures.message_mean_seconds is None
    assert [n for _label, n in figures.message_speed] == [0, 0, 0, 0]
