"""The Voice of the customer page on the demo airline with feedback over several weeks: the manager's figures
match the trends, every figure has words behind it, each linked to its passenger and case; spam stays out."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from goodwill.access.roles import Role
from goodwill.cases.models import Case
from goodwill.customers.models import Passenger
from goodwill.flights.models import Flight
from goodwill.listening.models import Feedback, SpikeAlert
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.web.voice import window_start

Console = Callable[..., tuple[TestClient, str]]
NEWEST = datetime(2013, 2, 27, 15, 0, tzinfo=UTC)  # a Wednesday


def add_feedback(app: FastAPI) -> dict[str, str]:
    """Three weeks of feedback: the latest week worse than the one before; a spam message that must not count."""
    ids: dict[str, str] = {}
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        passengers = list(session.scalars(select(Passenger).order_by(Passenger.value_rank).limit(12)))
        flight = session.scalars(select(Flight).where(Flight.origin == "JFK").order_by(Flight.id).limit(1)).one()
        case = Case(
            reference="C-9000001",
            passenger_id=passengers[0].id,
            type="complaint",
            subject="Lost bag",
            opened_at=NEWEST,
        )
        session.add(case)
        session.flush()

        def add(n: int, when: datetime, text: str, **fields: object) -> Feedback:
            item = Feedback(
                passenger_id=passengers[n % len(passengers)].id,
                flight_id=flight.id,
                channel="survey",
                external_id=f"t-{uuid.uuid4()}",
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                received_at=when,
                text=text,
                **fields,
            )
            session.add(item)
            return item

        before = NEWEST - timedelta(weeks=1)
        for i in range(4):
            add(i, before, f"Lovely crew and on time {i}", nps=10, csat=5, sentiment="positive", is_spam=False)
        add(5, before, "It was fine", nps=7, csat=4, sentiment="neutral", is_spam=False)
        worst = add(0, NEWEST, "My bag never arrived and nobody answers", nps=1, csat=1, sentiment="negative")
        worst.topics, worst.case_id, worst.is_spam = ["lost_bag"], case.id, False
        for i in range(3):
            item = add(i + 1, NEWEST - timedelta(hours=i + 1), f"Cancelled twice, no hotel {i}", nps=3, csat=2)
            item.sentiment, item.topics, item.is_spam = "negative", ["cancellation"], False
        add(4, NEWEST, "Great flight", nps=9, csat=5, sentiment="positive", is_spam=False)
        spam = add(6, NEWEST, "CHEAP WATCHES click here", nps=0, sentiment="negative", is_spam=True)
        session.flush()
        session.add(
            SpikeAlert(
                scope_kind="airport",
                scope="JFK",
                subject="lost_bag",
                window_start=NEWEST.replace(hour=0),
                window_end=NEWEST.replace(hour=0) + timedelta(days=1),
                observed=8,
                expected=0.2,
                p_value=1e-9,
                baseline_windows=28,
                feedback_ids=[str(worst.id)],
                raised_at=NEWEST,
                dedupe_key="t:JFK:lost_bag",
            )
        )
        ids = {"worst": str(worst.id), "spam": str(spam.id), "case": case.reference, "passenger": str(passengers[0].id)}
    return ids


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    return seeded_app


def test_the_voice_page_needs_a_manager(console: Console) -> None:
    supervisor, _ = console(Role.SUPERVISOR)
    assert supervisor.get("/voice").status_code == 403
    manager, _ = console(Role.MANAGER)
    page = manager.get("/voice")
    assert page.status_code == 200
    assert "No feedback yet" in page.text


def test_the_latest_week_against_the_one_before_with_the_words_behind(served_app: FastAPI, console: Console) -> None:
    ids = add_feedback(served_app)
    manager, _ = console(Role.MANAGER)
    page = manager.get("/voice").text
    # Latest week: 1 promoter (9), 4 detractors (1, 3, 3, 3) of 5 answers -> NPS -60; spam left out.
    assert re.search(r'data-testid="nps">-60<', page)
    assert "+-" not in page
    assert "-140.0 on the week before" in page  # the week before: 4 promoters, 1 passive of 5 -> +80
    assert re.search(r'data-testid="csat">20%<', page)  # one 5 of five answers
    assert re.search(r'data-testid="negative">4<', page)
    assert re.search(r'data-testid="spikes">1<', page)
    assert "CHEAP WATCHES" not in page
    assert "My bag never arrived and nobody answers" in page
    assert f'href="/cases/{ids["case"]}"' in page
    assert f'href="/passengers/{ids["passenger"]}"' in page
    assert 'role="img" aria-label="NPS by week"' in page
    assert "cancellation: 3 messages" in page
    assert ">JFK<" in page or ">JFK " in page  # the station where it hurts


def test_the_window_starts_on_a_monday_eleven_weeks_before_the_newest_week() -> None:
    start = window_start(NEWEST)
    assert start.weekday() == 0
    assert start == datetime(2012, 12, 10, tzinfo=UTC)
