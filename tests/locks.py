"""Waiting, in a concurrency test, until another PostgreSQL connection waits for a lock."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text


def wait_until_blocked(engine: Engine, who: str = "the other transaction") -> None:
    """Until another connection waits for a lock (PostgreSQL's pg_stat_activity says so)."""
    deadline = time.monotonic() + 20
    with engine.connect() as probe:
        while time.monotonic() < deadline:
            waiting = probe.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")
            ).scalar_one()  # fmt: skip
            probe.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError(f"{who} never waited for the first")
