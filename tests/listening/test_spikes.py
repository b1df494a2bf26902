"""Spikes: a topic well above its usual level on a route or at an airport raises one alert, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.listening import alerting, spikes
from goodwill.listening.models import SpikeAlert
from goodwill.listening.spikes import SpikeRules
from tests.listening.loop_helpers import NOW, make_feedback, make_flight

RULES = SpikeRules()


class TestDetector:
    def test_a_burst_at_a_quiet_place_is_a_spike(self) -> None:
        found = spikes.detect({("airport", "BOS", "lost_baggage"): [8] + [0, 1] * 14}, RULES)
        assert [(s.scope, s.subject, s.observed, s.expected) for s in found] == [("BOS", "lost_baggage", 8, 0.5)]
        assert found[0].p_value < 1e-7

    def test_a_steady_level_is_not(self) -> None:
        assert spikes.detect({("route", "JFK-BOS", "late_flight"): [12] + [10] * 28}, RULES) == []

    def test_a_handful_is_not_a_trend(self) -> None:
        assert spikes.detect({("airport", "BOS", "crew"): [4] + [0] * 28}, RULES) == []
        assert len(spikes.detect({("airport", "BOS", "crew"): [5] + [0] * 28}, RULES)) == 1

    def test_a_busy_scope_needs_twice_its_usual_level(self) -> None:
        # 150 against 100 a day is far in the Poisson tail, but not twice the usual level.
        assert spikes.detect({("airport", "JFK", "late_flight"): [150] + [100] * 28}, RULES) == []
        assert len(spikes.detect({("airport", "JFK", "late_flight"): [200] + [100] * 28}, RULES)) == 1

    @pytest.mark.parametrize(
        ("k", "rate", "expected"),
        [(12, 10.0, 0.30322), (8, 0.5, 6.21969e-08), (3, 3.0, 0.57681), (0, 2.0, 1.0)],
    )
    def test_poisson_tail(self, k: int, rate: float, expected: float) -> None:
        assert spikes.poisson_tail(k, rate) == pytest.approx(expected, rel=1e-4)

    def test_windows_are_aligned_on_utc_days(self) -> None:
        start, end = spikes.current_window(datetime(2026, 3, 10, 15, 30, tzinfo=UTC), 24)
        assert (start, end) == (datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC))
        starts = spikes.window_starts(datetime(2026, 3, 10, 15, tzinfo=UTC), SpikeRules(window_hours=6))
        assert starts[:2] == [datetime(2026, 3, 10, 12, tzinfo=UTC), datetime(2026, 3, 10, 6, tzinfo=UTC)]
        assert len(starts) == 29


def _steady(session: Session, flight: object) -> None:
    """Every day for 28 days and today: 10 negative late-flight complaints on JFK-BOS."""
    today = NOW.replace(hour=1)
    for day in range(29):
        for i in range(10):
            make_feedback(session, flight_id=flight, received_at=today - timedelta(days=day, minutes=i),
                          sentiment="negative", topics=["late_flight"])  # fmt: skip


def _alerts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SpikeAlert)) or 0)


class TestAlerts:
    def test_a_steady_level_raises_none(self, session: Session) -> None:
        _steady(session, make_flight(session))
        run = alerting.detect_spikes(session, now=NOW, actor="test")
        assert (run.raised, run.already_raised, _alerts(session)) == ([], 0, 0)

    def test_a_lost_baggage_burst_at_one_airport_raises_exactly_one_alert_once(self, session: Session) -> None:
        jfk_bos = make_flight(session)
        _steady(session, jfk_bos)
        # Two lost bags on each of four flights into Boston: 8 at BOS, 2 on each route and at each origin.
        burst = []
        for number, origin in (("101", "JFK"), ("102", "LAX"), ("103", "ORD"), ("104", "MCO")):
            flight = jfk_bos if number == "101" else make_flight(session, number=number, origin=origin)
            for hour in (8, 9):
                feedback = make_feedback(session, flight_id=flight, received_at=NOW.replace(hour=hour),
                                         sentiment="negative", topics=["lost_baggage"])  # fmt: skip
                burst.append(str(feedback.id))
        make_feedback(session, flight_id=jfk_bos, received_at=NOW.replace(hour=10), is_spam=True,
                      topics=["lost_baggage"])  # fmt: skip

        run = alerting.detect_spikes(session, now=NOW, actor="test")

        assert [(a.scope_kind, a.scope, a.subject, a.observed) for a in run.raised] == [
            ("airport", "BOS", "lost_baggage", 8)  # the spam is not counted
        ]
        alert = run.raised[0]
        assert alert.window_start == datetime(2026, 3, 10, tzinfo=UTC)
        assert alert.expected == pytest.approx(1 / 28, abs=1e-4)
        assert sorted(alert.feedback_ids) == sorted(burst)
        again = alerting.detect_spikes(session, now=NOW + timedelta(hours=2), actor="test")
        assert (again.raised, again.already_raised, _alerts(session)) == ([], 1, 1)
        assert [a.id for a in alerting.list_alerts(session)] == [alert.id]
