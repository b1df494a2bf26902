"""Passenger 360: search (live results as one types), then one page with everything about a passenger and the
suggested next action. Built on `customers.view`, as `GET /api/v1/passengers` is; every search and every 360
read is audited the same way."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.api.deps import SessionDep
from goodwill.audit import service as audit
from goodwill.customers import next_action
from goodwill.customers.view import Customer360, Trip, customer_360, search_passengers
from goodwill.flights.models import Flight
from goodwill.kit.time import utc_now
from goodwill.web.agent_charts import sentiment_strip
from goodwill.web.auth import AgentPage
from goodwill.web.console import is_htmx, render

router = APIRouter(include_in_schema=False)


@router.get("/passengers", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    me: AgentPage,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The search page; an HTMX request (typing in the box) gets the results only."""
    query = q.strip()
    found = search_passengers(session, query=query) if query else []
    if query:
        audit.record(
            session,
            actor=me.principal.actor,
            role=me.principal.role.value,
            action="passengers.searched",
            entity_type="passenger",
            details={"shown": [str(m.id) for m in found]},
        )
    context = {"q": query, "found": found}
    if is_htmx(request) and request.headers.get("hx-history-restore-request") != "true":
        return render(request, "console/_passenger_results.html", context, me=me)
    return render(request, "console/passenger_search.html", context, me=me)


@router.get("/passengers/{passenger_id}", response_class=HTMLResponse)
def passenger_page(request: Request, session: SessionDep, me: AgentPage, passenger_id: uuid.UUID) -> HTMLResponse:
    """The customer 360, audited as the API's read is."""
    now = utc_now()
    view = customer_360(session, passenger_id=passenger_id, now=now)
    audit.record(
        session,
        actor=me.principal.actor,
        role=me.principal.role.value,
        action="passenger.viewed",
        entity_type="passenger",
        entity_id=str(view.profile.id),
    )
    actions = next_action.suggest(facts_of(view, now))
    case_refs = {c.id: c.reference for c in (*view.open_cases, *view.past_cases)}
    context: dict[str, Any] = {
        "p": view,
        "actions": actions,
        "strip": sentiment_strip(view.feedback),
        "case_refs": case_refs,
        "contact": _contact(view),
        "flights": flight_labels(session, {e.flight_id for e in view.entitlements}),
        "now": now,
    }
    return render(request, "console/passenger_360.html", context, me=me)


def flight_labels(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """ "B6 1051 JFK→AUS 09 Feb 2013, cancelled" for each flight an entitlement is about (by primary key: the
    360 shows the latest trips only, and a frequent flyer's disrupted one may be older)."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            Flight.id,
            Flight.carrier,
            Flight.number,
            Flight.origin,
            Flight.destination,
            Flight.operating_date,
            Flight.status,
        ).where(Flight.id.in_(ids))
    )
    return {
        r.id: f"{r.carrier} {r.number} {r.origin}→{r.destination} {r.operating_date:%d %b %Y}, {r.status}" for r in rows
    }


def _contact(view: Customer360) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for identity in view.identities:
        found.setdefault(identity.kind, []).append(identity.value)
    return found


def _disruptions(trips: list[Trip]) -> list[next_action.Disruption]:
    found = []
    for trip in trips:
        for leg in trip.legs:
            if not leg.events:
                continue
            delays = [max(e.arrival_delay_minutes or 0, e.departure_delay_minutes or 0) for e in leg.events]
            found.append(
                next_action.Disruption(
                    flight_id=str(leg.flight_id),
                    flight=leg.flight,
                    date=leg.date,
                    kinds=tuple(dict.fromkeys(e.type for e in leg.events)),
                    delay_minutes=max(delays, default=0),
                    occurred_at=max(e.occurred_at for e in leg.events),
                )
            )
    return found


def facts_of(view: Customer360, now: datetime) -> next_action.PassengerFacts:
    """What the next-action rules read, taken from the 360 already built (no further reads)."""
    outbound = [t.at for t in view.timeline if t.direction == "outbound" and not t.internal]
    return next_action.PassengerFacts(
        now=now,
        tier=view.profile.tier,
        open_cases=[
            next_action.OpenCase(
                reference=c.reference,
                subject=c.subject,
                status=c.status,
                priority=c.priority,
                first_responded=c.status not in ("new",),
                first_response_due_at=c.first_response_due_at,
                resolution_due_at=c.resolution_due_at,
            )
            for c in view.open_cases
        ],
        disruptions=_disruptions([*view.upcoming_trips, *view.past_trips]),
        flights_with_entitlements=frozenset(str(e.flight_id) for e in view.entitlements),
        feedback=[
            next_action.FeedbackFact(
                received_at=f.received_at,
                sentiment=f.sentiment,
                nps=f.nps,
                topics=tuple(f.topics),
                has_case=f.case_id is not None,
            )
            for f in view.feedback
            if not f.is_spam
        ],
        last_outbound_at=max(outbound, default=None),
        upcoming_dates=[leg.date for trip in view.upcoming_trips for leg in trip.legs],
        wishes=[next_action.WishFact(occasion=w.occasion, travel_date=w.travel_date) for w in view.wishes],
        vouchers=[
            next_action.VoucherFact(
                code=v.code,
                balance_minor=v.balance.amount_minor,
                currency=v.balance.currency,
                expires_at=v.expires_at,
                issued_at=v.issued_at,
            )
            for v in view.vouchers
        ],
    )
