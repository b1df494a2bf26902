"""POST /api/v1/imports/{kind}: the file as the body or a multipart upload, for the integration role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.config import Settings
from goodwill.imports.rows import ImportKind
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import TEST_SECRET, make_api_key
from tests.imports.helpers import EXAMPLE_FILES, census, csv_text, flight_row


@pytest.fixture
def app(db_url: str, url_engine: Engine) -> FastAPI:
    return create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=url_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def bearer(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=role.value)}"}


FLIGHTS_CSV = EXAMPLE_FILES[ImportKind.FLIGHTS].read_bytes()


def post_csv(client: TestClient, body: bytes, headers: dict[str, str], query: str = "") -> object:
    return client.post(f"/api/v1/imports/flights{query}", content=body, headers={**headers, "Content-Type": "text/csv"})


def test_without_a_key_is_401(client: TestClient) -> None:
    response = client.post("/api/v1/imports/flights", content=FLIGHTS_CSV, headers={"Content-Type": "text/csv"})
    assert response.status_code == 401
    assert response.json()["error"] == "NotAuthenticated"


def test_an_agent_key_is_403(client: TestClient, app: FastAPI) -> None:
    headers = {**bearer(app, Role.AGENT), "Content-Type": "text/csv"}
    response = client.post("/api/v1/imports/flights", content=FLIGHTS_CSV, headers=headers)
    assert response.status_code == 403
    assert "integration" in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.INTEGRATION, Role.ADMIN])
def test_an_integration_or_admin_key_imports_the_body(client: TestClient, app: FastAPI, role: Role) -> None:
    headers = {**bearer(app, role), "Content-Type": "text/csv"}
    response = client.post("/api/v1/imports/flights", content=FLIGHTS_CSV, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["kind"], body["rows_total"], body["created"], body["rejected_rows"]) == ("flights", 3, 3, 0)
    again = client.post("/api/v1/imports/flights", content=FLIGHTS_CSV, headers=headers).json()
    assert (again["created"], again["unchanged"]) == (0, 3)


def test_a_multipart_upload_takes_its_format_from_the_file_name(client: TestClient, app: FastAPI) -> None:
    files = {"file": ("flights.jsonl", b'{"carrier": "B6", "number": 5, "operating_date": "2013-02-08", '
             b'"origin": "JFK", "destination": "BOS", "scheduled_departure": "2013-02-08T08:00:00Z", '
             b'"scheduled_arrival": "2013-02-08T09:30:00Z"}\n', "application/octet-stream")}  # fmt: skip
    response = client.post("/api/v1/imports/flights", files=files, headers=bearer(app, Role.INTEGRATION))
    assert response.status_code == 200, response.text
    assert (response.json()["source"], response.json()["created"]) == ("flights.jsonl", 1)


def test_a_rejected_file_is_400_with_its_problems_and_changes_nothing(
    client: TestClient, app: FastAPI, url_engine: Engine
) -> None:
    headers = {**bearer(app, Role.INTEGRATION), "Content-Type": "text/csv"}
    before = census(url_engine)
    body = csv_text(ImportKind.FLIGHTS, [flight_row(), flight_row(number="78", destination="QQQ")]).encode()
    response = client.post("/api/v1/imports/flights", content=body, headers=headers)
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "InvalidInput"
    assert error["problems"] == [{"loc": [3, "destination"], "msg": "destination: unknown airport QQQ: not an "
                                  "IATA airport code"}]  # fmt: skip
    assert census(url_engine) == before


def test_skip_invalid_reports_the_rejected_rows(client: TestClient, app: FastAPI) -> None:
    headers = {**bearer(app, Role.INTEGRATION), "Content-Type": "text/csv"}
    body = csv_text(ImportKind.FLIGHTS, [flight_row(), flight_row(number="78", destination="QQQ")]).encode()
    response = client.post("/api/v1/imports/flights?skip_invalid=true", content=body, headers=headers)
    assert response.status_code == 200
    report = response.json()
    assert (report["created"], report["rejected_rows"]) == (1, 1)
    assert report["rejected"] == [{"line": 3, "field": "destination", "reason": "unknown airport QQQ: not an IATA "
                                   "airport code"}]  # fmt: skip


def test_an_unknown_kind_is_422(client: TestClient, app: FastAPI) -> None:
    headers = {**bearer(app, Role.INTEGRATION), "Content-Type": "text/csv"}
    assert client.post("/api/v1/imports/planes", content=FLIGHTS_CSV, headers=headers).status_code == 422


def test_a_body_without_a_known_format_is_400(client: TestClient, app: FastAPI) -> None:
    headers = {**bearer(app, Role.INTEGRATION), "Content-Type": "application/octet-stream"}
    response = client.post("/api/v1/imports/flights", content=FLIGHTS_CSV, headers=headers)
    assert response.status_code == 400
    assert "format" in response.json()["detail"]
