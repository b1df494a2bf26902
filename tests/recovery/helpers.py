"""Build disruptions for rule tests: real airports (airportsdata), times in the departure airport's zone."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from goodwill.flights.carriers import CARRIERS
from goodwill.kit.money import Money
from goodwill.recovery import catalogue
from goodwill.recovery.engine import Decision, decide
from goodwill.recovery.facts import CauseClass, Disruption, Event, Facts, Leg, Operator, Place, measure


def place(code: str) -> Place:
    found = catalogue.place(code)
    assert found is not None, code
    return found


def operator(iata: str, **overrides: Any) -> Operator:
    info = CARRIERS[iata]
    return Operator(iata, overrides.pop("country", info.country), overrides.pop("size", info.size), **overrides)


def disruption(
    route: str,
    *,
    carrier: str = "B6",
    event: Event = Event.DELAY,
    cause: CauseClass = CauseClass.CONTROLLABLE,
    departs: str = "2025-06-01T09:00",
    block_minutes: int = 120,
    delay: int | None = None,
    arrival_delay: int | None = None,
    fare: str | None = None,
    currency: str = "USD",
    carrier_overrides: dict[str, Any] | None = None,
    **fields: Any,
) -> Disruption:
    """`route` like "FRA-JFK" or "HAM-FRA-JFK"; `departs` is local time at the first airport."""
    codes = route.split("-")
    legs = []
    start = datetime.fromisoformat(departs).replace(tzinfo=ZoneInfo(place(codes[0]).tz))
    for origin, destination in itertools.pairwise(codes):
        legs.append(Leg(place(origin), place(destination), start, start + timedelta(minutes=block_minutes)))
        start += timedelta(minutes=block_minutes + 90)
    if delay is not None and arrival_delay is None and event is not Event.CANCELLATION:
        arrival_delay = delay
    return Disruption(
        event=event,
        cause=cause,
        carrier=operator(carrier, **(carrier_overrides or {})),
        legs=tuple(legs),
        departure_delay_minutes=delay,
        arrival_delay_minutes=arrival_delay,
        fare_one_way=Money.parse(fare, currency) if fare else None,
        **fields,
    )


def facts(d: Disruption) -> Facts:
    return measure(d)


def under(policy_id: str, d: Disruption) -> Decision:
    return decide(catalogue.by_id(policy_id), measure(d))


def paid(policy_id: str, d: Disruption) -> str | None:
    """The compensation a policy pays, as "400.00 EUR cash", or None."""
    grant = under(policy_id, d).compensation
    if grant is None or grant.compensation is None:
        return None
    return f"{grant.compensation} {grant.form.value if grant.form else ''}".strip()
