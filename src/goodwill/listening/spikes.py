"""Spike detection, pure: is a topic on a route or at an airport well above its usual level right now?

Time is cut into windows of `window_hours` aligned on the Unix epoch (24 hours: UTC days). For every scope
(a route "JFK-LAX" or an airport "JFK") and subject (a complaint topic, or "negative" for negative sentiment),
the count in the current window is compared with the counts of the `baseline` complete windows before it.

Usual level: λ = the mean of the baseline windows, floored at `FLOOR_RATE` (one message in 28 windows, so a
subject never seen before is not "infinitely" surprising). A spike is raised when all three hold:

- the count is at least `min_count` (default 5): a handful of messages is an agent's job, not a trend;
- the count is at least `min_ratio` (default 2) times λ;
- the Poisson tail probability P(X ≥ count | λ) is at most `alpha` (default 0.001).

Poisson because complaints about one thing at one place arrive as rare independent events; the tail
probability is exact for small counts, where a z-score misleads. The three guards together keep a steady
level (say 10 a day, 12 today: P ≈ 0.30) silent, and a burst at a quiet place (8 lost bags where 0-1 a day is
usual: P ≈ 6·10⁻⁸) loud. Real daily counts are over-dispersed (a storm lifts everything for days); `alpha` is
strict for that reason, and the ratio guard stops large busy scopes alerting on small relative changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

FLOOR_RATE = 1 / 28
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SpikeRules:
    window_hours: int = 24
    baseline_windows: int = 28
    min_count: int = 5
    min_ratio: float = 2.0
    alpha: float = 0.001


@dataclass(frozen=True)
class Spike:
    scope_kind: str
    scope: str
    subject: str
    observed: int
    expected: float
    p_value: float


def current_window(now: datetime, window_hours: int) -> tuple[datetime, datetime]:
    """The window holding `now`: [start, end), aligned on the epoch in steps of `window_hours`."""
    if window_hours < 1:
        raise ValueError("window_hours must be at least 1")
    step = timedelta(hours=window_hours)
    start = EPOCH + step * ((now - EPOCH) // step)
    return start, start + step


def window_starts(now: datetime, rules: SpikeRules) -> list[datetime]:
    """The start of the current window, then of each baseline window going back (index 0 is the current one)."""
    start, _end = current_window(now, rules.window_hours)
    step = timedelta(hours=rules.window_hours)
    return [start - step * i for i in range(rules.baseline_windows + 1)]


def poisson_tail(k: int, rate: float) -> float:
    """P(X ≥ k) for X ~ Poisson(rate). Above the mean the terms are summed upwards from k (accurate in the far
    tail, where 1 − CDF would cancel to 0); at or below it, 1 − P(X < k)."""
    if k <= 0:
        return 1.0
    if rate <= 0:
        return 0.0
    log_rate = math.log(rate)

    def log_pmf(j: int) -> float:
        return -rate + j * log_rate - math.lgamma(j + 1)

    if k <= rate:
        return max(0.0, 1.0 - sum(math.exp(log_pmf(j)) for j in range(k)))
    total = 0.0
    j = k
    while True:
        term = math.exp(log_pmf(j))
        total += term
        if term <= total * 1e-16:
            return min(1.0, total)
        j += 1


def usual_level(baseline: Sequence[int]) -> float:
    """λ: the mean count of the baseline windows, floored at FLOOR_RATE."""
    mean = sum(baseline) / len(baseline) if baseline else 0.0
    return max(mean, FLOOR_RATE)


def detect(counts: Mapping[tuple[str, str, str], Sequence[int]], rules: SpikeRules) -> list[Spike]:
    """The spikes among `counts`: (scope kind, scope, subject) -> counts per window, index 0 the current window
    and 1..baseline the windows before it (missing trailing windows count 0). Sorted by p-value, then scope."""
    spikes: list[Spike] = []
    for (scope_kind, scope, subject), series in counts.items():
        observed = series[0] if series else 0
        if observed < rules.min_count:
            continue
        baseline = [*series[1 : rules.baseline_windows + 1]]
        baseline += [0] * (rules.baseline_windows - len(baseline))
        expected = usual_level(baseline)
        if observed < rules.min_ratio * expected:
            continue
        p = poisson_tail(observed, expected)
        if p <= rules.alpha:
            spikes.append(Spike(scope_kind, scope, subject, observed, round(expected, 4), p))
    return sorted(spikes, key=lambda s: (s.p_value, s.scope_kind, s.scope, s.subject))
