"""Who gets a post-flight survey, and why not: each rule on its own, in a table, then their order."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from goodwill.errors import InvalidInput
from goodwill.surveys import rules
from goodwill.surveys.rules import Leg, PassengerFacts, Policy, Reason
from goodwill.surveys.texts import LANGUAGES

NOW = datetime(2026, 2, 15, 6, tzinfo=UTC)
PID = uuid.UUID(int=1)
SEGMENT = uuid.UUID(int=10)
LEG = Leg(SEGMENT, PID, uuid.UUID(int=20), uuid.UUID(int=30), NOW - timedelta(hours=5), "confirmed", True)
FACTS = PassengerFacts("active", "en", True, None, False, None)


Pairs = set[tuple[uuid.UUID, uuid.UUID]]


def decide_one(
    leg: Leg = LEG, facts: PassengerFacts = FACTS, *, invited: Pairs | None = None, policy: Policy | None = None
) -> rules.Decision:
    [decision] = rules.decide(
        [leg], {leg.passenger_id: facts}, invited=invited or set(), languages=LANGUAGES, policy=policy or Policy(),
        now=NOW,
    )  # fmt: skip
    return decision


@pytest.mark.parametrize(
    ("leg", "facts", "policy", "expected"),
    [
        pytest.param(LEG, FACTS, Policy(), None, id="flown-active-reachable-is-invited"),
        pytest.param(replace(LEG, segment_status="flown"), FACTS, Policy(), None, id="segment-marked-flown"),
        pytest.param(replace(LEG, segment_status="cancelled"), FACTS, Policy(), Reason.NOT_FLOWN, id="cancelled"),
        pytest.param(replace(LEG, segment_status="rebooked"), FACTS, Policy(), Reason.NOT_FLOWN, id="rebooked"),
        pytest.param(replace(LEG, flight_arrived=False), FACTS, Policy(), Reason.NOT_FLOWN, id="flight-not-arrived"),
        pytest.param(LEG, replace(FACTS, status="erased"), Policy(), Reason.PASSENGER_INACTIVE, id="erased"),
        pytest.param(LEG, replace(FACTS, status="merged"), Policy(), Reason.PASSENGER_INACTIVE, id="merged"),
        pytest.param(LEG, replace(FACTS, email_consent=False), Policy(), Reason.NO_CONSENT, id="consent-withdrawn"),
        pytest.param(LEG, replace(FACTS, email_consent=True), Policy(require_consent=True), None, id="consent-given"),
        pytest.param(LEG, FACTS, Policy(require_consent=True), Reason.NO_CONSENT, id="consent-required-not-asked"),
        pytest.param(LEG, replace(FACTS, has_email=False), Policy(), Reason.NO_EMAIL, id="no-email-address"),
        pytest.param(LEG, replace(FACTS, open_case=True), Policy(), Reason.OPEN_CASE, id="open-recovery-case"),
        pytest.param(LEG, replace(FACTS, last_invited_at=NOW - timedelta(days=29)), Policy(),
                     Reason.RECENTLY_INVITED, id="invited-29-days-ago-default-window-30"),
        pytest.param(LEG, replace(FACTS, last_invited_at=NOW - timedelta(days=30)), Policy(), None,
                     id="invited-30-days-ago-window-over"),
        pytest.param(LEG, replace(FACTS, last_invited_at=NOW - timedelta(days=8)), Policy(window=timedelta(days=7)),
                     None, id="configured-window-7-days"),
    ],
)  # fmt: skip
def test_each_rule(leg: Leg, facts: PassengerFacts, policy: Policy, expected: Reason | None) -> None:
    decision = decide_one(leg, facts, policy=policy)
    assert decision.reason is expected
    assert decision.invite is (expected is None)


def test_a_segment_already_invited_is_not_invited_again() -> None:
    assert decide_one(invited={(SEGMENT, PID)}).reason is Reason.ALREADY_INVITED
    assert decide_one(invited={(SEGMENT, uuid.UUID(int=2))}).reason is None


def test_the_first_rule_that_holds_is_the_reason() -> None:
    everything = replace(FACTS, status="erased", email_consent=False, has_email=False, open_case=True)
    assert decide_one(replace(LEG, segment_status="cancelled"), everything).reason is Reason.NOT_FLOWN
    assert decide_one(LEG, everything).reason is Reason.PASSENGER_INACTIVE
    assert decide_one(LEG, replace(everything, status="active")).reason is Reason.NO_CONSENT
    assert decide_one(LEG, replace(FACTS, has_email=False, open_case=True)).reason is Reason.NO_EMAIL


def test_two_legs_in_one_run_invite_once_the_earlier_arrival() -> None:
    later = replace(LEG, segment_id=uuid.UUID(int=11), arrived_at=LEG.arrived_at + timedelta(hours=3))
    decisions = rules.decide([later, LEG], {PID: FACTS}, invited=set(), languages=LANGUAGES, policy=Policy(), now=NOW)
    assert [(d.leg.segment_id, d.reason) for d in decisions] == [(SEGMENT, None), (later.segment_id,
                                                                                  Reason.RECENTLY_INVITED)]  # fmt: skip
    with_no_window = rules.decide(
        [later, LEG], {PID: FACTS}, invited=set(), languages=LANGUAGES, policy=Policy(window=timedelta(0)), now=NOW
    )
    assert [d.reason for d in with_no_window] == [None, None]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "es"), ("fr", "fr"), ("ES", "es"), ("es-MX", "es"), ("fr_CA", "fr"), ("pt-BR", "en"), ("de", "en"),
     ("", "en"), (None, "en")],
)  # fmt: skip
def test_the_passengers_language_else_english(language: str | None, expected: str) -> None:
    assert rules.pick_language(language, LANGUAGES) == expected
    assert decide_one(facts=replace(FACTS, language=language)).language == expected


class TestParseAnswers:
    def test_scores_and_texts_are_kept_and_combined(self) -> None:
        answers = rules.parse_answers(nps="3", csat=2, what_went_wrong=" Bag lost ", how_to_fix="Deliver it")
        assert (answers.nps, answers.csat) == (3, 2)
        assert answers.text == "Bag lost\n\nDeliver it"

    @pytest.mark.parametrize(
        ("nps", "csat", "field"),
        [(11, None, "nps"), (-1, None, "nps"), ("ten", None, "nps"), ("7.5", None, "nps"), (None, 0, "csat"),
         (None, 6, "csat"), (None, "x", "csat"), (True, None, "nps")],
    )  # fmt: skip
    def test_scores_out_of_range_name_the_field(self, nps: object, csat: object, field: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            rules.parse_answers(nps=nps, csat=csat, what_went_wrong="late", how_to_fix=None)
        assert [p["loc"] for p in caught.value.problems] == [[field]]
        assert field in caught.value.problems[0]["msg"]

    def test_the_edges_of_each_scale_are_valid(self) -> None:
        assert rules.parse_answers(nps=0, csat=1, what_went_wrong=None, how_to_fix=None).nps == 0
        assert rules.parse_answers(nps=10, csat=5, what_went_wrong=None, how_to_fix=None).csat == 5

    def test_no_answer_at_all_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="not valid") as caught:
            rules.parse_answers(nps="", csat=None, what_went_wrong="  ", how_to_fix="")
        assert caught.value.problems[0]["type"] == "empty"

    def test_a_text_too_long_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            rules.parse_answers(nps=5, csat=None, what_went_wrong="x" * 5001, how_to_fix=None)
        assert caught.value.problems[0]["loc"] == ["what_went_wrong"]
