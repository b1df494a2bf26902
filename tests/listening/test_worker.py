"""`goodwill worker` listens: a survey answer posted through the API is analysed by the worker's next pass and a
detractor gets exactly one case, with no command run by hand; a second pass changes nothing; `--no-listening`
leaves it pending; workers running at once (PostgreSQL) analyse each feedback once and open one case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from goodwill.access.roles import Role
from goodwill.cases.models import Case
from goodwill.cli import app as cli
from goodwill.kit.time import utc_now
from goodwill.listening import analysing, closing
from goodwill.listening.models import Feedback
from goodwill.listening.scheduled import ListeningJobs, ListeningWorker
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.surveys import rules
from goodwill.surveys import service as surveys
from tests.factories import make_api_key
from tests.listening.loop_helpers import NOW, make_feedback, make_passenger
from tests.locks import wait_until_blocked
from tests.surveys.helpers import BASE_URL, build, token_of

URL = "/api/v1/survey-responses"
ANGRY = "Four hours late, nobody told us anything and my bag is lost. Never again with this airline."
runner = CliRunner()


@pytest.fixture
def factory(url_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(url_engine)


def _invited(factory: sessionmaker[Session]) -> tuple[dict[str, str], dict[str, str]]:
    """Passengers of February's flights invited now; their survey tokens and the survey tool's key."""
    with unit_of_work(factory) as session:
        build(session)
        surveys.invite_after_flights(
            session, since=datetime(2026, 2, 13, tzinfo=UTC), now=utc_now(), policy=rules.Policy(), base_url=BASE_URL
        )
        tokens = {first: token_of(session, first) for first in ("Ana", "Ben")}
        key = make_api_key(session, role=Role.INTEGRATION, name="survey-tool")
    return tokens, {"Authorization": f"Bearer {key}"}


def _answer(client: TestClient, headers: dict[str, str], token: str, nps: int, words: str) -> uuid.UUID:
    response = client.post(URL, json={"token": token, "nps": nps, "what_went_wrong": words}, headers=headers)
    assert response.status_code == 201, response.json()
    return uuid.UUID(response.json()["feedback_id"])


def _worker(db_url: str, *args: str) -> dict[str, int]:
    result = runner.invoke(cli, ["--database-url", db_url, "worker", "--once", "--json", "--no-spikes", *args])
    assert result.exit_code == 0, result.output
    counts: dict[str, int] = json.loads(result.stdout)  # the log goes to stderr
    return counts


def _state(factory: sessionmaker[Session]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every feedback's analysis and loop marks, and every case: what a pass may change."""
    with unit_of_work(factory) as session:
        feedback = session.execute(
            select(Feedback.id, Feedback.analysis_model, Feedback.sentiment, Feedback.looped_at, Feedback.case_id,
                   Feedback.updated_at).order_by(Feedback.id)
        ).all()  # fmt: skip
        found = session.execute(select(Case.id, Case.dedupe_key, Case.team, Case.updated_at).order_by(Case.id)).all()
    return [tuple(r) for r in feedback], [tuple(r) for r in found]


