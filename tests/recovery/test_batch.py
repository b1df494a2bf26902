"""Events settled together (`process_events`, as a storm replay does) end exactly as settled one by one.

Two copies of the same world; the same rounds of events; one copy settles each round in one call, the
other event by event. The rounds mix events that share a journey (both legs of a connection, a delay then
a cancellation of one flight), a revised event and a reinstatement, in several orders.
"""

from __future__ import annotations

import gc
import json
import random
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking
from goodwill.cases.models import Case
from goodwill.customers.models import Passenger
from goodwill.demo import storm
from goodwill.flights.models import Flight, FlightEvent
from goodwill.notifications.models import OutboundMessage
from goodwill.recovery.models import Entitlement
from goodwill.recovery.service import process_event, process_events
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from goodwill.vouchers.models import LedgerEntry, Voucher
from tests.conftest import Database
from tests.recovery.test_service import NOW, POLICIES, _event, _world

NOTICE = datetime(2026, 2, 14, 13, 0, tzinfo=UTC)

# Each round: (flight number, external id, type, revision, fields); then settled in the round's order.
ROUNDS: list[list[tuple[str, str, str, int, dict[str, Any]]]] = [
    [
        ("301", "D-301", "delay", 1, {"departure_delay_minutes": 200, "arrival_delay_minutes": 200}),
        ("302", "D-302", "delay", 1, {"departure_delay_minutes": 200, "arrival_delay_minutes": 200}),
        ("302", "C-302", "cancellation", 1, {"notice_given_at": NOTICE}),
        ("20", "D-20", "delay", 1, {"departure_delay_minutes": 200, "arrival_delay_minutes": 200}),
        ("101", "C-101", "cancellation", 1, {"notice_given_at": NOTICE}),
        ("20", "C-20", "cancellation", 1, {"notice_given_at": NOTICE}),
    ],
    [
        ("20", "D-20", "delay", 2, {"departure_delay_minutes": 300, "arrival_delay_minutes": 300}),
        ("101", "R-101", "reinstatement", 1, {}),
        ("302", "D-302", "delay", 2, {"departure_delay_minutes": 30, "arrival_delay_minutes": 30}),
        ("301", "D-301", "delay", 2, {"departure_delay_minutes": 30, "arrival_delay_minutes": 30}),
    ],
]


def _state(session: Session) -> dict[str, Any]:
    """What was written, by natural keys (ids and codes differ between the two copies)."""
    names = {
        **{i.hex: f"passenger {n}" for i, n in session.execute(select(Passenger.id, Passenger.first_name))},
        **{i.hex: f"booking {p}" for i, p in session.execute(select(Booking.id, Booking.pnr))},
        **{i.hex: f"flight {n}" for i, n in session.execute(select(Flight.id, Flight.number))},
    }
    pattern = re.compile("|".join(names))
    key_of = dict(session.execute(select(Entitlement.id, Entitlement.idempotency_key)).all())
    return json.loads(pattern.sub(lambda m: names[m.group(0)], json.dumps(_written(session, key_of), default=str)))


def _revision(e: Entitlement) -> tuple[int, int]:
    return int(e.facts.get("revision", 1)), len(e.facts.get("history", []))


def _written(session: Session, key_of: dict[Any, str]) -> dict[str, Any]:
    return {
        "entitlements": sorted(
            (e.idempotency_key, e.status, e.amount_minor, e.currency, e.form, tuple(e.care), *_revision(e))
            for e in session.scalars(select(Entitlement))
        ),
        "ledger": sorted(
            (e.idempotency_key, e.entry_type, e.amount_minor, e.currency, key_of[e.entitlement_id])
            for e in session.scalars(select(LedgerEntry))
        ),
        "vouchers": sorted(
            (key_of[v.entitlement_id], v.face_value_minor, v.currency) for v in session.scalars(select(Voucher))
        ),
        "messages": sorted((m.idempotency_key, m.status, m.body) for m in session.scalars(select(OutboundMessage))),
        "cases": sorted((c.dedupe_key, c.priority, c.subject) for c in session.scalars(select(Case))),
    }


