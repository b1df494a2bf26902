"""The landing page: what this Goodwill holds, and where to go next. Aggregates only, no personal data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill import __version__
from goodwill.api.deps import SessionDep
from goodwill.bookings import queries as bookings
from goodwill.customers import queries as customers
from goodwill.flights import queries as flights
from goodwill.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, session: SessionDep) -> HTMLResponse:
    counts = {
        "Passengers": customers.count_passengers(session),
        "Bookings": bookings.count_bookings(session),
        "Flights": flights.count_flights(session),
        "Flight events": flights.count_events(session),
    }
    tiers = customers.count_by_tier(session)
    span = flights.schedule_span(session)
    return templates.TemplateResponse(
        request,
        "landing.html",
        {
            "airline": request.app.state.settings.airline_name,
            "version": __version__,
            "counts": counts,
            "tiers": tiers,
            "span": span,
        },
    )
