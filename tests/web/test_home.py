"""The home page on the demo airline: what this Goodwill holds, for any signed-in role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from goodwill.access.roles import Role


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    return seeded_app


def test_home_counts_the_demo_airline(console: Callable[..., tuple[TestClient, str]]) -> None:
    client, _ = console(Role.AGENT)
    page = client.get("/home")
    assert page.status_code == 200
    assert '<span class="n">1,000</span><span class="label">Passengers</span>' in page.text
