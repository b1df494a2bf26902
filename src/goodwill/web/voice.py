"""Voice of the customer: NPS and CSAT trends, sentiment and topics by route and station, spikes.

For a CX manager: the latest week's numbers against the week before, then the trends as charts, then where it
hurts (routes and stations) and what is spiking, each figure with the passengers' own words behind it and a link
to the passenger and the case. Built on `listening.trends` (set-based: GROUP BY and a window function for the
verbatims) and the stored spike alerts (`listening.alerting`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from goodwill.api.deps import SessionDep
from goodwill.listening import alerting
from goodwill.listening import overview as voices
from goodwill.listening.trends import Grouping, Metric, Period, TrendRow, trends
from goodwill.web import charts
from goodwill.web.auth import ManagerPage
from goodwill.web.console import render

router = APIRouter(include_in_schema=False)

WEEKS = 12  # the trends cover the 12 weeks up to the newest feedback
PLACES = 8  # routes and stations shown, where it hurts most first
SENTIMENTS = ("negative", "neutral", "positive")
SENTIMENT_COLOURS = {"negative": "s2", "neutral": "s6", "positive": "s4"}


@dataclass
class Place:
    """One route or station over the whole window."""

    name: str
    answers: int = 0
    promoters: int = 0
    detractors: int = 0
    negative: int = 0
    topics: dict[str, int] = field(default_factory=dict)
    verbatims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def nps(self) -> float | None:
        return round(100.0 * (self.promoters - self.detractors) / self.answers, 1) if self.answers else None

    @property
    def top_topic(self) -> str | None:
        return max(self.topics.items(), key=lambda kv: (kv[1], kv[0]))[0] if self.topics else None


def window_start(newest: datetime, weeks: int = WEEKS) -> datetime:
    """Monday 00:00 UTC of the week `weeks - 1` before the newest feedback's week."""
    day = newest.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday()) - timedelta(weeks=weeks - 1)
    return datetime.combine(monday, time(0), UTC)


def _by_period(rows: list[TrendRow]) -> dict[str, TrendRow]:
    return {r.period: r for r in rows}


def places(figures: list[voices.RouteFigures], group: Grouping) -> list[Place]:
    """Routes or stations over the window: NPS answers, negative messages, topics; the most negative first, then
    the lowest NPS. A station sums the routes that leave or reach it."""
    found: dict[str, Place] = {}
    for route in figures:
        names = (
            [f"{route.origin}-{route.destination}"]
            if group is Grouping.ROUTE
            else sorted({route.origin, route.destination})
        )
        for name in names:
            p = found.setdefault(name, Place(name))
            p.answers += route.answers
            p.promoters += route.promoters
            p.detractors += route.detractors
            p.negative += route.negative
            for topic, n in route.topics.items():
                p.topics[topic] = p.topics.get(topic, 0) + n
    return sorted(found.values(), key=lambda p: (-p.negative, p.nps if p.nps is not None else 101, p.name))[:PLACES]


def _with_words(session: Session, shown: list[Place], scope: str, since: datetime) -> list[Place]:
    words = voices.negative_words(session, scope=scope, names={p.name for p in shown}, since=since)
    for p in shown:
        p.verbatims = [{"id": i} for i in words.get(p.name, [])]
    return shown


def messages(n: float) -> str:
    return f"{charts.number(n)} message{'' if n == 1 else 's'}"


def _delta(now: float | None, before: float | None) -> float | None:
    return round(now - before, 1) if now is not None and before is not None else None