def _run(engine: Engine, order: random.Random, *, together: bool) -> tuple[list[list[dict[str, Any]]], dict[str, Any]]:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        _world(session)
    reports = []
    for round_ in ROUNDS:
        steps = list(round_)
        order.shuffle(steps)
        with unit_of_work(factory) as session:
            events = [_event(session, n, x, t, r, **dict(f)) for n, x, t, r, f in steps]
            ids = [e.id for e in events]
            if together:
                done = process_events(session, event_ids=ids, now=NOW, policies=POLICIES)
            else:
                done = [process_event(session, event_id=i, now=NOW, policies=POLICIES) for i in ids]
            reports.append([r.as_dict() for r in done])
    with unit_of_work(factory) as session:
        return reports, _state(session)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_events_settled_together_end_as_settled_one_by_one(database: Database, seed: int) -> None:
    together, apart = make_engine(database.fresh_url()), make_engine(database.fresh_url())
    try:
        reports_together, state_together = _run(together, random.Random(seed), together=True)
        reports_apart, state_apart = _run(apart, random.Random(seed), together=False)
    finally:
        together.dispose()
        apart.dispose()
    assert reports_together == reports_apart
    assert state_together == state_apart
    state_apart = {k: [tuple(v) for v in vs] for k, vs in state_apart.items()}
    # The rounds did move money, revise, withdraw and open cases: the comparison is not of empty worlds.
    assert any(e[1] == "withdrawn" for e in state_apart["entitlements"])
    assert any(e[6] and e[6] > 1 for e in state_apart["entitlements"])
    assert any(e[1] == "reversal" for e in state_apart["ledger"])
    assert state_apart["cases"]
    assert state_apart["vouchers"]


def test_a_missing_event_is_named(session: Session) -> None:
    import uuid

    from goodwill.errors import NotFound

    _world(session)
    known = _event(session, "101", "C-101", "cancellation", notice_given_at=NOTICE)
    missing = uuid.uuid4()
    with pytest.raises(NotFound, match=str(missing)):
        process_events(session, event_ids=[known.id, missing], now=NOW, policies=POLICIES)
    assert session.scalars(select(FlightEvent.id)).all() == [known.id]
    assert gc.isenabled()  # the collector, paused over the fan-out (ADR 0023), is back after the error


def test_the_fan_out_runs_with_the_collector_paused_and_restores_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import goodwill.recovery.service as service

    _world(session)
    event = _event(session, "101", "C-101", "cancellation", notice_given_at=NOTICE)
    seen: list[bool] = []
    decide = service._decide

    def watched(*args: Any, **kwargs: Any) -> None:
        seen.append(gc.isenabled())
        decide(*args, **kwargs)

    monkeypatch.setattr(service, "_decide", watched)
    reports = process_events(session, event_ids=[event.id], now=NOW, policies=POLICIES)
    assert seen == [False]
    assert reports[0].passengers > 0
    assert gc.isenabled()


def _storm(url: str, *, ahead: bool, worker_url: str | None = None) -> tuple[int, dict[str, Any]]:
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            _world(session)
            events = storm.synthetic_events(session, flights=4, day=NOW.date())
        report = storm.replay(
            lambda: unit_of_work(factory), events, policies=POLICIES, now=lambda: NOW, batch=1,
            database_url=(worker_url or url) if ahead else None,
        )  # fmt: skip
        with unit_of_work(factory) as session:
            return report.prepared_ahead, _state(session)
    finally:
        engine.dispose()


def test_a_storm_read_ahead_by_a_worker_process_ends_as_one_done_in_process(database: Database) -> None:
    """The worker reads and decides the next batch while this one is written; the result is the same."""
    ahead, with_worker = _storm(database.fresh_url(), ahead=True)
    alone, in_process = _storm(database.fresh_url(), ahead=False)
    assert (ahead, alone) == (4, 0)  # four batches of one flight each, all prepared by the worker
    assert with_worker == in_process
    assert with_worker["vouchers"]


def test_a_worker_that_fails_leaves_the_storm_to_this_process(database: Database, tmp_path: Path) -> None:
    """A worker that cannot read (here: a database that is not there) is let go; every batch is done here."""
    broken = f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"
    ahead, state = _storm(database.fresh_url(), ahead=True, worker_url=broken)
    _alone, in_process = _storm(database.fresh_url(), ahead=False)
    assert ahead == 0
    assert state == in_process
