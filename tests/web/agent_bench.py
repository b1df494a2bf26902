"""Time the agent's console pages on a demo airline, in-process, against a floor (GET /health) measured in the
same run: median, p95 and max of N requests per page, as JSON.

    goodwill --database-url sqlite:///scratch.db demo --passengers 5000 --no-serve
    python -m tests.web.agent_bench sqlite:///scratch.db --requests 30

It writes to the database (a user `bench-agent`, and the casework of `agent_fixtures` the first time): use a
scratch copy. On PostgreSQL, ANALYZE after seeding (a server with autovacuum off plans the 360's join of
segments to flights as a scan without statistics: 170 ms instead of 35).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from goodwill.access.models import User
from goodwill.access.roles import Role
from goodwill.api.app import create_app
from goodwill.bookings.models import BookingPassenger
from goodwill.cases.models import Case
from goodwill.config import Settings
from goodwill.logging import configure_logging
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.factories import TEST_PASSWORD, TEST_SECRET, make_user
from tests.web.agent_fixtures import make_casework

AGENT = "bench-agent"


def prepare(url: str) -> tuple[TestClient, dict[str, str]]:
    """The app signed in as the bench's agent, and the pages to time (by name)."""
    engine = make_engine(url)
    app = create_app(Settings(database_url=url, secret_key=SecretStr(TEST_SECRET)), engine=engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        fresh = session.scalar(select(User).where(User.username == AGENT)) is None
        if fresh:
            make_user(session, username=AGENT, role=Role.AGENT, team="care", name="Bench Agent")
        frequent, trips = session.execute(
            select(BookingPassenger.passenger_id, func.count())
            .group_by(BookingPassenger.passenger_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    if fresh:
        work = make_casework(engine, agent=AGENT, team="care")
        mine, complainant = work.mine, work.passenger_ids[0]
    else:
        with unit_of_work(factory) as session:
            case = session.scalars(select(Case).where(Case.assignee == AGENT).order_by(Case.reference)).first()
            assert case is not None, "the bench's casework is missing"
            assert case.passenger_id is not None
            mine, complainant = case.reference, case.passenger_id
    client = TestClient(app)
    signed = client.post("/sign-in", data={"username": AGENT, "password": TEST_PASSWORD}, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    pages = {
        "floor: GET /health": "/health",
        "home": "/home",
        "passengers (search form)": "/passengers",
        "passengers?q=smith": "/passengers?q=smith",
        "360, a complainant": f"/passengers/{complainant}",
        f"360, the most bookings ({trips})": f"/passengers/{uuid.UUID(str(frequent))}",
        "cases (mine)": "/cases",
        "cases?view=all": "/cases?view=all",
        "case page": f"/cases/{mine}",
    }
    return client, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    configure_logging("WARNING")  # not a line per request
    client, pages = prepare(args.database_url)
    found: dict[str, dict[str, float]] = {}
    for name, path in pages.items():
        for _ in range(3):  # warm: templates compiled, caches filled
            client.get(path)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        found[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1),
        }
    load = [round(x, 2) for x in os.getloadavg()]
    document = {"backend": args.database_url.split(":")[0], "requests": args.requests, "load": load, "pages": found}
    sys.stdout.write(json.dumps(document) + "\n")


if __name__ == "__main__":
    main()
