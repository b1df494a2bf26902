"""POST /api/v1/survey-responses: integrations only, by token or invitation id, scores checked by field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.audit.models import AuditEntry
from goodwill.listening.models import Feedback
from goodwill.surveys import tokens
from goodwill.surveys.models import SurveyInvitation
from tests.surveys.conftest import Invited

URL = "/api/v1/survey-responses"


def invitation_id(app: FastAPI, token: str) -> str:
    with app.state.engine.connect() as connection:
        return str(
            connection.execute(
                select(SurveyInvitation.id).where(SurveyInvitation.token_hash == tokens.hash_token(token))
            ).scalar_one()
        )


def stored(app: FastAPI) -> list[tuple[Any, ...]]:
    with app.state.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(Feedback.nps, Feedback.csat, Feedback.text)).all()]


class TestRoles:
    def test_no_key_is_401(self, client: TestClient, invited: Invited) -> None:
        response = client.post(URL, json={"token": invited.tokens["Ben"], "nps": 9})
        assert response.status_code == 401

    def test_an_agent_key_is_403(self, client: TestClient, invited: Invited) -> None:
        response = client.post(URL, json={"token": invited.tokens["Ben"], "nps": 9}, headers=invited.agent)
        assert response.status_code == 403
        assert response.json()["error"] == "PermissionDenied"

    def test_an_integration_key_records_the_response(self, app: FastAPI, client: TestClient, invited: Invited) -> None:
        body = {"token": invited.tokens["Ben"], "nps": 9, "csat": 5, "how_to_fix": "More legroom"}
        response = client.post(URL, json=body, headers=invited.integration)
        assert response.status_code == 201, response.json()
        assert response.json()["outcome"] == "created"
        assert response.json()["status"] == "responded"
        assert stored(app) == [(9, 5, "More legroom")]
        with app.state.engine.connect() as connection:
            audit = connection.execute(
                select(AuditEntry.actor, AuditEntry.role).where(AuditEntry.action == "survey.responded")
            ).all()
        assert [tuple(a) for a in audit] == [("key:survey-tool", "integration")]


class TestByIdAndResubmission:
    def test_by_invitation_id_then_an_update(self, app: FastAPI, client: TestClient, invited: Invited) -> None:
        iid = invitation_id(app, invited.tokens["Ana"])
        first = client.post(URL, json={"invitation_id": iid, "nps": 2}, headers=invited.integration)
        second = client.post(URL, json={"invitation_id": iid, "nps": 4, "what_went_wrong": "Tarde"},
                             headers=invited.integration)  # fmt: skip
        assert (first.status_code, second.status_code) == (201, 200)
        assert second.json()["outcome"] == "updated"
        assert first.json()["feedback_id"] == second.json()["feedback_id"]
        assert stored(app) == [(4, None, "Tarde")]


class TestInvalid:
    @pytest.mark.parametrize(
        ("answers", "field"),
        [({"nps": 11}, "nps"), ({"nps": -1}, "nps"), ({"csat": 0}, "csat"), ({"csat": 6}, "csat"),
         ({"nps": "high"}, "nps")],
    )  # fmt: skip
    def test_scores_out_of_range_name_the_field(
        self, app: FastAPI, client: TestClient, invited: Invited, answers: dict[str, Any], field: str
    ) -> None:
        response = client.post(URL, json={"token": invited.tokens["Ben"], **answers}, headers=invited.integration)
        assert response.status_code == 422
        assert [p["loc"] for p in response.json()["problems"]] == [["body", field]]
        assert stored(app) == []

    def test_no_answer_is_400(self, client: TestClient, invited: Invited) -> None:
        response = client.post(URL, json={"token": invited.tokens["Ben"]}, headers=invited.integration)
        assert response.status_code == 400
        assert response.json()["problems"][0]["loc"] == ["body", "nps"]

    def test_token_and_id_together_or_neither_is_422(self, app: FastAPI, client: TestClient, invited: Invited) -> None:
        token = invited.tokens["Ben"]
        both = {"token": token, "invitation_id": invitation_id(app, token), "nps": 5}
        assert client.post(URL, json=both, headers=invited.integration).status_code == 422
        assert client.post(URL, json={"nps": 5}, headers=invited.integration).status_code == 422

    def test_unknown_is_404_and_expired_is_410(self, app: FastAPI, client: TestClient, invited: Invited) -> None:
        unknown = client.post(URL, json={"token": tokens.new_token(), "nps": 5}, headers=invited.integration)
        assert (unknown.status_code, unknown.json()["error"]) == (404, "SurveyLinkUnknown")
        token = invited.tokens["Chloe"]
        with app.state.engine.begin() as connection:
            connection.execute(
                SurveyInvitation.__table__.update()
                .where(SurveyInvitation.token_hash == tokens.hash_token(token))
                .values(status="expired")
            )
        expired = client.post(URL, json={"token": token, "nps": 5}, headers=invited.integration)
        assert (expired.status_code, expired.json()["error"]) == (410, "SurveyLinkExpired")
        assert stored(app) == []
