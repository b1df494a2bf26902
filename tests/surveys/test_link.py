"""The survey link: the form in the passenger's language, answers stored once, a resubmission updating them,
and clear pages for unknown (404) and expired (410) links."""

from __future__ import annotations

import html
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from goodwill.audit.models import AuditEntry
from goodwill.kit.time import utc_now
from goodwill.listening.models import Feedback
from goodwill.surveys import tokens
from goodwill.surveys.models import SurveyInvitation
from tests.surveys.conftest import Invited


def feedback(engine: Engine) -> list[tuple[int | None, int | None, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(Feedback.nps, Feedback.csat, Feedback.text, Feedback.channel)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def invitation(engine: Engine, token: str) -> tuple[str, object]:
    with engine.connect() as connection:
        row = connection.execute(
            select(SurveyInvitation.status, SurveyInvitation.feedback_id).where(
                SurveyInvitation.token_hash == tokens.hash_token(token)
            )
        ).one()
    return row[0], row[1]


class TestTheForm:
    def test_a_spanish_passenger_sees_the_questions_in_spanish(self, client: TestClient, invited: Invited) -> None:
        page = client.get(f"/s/{invited.tokens['Ana']}")
        assert page.status_code == 200
        assert '<html lang="es">' in page.text
        for question in ("¿Qué probabilidad hay de que nos recomiende", "¿Qué tan satisfecho/a quedó",
                         "¿Qué salió mal?", "¿Cómo podríamos solucionarlo?", "Enviar mis respuestas"):  # fmt: skip
            assert question in page.text
        assert "B6 101" in page.text
        assert "What went wrong?" not in page.text
        assert page.headers["cache-control"] == "no-store"

    def test_a_french_and_an_english_passenger_see_their_own(self, client: TestClient, invited: Invited) -> None:
        french = html.unescape(client.get(f"/s/{invited.tokens['Chloe']}").text)
        assert "Qu'est-ce qui n'a pas fonctionné ?" in french
        assert "What went wrong?" in client.get(f"/s/{invited.tokens['Ben']}").text

    def test_the_form_is_accessible_and_uses_only_vendored_assets(self, client: TestClient, invited: Invited) -> None:
        page = client.get(f"/s/{invited.tokens['Ben']}").text
        assert page.count("<fieldset") == 2
        assert page.count("<legend>") == 2
        assert page.count('type="radio" name="nps"') == 11
        assert page.count('type="radio" name="csat"') == 5
        assert '<label for="what_went_wrong">' in page
        assert '<label for="how_to_fix">' in page
        assert "/static/goodwill.css" in page
        assert "https://" not in page.replace("https://survey.example.org", "")

    def test_viewing_is_audited_without_personal_data(self, app: FastAPI, client: TestClient, invited: Invited) -> None:
        client.get(f"/s/{invited.tokens['Ben']}")
        with app.state.engine.connect() as connection:
            rows = connection.execute(select(AuditEntry.action, AuditEntry.actor, AuditEntry.details)).all()
        viewed = [r for r in rows if r.action == "survey.viewed"]
        assert len(viewed) == 1
        assert viewed[0].actor == "survey-link"
        assert "ben@example.com" not in str(viewed[0].details)


class TestAnswering:
    def test_answers_are_stored_once_then_a_resubmission_updates_them(
        self, app: FastAPI, client: TestClient, invited: Invited
    ) -> None:
        token = invited.tokens["Ana"]
        sent = client.post(f"/s/{token}", data={"nps": "3", "csat": "2", "what_went_wrong": "Perdieron mi maleta",
                                                 "how_to_fix": "Llamarme"})  # fmt: skip
        assert sent.status_code == 200
        assert "Gracias" in sent.text
        assert feedback(app.state.engine) == [(3, 2, "Perdieron mi maleta\n\nLlamarme", "survey")]
        status, feedback_id = invitation(app.state.engine, token)
        assert status == "responded"
        assert feedback_id is not None
        # The form shows the earlier answers; sending again changes the same feedback.
        again = client.get(f"/s/{token}").text
        assert 'value="3" aria-describedby="nps-hint" checked' in again
        assert "Perdieron mi maleta</textarea>" in again
        resent = client.post(f"/s/{token}", data={"nps": "7", "csat": "4", "what_went_wrong": "Llegó tarde"})
        assert resent.status_code == 200
        assert feedback(app.state.engine) == [(7, 4, "Llegó tarde", "survey")]
        assert invitation(app.state.engine, token)[1] == feedback_id

    def test_scores_out_of_range_show_the_form_again_naming_the_question(
        self, app: FastAPI, client: TestClient, invited: Invited
    ) -> None:
        page = client.post(f"/s/{invited.tokens['Ana']}", data={"nps": "11", "csat": "9", "what_went_wrong": "x"})
        assert page.status_code == 400
        assert 'role="alert"' in page.text
        assert "Elija un número del 0 al 10." in page.text
        assert "Elija un número del 1 al 5." in page.text
        assert '<a href="#nps-group">' in page.text
        assert ">x</textarea>" in page.text  # what they wrote is kept
        assert feedback(app.state.engine) == []

    def test_an_empty_form_is_refused(self, app: FastAPI, client: TestClient, invited: Invited) -> None:
        page = client.post(f"/s/{invited.tokens['Ben']}", data={})
        assert page.status_code == 400
        assert "Please answer at least one question." in page.text
        assert feedback(app.state.engine) == []


class TestClosedLinks:
    def test_an_unknown_link_is_404(self, client: TestClient, invited: Invited) -> None:
        del invited
        for path in (f"/s/{tokens.new_token()}", "/s/nonsense"):
            page = client.get(path)
            assert page.status_code == 404
            assert "Survey not found" in page.text
            assert client.post(path, data={"nps": "5"}).status_code == 404

    def test_an_expired_link_is_410_and_stores_nothing(
        self, app: FastAPI, client: TestClient, invited: Invited
    ) -> None:
        token = invited.tokens["Ana"]
        with app.state.engine.begin() as connection:
            connection.execute(
                update(SurveyInvitation)
                .where(SurveyInvitation.token_hash == tokens.hash_token(token))
                .values(expires_at=utc_now() - timedelta(minutes=1))
            )
        page = client.get(f"/s/{token}")
        assert page.status_code == 410
        assert "This survey has closed" in page.text
        assert client.post(f"/s/{token}", data={"nps": "5"}).status_code == 410
        assert feedback(app.state.engine) == []
