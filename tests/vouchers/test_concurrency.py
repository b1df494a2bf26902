"""Idempotency and balances hold under concurrent workers: the database's unique keys and row locks decide,
not a read-then-write check. Each race runs on its own committed database, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.errors import InsufficientBalance
from goodwill.vouchers.models import LedgerEntry, Voucher
from tests.vouchers.helpers import NOW, make_passenger, make_voucher, usd


@pytest.fixture
def factory(url_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(url_engine)


def _wait_until_blocked(engine: Engine) -> None:
    """Until the second worker waits for the first one's lock (PostgreSQL shows it; SQLite waits in BEGIN)."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 10
    with engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            probe.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the second worker never waited for the first")


def race(
    factory: sessionmaker[Session], engine: Engine, work: Callable[[Session], Any], other: Callable[[Session], Any]
) -> tuple[Any, Any]:
    """Run `work` in an open transaction, start `other` in a second worker, let it block, then commit the first."""
    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            with unit_of_work(factory) as session:
                outcome["value"] = other(session)
        except Exception as exc:  # reported to the test below
            outcome["error"] = exc

    with factory() as session:
        first = work(session)
        thread = threading.Thread(target=second)
        thread.start()
        _wait_until_blocked(engine)
        session.commit()
    thread.join(30)
    assert not thread.is_alive()
    if "error" in outcome:
        return first, outcome["error"]
    return first, outcome["value"]


def count(engine: Engine, model: type[Any]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def test_two_workers_issuing_with_one_key_make_one_voucher(factory: sessionmaker[Session], url_engine: Engine) -> None:
    with unit_of_work(factory) as session:
        passenger = make_passenger(session)

    def issue(session: Session) -> uuid.UUID:
        return make_voucher(session, passenger_id=passenger, key="comp:flight-1:ana").id

    first, second = race(factory, url_engine, issue, issue)
    assert first == second
    assert (count(url_engine, Voucher), count(url_engine, LedgerEntry)) == (1, 1)


def test_two_workers_redeeming_with_one_key_redeem_once(factory: sessionmaker[Session], url_engine: Engine) -> None:
    with unit_of_work(factory) as session:
        code = make_voucher(session, amount=usd("100.00")).code

    def spend(session: Session) -> uuid.UUID:
        return vouchers.redeem(
            session, code=code, amount=usd("60.00"), idempotency_key="redemption:pos-1", now=NOW, actor="t"
        ).id

    first, second = race(factory, url_engine, spend, spend)
    assert first == second
    assert count(url_engine, LedgerEntry) == 2
    with unit_of_work(factory) as session:
        assert vouchers.voucher_view(session, code=code, now=NOW).balance == usd("40.00")


def test_two_workers_cannot_both_spend_the_same_value(factory: sessionmaker[Session], url_engine: Engine) -> None:
    with unit_of_work(factory) as session:
        code = make_voucher(session, amount=usd("100.00")).code

    def spend(key: str) -> Callable[[Session], uuid.UUID]:
        def run(session: Session) -> uuid.UUID:
            return vouchers.redeem(session, code=code, amount=usd("60.00"), idempotency_key=key, now=NOW, actor="t").id

        return run

    _first, second = race(factory, url_engine, spend("a"), spend("b"))
    assert isinstance(second, InsufficientBalance)
    with unit_of_work(factory) as session:
        assert vouchers.voucher_view(session, code=code, now=NOW).balance == usd("40.00")


def test_many_threads_racing_one_key_leave_exactly_one_entry(
    factory: sessionmaker[Session], url_engine: Engine
) -> None:
    with unit_of_work(factory) as session:
        passenger = make_passenger(session)
    barrier = threading.Barrier(4)
    ids: list[uuid.UUID] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(10)
            with unit_of_work(factory) as session:
                ids.append(make_voucher(session, passenger_id=passenger, key="comp:storm").id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(set(ids)) == 1
    assert (count(url_engine, Voucher), count(url_engine, LedgerEntry)) == (1, 1)
