"""The agent's home: my queue (cases assigned to me), my team's unassigned cases, the cases about to breach
their service level (`cases.workflow.at_risk`), and the latest detractors (NPS 0-6, from listening), with the
airline at a glance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.api.deps import SessionDep
from goodwill.bookings import queries as bookings
from goodwill.cases import workflow
from goodwill.cases.models import Case
from goodwill.customers import queries as customers
from goodwill.kit.time import utc_now
from goodwill.listening.loop import DETRACTOR_MAX_NPS
from goodwill.listening.models import Feedback
from goodwill.web.agent_charts import sla_clock
from goodwill.web.auth import AgentPage
from goodwill.web.cases import passenger_names, queue
from goodwill.web.console import render

router = APIRouter(include_in_schema=False)

AT_RISK_WITHIN = timedelta(hours=4)
SHOWN = 10
DETRACTORS = 8


def recent_detractors(session: Session, *, limit: int = DETRACTORS) -> list[Feedback]:
    """The latest feedback with an NPS of 0-6 (not spam), newest first."""
    return list(
        session.scalars(
            select(Feedback)
            .where(Feedback.nps.is_not(None), Feedback.nps <= DETRACTOR_MAX_NPS, Feedback.is_spam.is_not(True))
            .order_by(Feedback.received_at.desc(), Feedback.id.desc())
            .limit(limit)
        )
    )


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, me: AgentPage) -> HTMLResponse:
    now = utc_now()
    mine = queue(session, me=me, view="mine", status="unresolved", priority=None, limit=SHOWN + 1)
    team = queue(session, me=me, view="team", status="unresolved", priority=None, limit=SHOWN + 1) if me.team else []
    # About to breach: mine, my team's, or held by no team and no one (someone should pick those up).
    risky = [
        r
        for r in workflow.at_risk(session, now=now, within=AT_RISK_WITHIN)
        if r.assignee == me.username
        or (me.team is not None and r.team == me.team)
        or (r.team is None and r.assignee is None)
    ][:SHOWN]
    detractors = recent_detractors(session)
    refs = {c.id: c.reference for c in session.scalars(select(Case).where(Case.id.in_(_case_ids(detractors))))}
    shown: list[Any] = [*mine, *team]
    # Two counts only: each is a scan that grows with the airline (the flights' was the home page's dearest read).
    counts = {"Passengers": customers.count_passengers(session), "Bookings": bookings.count_bookings(session)}
    by_priority = {p: sum(1 for c in mine if c.priority == p) for p in ("urgent", "high", "normal", "low")}
    context = {
        "mine": mine[:SHOWN],
        "mine_more": len(mine) > SHOWN,
        "team": team[:SHOWN],
        "team_more": len(team) > SHOWN,
        "risky": risky,
        "detractors": detractors,
        "detractor_cases": refs,
        "clocks": {c.id: sla_clock(c, now) for c in shown},
        "names": passenger_names(session, {c.passenger_id for c in shown} | {f.passenger_id for f in detractors}),
        "by_priority": by_priority,
        "counts": counts,
        "open_total": len(mine),
        "now": now,
        "within_hours": int(AT_RISK_WITHIN.total_seconds() // 3600),
    }
    return render(request, "console/agent_home.html", context, me=me)


def _case_ids(feedback: list[Feedback]) -> list[Any]:
    return [f.case_id for f in feedback if f.case_id is not None]
