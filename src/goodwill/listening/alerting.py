"""Spike alerts: count each topic (and negative sentiment) per route and airport per window in the database,
let `spikes.detect` judge, and store an alert once per scope, subject and window.

The counts are one GROUP BY over the current window and the baseline windows before it (the window of a
feedback is a CASE over the window starts, so the same SQL runs on SQLite and PostgreSQL). Spam is left out;
feedback needs a linked flight to have a route and airports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from goodwill.audit import service as audit
from goodwill.flights.models import Flight
from goodwill.listening import spikes
from goodwill.listening.models import Feedback, SpikeAlert
from goodwill.listening.trends import not_spam, topic_values

NEGATIVE = "negative"
EXAMPLES = 10


@dataclass(frozen=True)
class SpikeRun:
    window_start: datetime
    window_end: datetime
    raised: list[SpikeAlert]
    already_raised: int


def _window_index(starts: Sequence[datetime]) -> Any:
    return case(*((Feedback.received_at >= s, i) for i, s in enumerate(starts)), else_=len(starts))


def _counts(session: Session, starts: Sequence[datetime], end: datetime) -> dict[tuple[str, str, str], list[int]]:
    window = _window_index(starts).label("window")
    topic = topic_values(session)
    in_range = [not_spam(), Feedback.received_at >= starts[-1], Feedback.received_at < end]
    route = Flight.origin.concat("-").concat(Flight.destination)
    parts = []
    for scope_kind, scope in (("route", route), ("airport", Flight.origin), ("airport", Flight.destination)):
        kind = literal(scope_kind, String).label("scope_kind")
        parts.append(
            select(kind, scope.label("scope"), topic.c.value.label("subject"), window, Feedback.id)
            .select_from(Feedback)
            .join(Flight, Flight.id == Feedback.flight_id)
            .join(topic, true())
            .where(*in_range)
        )
        parts.append(
            select(kind, scope.label("scope"), literal(NEGATIVE, String).label("subject"), window, Feedback.id)
            .select_from(Feedback)
            .join(Flight, Flight.id == Feedback.flight_id)
            .where(*in_range, Feedback.sentiment == NEGATIVE)
        )
    rows = union_all(*parts).subquery("mentions")
    # A flight from JFK to JFK is not twice at JFK: count distinct feedback per scope.
    grouped = select(
        rows.c.scope_kind,
        rows.c.scope,
        rows.c.subject,
        rows.c.window,
        func.count(rows.c.id.distinct()).label("n"),
    ).group_by(rows.c.scope_kind, rows.c.scope, rows.c.subject, rows.c.window)
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0] * len(starts))
    for scope_kind, scope, subject, index, n in session.execute(grouped):
        if int(index) < len(starts):
            counts[(str(scope_kind), str(scope), str(subject))][int(index)] = int(n)
    return dict(counts)


def _examples(session: Session, spike: spikes.Spike, start: datetime, end: datetime) -> list[str]:
    query = (
        select(Feedback.id)
        .join(Flight, Flight.id == Feedback.flight_id)
        .where(not_spam(), Feedback.received_at >= start, Feedback.received_at < end)
    )
    if spike.scope_kind == "route":
        query = query.where(Flight.origin.concat("-").concat(Flight.destination) == spike.scope)
    else:
        query = query.where((Flight.origin == spike.scope) | (Flight.destination == spike.scope))
    if spike.subject == NEGATIVE:
        query = query.where(Feedback.sentiment == NEGATIVE)
    else:
        topic = topic_values(session)
        query = query.join(topic, true()).where(topic.c.value == spike.subject)
    rows = session.scalars(query.order_by(Feedback.received_at.desc(), Feedback.id).limit(EXAMPLES))
    return [str(i) for i in rows]


def dedupe_key(spike: spikes.Spike, start: datetime, window_hours: int) -> str:
    return f"{spike.scope_kind}:{spike.scope}:{spike.subject}:{start.isoformat()}:{window_hours}h"


def detect_spikes(
    session: Session, *, now: datetime, rules: spikes.SpikeRules = spikes.SpikeRules(), actor: str
) -> SpikeRun:
    """Raise an alert for each topic or negative sentiment well above its usual level on a route or at an airport
    in the current window; an alert already raised for that scope, subject and window is not raised again."""
    starts = spikes.window_starts(now, rules)
    start, end = starts[0], starts[0] + timedelta(hours=rules.window_hours)
    found = spikes.detect(_counts(session, starts, end), rules)
    keys = {dedupe_key(s, start, rules.window_hours): s for s in found}
    stored = set(session.scalars(select(SpikeAlert.dedupe_key).where(SpikeAlert.dedupe_key.in_(list(keys)))))
    raised: list[SpikeAlert] = []
    for key, spike in keys.items():
        if key in stored:
            continue
        alert = SpikeAlert(
            scope_kind=spike.scope_kind,
            scope=spike.scope,
            subject=spike.subject,
            window_start=start,
            window_end=end,
            observed=spike.observed,
            expected=spike.expected,
            p_value=spike.p_value,
            baseline_windows=rules.baseline_windows,
            feedback_ids=_examples(session, spike, start, end),
            raised_at=now,
            dedupe_key=key,
        )
        session.add(alert)
        raised.append(alert)
    session.flush()
    for alert in raised:
        audit.record(
            session, actor=actor, action="listening.spike_raised", entity_type="spike_alert",
            entity_id=str(alert.id), details={"scope": alert.scope, "subject": alert.subject},
        )  # fmt: skip
    return SpikeRun(start, end, raised, len(keys) - len(raised))


def list_alerts(session: Session, *, since: datetime | None = None, limit: int = 100) -> list[SpikeAlert]:
    """Stored spike alerts, newest window first."""
    query = select(SpikeAlert)
    if since is not None:
        query = query.where(SpikeAlert.window_start >= since)
    order = [SpikeAlert.window_start.desc(), SpikeAlert.p_value, SpikeAlert.scope_kind, SpikeAlert.scope]
    return list(session.scalars(query.order_by(*order).limit(limit)))


def alert_json(alert: SpikeAlert) -> dict[str, Any]:
    return {
        "id": str(alert.id),
        "scope_kind": alert.scope_kind,
        "scope": alert.scope,
        "subject": alert.subject,
        "window_start": alert.window_start,
        "window_end": alert.window_end,
        "observed": alert.observed,
        "expected": alert.expected,
        "p_value": alert.p_value,
        "baseline_windows": alert.baseline_windows,
        "feedback_ids": list(alert.feedback_ids),
        "raised_at": alert.raised_at,
    }