@router.get("/voice", response_class=HTMLResponse)
def voice(request: Request, session: SessionDep, me: ManagerPage) -> HTMLResponse:
    newest = voices.newest_feedback(session)
    context: dict[str, Any] = {"newest": newest, "money": charts.money, "number": charts.number}
    if newest is None:
        return render(request, "console/voice.html", context, me=me)
    since = window_start(newest)
    nps = _by_period(trends(session, metric=Metric.NPS, by=Period.WEEK, since=since, verbatims=3))
    csat = _by_period(trends(session, metric=Metric.CSAT, by=Period.WEEK, since=since, verbatims=3))
    sentiment_rows = trends(session, metric=Metric.SENTIMENT, by=Period.WEEK, since=since, verbatims=0)
    topic_rows = trends(session, metric=Metric.TOPICS, by=Period.WEEK, since=since, verbatims=3)
    weeks = [(since + timedelta(weeks=i)).date().isoformat() for i in range(WEEKS)]
    sentiment: dict[str, dict[str, int]] = defaultdict(dict)
    for r in sentiment_rows:
        if r.key is not None:
            sentiment[r.key][r.period] = r.count
    topic_totals: dict[str, int] = defaultdict(int)
    topic_quotes: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(topic_rows, key=lambda r: r.period, reverse=True):  # the newest week's words first
        if r.key is None:
            continue
        topic_totals[r.key] += r.count
        topic_quotes.setdefault(r.key, [])
        topic_quotes[r.key] = (topic_quotes[r.key] + r.verbatims)[:3]
    topics = sorted(topic_totals.items(), key=lambda kv: (-kv[1], kv[0]))[:10]

    def value(rows: dict[str, TrendRow], week: str, key: str) -> float | None:
        row = rows.get(week)
        return float(row.figures[key]) if row is not None else None

    nps_values = [value(nps, w, "nps") for w in weeks]
    csat_values = [value(csat, w, "csat_pct") for w in weeks]
    latest, previous = weeks[-1], weeks[-2]
    judged_latest = sum(sentiment[s].get(latest, 0) for s in sentiment)
    negative_latest = sentiment.get("negative", {}).get(latest, 0)
    alerts = alerting.list_alerts(session, since=since, limit=10)
    flown = voices.route_figures(session, since=since)
    routes = _with_words(session, places(flown, Grouping.ROUTE), "route", since)
    stations = _with_words(session, places(flown, Grouping.AIRPORT), "airport", since)
    shown: list[str] = [
        *(v["id"] for r in [*nps.values(), *csat.values()] for v in r.verbatims),
        *(v["id"] for quotes in topic_quotes.values() for v in quotes),
        *(v["id"] for p in [*routes, *stations] for v in p.verbatims),
        *(i for a in alerts for i in a.feedback_ids[:3]),
    ]
    labels = [w[5:] for w in weeks]
    context |= {
        "since": since,
        "weeks": weeks,
        "nps": nps,
        "csat": csat,
        "latest": latest,
        "previous": previous,
        "nps_now": nps.get(latest),
        "nps_delta": _delta(value(nps, latest, "nps"), value(nps, previous, "nps")),
        "csat_now": csat.get(latest),
        "csat_delta": _delta(value(csat, latest, "csat_pct"), value(csat, previous, "csat_pct")),
        "negative_latest": negative_latest,
        "judged_latest": judged_latest,
        "sentiment": sentiment,
        "sentiments": SENTIMENTS,
        "topics": topics,
        "topic_quotes": topic_quotes,
        "alerts": alerts,
        "routes": routes,
        "stations": stations,
        "behind": voices.behind(session, shown),
        "nps_chart": charts.line_chart(
            labels,
            [charts.Series("NPS", nps_values)],
            title="NPS by week",
            y_min=-100,
            y_max=100,
            reference=(0, "0"),
        ),
        "csat_chart": charts.line_chart(
            labels,
            [charts.Series("satisfied (4-5)", csat_values)],
            title="CSAT by week: % of answers 4 or 5",
            unit="%",
            y_min=0,
            y_max=100,
        ),
        "sentiment_chart": charts.line_chart(
            labels,
            [
                charts.Series(s, [float(sentiment.get(s, {}).get(w, 0)) for w in weeks], SENTIMENT_COLOURS[s])
                for s in SENTIMENTS
            ],
            title="Messages by sentiment, by week",
            area=True,
        ),
        "colours": SENTIMENT_COLOURS,
        "topics_chart": charts.bar_chart(
            [(t.replace("_", " "), n) for t, n in topics], title=f"Complaint topics over {WEEKS} weeks", label=messages
        ),
    }
    return render(request, "console/voice.html", context, me=me)
