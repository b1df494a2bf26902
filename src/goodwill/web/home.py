"""The console's home: what this Goodwill holds. (The agent's queue and the cases about to breach come with the
agent home page.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.api.deps import SessionDep
from goodwill.bookings import queries as bookings
from goodwill.customers import queries as customers
from goodwill.flights import queries as flights
from goodwill.web.auth import AgentPage
from goodwill.web.console import render

router = APIRouter(include_in_schema=False)


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, me: AgentPage) -> HTMLResponse:
    counts = {
        "Passengers": customers.count_passengers(session),
        "Bookings": bookings.count_bookings(session),
        "Flights": flights.count_flights(session),
        "Flight events": flights.count_events(session),
    }
    context = {"counts": counts, "tiers": customers.count_by_tier(session), "span": flights.schedule_span(session)}
    return render(request, "console/home.html", context, me=me)
