"""Trends: NPS, CSAT, sentiment and topic volumes by day and week and group, against figures worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from goodwill.listening.trends import Grouping, Metric, Period, trends
from tests.listening.loop_helpers import make_feedback, make_flight, make_passenger


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def fixture(session: Session) -> dict[str, str]:
    """Week of Monday 2 March: five answers (one spam); week of Monday 9 March: one, with no flight.

    id  when          route    nps csat sentiment topics                 passenger
    f1  Mon 2, 10:00  JFK-BOS  10  5    positive  -                      gold
    f2  Mon 2, 12:00  JFK-BOS   3  2    negative  late_flight, crew      -
    f3  Mon 2, 13:00  BOS-LAX   8  4    neutral   -                      -
    f4  Tue 3, 09:00  BOS-LAX   6  1    negative  late_flight            -
    sp  Tue 3, 09:30  JFK-BOS   0  -    negative  late_flight  (spam)    -
    f5  Mon 9, 08:00  -         9  -    positive  -                      -
    """
    jfk_bos = make_flight(session, number="101", origin="JFK", destination="BOS")
    bos_lax = make_flight(session, number="202", origin="BOS", destination="LAX")
    gold = make_passenger(session, tier="gold")
    rows: dict[str, dict[str, Any]] = {
        "f1": {"received_at": at(2, 10), "flight_id": jfk_bos, "nps": 10, "csat": 5, "sentiment": "positive",
               "passenger_id": gold, "text": "lovely crew"},
        "f2": {"received_at": at(2, 12), "flight_id": jfk_bos, "nps": 3, "csat": 2, "sentiment": "negative",
               "topics": ["late_flight", "crew"], "text": "late and rude"},
        "f3": {"received_at": at(2, 13), "flight_id": bos_lax, "nps": 8, "csat": 4, "sentiment": "neutral",
               "text": "fine"},
        "f4": {"received_at": at(3, 9), "flight_id": bos_lax, "nps": 6, "csat": 1, "sentiment": "negative",
               "topics": ["late_flight"], "text": "three hours late"},
        "sp": {"received_at": at(3, 9), "flight_id": jfk_bos, "nps": 0, "sentiment": "negative", "is_spam": True,
               "topics": ["late_flight"], "text": "cheap pills"},
        "f5": {"received_at": at(9, 8), "nps": 9, "sentiment": "positive", "text": ""},
    }  # fmt: skip
    return {name: str(make_feedback(session, **values).id) for name, values in rows.items()}


def figures(rows: list[Any], *names: str) -> dict[tuple[str, str, str | None], tuple[Any, ...]]:
    return {(r.period, r.group, r.key): tuple(r.as_dict()[n] for n in names) for r in rows}


def test_nps_by_day_and_week_leaves_spam_out(session: Session, fixture: dict[str, str]) -> None:
    by_day = trends(session, metric=Metric.NPS, by=Period.DAY)
    assert figures(by_day, "count", "nps", "promoters", "passives", "detractors") == {
        ("2026-03-02", "all", None): (3, 0.0, 1, 1, 1),  # 10, 3, 8: 33.3 % - 33.3 %
        ("2026-03-03", "all", None): (1, -100.0, 0, 0, 1),  # 6 (the spam's 0 is left out)
        ("2026-03-09", "all", None): (1, 100.0, 1, 0, 0),
    }
    by_week = trends(session, metric=Metric.NPS, by=Period.WEEK)
    assert figures(by_week, "count", "nps") == {
        ("2026-03-02", "all", None): (4, -25.0),  # 10, 3, 8, 6: 25 % - 50 %
        ("2026-03-09", "all", None): (1, 100.0),
    }


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        pytest.param(Grouping.ROUTE, {"JFK-BOS": (2, 0.0), "BOS-LAX": (2, -50.0)}, id="route"),
        pytest.param(Grouping.AIRPORT, {"JFK": (2, 0.0), "BOS": (4, -25.0), "LAX": (2, -50.0)}, id="airport"),
        pytest.param(Grouping.FLIGHT, {"B6 101 2026-03-01": (2, 0.0), "B6 202 2026-03-01": (2, -50.0)}, id="flight"),
        pytest.param(Grouping.TIER, {"gold": (1, 100.0), "unknown": (3, -66.7)}, id="tier"),
    ],
)
def test_nps_by_group(
    session: Session, fixture: dict[str, str], group: Grouping, expected: dict[str, tuple[int, float]]
) -> None:
    rows = trends(session, metric=Metric.NPS, by=Period.WEEK, group=group, until=at(9, 0))
    assert {g: v for (_p, g, _k), v in figures(rows, "count", "nps").items()} == expected


def test_csat_mean_and_share_of_fours_and_fives(session: Session, fixture: dict[str, str]) -> None:
    rows = trends(session, metric=Metric.CSAT, by=Period.WEEK)
    assert figures(rows, "count", "csat_mean", "satisfied", "csat_pct") == {
        ("2026-03-02", "all", None): (4, 3.0, 2, 50.0),  # 5, 2, 4, 1
    }


def test_sentiment_and_topic_volumes(session: Session, fixture: dict[str, str]) -> None:
    sentiment = trends(session, metric=Metric.SENTIMENT, by=Period.DAY, since=at(2, 0), until=at(4, 0))
    assert figures(sentiment, "count") == {
        ("2026-03-02", "all", "negative"): (1,),
        ("2026-03-02", "all", "neutral"): (1,),
        ("2026-03-02", "all", "positive"): (1,),
        ("2026-03-03", "all", "negative"): (1,),
    }
    topics = trends(session, metric=Metric.TOPICS, by=Period.WEEK, group=Grouping.ROUTE)
    assert figures(topics, "count") == {
        ("2026-03-02", "BOS-LAX", "late_flight"): (1,),
        ("2026-03-02", "JFK-BOS", "crew"): (1,),
        ("2026-03-02", "JFK-BOS", "late_flight"): (1,),
    }


def test_each_figure_comes_with_its_verbatims_lowest_scores_first(session: Session, fixture: dict[str, str]) -> None:
    rows = trends(session, metric=Metric.NPS, by=Period.WEEK, verbatims=2)
    week = {r.period: r.verbatims for r in rows}
    assert [(v["id"], v["text"]) for v in week["2026-03-02"]] == [
        (fixture["f2"], "late and rude"),
        (fixture["f4"], "three hours late"),
    ]
    assert week["2026-03-09"] == []  # a score without words has no verbatim
    topics = trends(session, metric=Metric.TOPICS, by=Period.WEEK, verbatims=5)
    late = next(r for r in topics if r.key == "late_flight")
    assert [v["id"] for v in late.verbatims] == [fixture["f4"], fixture["f2"]]  # newest first, spam left out
    assert all(r.verbatims == [] for r in trends(session, metric=Metric.NPS, verbatims=0))
