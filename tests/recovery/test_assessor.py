"""The assessor remembers: passengers alike in what the rules read share one assessment, and it is always
the assessment `assess` gives them (hypothesis over routes, events, causes, delays, fares and tiers)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.recovery import catalogue
from goodwill.recovery.engine import Assessor, assess
from goodwill.recovery.facts import CauseClass, Event, measure
from tests.recovery.helpers import disruption
from tests.recovery.test_policies import EXAMPLES

POLICIES = catalogue.policies([EXAMPLES])  # the shipped ones and an airline's own (reads the tier)

ROUTES = ["JFK-BOS", "LHR-JFK", "FRA-JFK", "YYZ-LHR", "JFK-MCO-SJU", "CDG-FRA", "YUL-YVR", "JFK-CUN"]
passenger = st.fixed_dictionaries(
    {
        "route": st.sampled_from(ROUTES),
        "event": st.sampled_from([Event.DELAY, Event.CANCELLATION, Event.DENIED_BOARDING]),
        "cause": st.sampled_from([CauseClass.CONTROLLABLE, CauseClass.WEATHER, CauseClass.SAFETY]),
        "delay": st.sampled_from([30, 130, 190, 250, 400]),
        "fare": st.sampled_from([None, "89.00", "150.00", "420.50"]),
        "tier": st.sampled_from(["none", "mosaic", "platinum"]),
    }
)


def _disruption(p: dict[str, object]) -> object:
    event = p["event"]
    return disruption(
        str(p["route"]),
        event=event,  # type: ignore[arg-type]
        cause=p["cause"],  # type: ignore[arg-type]
        delay=None if event is Event.CANCELLATION else p["delay"],  # type: ignore[arg-type]
        fare=p["fare"],  # type: ignore[arg-type]
        currency="USD",
        extra={"tier": p["tier"]},
        notice_given_at=None,
    )


@settings(max_examples=60, deadline=None)
@given(people=st.lists(passenger, min_size=1, max_size=25))
def test_a_remembered_assessment_is_the_one_assess_gives(people: list[dict[str, object]]) -> None:
    assessor = Assessor(POLICIES)
    for p in people:
        facts = measure(_disruption(p))  # type: ignore[arg-type]
        assert assessor(facts) == assess(POLICIES, facts)
    assert assessor.paths <= len(people) * len(POLICIES)


def test_fares_no_rule_reads_are_one_assessment_and_a_fare_a_rule_pays_a_share_of_is_two() -> None:
    assessor = Assessor(POLICIES)
    for fare in ("89.00", "150.00", "420.50"):
        assessor(measure(disruption("JFK-BOS", event=Event.CANCELLATION, fare=fare)))
    # A cancellation's credits and rights do not depend on the fare: one path per policy, each grant once.
    assert assessor.paths == len(POLICIES)
    once = assessor.grants
    bumped = []
    for fare in ("89.00", "150.00"):
        paths, grants = assessor.paths, assessor.grants
        bumped.append(assessor(measure(disruption("JFK-BOS", event=Event.DENIED_BOARDING, delay=250, fare=fare))))
    # US DOT pays a share of the fare to someone denied boarding: another fare takes the same path and only
    # that rule's amount is computed again.
    assert (assessor.paths, assessor.grants) == (paths, grants + 1)
    assert grants > once
    assert bumped[0].payments != bumped[1].payments


def test_what_an_explanation_shows_is_remembered_too() -> None:
    """Two flights that pay alike (same distance band) are explained each with its own distance, which no
    condition reads."""
    assessor = Assessor(POLICIES)
    a = assessor(measure(disruption("LHR-JFK", delay=250)))
    b = assessor(measure(disruption("LHR-BOS", delay=250)))
    said = {g.explanation for result in (a, b) for g in result.payments if g.regime == "uk261"}
    assert len(said) == 2, said
