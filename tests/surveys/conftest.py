"""An application over a committed database holding a small airline whose passengers were just invited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.config import Settings
from goodwill.kit.time import utc_now
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.surveys import rules
from goodwill.surveys import service as surveys
from tests.factories import TEST_SECRET, make_api_key
from tests.surveys.helpers import BASE_URL, build, token_of


@dataclass
class Invited:
    tokens: dict[str, str]
    integration: dict[str, str]
    agent: dict[str, str]


@pytest.fixture
def app(db_url: str, url_engine: Engine) -> FastAPI:
    return create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=url_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def invited(app: FastAPI) -> Invited:
    """The routes judge expiry by the clock, so these invitations are made now (for February's flights)."""
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        build(session)
        surveys.invite_after_flights(
            session, since=datetime(2026, 2, 13, tzinfo=UTC), now=utc_now(), policy=rules.Policy(), base_url=BASE_URL
        )
        tokens = {first: token_of(session, first) for first in ("Ana", "Ben", "Chloe")}
        integration = make_api_key(session, role=Role.INTEGRATION, name="survey-tool")
        agent = make_api_key(session, role=Role.AGENT, name="desk")
    return Invited(tokens, {"Authorization": f"Bearer {integration}"}, {"Authorization": f"Bearer {agent}"})
