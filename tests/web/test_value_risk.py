"""Churn risk (customers.risk, pure): each signal adds its weight up to its cap, and says why."""

from __future__ import annotations

from goodwill.customers.risk import RiskSignals, score


def test_no_signal_no_risk() -> None:
    assert score(RiskSignals()) == score(RiskSignals(trips_before=1, trips_recent=0))
    risk = score(RiskSignals())
    assert (risk.score, risk.level, risk.reasons) == (0, "low", ())


def test_each_signal_adds_its_weight_and_is_capped() -> None:
    assert score(RiskSignals(disruptions=1)).score == 10
    assert score(RiskSignals(disruptions=7)).score == 30
    assert score(RiskSignals(detractor_answers=1)).score == 25
    assert score(RiskSignals(detractor_answers=3)).score == 50
    assert score(RiskSignals(open_cases=5)).score == 20
    assert score(RiskSignals(negative_feedback=1)).score == 10
    assert score(RiskSignals(unresolved=2, open_cases=2)).reasons == ("2 disruptions not yet made good", "2 open cases")


def test_an_unresolved_disruption_and_a_detractor_make_a_high_risk() -> None:
    risk = score(RiskSignals(disruptions=1, unresolved=1, open_cases=1, detractor_answers=1))
    assert risk.score == 65
    assert risk.level == "high"
    assert risk.reasons == ("1 disrupted flight", "1 disruption not yet made good", "1 open case", "1 detractor answer")


def test_flying_less_or_stopping_counts_only_for_someone_who_flew() -> None:
    assert score(RiskSignals(trips_before=6, trips_recent=2)).score == 20
    assert score(RiskSignals(trips_before=6, trips_recent=3)).score == 0  # half as many is not "less than half"
    stopped = score(RiskSignals(trips_before=2, trips_recent=0))
    assert stopped.score == 25
    assert stopped.reasons == ("stopped flying (2 flights before, none since)",)


def test_the_score_never_passes_100_and_levels_follow_it() -> None:
    everything = RiskSignals(9, 9, 9, 9, 9, trips_before=9, trips_recent=0)
    assert score(everything).score == 100
    assert score(RiskSignals(disruptions=3)).level == "medium"  # 30
    assert score(RiskSignals(disruptions=2)).level == "low"  # 20
