"""Case references are handed out once each, the very first ones too, under concurrent transactions."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine

from goodwill.cases import service as cases
from goodwill.store.db import make_session_factory, unit_of_work
from tests.locks import wait_until_blocked


def test_references_start_at_one_and_go_on(url_engine: Engine) -> None:
    factory = make_session_factory(url_engine)
    with unit_of_work(factory) as session:
        assert cases.next_references(session, 2) == ["C-0000001", "C-0000002"]
    with unit_of_work(factory) as session:
        assert cases.next_references(session, 1) == ["C-0000003"]


def test_two_transactions_taking_the_first_references_at_once_both_succeed(url_engine: Engine) -> None:
    """Both find no counter yet; the second waits for the first's row, then numbers after it (it used to fail
    on the counter's primary key: the first case opened by two workers at once)."""
    if url_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the second transaction cannot begin meanwhile")
    factory = make_session_factory(url_engine)
    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            with unit_of_work(factory) as session:
                outcome["refs"] = cases.next_references(session, 2)
        except Exception as exc:  # reported below
            outcome["error"] = exc

    with unit_of_work(factory) as session:
        first = cases.next_references(session, 1)
        thread = threading.Thread(target=second)
        thread.start()
        wait_until_blocked(url_engine, "the second transaction")
    thread.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert first == ["C-0000001"]
    assert outcome["refs"] == ["C-0000002", "C-0000003"]
