"""Flight event rules, pure: which revision wins, and what the events make of the flight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.flights.rules import EventFacts, apply_events, judge_revision

DEP = datetime(2013, 2, 8, 12, tzinfo=UTC)
ARR = DEP + timedelta(hours=3)


def at(minutes: int) -> datetime:
    return DEP - timedelta(hours=6) + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("stored", "incoming", "verdict"),
    [
        (None, (1, "a"), "created"),
        ((1, "a"), (2, "b"), "updated"),
        ((2, "b"), (2, "b"), "unchanged"),
        ((2, "b"), (1, "a"), "stale"),
        ((2, "b"), (2, "c"), None),
    ],
    ids=["new", "higher", "same", "lower-is-stale", "same-revision-other-data"],
)
def test_judge_revision(stored: tuple[int, str] | None, incoming: tuple[int, str], verdict: str | None) -> None:
    assert judge_revision(stored, incoming) == verdict


def state(*events: EventFacts, status: str = "scheduled", actual: datetime | None = None) -> tuple | None:
    found = apply_events(
        status=status,
        scheduled_departure=DEP,
        scheduled_arrival=ARR,
        actual_departure=actual,
        actual_arrival=None,
        events=list(events),
    )
    return None if found is None else tuple(found)


def test_a_delay_sets_estimates_and_an_arrival_delay_defaults_to_the_departure_delay() -> None:
    assert state(EventFacts("delay", at(0), 90, None)) == (
        "delayed",
        DEP + timedelta(minutes=90),
        ARR + timedelta(minutes=90),
    )


def test_events_apply_in_the_order_they_happened_not_the_order_given() -> None:
    late = EventFacts("cancellation", at(60), None, None)
    early = EventFacts("reinstatement", at(10), None, None)
    assert state(late, early)[0] == "cancelled"  # type: ignore[index]


def test_events_about_passengers_or_bags_leave_the_flight_alone() -> None:
    assert state(EventFacts("bag_mishandled", at(0), None, None)) is None


def test_a_departed_flight_is_departed_even_if_delayed() -> None:
    assert state(EventFacts("delay", at(0), 30, 20), actual=DEP + timedelta(minutes=31))[0] == "departed"  # type: ignore[index]


def test_a_diversion_diverts() -> None:
    assert state(EventFacts("diversion", at(0), None, None))[0] == "diverted"  # type: ignore[index]
