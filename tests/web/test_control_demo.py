"""`goodwill demo` opens on the console with the blizzard already replayed over the demo airline, once."""

from __future__ import annotations

from sqlalchemy import func, select
from typer.testing import CliRunner

from goodwill.cases.models import Case
from goodwill.cli import app
from goodwill.cli.demo import BLIZZARD_IDS
from goodwill.demo import storm
from goodwill.flights.models import FlightEvent
from goodwill.listening.models import Feedback
from goodwill.recovery.models import Entitlement
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.conftest import Database

runner = CliRunner()


def entitlements(url: str) -> int:
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            return int(session.scalar(select(func.count()).select_from(Entitlement)) or 0)
    finally:
        engine.dispose()


def test_the_demo_replays_the_blizzard_once_and_prints_the_console(database: Database, seeded_template: str) -> None:
    url = database.copy(seeded_template)
    first = runner.invoke(app, ["--database-url", url, "demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "The blizzard: 159 flight events" in first.stdout
    assert "http://127.0.0.1:8000/sign-in" in first.stdout
    assert "http://127.0.0.1:8000/control-room" in first.stdout
    assert "with the password" in first.stdout
    assert "Voices: " in first.stdout
    settled = entitlements(url)
    assert settled > 0
    again = runner.invoke(app, ["--database-url", url, "demo", "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "already in the database: not replaying it" in again.stdout
    assert "Voices: " not in again.stdout
    assert entitlements(url) == settled


def test_no_storm_leaves_it_for_the_replay_button(database: Database, seeded_template: str) -> None:
    url = database.copy(seeded_template)
    result = runner.invoke(app, ["--database-url", url, "demo", "--no-serve", "--no-storm"])
    assert result.exit_code == 0, result.output
    assert "The blizzard" not in result.stdout
    assert entitlements(url) == 0


def test_the_voices_are_analysed_and_the_storm_makes_its_passengers_angrier(
    database: Database, seeded_template: str
) -> None:
    url = database.copy(seeded_template)
    assert runner.invoke(app, ["--database-url", url, "demo", "--no-serve"]).exit_code == 0
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            disrupted = select(FlightEvent.flight_id)
            scored = Feedback.nps.is_not(None)
            storm_nps = session.scalar(select(func.avg(Feedback.nps)).where(scored, Feedback.flight_id.in_(disrupted)))
            calm_nps = session.scalar(
                select(func.avg(Feedback.nps)).where(scored, Feedback.flight_id.not_in(disrupted))
            )
            pending = session.scalar(select(func.count()).where(Feedback.text != "", Feedback.analysis_model.is_(None)))
            complaints = session.scalar(select(func.count()).where(Case.team == "customer_care"))
    finally:
        engine.dispose()
    assert storm_nps is not None
    assert calm_nps is not None
    assert float(storm_nps) < float(calm_nps) - 2
    assert pending == 0  # every answer with words went through the analysis
    assert complaints  # the closed loop gave the detractors a person: customer care's queue, the demo agent's team


def test_the_blizzard_events_are_named_as_the_demo_looks_for_them() -> None:
    assert all(e.external_id.startswith(BLIZZARD_IDS) for e in storm.blizzard_events())
