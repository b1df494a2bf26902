"""The application shell: health, OpenAPI, the landing page, authentication and the one error body."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.api.deps import AdminDep, IntegrationDep
from goodwill.config import Settings
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.factories import TEST_SECRET, make_api_key


@pytest.fixture
def app(db_url: str) -> Iterator[FastAPI]:
    engine = make_engine(db_url)
    application = create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=engine)
    probe = APIRouter()

    @probe.get("/api/v1/_probe/integration")
    def integration_only(principal: IntegrationDep) -> dict[str, str]:
        return {"role": principal.role.value}

    @probe.get("/api/v1/_probe/admin")
    def admin_only(principal: AdminDep) -> dict[str, str]:
        return {"role": principal.role.value}

    application.include_router(probe)
    yield application
    engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def token_for(app: FastAPI, role: Role) -> str:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return make_api_key(session, role=role, name=f"{role.value}-key")


def test_health_reports_database(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_openapi_document_is_served(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "Goodwill"
    assert "bearer" in str(doc["components"]["securitySchemes"]).lower()


def test_the_console_door_asks_for_sign_in_and_shows_nothing_stored(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert "Passengers" not in page.text
    assert client.get("/static/console.css").status_code == 200


class TestAuthentication:
    def test_no_key_is_401_with_the_error_body(self, client: TestClient) -> None:
        response = client.get("/api/v1/_probe/integration")
        assert response.status_code == 401
        assert response.json() == {"error": "NotAuthenticated", "detail": "an API key is required", "problems": []}
        assert response.headers["www-authenticate"] == "Bearer"

    def test_malformed_and_unknown_keys_are_401(self, client: TestClient) -> None:
        for token in ["nonsense", "gw_000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]:
            response = client.get("/api/v1/_probe/integration", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401

    def test_tampered_secret_is_401(self, app: FastAPI, client: TestClient) -> None:
        token = token_for(app, Role.INTEGRATION)
        response = client.get("/api/v1/_probe/integration", headers={"Authorization": f"Bearer {token}x"})
        assert response.status_code == 401

    def test_right_role_is_admitted(self, app: FastAPI, client: TestClient) -> None:
        token = token_for(app, Role.INTEGRATION)
        response = client.get("/api/v1/_probe/integration", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json() == {"role": "integration"}

    def test_wrong_role_is_403(self, app: FastAPI, client: TestClient) -> None:
        token = token_for(app, Role.AGENT)
        response = client.get("/api/v1/_probe/integration", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert response.json()["error"] == "PermissionDenied"
        assert "integration" in response.json()["detail"]

    def test_admin_may_do_everything_integration_may_not_administer(self, app: FastAPI, client: TestClient) -> None:
        admin = token_for(app, Role.ADMIN)
        integration = token_for(app, Role.INTEGRATION)
        assert client.get("/api/v1/_probe/integration", headers={"Authorization": f"Bearer {admin}"}).status_code == 200
        assert client.get("/api/v1/_probe/admin", headers={"Authorization": f"Bearer {integration}"}).status_code == 403

    def test_revoked_key_is_refused(self, app: FastAPI, client: TestClient) -> None:
        from goodwill.access import service as access

        token = token_for(app, Role.INTEGRATION)
        with unit_of_work(make_session_factory(app.state.engine)) as session:
            access.revoke_key(session, prefix=token.split(".")[0])
        response = client.get("/api/v1/_probe/integration", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_unknown_route_uses_the_error_body(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert set(response.json()) == {"error", "detail", "problems"}


def test_requests_are_logged_by_route_template_with_a_request_id(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from goodwill.logging import configure_logging

    configure_logging("INFO", "json")
    response = client.get("/api/v1/_probe/integration?email=ana@example.com", headers={"x-request-id": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    lines = [line for line in capsys.readouterr().err.splitlines() if "api.request" in line]
    assert lines, "no api.request event logged"
    event = json.loads(lines[-1])
    assert event["route"] == "/api/v1/_probe/integration"
    assert event["status"] == 401
    assert event["request_id"] == "req-42"
    assert "ana@example.com" not in lines[-1]


def test_the_api_docs_load_nothing_from_another_site(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
