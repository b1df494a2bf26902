"""Benchmark of the console's pages on the demo airline (issue 6: each page renders in under 300 ms).

Setup (not timed): the demo airline (`goodwill seed`, the whole of 2013) with the blizzard of 8-9 February 2013
replayed over it and the passengers' survey answers (`demo.voices`), as `goodwill demo` leaves it, and one console
user per role. A database built once is kept with
`--database FILE` and measured again.

Measured: every page of the console's navigation (`web.console.NAV`), signed in with the role the page needs,
plus a passenger's 360 and a case page (the passenger and the case of a disruption), `samples` times each after
two untimed requests, through the whole application in process (routing, the session cookie's lookup, the
queries, the template; no socket). The floor is the least a request costs in the same run: `/health` (one
`SELECT 1` through the same stack) and a static file.
"""

from __future__ import annotations

import logging
import os
import platform
import secrets
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from goodwill.access import users
from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.bookings import queries as bookings
from goodwill.cases.models import Case, CaseType
from goodwill.config import Settings
from goodwill.customers.value import refresh_value
from goodwill.demo import service as demo_airline
from goodwill.demo import storm, voices
from goodwill.demo.generator import FIRST_DAY, LAST_DAY
from goodwill.kit.time import utc_now
from goodwill.logging import configure_logging
from goodwill.migrations import runner
from goodwill.recovery import catalogue, overview
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from goodwill.web.console import NAV

BLIZZARD_IDS = "nyc-blizzard-2013:"
ROLES = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
BUDGET_MS = 300.0


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50_ms": round(1000 * statistics.median(ordered), 2), "p95_ms": at(0.95), "max_ms": at(1.0)}


def build(url: str, *, passengers: int, seed: int, note: Callable[[str], None]) -> None:
    """The demo airline with the blizzard replayed, unless the database holds it already."""
    engine = make_engine(url)
    try:
        runner.upgrade(engine)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            seeded = bookings.count_bookings(session) > 0
        if not seeded:
            note(f"seeding the demo airline ({passengers:,} passengers, 2013)…")
            with unit_of_work(factory) as session:
                demo_airline.seed_demo_airline(
                    session, seed=seed, passengers=passengers, start=FIRST_DAY, end=LAST_DAY, actor="bench"
                )
                refresh_value(session)
        with unit_of_work(factory) as session:
            replayed = overview.events_recorded(session, external_prefix=BLIZZARD_IDS) > 0
        if not replayed:
            note("replaying the blizzard of 8-9 February 2013…")
            storm.replay(
                lambda: unit_of_work(factory),
                storm.blizzard_events(),
                policies=catalogue.policies(),
                now=utc_now,
                batch=50,
            )
        with unit_of_work(factory) as session:
            if not voices.already_there(session):
                note("adding the passengers' survey answers…")
                voices.add_voices(session, seed=seed, now=utc_now())
    finally:
        engine.dispose()


def _bench_users(url: str, password: str) -> dict[Role, str]:
    """One user per role (made once, given `password` on every run)."""
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            known = {u.username for u in users.list_users(session)}
            for role in ROLES:
                username = f"bench-{role.value}"
                if username in known:
                    users.update_user(session, username=username, actor="bench", password=password)
                else:
                    users.create_user(
                        session,
                        username=username,
                        name=f"Bench {role.value}",
                        role=role,
                        password=password,
                        team="care",
                        actor="bench",
                    )
    finally:
        engine.dispose()
    return {role: f"bench-{role.value}" for role in ROLES}


def _samples_of(url: str) -> tuple[str | None, str | None]:
    """A disrupted passenger and their case: the 360 and case page to measure."""
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            row = session.execute(
                select(Case.passenger_id, Case.reference)
                .where(Case.type == CaseType.DISRUPTION_RECOVERY.value, Case.passenger_id.is_not(None))
                .order_by(Case.reference)
                .limit(1)
            ).first()
    finally:
        engine.dispose()
    return (str(row[0]), str(row[1])) if row else (None, None)


def _timed(client: TestClient, path: str, samples: int) -> tuple[list[float], int]:
    status = 0
    for _ in range(2):
        status = client.get(path).status_code
    found = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        found.append(time.perf_counter() - started)
        status = response.status_code
    return found, status


def run(
    *,
    url: str,
    passengers: int = 5_000,
    seed: int = 42,
    samples: int = 30,
    note: Callable[[str], None] = lambda _text: None,
) -> dict[str, Any]:
    build(url, passengers=passengers, seed=seed, note=note)
    password = secrets.token_urlsafe(18)
    names = _bench_users(url, password)
    passenger_id, reference = _samples_of(url)
    configure_logging("WARNING")  # a log line per request to the terminal is not what is measured here
    logging.getLogger().setLevel(logging.WARNING)
    engine = make_engine(url)
    app = create_app(Settings(database_url=url, secret_key=SecretStr(secrets.token_urlsafe(32))), engine=engine)
    clients: dict[Role, TestClient] = {}
    for role, username in names.items():
        client = TestClient(app)
        signed = client.post("/sign-in", data={"username": username, "password": password}, follow_redirects=False)
        if signed.status_code != 303:
            raise RuntimeError(f"bench user {username} could not sign in ({signed.status_code})")
        clients[role] = client
    pages: list[tuple[str, Role]] = [(item.path, item.role) for item in NAV]
    if passenger_id:
        pages.append((f"/passengers/{passenger_id}", Role.AGENT))
    if reference:
        pages.append((f"/cases/{reference}", Role.AGENT))
    started = time.perf_counter()
    floor_health, _ = _timed(clients[Role.AGENT], "/health", samples)
    floor_static, _ = _timed(clients[Role.AGENT], "/static/console.css", samples)
    measured: dict[str, Any] = {}
    for path, role in pages:
        note(f"measuring {path}…")
        times, status = _timed(clients[role], path, samples)
        figures = _percentiles(times)
        measured[path] = {
            "role": role.value,
            "status": status,
            **figures,
            "under_budget": figures["p95_ms"] < BUDGET_MS,
        }
    floor = _percentiles(floor_health)
    engine.dispose()
    return {
        "passengers": passengers,
        "samples": samples,
        "budget_ms": BUDGET_MS,
        "database": engine.dialect.name,
        "floor": {"health": floor, "static_file": _percentiles(floor_static)},
        "pages": {
            path: {**m, "p50_over_floor": round(m["p50_ms"] / floor["p50_ms"], 1) if floor["p50_ms"] else None}
            for path, m in measured.items()
        },
        "all_under_budget": all(m["under_budget"] and m["status"] == 200 for m in measured.values()),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def default_database(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'console-bench.db'}"