class TestAnAnswerPostedThroughTheApi:
    def test_one_pass_analyses_it_and_a_detractor_gets_one_case_and_a_second_pass_changes_nothing(
        self, client: TestClient, factory: sessionmaker[Session], db_url: str
    ) -> None:
        tokens, headers = _invited(factory)
        detractor = _answer(client, headers, tokens["Ben"], 2, ANGRY)
        promoter = _answer(client, headers, tokens["Ana"], 10, "La tripulación fue encantadora.")
        feedback, found = _state(factory)
        assert [f[1] for f in feedback] == [None, None]  # posted, not analysed
        assert found == []

        first = _worker(db_url)  # every job: the invitations are delivered (console) and the answers heard
        assert (first["analysed"], first["looped"], first["cases_opened"]) == (2, 2, 1)
        assert first["sent"] > 0
        with unit_of_work(factory) as session:
            ben = session.get(Feedback, detractor)
            ana = session.get(Feedback, promoter)
            assert ben is not None
            assert ana is not None
            assert (ben.sentiment, ana.language) == ("negative", "es")
            assert None not in (ben.analysis_model, ana.analysis_model, ben.looped_at, ana.looped_at)
            [case] = session.scalars(select(Case)).all()
            assert (case.dedupe_key, case.team, ben.case_id, ana.case_id) == (
                f"feedback:{detractor}", "customer_care", case.id, None,
            )  # fmt: skip
            assert "detractor" in case.origin["reasons"]
        before = _state(factory)

        second = _worker(db_url)
        assert (second["analysed"], second["looped"], second["cases_opened"], second["claimed"]) == (0, 0, 0, 0)
        assert _state(factory) == before

    def test_no_listening_leaves_it_pending_until_a_worker_listens(
        self, client: TestClient, factory: sessionmaker[Session], db_url: str
    ) -> None:
        tokens, headers = _invited(factory)
        detractor = _answer(client, headers, tokens["Ben"], 1, ANGRY)

        deaf = _worker(db_url, "--no-listening", "--no-delivery")
        assert (deaf.get("analysed", 0), deaf.get("cases_opened", 0)) == (0, 0)
        feedback, found = _state(factory)
        assert [(f[0], f[1], f[3]) for f in feedback] == [(detractor, None, None)]
        assert found == []

        heard = _worker(db_url, "--no-delivery")
        assert (heard["analysed"], heard["cases_opened"]) == (1, 1)


# ---- several workers at once ------------------------------------------------------------------------------


