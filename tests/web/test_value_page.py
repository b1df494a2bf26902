"""The Value page on the demo airline: the tier pyramid and Pareto curve agree with the stored figures, and the
passengers at risk are the ones the storm and their own words put there, each linked to their 360."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from goodwill.access.roles import Role
from goodwill.customers import standing
from goodwill.customers.models import Passenger
from goodwill.customers.queries import count_by_tier
from goodwill.listening.models import Feedback
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.web import charts
from goodwill.web.control_room import replay_of

Console = Callable[..., tuple[TestClient, str]]
WHEN = datetime(2013, 2, 20, tzinfo=UTC)


@pytest.fixture
def served_app(seeded_app: FastAPI) -> FastAPI:
    seeded_app.state.storm_replay_pace = 0
    return seeded_app


def test_the_value_page_needs_a_manager(console: Console) -> None:
    supervisor, _ = console(Role.SUPERVISOR)
    assert supervisor.get("/value").status_code == 403
    manager, _ = console(Role.MANAGER)
    assert manager.get("/value").status_code == 200


def test_tiers_and_the_pareto_curve_match_the_stored_figures(served_app: FastAPI, console: Console) -> None:
    manager, _ = console(Role.MANAGER)
    page = manager.get("/value").text
    with unit_of_work(make_session_factory(served_app.state.engine)) as session:
        tiers = count_by_tier(session)
        revenue = session.scalar(select(func.sum(Passenger.lifetime_revenue_minor))) or 0
        ranked = list(
            session.scalars(
                select(Passenger.lifetime_revenue_minor)
                .where(Passenger.value_rank.is_not(None))
                .order_by(Passenger.value_rank)
            )
        )
    for tier, n in tiers.items():
        assert f"{tier}: {n:,} passengers" in page  # each level's <title>
    assert charts.money(int(revenue), "USD") in page
    # The top fifth's share, computed here from every passenger, is what the curve says.
    top = sum(ranked[: len(ranked) // 5]) / sum(ranked) * 100
    shown = re.search(
        r"<th scope=\"col\" class=\"num\">20%</th>.*?</tr>.*?<tr><th scope=\"row\">bring</th>(.*?)</tr>", page, re.S
    )
    assert shown
    cells = re.findall(r'<td class="num">([\d.]+)%</td>', shown.group(1))
    assert float(cells[3]) == pytest.approx(top, abs=0.1)
    assert 'role="img" aria-label="Share of revenue brought by the most valuable passengers"' in page


def test_after_the_storm_the_disrupted_and_the_detractors_are_at_risk(served_app: FastAPI, console: Console) -> None:
    supervisor, csrf = console(Role.SUPERVISOR)
    supervisor.post("/control-room/replay", data={"csrf": csrf})
    replay_of(served_app).join(timeout=120)
    with unit_of_work(make_session_factory(served_app.state.engine)) as session:
        vip = session.scalars(select(Passenger).where(Passenger.value_rank == 1)).one()
        for i in range(4):
            text = f"Never again {i}"
            session.add(
                Feedback(
                    passenger_id=vip.id, channel="survey", external_id=f"risk-{i}", text=text,
                    content_hash=hashlib.sha256(text.encode()).hexdigest(), received_at=WHEN,
                    nps=0 if i < 3 else None, sentiment="negative", is_spam=False,
                )
            )  # fmt: skip
        session.flush()
        risks = standing.at_risk(session)
    assert risks.signalled > 0
    first = risks.passengers[0]
    assert first.passenger_id == vip.id  # the most valuable passenger, and now high: first
    assert first.risk.level == "high"
    assert "3 detractor answers" in first.risk.reasons
    manager, _ = console(Role.MANAGER)
    page = manager.get("/value").text
    assert f'<a href="/passengers/{vip.id}">' in page
    assert "3 detractor answers" in page
    assert any("disrupted flight" in " ".join(a.risk.reasons) for a in risks.passengers)
