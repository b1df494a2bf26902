"""Trends (macro): NPS, CSAT, sentiment and topic volumes by day or week, per route, airport, flight or tier,
each figure with a few verbatims behind it.

Set-based: the database groups and counts (GROUP BY), and picks the verbatims with a window function
(ROW_NUMBER per bucket); no feedback row is loaded beyond those. Spam (`is_spam` true) is left out; feedback not
judged for spam yet counts. A route, airport or flight needs the feedback's linked flight: feedback with no
flight is counted under `none` and `tier` only. An airport counts a message at the flight's origin and at its
destination. Days and weeks are UTC; a week starts on Monday and is named by that day.

- NPS = % promoters (9-10) − % detractors (0-6) of the answers with a score, rounded to 0.1;
- CSAT: the mean (1-5) and the % of 4s and 5s;
- sentiment: the count per sentiment; topics: the count per topic (a message with two topics counts in each).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, false, func, literal, select, true, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Subquery

from goodwill.customers.models import Passenger
from goodwill.flights.models import Flight
from goodwill.listening.models import Feedback
from goodwill.store.bulk import is_sqlite

VERBATIM_CHARS = 280


class Metric(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    SENTIMENT = "sentiment"
    TOPICS = "topics"


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"


class Grouping(StrEnum):
    NONE = "none"
    ROUTE = "route"
    AIRPORT = "airport"
    FLIGHT = "flight"
    TIER = "tier"


@dataclass(frozen=True)
class TrendRow:
    period: str
    group: str
    key: str | None  # the sentiment or topic counted; None for NPS and CSAT
    count: int
    figures: dict[str, Any]
    verbatims: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "group": self.group,
            "key": self.key,
            "count": self.count,
            **self.figures,
            "verbatims": self.verbatims,
        }


def not_spam() -> ColumnElement[bool]:
    return func.coalesce(Feedback.is_spam, false()) == false()


def topic_values(session: Session) -> Any:
    """A table-valued function over a feedback's topics (one row per topic, column `value`)."""
    if is_sqlite(session):
        return func.json_each(Feedback.topics).table_valued("value", name="topic")
    return func.jsonb_array_elements_text(Feedback.topics).table_valued("value", name="topic")


def _period(session: Session, by: Period) -> ColumnElement[str]:
    if is_sqlite(session):
        if by is Period.DAY:
            return func.date(Feedback.received_at)
        return func.date(Feedback.received_at, "weekday 0", "-6 days")
    utc = func.timezone("UTC", Feedback.received_at)
    return func.to_char(func.date_trunc(by.value, utc), "YYYY-MM-DD")


