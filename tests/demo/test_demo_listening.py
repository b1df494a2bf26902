"""The demo's worker listens too: a survey answer posted through the API while `goodwill demo` serves is
analysed, and a detractor gets a case, with no command run by hand."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from goodwill.cases.models import Case
from goodwill.cli.context import CliState
from goodwill.cli.demo import _deliver_while_serving
from goodwill.config import Settings
from goodwill.listening.models import Feedback
from goodwill.listening.scheduled import ListeningJobs
from tests.factories import TEST_SECRET
from tests.listening.test_worker import ANGRY, URL, _invited


def test_an_answer_posted_while_the_demo_serves_is_analysed_and_a_detractor_gets_a_case(
    client: TestClient, db_url: str
) -> None:
    st = CliState(settings=Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)))
    stop = threading.Event()
    worker = threading.Thread(
        target=_deliver_while_serving, args=(st, stop, ListeningJobs(every=0.2, spikes=False)), daemon=True
    )
    try:
        tokens, headers = _invited(st.session_factory)
        worker.start()
        response = client.post(URL, json={"token": tokens["Ben"], "nps": 0, "what_went_wrong": ANGRY}, headers=headers)
        assert response.status_code == 201, response.json()
        deadline = time.monotonic() + 60
        seen: tuple[object, ...] = (None, None)
        while time.monotonic() < deadline and None in seen:
            time.sleep(0.2)
            with st.unit_of_work() as session:
                row = session.execute(select(Feedback.analysis_model, Feedback.case_id)).one()
                seen = tuple(row)
        assert None not in seen, "the demo's worker did not hear the answer"
        with st.unit_of_work() as session:
            [case] = session.scalars(select(Case)).all()
        assert case.id == seen[1]
        assert case.team == "customer_care"
    finally:
        stop.set()
        worker.join(timeout=10)
        st.close()
    assert not worker.is_alive()
