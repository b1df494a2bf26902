"""A property-based run of the OpenAPI document (schemathesis): for every operation, requests generated from the
document, valid and invalid, sent with an administrator's key to the app on a database holding the example
airline. No answer may be a server error (5xx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.config import Settings
from goodwill.migrations import runner
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.factories import TEST_SECRET, make_api_key
from tests.imports.helpers import import_examples

EXAMPLES_PER_OPERATION = 25
_token: dict[str, str] = {}


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        import_examples(session)
        _token["admin"] = make_api_key(session, role=Role.ADMIN, name="fuzz-admin")
    yield create_app(Settings(database_url=url, secret_key=SecretStr(TEST_SECRET)), engine=engine)
    engine.dispose()


def test_no_operation_answers_with_a_server_error(fuzzed_app: FastAPI) -> None:
    """Each operation of the document in turn, positive and negative data. (Schemathesis's pytest plugin does
    not run under this pytest, so each operation's strategy is driven by Hypothesis here.)"""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzzed_app)
    headers = {"Authorization": f"Bearer {_token['admin']}"}
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")

        run()
    assert operations >= 30  # every operation of the document was exercised
    assert failures == []
    # Not a run of refusals: the key was accepted everywhere, and many requests succeeded.
    assert 401 not in statuses
    assert sum(1 for s in statuses if s < 400) >= operations
