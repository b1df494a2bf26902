"""Small reads for the console's Voice of the customer page: the newest feedback's instant (where the trends
window ends), the newest negative words on a few routes or stations, and who stands behind the verbatims shown
(passenger, case), for the links beside each quote."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true, tuple_
from sqlalchemy.orm import Session

from goodwill.cases.models import Case
from goodwill.flights.models import Flight
from goodwill.listening.models import Feedback
from goodwill.listening.trends import not_spam, topic_values
from goodwill.store.bulk import is_sqlite


@dataclass(frozen=True)
class Behind:
    passenger_id: uuid.UUID | None
    case_reference: str | None
    channel: str
    received_at: datetime
    text: str


def newest_feedback(session: Session) -> datetime | None:
    """When the newest feedback (not spam) arrived: a max over the received_at index."""
    found: datetime | None = session.scalar(select(func.max(Feedback.received_at)).where(not_spam()))
    return found


def behind(session: Session, ids: Iterable[str]) -> dict[str, Behind]:
    """The passenger and case behind each feedback id (the verbatims on the page; a few dozen at most)."""
    wanted = []
    for value in ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Feedback.id, Feedback.passenger_id, Case.reference, Feedback.channel, Feedback.received_at, Feedback.text
        )
        .outerjoin(Case, Case.id == Feedback.case_id)
        .where(Feedback.id.in_(wanted))
    ).all()
    return {str(r[0]): Behind(r[1], r[2], str(r[3]), r[4], str(r[5])) for r in rows}


def negative_words(
    session: Session, *, scope: str, names: Collection[str], since: datetime, per: int = 1, scan: int = 400
) -> dict[str, list[str]]:
    """The newest negative feedback (ids) with words on each of a few routes ("JFK-BOS") or airports ("JFK", at
    the flight's origin or destination) since `since`: `per` each, from at most `scan` of the newest rows."""
    if not names:
        return {}
    query = (
        select(Feedback.id, Flight.origin, Flight.destination)
        .join(Flight, Flight.id == Feedback.flight_id)
        .where(Feedback.sentiment == "negative", not_spam(), Feedback.text != "", Feedback.received_at >= since)
        .order_by(Feedback.received_at.desc(), Feedback.id)
        .limit(scan)
    )
    if scope == "route":
        pairs = [n.split("-", 1) for n in names if "-" in n]
        query = query.where(tuple_(Flight.origin, Flight.destination).in_([tuple(p) for p in pairs]))
    else:
        query = query.where(or_(Flight.origin.in_(list(names)), Flight.destination.in_(list(names))))
    found: dict[str, list[str]] = {}
    for feedback_id, origin, destination in session.execute(query):
        keys = [f"{origin}-{destination}"] if scope == "route" else [origin, destination]
        for key in keys:
            if key in names and len(found.setdefault(key, [])) < per:
                found[key].append(str(feedback_id))
    return found


@dataclass(frozen=True)
class RouteFigures:
    origin: str
    destination: str
    answers: int  # with an NPS score
    promoters: int
    detractors: int
    negative: int
    topics: dict[str, int]


def _has_topics(session: Session) -> ColumnElement[bool]:
    """A cheap test before the JSON array is unnested: most feedback (every positive word) has no topic."""
    if is_sqlite(session):
        return func.json_array_length(Feedback.topics) > 0
    return func.jsonb_array_length(Feedback.topics) > 0


def route_figures(session: Session, *, since: datetime) -> list[RouteFigures]:
    """Per route flown (the feedback's linked flight) since `since`: NPS answers, promoters, detractors, negative
    messages and complaint topics; two GROUP BYs, whatever the number of feedback. Airports are the sums of their
    routes (a message counts at the origin and the destination, as in `trends`)."""
    scored = Feedback.nps.is_not(None)
    window = [not_spam(), Feedback.received_at >= since]
    rows = session.execute(
        select(
            Flight.origin,
            Flight.destination,
            func.sum(case((scored, 1), else_=0)),
            func.sum(case((Feedback.nps >= 9, 1), else_=0)),
            func.sum(case((and_(scored, Feedback.nps <= 6), 1), else_=0)),
            func.sum(case((Feedback.sentiment == "negative", 1), else_=0)),
        )
        .join(Flight, Flight.id == Feedback.flight_id)
        .where(*window)
        .group_by(Flight.origin, Flight.destination)
    ).all()
    # Topics by flight, then flights to routes: joining flights inside the unnesting query makes SQLite walk every
    # flight; only feedback with a topic (a negative message) is unnested.
    topic = topic_values(session)
    by_flight: dict[uuid.UUID, dict[str, int]] = {}
    for flight_id, name, n in session.execute(
        select(Feedback.flight_id, topic.c.value, func.count())
        .select_from(Feedback)
        .join(topic, true())
        .where(*window, Feedback.flight_id.is_not(None), _has_topics(session))
        .group_by(Feedback.flight_id, topic.c.value)
    ).all():
        by_flight.setdefault(flight_id, {})[str(name)] = int(n)
    topics: dict[tuple[str, str], dict[str, int]] = {}
    if by_flight:
        for flight_id, origin, destination in session.execute(
            select(Flight.id, Flight.origin, Flight.destination).where(Flight.id.in_(list(by_flight)))
        ).all():
            counts = topics.setdefault((str(origin), str(destination)), {})
            for name, n in by_flight[flight_id].items():
                counts[name] = counts.get(name, 0) + n
    return [
        RouteFigures(
            str(o), str(d), int(a or 0), int(p or 0), int(r or 0), int(n or 0), topics.get((str(o), str(d)), {})
        )
        for o, d, a, p, r, n in rows
    ]
