"""SLA policy: due times by priority and tier, and an airline's own policy from a file's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from goodwill.cases import sla

OPENED = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("priority", "tier", "first_hours", "resolution_hours"),
    [
        pytest.param("urgent", "none", 1, 24, id="urgent-no-tier"),
        pytest.param("high", None, 4, 48, id="high-unknown-tier-is-factor-1"),
        pytest.param("normal", "none", 24, 120, id="normal-no-tier"),
        pytest.param("low", "none", 72, 336, id="low-no-tier"),
        pytest.param("normal", "platinum", 12, 60, id="normal-platinum-halved"),
        pytest.param("high", "gold", 3, 36, id="high-gold-three-quarters"),
    ],
)
def test_default_due_times(priority: str, tier: str | None, first_hours: int, resolution_hours: int) -> None:
    due = sla.due_times(sla.DEFAULT_POLICY, priority=priority, tier=tier, opened_at=OPENED)
    assert due.first_response_due_at == OPENED + timedelta(hours=first_hours)
    assert due.resolution_due_at == OPENED + timedelta(hours=resolution_hours)


def test_a_calendar_decides_how_working_time_is_counted() -> None:
    def weekdays_only(start: datetime, duration: timedelta) -> datetime:  # a stand-in for issue 5's calendars
        return start + duration + timedelta(days=2)

    due = sla.due_times(sla.DEFAULT_POLICY, priority="urgent", tier="none", opened_at=OPENED, calendar=weekdays_only)
    assert due.first_response_due_at == OPENED + timedelta(days=2, hours=1)


def test_a_policy_file_overrides_what_it_names_and_keeps_the_rest() -> None:
    policy = sla.policy_from_mapping({"targets": {"urgent": {"first_response": 0.5}}, "tier_factors": {"gold": 0.5}})
    assert policy.targets["urgent"] == sla.Targets(timedelta(minutes=30), timedelta(hours=24))
    assert policy.targets["normal"] == sla.DEFAULT_TARGETS["normal"]
    assert policy.targets_for(priority="high", tier="gold").first_response == timedelta(hours=2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"targets": {"critical": {"resolution": 1}}}, "targets.critical: unknown priority", id="priority"),
        pytest.param({"targets": {"low": {"first_response": -1}}}, "targets.low.first_response", id="negative"),
        pytest.param({"targets": {"low": {"first_response": 10, "resolution": 5}}}, "before the first", id="order"),
        pytest.param({"targets": {"low": {"reply": 5}}}, "targets.low.reply: unknown key", id="key"),
        pytest.param({"tier_factors": {"diamond": 0.5}}, "tier_factors.diamond", id="tier"),
        pytest.param({"hours": {}}, "unknown keys: hours", id="top-level"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sla.policy_from_mapping(data)


def test_priority_is_raised_never_lowered() -> None:
    assert sla.raise_priority("normal", "urgent") == "urgent"
    assert sla.raise_priority("high", "low") == "high"
