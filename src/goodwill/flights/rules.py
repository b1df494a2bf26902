"""Pure rules of flight events: which revision of an event wins, and what a flight's status and estimated
times are once its events are applied. No I/O, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

# Events that change the flight itself; the others (tarmac delay, denied boarding, a mishandled bag) happen
# to passengers or bags on it and leave its status alone.
STATUS_EVENTS = frozenset({"delay", "cancellation", "diversion", "reinstatement"})


class EventFacts(NamedTuple):
    type: str
    occurred_at: datetime
    departure_delay_minutes: int | None
    arrival_delay_minutes: int | None


class FlightState(NamedTuple):
    status: str
    estimated_departure: datetime | None
    estimated_arrival: datetime | None


def apply_events(
    *,
    status: str,
    scheduled_departure: datetime,
    scheduled_arrival: datetime,
    actual_departure: datetime | None,
    actual_arrival: datetime | None,
    events: Sequence[EventFacts],
) -> FlightState | None:
    """The flight's state after its events, oldest first; None when no event changes the flight.

    A delay sets the estimated times (a missing arrival delay follows the departure delay) and the status
    `delayed`; a cancellation cancels; a reinstatement undoes a cancellation; a diversion diverts. Once the
    flight has actual times, `departed`/`arrived` win over `delayed` and `scheduled`.
    """
    relevant = sorted((e for e in events if e.type in STATUS_EVENTS), key=lambda e: e.occurred_at)
    if not relevant:
        return None
    estimated_departure: datetime | None = None
    estimated_arrival: datetime | None = None
    for event in relevant:
        if event.type == "delay":
            departure = event.departure_delay_minutes
            arrival = event.arrival_delay_minutes if event.arrival_delay_minutes is not None else departure
            departure = departure if departure is not None else arrival
            estimated_departure = scheduled_departure + timedelta(minutes=departure or 0)
            estimated_arrival = scheduled_arrival + timedelta(minutes=arrival or 0)
            if status not in ("cancelled", "diverted"):
                status = "delayed" if (departure or 0) > 0 or (arrival or 0) > 0 else "scheduled"
        elif event.type == "cancellation":
            status = "cancelled"
        elif event.type == "diversion":
            status = "diverted"
        elif event.type == "reinstatement":
            late = estimated_departure is not None and estimated_departure > scheduled_departure
            status = "delayed" if late else "scheduled"
    if status not in ("cancelled", "diverted"):
        if actual_arrival is not None:
            status = "arrived"
        elif actual_departure is not None:
            status = "departed"
    return FlightState(status, estimated_departure, estimated_arrival)


def judge_revision(stored: tuple[int, Any] | None, incoming: tuple[int, Any]) -> str | None:
    """What a sender's (revision, data) of an event does to the stored (revision, data).

    A new event is "created"; a higher revision "updated"; the same revision with the same data
    "unchanged"; a lower revision "stale" (ignored, not an error). The same revision with other data is a
    contradiction the sender must resolve by sending a higher revision: None.
    """
    if stored is None:
        return "created"
    stored_revision, stored_data = stored
    revision, data = incoming
    if revision > stored_revision:
        return "updated"
    if revision < stored_revision:
        return "stale"
    return "unchanged" if data == stored_data else None
