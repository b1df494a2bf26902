"""Service levels, pure: when a case's first answer and its resolution are due, by priority and tier.

The policy is data (`SlaPolicy`): a target per priority, shortened for higher tiers by a factor. An airline
overrides it with a TOML or JSON file (`policy_from_mapping`; `cases.service.load_sla_policy` reads the file):

    [targets.urgent]           # hours
    first_response = 1
    resolution = 24
    [tier_factors]
    platinum = 0.5

A due time is `calendar(start, duration)`. The policy's calendar is its business hours (`cases.hours`; the
file's `[business_hours]` table), round the clock by default; a case's clock paused while it waits on the
passenger is `cases.workflow.set_status`'s work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from goodwill.cases.hours import BusinessHours, hours_from_mapping

PRIORITIES = ("low", "normal", "high", "urgent")
TIERS = ("none", "silver", "gold", "platinum")

# (start, working time) -> the instant that much working time after start.
Calendar = Callable[[datetime, timedelta], datetime]


def round_the_clock(start: datetime, duration: timedelta) -> datetime:
    """Every hour counts: the due time is the start plus the duration."""
    return start + duration


@dataclass(frozen=True)
class Targets:
    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True)
class DueTimes:
    first_response_due_at: datetime
    resolution_due_at: datetime


def _hours(first: float, resolution: float) -> Targets:
    return Targets(timedelta(hours=first), timedelta(hours=resolution))


DEFAULT_TARGETS: Mapping[str, Targets] = {
    "urgent": _hours(1, 24),
    "high": _hours(4, 48),
    "normal": _hours(24, 120),
    "low": _hours(72, 336),
}
# A higher tier is answered sooner: the targets are multiplied by its factor.
DEFAULT_TIER_FACTORS: Mapping[str, float] = {"none": 1.0, "silver": 0.9, "gold": 0.75, "platinum": 0.5}


@dataclass(frozen=True)
class SlaPolicy:
    targets: Mapping[str, Targets] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    tier_factors: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TIER_FACTORS))
    hours: BusinessHours = field(default_factory=BusinessHours.always)

    def targets_for(self, *, priority: str, tier: str | None) -> Targets:
        """The targets of a priority, shortened by the tier's factor (an unknown or missing tier: factor 1)."""
        try:
            base = self.targets[priority]
        except KeyError:
            raise ValueError(f"no SLA target for priority {priority!r}") from None
        factor = self.tier_factors.get(tier or "none", 1.0)
        return Targets(base.first_response * factor, base.resolution * factor)


DEFAULT_POLICY = SlaPolicy()


def due_times(
    policy: SlaPolicy, *, priority: str, tier: str | None, opened_at: datetime, calendar: Calendar | None = None
) -> DueTimes:
    """When the first answer and the resolution of a case opened at `opened_at` are due (in the policy's business
    hours unless another calendar is given)."""
    calendar = calendar or policy.hours.add
    targets = policy.targets_for(priority=priority, tier=tier)
    return DueTimes(calendar(opened_at, targets.first_response), calendar(opened_at, targets.resolution))


def raise_priority(current: str, wanted: str) -> str:
    """The higher of two priorities (a case's priority is raised, never lowered, by new reasons)."""
    return max(current, wanted, key=PRIORITIES.index)


def _positive(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{where}: must be a positive number, got {value!r}")
    return float(value)


def policy_from_mapping(data: Mapping[str, Any]) -> SlaPolicy:
    """A policy from parsed TOML or JSON: `targets.<priority>.{first_response,resolution}` in hours and
    `tier_factors.<tier>`; what the file leaves out keeps its default. Errors name the key."""
    unknown = sorted(set(data) - {"targets", "tier_factors", "business_hours"})
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(unknown)} (expected targets, tier_factors, business_hours)")
    targets = dict(DEFAULT_TARGETS)
    for priority, values in dict(data.get("targets", {})).items():
        if priority not in PRIORITIES:
            raise ValueError(f"targets.{priority}: unknown priority (expected one of {', '.join(PRIORITIES)})")
        if not isinstance(values, Mapping):
            raise ValueError(f"targets.{priority}: must be a table of hours")
        extra = sorted(set(values) - {"first_response", "resolution"})
        if extra:
            raise ValueError(f"targets.{priority}.{extra[0]}: unknown key (expected first_response, resolution)")
        old = targets[priority]
        first = old.first_response
        resolution = old.resolution
        if "first_response" in values:
            first = timedelta(hours=_positive(values["first_response"], f"targets.{priority}.first_response"))
        if "resolution" in values:
            resolution = timedelta(hours=_positive(values["resolution"], f"targets.{priority}.resolution"))
        if resolution < first:
            raise ValueError(f"targets.{priority}: resolution is due before the first response")
        targets[priority] = Targets(first, resolution)
    factors = dict(DEFAULT_TIER_FACTORS)
    for tier, value in dict(data.get("tier_factors", {})).items():
        if tier not in TIERS:
            raise ValueError(f"tier_factors.{tier}: unknown tier (expected one of {', '.join(TIERS)})")
        factors[tier] = _positive(value, f"tier_factors.{tier}")
    hours = BusinessHours.always()
    if "business_hours" in data:
        if not isinstance(data["business_hours"], Mapping):
            raise ValueError("business_hours: must be a table")
        hours = hours_from_mapping(data["business_hours"])
    return SlaPolicy(targets=targets, tier_factors=factors, hours=hours)
