"""Policies are data: the shipped files are valid, mistakes are named, an airline's own file needs no code."""

from __future__ import annotations

from pathlib import Path

import pytest

from goodwill.errors import InvalidInput
from goodwill.kit.money import Money
from goodwill.recovery import catalogue
from goodwill.recovery.engine import assess, decide, holds
from goodwill.recovery.facts import CauseClass, Event, measure
from goodwill.recovery.policy import CARE_CODES, PolicyKind
from tests.recovery.helpers import disruption

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "policies"

GOOD = """
[policy]
id = "extra"
name = "Extra"
regime = "carrier"
kind = "carrier"
carriers = ["B6"]
currency = "USD"
version = "1"

[[rule]]
id = "r1"
basis = "house rule 1"
when = { event = "delay", wait_minutes = { gte = 60 } }
compensation = { amount = "10", form = "voucher" }
"""


def test_every_shipped_policy_is_valid_and_every_rule_has_a_basis() -> None:
    found = catalogue.builtin()
    assert {p.id for p in found} >= {"eu261", "uk261", "appr", "us_dot", "jetblue_cbor_2007", "jetblue_cbor_current"}
    for policy in found:
        assert policy.sources, policy.id
        for rule in policy.rules:
            assert rule.basis.strip(), rule.id
            assert set(rule.care) <= set(CARE_CODES)


def test_a_policy_with_a_mistake_names_the_file_the_rule_and_the_field() -> None:
    bad = GOOD.replace('form = "voucher"', 'form = "gold"')
    with pytest.raises(InvalidInput) as caught:
        catalogue.load_text(bad, name="extra.toml")
    message = " ".join(p["msg"] for p in caught.value.problems)
    assert caught.value.message.startswith("extra.toml")
    assert "rule 'r1'" in message
    assert "compensation.form" in message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("wait_minutes = { gte = 60 }", "wait_minutes = { atleast = 60 }"), "unknown operator"),
        (('form = "voucher" }', 'form = "voucher" }\ncare = ["massage"]'), "unknown care code"),
        (('compensation = { amount = "10", form = "voucher" }', ""), "must grant"),
        (('amount = "10"', 'amount = "ten"'), "not an amount"),
        (('carriers = ["B6"]', ""), "names the carriers"),
    ],
)
def test_each_kind_of_mistake_is_refused_in_words(change: tuple[str, str], words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        catalogue.load_text(GOOD.replace(*change), name="extra.toml")
    assert words in " ".join(p["msg"] for p in caught.value.problems)


def test_not_toml_is_refused_with_the_file_name() -> None:
    with pytest.raises(InvalidInput, match=r"extra\.toml: not valid TOML"):
        catalogue.load_text("[policy\n", name="extra.toml")


def test_an_airline_policy_file_adds_a_goodwill_credit_without_code() -> None:
    policies = catalogue.policies([EXAMPLES])
    top = catalogue.by_id("goodwill_top_tier", policies)
    assert top.kind is PolicyKind.CARRIER
    member = disruption("JFK-BOS", delay=150, departs="2026-03-01T09:00", extra={"tier": "mosaic"})
    other = disruption("JFK-BOS", delay=150, departs="2026-03-01T09:00", extra={"tier": "blue"})
    grant = decide(top, measure(member)).compensation
    assert grant is not None
    assert grant.compensation == Money.parse("75", "USD")
    assert decide(top, measure(other)).compensation is None


def test_the_same_policy_id_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dup.toml").write_text(GOOD.replace('id = "extra"', 'id = "eu261"'), encoding="utf-8")
    with pytest.raises(InvalidInput, match="defined twice"):
        catalogue.policies([tmp_path])


def test_conditions_on_unknown_facts_fail_unless_they_ask_for_absence() -> None:
    assert holds({"a": {"gte": 1}}, {"a": 2})
    assert not holds({"a": {"gte": 1}}, {})
    assert not holds({"a": ["x", "y"]}, {})
    assert holds({"a": {"exists": False}}, {})
    assert not holds({"a": {"exists": False}}, {"a": 0})
    assert not holds({"a": {"lt": 3}}, {"a": "2"})  # no comparing text with numbers


# ---- combining regimes: one compensation per disruption ---------------------------------------------------


def test_eu_and_uk_overlap_is_paid_once_by_the_departure_regime() -> None:
    # MAD-LHR on Iberia: EU261 (departs the EU) and UK261 (EU carrier into the UK) both apply.
    facts = measure(disruption("MAD-LHR", carrier="IB", delay=210))
    result = assess(catalogue.builtin(), facts)
    assert result.paid_by == "eu261"
    payments = result.payments
    assert [str(g.compensation) for g in payments] == ["250.00 EUR"]
    uk = next(d for d in result.decisions if d.regime == "uk261")
    assert uk.scope.applies
    assert all(g.superseded_by for g in uk.grants if g.compensation is not None)
    assert any("uk261 would also pay" in note for note in result.notes)


def test_canada_departure_beats_eu_arrival() -> None:
    # YVR-FRA on Lufthansa: APPR (from Canada) and EU261 (EU carrier into the EU, Art 3(1)(b)).
    result = assess(catalogue.builtin(), measure(disruption("YVR-FRA", carrier="LH", delay=260)))
    assert result.paid_by == "appr"
    assert [str(g.compensation) for g in result.payments] == ["400.00 CAD"]


def test_care_and_rights_are_the_union_and_a_carrier_policy_is_paid_on_top() -> None:
    d = disruption("JFK-BUF", event=Event.TARMAC_DELAY, delay=210, tarmac_minutes=210, tarmac_phase="departure",
                   departs="2026-03-01T09:00", extra={"tier": "mosaic"})  # fmt: skip
    result = assess(catalogue.policies([EXAMPLES]), measure(d))
    assert {"lavatory", "medical", "status_updates", "meals"} <= result.care  # US DOT 259.4
    assert result.rights == {"refund"}  # 260: domestic arrival 3 h or more late
    assert sorted(str(g.compensation) for g in result.payments) == ["50.00 USD", "75.00 USD"]


def test_policies_out_of_force_on_the_flight_date_do_not_apply() -> None:
    d = measure(disruption("JFK-BOS", delay=90, departs="2025-03-01T09:00"))
    decision = decide(catalogue.by_id("jetblue_cbor_2007"), d)
    assert not decision.scope.applies
    assert "not in force" in decision.scope.reason


def test_an_amount_that_needs_a_missing_fare_says_so_instead_of_paying_zero() -> None:
    d = measure(disruption("ATL-LGA", carrier="DL", event=Event.DENIED_BOARDING, arrival_delay=180,
                           cause=CauseClass.CONTROLLABLE))  # fmt: skip
    grants = decide(catalogue.by_id("us_dot"), d).grants
    assert grants
    assert grants[0].compensation is None
    assert "fare_one_way" in grants[0].amount_unknown
