"""Churn risk, pure: how likely a passenger is to stop flying with the airline, from what Goodwill stores about them.

A score from 0 to 100, the sum of what each signal adds (each capped, so one loud signal does not drown the
rest), with the reasons in words. The signals and their weights follow what customer-experience research keeps
finding: a service failure left unresolved hurts loyalty more than the failure itself (the "recovery paradox"
works only when the recovery is done), a detractor is the strongest single predictor of leaving, and a frequent
flyer who flies less is often already leaving.

| signal | adds | at most |
| --- | --- | --- |
| a disrupted flight (an entitlement was decided for it) | 10 each | 30 |
| a disruption not yet made good (money owed not paid, or its case still open) | 20 | 20 |
| an open case | 10 each | 20 |
| a detractor answer (NPS 0-6) | 25 each | 50 |
| another negative message | 10 each | 20 |
| flies less: at least 2 flights before, fewer than half as many since | 20 | 20 |
| stopped: at least 2 flights before, none since | 25 | 25 |

Level: `high` from 60, `medium` from 30, else `low`.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH = 60
MEDIUM = 30


@dataclass(frozen=True)
class Weight:
    each: int
    cap: int


WEIGHTS: dict[str, Weight] = {
    "disruptions": Weight(10, 30),
    "unresolved": Weight(20, 20),
    "open_cases": Weight(10, 20),
    "detractor_answers": Weight(25, 50),
    "negative_feedback": Weight(10, 20),
}
FLIES_LESS = 20
STOPPED = 25


@dataclass(frozen=True)
class RiskSignals:
    disruptions: int = 0
    unresolved: int = 0  # disruptions not yet made good
    open_cases: int = 0
    detractor_answers: int = 0
    negative_feedback: int = 0  # negative messages that were not detractor answers
    trips_before: int = 0  # flights in the earlier of two equal windows
    trips_recent: int = 0  # flights in the later one


@dataclass(frozen=True)
class Risk:
    score: int
    level: str
    reasons: tuple[str, ...]


WORDS = {  # singular, plural
    "disruptions": ("disrupted flight", "disrupted flights"),
    "unresolved": ("disruption not yet made good", "disruptions not yet made good"),
    "open_cases": ("open case", "open cases"),
    "detractor_answers": ("detractor answer", "detractor answers"),
    "negative_feedback": ("negative message", "negative messages"),
}


def score(signals: RiskSignals) -> Risk:
    """The passenger's churn risk and why."""
    total = 0
    reasons: list[str] = []
    for name, weight in WEIGHTS.items():
        n = max(0, getattr(signals, name))
        if n:
            total += min(n * weight.each, weight.cap)
            one, many = WORDS[name]
            reasons.append(f"{n} {one if n == 1 else many}")
    if signals.trips_before >= 2:
        if signals.trips_recent == 0:
            total += STOPPED
            reasons.append(f"stopped flying ({signals.trips_before} flights before, none since)")
        elif signals.trips_recent * 2 < signals.trips_before:
            total += FLIES_LESS
            reasons.append(f"flies less ({signals.trips_before} flights before, {signals.trips_recent} since)")
    total = min(total, 100)
    level = "high" if total >= HIGH else "medium" if total >= MEDIUM else "low"
    return Risk(total, level, tuple(reasons))