def _pending(session: Session, count: int, *, passengers: int) -> list[uuid.UUID]:
    """`count` detractor answers with words, not analysed, spread over `passengers` passengers."""
    people = [make_passenger(session, first_name=f"P{i}") for i in range(passengers)]
    ids = []
    for i in range(count):
        feedback = make_feedback(
            session, channel="survey", text=f"{ANGRY} ({i})", nps=2, passenger_id=people[i % passengers],
            received_at=NOW.replace(second=i % 60, minute=i // 60 % 60), sentiment=None, sentiment_score=None,
            sentiment_confidence=None, is_spam=None,
        )  # fmt: skip
        ids.append(feedback.id)
    return ids


def _postgresql_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row claims are PostgreSQL's (SKIP LOCKED); SQLite's single writer takes turns")


@pytest.fixture
def listener(factory: sessionmaker[Session]) -> Callable[[], ListeningWorker]:
    models = analysing.find_models(None)

    def make() -> ListeningWorker:
        return ListeningWorker(lambda: unit_of_work(factory), jobs=ListeningJobs(spikes=False, batch=4), models=models)

    return make


class TestWorkersAtOnce:
    def test_a_feedback_one_worker_is_analysing_is_skipped_by_another(
        self, url_engine: Engine, factory: sessionmaker[Session]
    ) -> None:
        _postgresql_only(url_engine)
        with unit_of_work(factory) as session:
            ids = _pending(session, 10, passengers=10)
        models = analysing.find_models(None)

        def analyse(session: Session, limit: int) -> analysing.AnalyseReport:
            return analysing.analyse_feedback(session, models=models.models, model=models.label, now=NOW, limit=limit)

        with unit_of_work(factory) as first:
            held = analyse(first, 4)  # this transaction holds its four until it commits
            with unit_of_work(factory) as second:
                second.execute(text("SET LOCAL lock_timeout = '10s'"))  # were it to wait for the first, it fails
                other = analyse(second, 10)
        assert (held.analysed, other.analysed) == (4, 6)  # six left: none analysed twice
        with unit_of_work(factory) as session:
            analysed = session.scalar(
                select(func.count()).where(Feedback.id.in_(ids), Feedback.analysis_model.is_not(None))
            )
        assert analysed == 10

    def test_two_feedback_of_one_passenger_judged_at_once_make_one_case(
        self, url_engine: Engine, factory: sessionmaker[Session]
    ) -> None:
        _postgresql_only(url_engine)
        with unit_of_work(factory) as session:
            ana, ben = make_passenger(session, first_name="Ana"), make_passenger(session, first_name="Ben")
            first = make_feedback(session, nps=1, passenger_id=ana, received_at=NOW.replace(minute=1)).id
            second = make_feedback(session, nps=2, passenger_id=ana, received_at=NOW.replace(minute=2)).id
            other = make_feedback(session, nps=3, passenger_id=ben, received_at=NOW.replace(minute=3)).id
        outcome: dict[str, Any] = {}

        def later() -> None:
            try:
                with unit_of_work(factory) as session:
                    outcome["report"] = closing.close_loop(session, now=NOW, limit=5)
            except Exception as exc:  # reported below
                outcome["error"] = exc

        with unit_of_work(factory) as session:
            held = closing.close_loop(session, now=NOW, limit=1)  # Ana's first: a case, not committed yet
            thread = threading.Thread(target=later)
            thread.start()
            # The other loop took Ana's second and Ben's, and waits for this one.
            wait_until_blocked(url_engine, "the second worker")
        thread.join(timeout=30)
        assert "error" not in outcome, outcome.get("error")
        report = outcome["report"]
        assert (held.cases_opened, report.examined, report.cases_opened, report.cases_joined) == (1, 2, 1, 1)
        with unit_of_work(factory) as session:
            case_of = dict(session.execute(select(Feedback.id, Feedback.case_id)).all())
            assert session.scalar(select(func.count()).select_from(Case)) == 2
        assert case_of[first] == case_of[second] != case_of[other]

    def test_two_worker_processes_share_the_backlog(
        self, url_engine: Engine, factory: sessionmaker[Session], db_url: str
    ) -> None:
        _postgresql_only(url_engine)
        count, passengers = 600, 300
        with unit_of_work(factory) as session:
            _pending(session, count, passengers=passengers)
        command = [sys.executable, "-m", "goodwill", "--database-url", db_url, "worker", "--once", "--json",
                   "--no-delivery", "--no-spikes", "--listening-batch", "20"]  # fmt: skip
        env = os.environ | {"GOODWILL_LOG_LEVEL": "WARNING"}
        workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
        runs = []
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            assert worker.returncode == 0, err.decode()
            runs.append(json.loads(out))
        assert sum(r["analysed"] for r in runs) == count  # none analysed twice
        assert sum(r["looped"] for r in runs) == count
        assert sum(r["cases_opened"] for r in runs) == passengers  # one per passenger, their second answer joins
        with unit_of_work(factory) as session:
            assert session.scalar(select(func.count()).select_from(Case)) == passengers
            left = session.scalar(
                select(func.count()).where(Feedback.analysis_model.is_(None) | Feedback.looped_at.is_(None))
            )
            assert left == 0
            by_passenger = session.execute(
                select(Feedback.passenger_id, func.count(Feedback.case_id.distinct())).group_by(Feedback.passenger_id)
            ).all()
        assert {n for _p, n in by_passenger} == {1}


class TestSchedule:
    def test_it_looks_again_at_once_while_feedback_waits_and_every_few_seconds_when_none(
        self, factory: sessionmaker[Session], listener: Callable[[], ListeningWorker]
    ) -> None:
        with unit_of_work(factory) as session:
            _pending(session, 6, passengers=6)
        clock = [0.0]
        worker = listener()
        worker.clock = lambda: clock[0]
        runs = [worker.step(now=utc_now).analysed for _ in range(4)]  # batches of 4: 4, 2, then none left
        assert runs == [4, 2, 0, 0]  # the fourth step did not look: nothing found last time, 0 s since
        with unit_of_work(factory) as session:
            _pending(session, 1, passengers=1)
        assert worker.step(now=utc_now).analysed == 0  # not yet
        clock[0] = ListeningJobs.every
        assert worker.step(now=utc_now).analysed == 1
