"""GET /api/v1/feedback/{id} and PATCH /api/v1/feedback/{id}/analysis; feedback imported over HTTP is analysed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.audit.models import AuditEntry
from goodwill.config import Settings
from goodwill.listening.models import Feedback
from goodwill.store.db import make_session_factory, unit_of_work
from tests.factories import TEST_SECRET, make_api_key
from tests.listening.analysis_helpers import tiny_model_dir

FEEDBACK_CSV = (
    "external_id,channel,received_at,text,author\n"
    "t1,social,2013-02-09T18:00:00Z,flight delayed again at JFK and the crew gave no update,@ana\n"
    'c1,blog,2011-04-21T03:02:00Z,"Good bolg, thank you for sharing! I will come back.",cheap christian louboutin\n'
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("model") / "tiny")


@pytest.fixture
def app(db_url: str, url_engine: Engine, model_dir: Path) -> FastAPI:
    settings = Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET), listening_model=model_dir)
    return create_app(settings, engine=url_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def bearer(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=role.value)}"}


@pytest.fixture
def imported(client: TestClient, app: FastAPI) -> dict[str, str]:
    """Import the two messages over HTTP; their ids by external id."""
    headers = {**bearer(app, Role.INTEGRATION), "Content-Type": "text/csv"}
    response = client.post("/api/v1/imports/feedback", content=FEEDBACK_CSV.encode(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["details"]["analysed"] == 2
    with app.state.engine.connect() as connection:
        return {str(e): str(i) for e, i in connection.execute(select(Feedback.external_id, Feedback.id))}


def audit(app: FastAPI, action: str) -> list[tuple[str, str | None]]:
    with app.state.engine.connect() as connection:
        rows = connection.execute(select(AuditEntry.actor, AuditEntry.entity_id).where(AuditEntry.action == action))
        return [(str(a), e) for a, e in rows]


def test_feedback_imported_over_http_is_analysed_and_an_agent_reads_it(
    client: TestClient, app: FastAPI, imported: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/feedback/{imported['t1']}", headers=bearer(app, Role.AGENT))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"].startswith("flight delayed")
    analysis = body["analysis"]
    assert (analysis["language"], analysis["is_spam"], analysis["sentiment"]) == ("en", False, "negative")
    assert analysis["topics"][:1] == ["late_flight"]
    assert 0 < analysis["sentiment_confidence"] <= 1
    assert analysis["analysis_model"].startswith("tiny:")
    assert analysis["corrections"] == {}
    spam = client.get(f"/api/v1/feedback/{imported['c1']}", headers=bearer(app, Role.AGENT)).json()["analysis"]
    assert (spam["is_spam"], spam["sentiment"]) == (True, None)
    assert [e for _a, e in audit(app, "feedback.viewed")] == [imported["t1"], imported["c1"]]


def test_an_agent_corrects_and_the_correction_is_shown_and_audited(
    client: TestClient, app: FastAPI, imported: dict[str, str]
) -> None:
    headers = bearer(app, Role.AGENT)
    response = client.patch(
        f"/api/v1/feedback/{imported['t1']}/analysis",
        json={"sentiment": "neutral", "topics": ["crew", "Late Flight"], "urgency": ["medical"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    analysis = response.json()["analysis"]
    assert (analysis["sentiment"], analysis["topics"], analysis["urgency"]) == (
        "neutral", ["crew", "late_flight"], ["medical"],
    )  # fmt: skip
    assert analysis["corrections"]["sentiment"]["previous"] == "negative"
    assert analysis["corrections"]["sentiment"]["by"] == "key:agent"  # the key's actor
    (entry,) = audit(app, "feedback.corrected")
    assert entry[1] == imported["t1"]
    again = client.get(f"/api/v1/feedback/{imported['t1']}", headers=headers).json()["analysis"]
    assert again["sentiment"] == "neutral"


def test_marking_spam_as_genuine_analyses_it_again(client: TestClient, app: FastAPI, imported: dict[str, str]) -> None:
    response = client.patch(
        f"/api/v1/feedback/{imported['c1']}/analysis", json={"is_spam": False}, headers=bearer(app, Role.AGENT)
    )
    analysis = response.json()["analysis"]
    assert (analysis["is_spam"], analysis["spam_confidence"]) == (False, 1.0)
    assert analysis["sentiment"] is not None
    assert analysis["analysis_model"] is not None


def test_bad_values_are_400_naming_the_field(client: TestClient, app: FastAPI, imported: dict[str, str]) -> None:
    response = client.patch(
        f"/api/v1/feedback/{imported['t1']}/analysis",
        json={"sentiment": "furious", "topics": ["parking"]},
        headers=bearer(app, Role.AGENT),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "InvalidInput"
    assert [p["loc"] for p in body["problems"]] == [["sentiment"], ["topics"]]


def test_roles(client: TestClient, app: FastAPI, imported: dict[str, str]) -> None:
    url = f"/api/v1/feedback/{imported['t1']}"
    assert client.get(url).status_code == 401
    assert client.patch(f"{url}/analysis", json={"sentiment": "neutral"}).status_code == 401
    integration = bearer(app, Role.INTEGRATION)
    assert client.get(url, headers=integration).status_code == 403
    assert client.patch(f"{url}/analysis", json={"sentiment": "neutral"}, headers=integration).status_code == 403
    supervisor = bearer(app, Role.SUPERVISOR)
    assert client.patch(f"{url}/analysis", json={"sentiment": "neutral"}, headers=supervisor).status_code == 200


def test_an_unknown_feedback_is_404(client: TestClient, app: FastAPI) -> None:
    response = client.get("/api/v1/feedback/01a22f1a-1842-7002-84e3-66b4e0fa551e", headers=bearer(app, Role.AGENT))
    assert response.status_code == 404
    assert response.json()["error"] == "FeedbackNotFound"
