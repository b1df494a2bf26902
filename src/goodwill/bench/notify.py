"""The notify benchmark: a storm strands N passengers; how long until each is told?

Setup (not timed): the storm benchmark's airline (`bench.storm`: flights and bookings from the import
benchmark's generator, imported), and the earliest flights chosen for cancellation until N journeys are on them.

Timed, on the wall clock: a `goodwill worker` process (console transport: the message is written in the
passenger's language and stored as sent, nothing leaves the machine) is started, then the storm is replayed in
this process (events recorded, then settled 50 to a transaction, with the clock's real time, so that the
instants stored are comparable). The worker delivers while the storm is still being written, as it would in
production. When every message is out, the figure is the time from each event being recorded by Goodwill
(`flight_events.created_at`) to its passenger's message being sent (`outbound_messages.sent_at`): p50, p90,
p99, max, and the share within 30 minutes (the US DOT's notice for a delay).
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from goodwill.bench.imports import _import, fresh_database, write_files
from goodwill.bench.storm import BATCH, _storm_events
from goodwill.demo import storm
from goodwill.flights.models import FlightEvent
from goodwill.imports.rows import ImportKind
from goodwill.kit.time import utc_now
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.recovery import catalogue
from goodwill.store.db import make_engine, make_session_factory, normalise_url, unit_of_work

TARGET = timedelta(minutes=30)
OPEN = (MessageStatus.PENDING.value, MessageStatus.SENDING.value)


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _open_messages(engine: Engine) -> int:
    with engine.connect() as connection:
        return len(connection.execute(select(OutboundMessage.id).where(OutboundMessage.status.in_(OPEN))).all())


def _latencies(engine: Engine) -> tuple[list[float], Counter[str], datetime | None, datetime | None]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboundMessage.status, OutboundMessage.sent_at, FlightEvent.created_at).join(
                FlightEvent, FlightEvent.id == OutboundMessage.flight_event_id
            )
        ).all()
    statuses = Counter(status for status, _s, _c in rows)
    sent = [(s, c) for status, s, c in rows if status == MessageStatus.SENT.value and s is not None]
    seconds = sorted((s - c).total_seconds() for s, c in sent)
    first = min((s for s, _c in sent), default=None)
    last = max((s for s, _c in sent), default=None)
    return seconds, statuses, first, last


def run(
    passengers: int,
    *,
    database_url: str | None = None,
    workdir: Path | None = None,
    batch: int = 500,
    timeout: float = 3600.0,
) -> dict[str, Any]:
    """Run the notify benchmark once and return its figures (what `goodwill bench notify` prints)."""
    rows = max(200, int(passengers * 1.4))
    with tempfile.TemporaryDirectory(prefix="goodwill-bench-notify-", dir=workdir) as tmp:
        directory = Path(tmp)
        files = write_files(directory, rows)
        with fresh_database(database_url, directory, "notify") as url:
            engine = make_engine(url)
            worker: subprocess.Popen[bytes] | None = None
            try:
                setup_started = time.perf_counter()
                _import(engine, ImportKind.FLIGHTS, files.flights)
                _import(engine, ImportKind.BOOKINGS, files.bookings)
                events, affected = _storm_events(engine, passengers)
                setup = time.perf_counter() - setup_started
                command = [
                    sys.executable, "-m", "goodwill", "--database-url", url, "worker", "--batch", str(batch),
                    "--transport", "console", "--idle", "0.2",
                ]  # fmt: skip
                env = os.environ | {"GOODWILL_LOG_LEVEL": "WARNING"}
                worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
                time.sleep(1.0)  # the worker's interpreter and imports; it then polls an empty outbox
                factory = make_session_factory(engine)
                started = time.perf_counter()
                report = storm.replay(
                    lambda: unit_of_work(factory),
                    events,
                    policies=catalogue.builtin(),
                    now=utc_now,
                    batch=BATCH,
                )
                storm_seconds = time.perf_counter() - started
                deadline = time.monotonic() + timeout
                while _open_messages(engine) and time.monotonic() < deadline:
                    if worker.poll() is not None:
                        raise RuntimeError(
                            f"the worker stopped: {worker.stderr.read().decode() if worker.stderr else ''}"
                        )
                    time.sleep(0.5)
                drained = time.perf_counter() - started
                worker.send_signal(signal.SIGTERM)
                worker.communicate(timeout=120)
                latencies, statuses, first, last = _latencies(engine)
            finally:
                if worker is not None and worker.poll() is None:
                    worker.kill()
                    worker.communicate()
                engine.dispose()
    within = sum(1 for s in latencies if s <= TARGET.total_seconds())
    sending_seconds = (last - first).total_seconds() if first and last else 0.0
    return {
        "benchmark": "notify",
        "passengers_affected": report.passengers,
        "journeys_on_cancelled_flights": affected,
        "flights_cancelled": report.events,
        "messages": dict(sorted(statuses.items())),
        "storm_seconds": round(storm_seconds, 1),
        "all_sent_seconds": round(drained, 1),
        "worker_messages_per_second": round(len(latencies) / sending_seconds) if sending_seconds else None,
        "event_to_sent_seconds": {
            "p50": round(_percentile(latencies, 0.50), 1),
            "p90": round(_percentile(latencies, 0.90), 1),
            "p99": round(_percentile(latencies, 0.99), 1),
            "max": round(latencies[-1], 1) if latencies else None,
        },
        "within_30_minutes": round(within / len(latencies), 4) if latencies else None,
        "batch": batch,
        "setup_seconds": round(setup, 1),
        "database": "sqlite" if database_url is None else normalise_url(database_url).split(":")[0],
        "python": platform.python_version(),
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(terse=True)},
        "load_average": list(os.getloadavg()),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