def _base(
    session: Session,
    *,
    by: Period,
    group: Grouping,
    with_topics: bool,
    since: datetime | None,
    until: datetime | None,
) -> Subquery:
    """One row per (feedback, group value[, topic]): id, text, received_at, nps, csat, sentiment, period, grp."""
    topic = topic_values(session) if with_topics else None
    conditions = [not_spam()]
    if since is not None:
        conditions.append(Feedback.received_at >= since)
    if until is not None:
        conditions.append(Feedback.received_at < until)

    def rows(grp: Any) -> Select[Any]:
        columns: list[Any] = [
            Feedback.id,
            Feedback.text,
            Feedback.received_at,
            Feedback.nps,
            Feedback.csat,
            Feedback.sentiment,
            _period(session, by).label("period"),
            grp.label("grp"),
        ]
        if topic is not None:
            columns.append(topic.c.value.label("topic"))
        query = select(*columns).select_from(Feedback)
        if group in (Grouping.ROUTE, Grouping.AIRPORT, Grouping.FLIGHT):
            query = query.join(Flight, Flight.id == Feedback.flight_id)
        elif group is Grouping.TIER:
            query = query.outerjoin(Passenger, Passenger.id == Feedback.passenger_id)
        if topic is not None:
            query = query.join(topic, true())
        return query.where(*conditions)

    if group is Grouping.AIRPORT:
        return union_all(rows(Flight.origin), rows(Flight.destination)).subquery("base")
    grp: ColumnElement[str]
    if group is Grouping.ROUTE:
        grp = Flight.origin.concat("-").concat(Flight.destination)
    elif group is Grouping.FLIGHT:
        grp = Flight.carrier.concat(" ").concat(Flight.number).concat(" ").concat(cast(Flight.operating_date, String))
    elif group is Grouping.TIER:
        grp = func.coalesce(Passenger.tier, "unknown")
    else:
        grp = literal("all", String)
    return rows(grp).subquery("base")


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def trends(
    session: Session,
    *,
    metric: Metric,
    by: Period = Period.DAY,
    group: Grouping = Grouping.NONE,
    since: datetime | None = None,
    until: datetime | None = None,
    verbatims: int = 3,
) -> list[TrendRow]:
    """The metric per period and group (and per sentiment or topic), oldest period first, with `verbatims`
    feedback behind each figure (the lowest scores first for NPS and CSAT, the newest first otherwise)."""
    base = _base(session, by=by, group=group, with_topics=metric is Metric.TOPICS, since=since, until=until)
    c = base.c
    key: ColumnElement[Any] | None = None
    relevant: ColumnElement[bool]
    order: list[Any]
    if metric is Metric.NPS:
        relevant = c.nps.is_not(None)
        figures: list[Any] = [
            func.sum(case((c.nps >= 9, 1), else_=0)).label("promoters"),
            func.sum(case((c.nps <= 6, 1), else_=0)).label("detractors"),
        ]
        order = [c.nps.asc()]
    elif metric is Metric.CSAT:
        relevant = c.csat.is_not(None)
        figures = [func.avg(c.csat).label("mean"), func.sum(case((c.csat >= 4, 1), else_=0)).label("satisfied")]
        order = [c.csat.asc()]
    elif metric is Metric.SENTIMENT:
        relevant = c.sentiment.is_not(None)
        key = c.sentiment
        figures = []
        order = []
    else:
        relevant = true()
        key = c.topic
        figures = []
        order = []
    keys = [c.period, c.grp] + ([key] if key is not None else [])
    aggregate = select(*keys, func.count().label("n"), *figures).where(relevant).group_by(*keys).order_by(*keys)
    results: list[tuple[tuple[Any, ...], int, dict[str, Any]]] = []
    for row in session.execute(aggregate).mappings():
        bucket = tuple(row[k.name] for k in keys)
        n = int(row["n"])
        if metric is Metric.NPS:
            promoters, detractors = int(row["promoters"]), int(row["detractors"])
            extra: dict[str, Any] = {
                "nps": round(100.0 * (promoters - detractors) / n, 1) if n else 0.0,
                "promoters": promoters,
                "passives": n - promoters - detractors,
                "detractors": detractors,
            }
        elif metric is Metric.CSAT:
            satisfied = int(row["satisfied"])
            extra = {"csat_mean": round(float(row["mean"]), 2), "satisfied": satisfied, "csat_pct": _pct(satisfied, n)}
        else:
            extra = {}
        results.append((bucket, n, extra))
    quotes: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    if verbatims > 0 and results:
        rank = func.row_number().over(partition_by=keys, order_by=[*order, c.received_at.desc(), c.id]).label("rank")
        ranked = select(*keys, c.id, c.text, c.received_at, rank).where(and_(relevant, c.text != "")).subquery("ranked")
        r = ranked.c
        ranked_keys = [r[k.name] for k in keys]
        for row in session.execute(
            select(*ranked_keys, r.id, r.text, r.received_at).where(r.rank <= verbatims).order_by(*ranked_keys, r.rank)
        ).mappings():
            quotes[tuple(row[k.name] for k in keys)].append(
                {"id": str(row["id"]), "text": str(row["text"])[:VERBATIM_CHARS], "received_at": row["received_at"]}
            )
    return [
        TrendRow(
            period=str(bucket[0]),
            group=str(bucket[1]),
            key=str(bucket[2]) if len(bucket) > 2 else None,
            count=n,
            figures=extra,
            verbatims=quotes.get(bucket, []),
        )
        for bucket, n, extra in results
    ]
