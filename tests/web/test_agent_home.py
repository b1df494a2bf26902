"""The agent's home on the demo airline: my queue, my team's unassigned cases, what is about to breach, the
latest detractors, and the airline at a glance."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.access.roles import Role
from tests.web.agent_fixtures import make_casework

Console = Callable[..., tuple[TestClient, str]]


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    return seeded_app


def section(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</section>', page, re.S)
    assert found, f"no section {testid}"
    return found.group(1)


def test_home_shows_my_queue_my_teams_cases_the_breaches_and_detractors(served_app: FastAPI, console: Console) -> None:
    client, _ = console(Role.AGENT, "ana")
    work = make_casework(served_app.state.engine, agent="ana", team="care")
    page = client.get("/home")
    assert page.status_code == 200
    mine = section(page.text, "my-queue")
    assert work.mine in mine
    assert work.urgent in mine
    assert work.team_unassigned not in mine
    assert work.other not in mine
    team = section(page.text, "team-queue")
    assert work.team_unassigned in team
    assert work.mine not in team
    assert work.other not in team
    risk = section(page.text, "at-risk")
    assert work.urgent in risk  # urgent: its first answer is due within the hour
    assert work.other not in risk  # another team's, and not due soon
    detractors = section(page.text, "detractors")
    assert detractors.count("NPS ") == 4
    assert f'href="/cases/{work.mine}"' in detractors
    assert '<span class="n">1,000</span><span class="label">Passengers</span>' in page.text


def test_home_without_casework_says_so(console: Console) -> None:
    client, _ = console(Role.AGENT)
    page = client.get("/home")
    assert page.status_code == 200
    assert "Nothing assigned to you" in page.text
    assert "Nothing about to breach" in page.text
    assert "No detractor has answered yet" in page.text


def test_a_supervisor_sees_the_agent_home_too(console: Console) -> None:
    client, _ = console(Role.SUPERVISOR)
    assert client.get("/home").status_code == 200
