"""Listening over HTTP: the trends behind the feedback, and the spike alerts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel
from sqlalchemy.orm import Session

from goodwill.access.service import Principal
from goodwill.api.deps import ManagerDep, SessionDep, SupervisorDep
from goodwill.audit import service as audit
from goodwill.listening import alerting
from goodwill.listening.trends import Grouping, Metric, Period, trends

router = APIRouter(tags=["listening"])


class Verbatim(BaseModel):
    id: uuid.UUID
    text: str
    received_at: datetime


class TrendRead(BaseModel):
    """One figure: a period, a group and, for sentiment and topics, the sentiment or topic counted. NPS rows
    carry nps, promoters, passives and detractors; CSAT rows csat_mean, satisfied and csat_pct."""

    period: str
    group: str
    key: str | None
    count: int
    nps: float | None
    promoters: int | None
    passives: int | None
    detractors: int | None
    csat_mean: float | None
    satisfied: int | None
    csat_pct: float | None
    verbatims: list[Verbatim]


class AlertRead(BaseModel):
    id: uuid.UUID
    scope_kind: str
    scope: str
    subject: str
    window_start: datetime
    window_end: datetime
    observed: int
    expected: float
    p_value: float
    baseline_windows: int
    feedback_ids: list[uuid.UUID]
    raised_at: datetime


def _audit(session: Session, principal: Principal, action: str, **details: Any) -> None:
    audit.record(
        session, actor=principal.actor, role=principal.role.value, action=action, entity_type="feedback",
        details=details,
    )  # fmt: skip


@router.get(
    "/listening/trends",
    response_model=list[TrendRead],
    summary="NPS, CSAT, sentiment or topic volumes per day or week and group, with verbatims",
    description=(
        "Spam is left out. `group` splits by the linked flight's route or airports (origin and destination), the "
        "flight, or the passenger's tier. Each figure comes with up to `verbatims` feedback (id and words). Days "
        "and weeks (from Monday) are UTC. Each read is audited. Needs the manager role: the verbatims are "
        "passengers' own words from the whole airline."
    ),
)
def get_trends(
    session: SessionDep,
    principal: ManagerDep,
    metric: Annotated[Metric, Query(description="What to measure.")] = Metric.NPS,
    by: Annotated[Period, Query(description="Per day or week.")] = Period.DAY,
    group: Annotated[Grouping, Query(description="How to split.")] = Grouping.NONE,
    since: Annotated[AwareDatetime | None, Query(description="From this instant (inclusive).")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Up to this instant (exclusive).")] = None,
    verbatims: Annotated[int, Query(ge=0, le=20, description="Feedback behind each figure.")] = 3,
) -> list[TrendRead]:
    rows = trends(session, metric=metric, by=by, group=group, since=since, until=until, verbatims=verbatims)
    _audit(session, principal, "listening.trends_viewed", metric=metric.value, by=by.value, group=group.value,
           rows=len(rows))  # fmt: skip
    empty = dict.fromkeys(("nps", "promoters", "passives", "detractors", "csat_mean", "satisfied", "csat_pct"))
    return [TrendRead.model_validate({**empty, **r.as_dict()}) for r in rows]


@router.get(
    "/listening/alerts",
    response_model=list[AlertRead],
    summary="Spike alerts, newest window first",
    description=(
        "A topic (or negative sentiment) well above its usual level on a route or at an airport in one window, "
        "with the feedback behind it. Alerts are raised by `goodwill listening spikes`. Needs the supervisor role."
    ),
)
def list_alerts(
    session: SessionDep,
    principal: SupervisorDep,
    since: Annotated[AwareDatetime | None, Query(description="Windows starting from this instant.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AlertRead]:
    alerts = alerting.list_alerts(session, since=since, limit=limit)
    _audit(session, principal, "listening.alerts_viewed", alerts=len(alerts))
    return [AlertRead.model_validate(alerting.alert_json(a)) for a in alerts]
