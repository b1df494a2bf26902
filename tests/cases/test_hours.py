"""Business hours: due times count only open hours; elapsed open time; the file format's errors name the key."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.cases.hours import BusinessHours, hours_from_mapping

NEW_YORK = hours_from_mapping(
    {
        "timezone": "America/New_York",
        "mon": ["08:00", "18:00"],
        "tue": ["08:00", "18:00"],
        "wed": ["08:00", "18:00"],
        "thu": ["08:00", "18:00"],
        "fri": ["08:00", "18:00"],
        "closed": ["2026-12-25"],
    }
)


def ny(text: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("America/New_York"))


def test_a_case_opened_on_friday_evening_is_due_on_monday() -> None:
    # Friday 17:00, four working hours: one on Friday, three on Monday morning.
    assert NEW_YORK.add(ny("2026-12-04T17:00"), timedelta(hours=4)) == ny("2026-12-07T11:00")


def test_a_closed_day_does_not_count() -> None:
    # Thursday 24 December 16:00 + 4 h: 2 h that day, the 25th is closed, 2 h on Monday 28th (26/27 weekend).
    assert NEW_YORK.add(ny("2026-12-24T16:00"), timedelta(hours=4)) == ny("2026-12-28T10:00")


def test_before_opening_the_clock_starts_at_opening() -> None:
    assert NEW_YORK.add(ny("2026-12-07T06:00"), timedelta(hours=1)) == ny("2026-12-07T09:00")


def test_elapsed_counts_open_hours_only() -> None:
    assert NEW_YORK.elapsed(ny("2026-12-04T17:00"), ny("2026-12-07T09:30")) == timedelta(hours=2, minutes=30)
    assert NEW_YORK.elapsed(ny("2026-12-07T09:30"), ny("2026-12-07T09:00")) == timedelta(0)


@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; the zone is UTC
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 20),
)
def test_adding_then_measuring_gives_back_the_working_time(start: datetime, minutes: int) -> None:
    working = timedelta(minutes=minutes)
    due = NEW_YORK.add(start, working)
    assert due >= start
    assert NEW_YORK.elapsed(start, due) == working


def test_round_the_clock_is_plain_time() -> None:
    start = datetime(2026, 12, 4, 17, tzinfo=UTC)
    assert BusinessHours.always().add(start, timedelta(hours=4)) == start + timedelta(hours=4)
    assert BusinessHours(week={0: (time(8), time(9))}).add(start, timedelta(0)) == start


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mon": ["08:00", "18:00"], "lunch": 1}, "business_hours.lunch: unknown key"),
        ({"timezone": "Mars/Olympus", "mon": ["08:00", "18:00"]}, "unknown time zone"),
        ({"mon": ["18:00", "08:00"]}, "business_hours.mon: closes before it opens"),
        ({"mon": ["8am", "18:00"]}, "business_hours.mon: '8am' is not a time"),
        ({"timezone": "UTC"}, "no open day"),
        ({"mon": ["08:00", "18:00"], "closed": ["25/12"]}, "business_hours.closed"),
    ],
)
def test_a_bad_schedule_names_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hours_from_mapping(data)


def test_a_closed_day_list_keeps_dates() -> None:
    assert date(2026, 12, 25) in NEW_YORK.closed_days


def test_the_example_policy_file_counts_business_hours() -> None:
    from pathlib import Path

    from goodwill.cases import sla
    from goodwill.cases.service import load_sla_policy

    policy = load_sla_policy(Path(__file__).resolve().parents[2] / "docs" / "examples" / "sla.toml")
    # Saturday 16:00 in New York, urgent (1 h to answer): open until 17:00, so due at 17:00 the same day.
    opened = ny("2026-12-05T16:00")
    due = sla.due_times(policy, priority="urgent", tier=None, opened_at=opened)
    assert due.first_response_due_at == ny("2026-12-05T17:00")
    # Saturday 16:30: half an hour that day, half an hour on Monday from 07:00 (Sunday is closed).
    late = sla.due_times(policy, priority="urgent", tier=None, opened_at=ny("2026-12-05T16:30"))
    assert late.first_response_due_at == ny("2026-12-07T07:30")


def test_a_bad_business_hours_table_in_a_policy_names_the_key() -> None:
    from goodwill.cases import sla

    with pytest.raises(ValueError, match=r"business_hours\.mon"):
        sla.policy_from_mapping({"business_hours": {"mon": ["22:00", "07:00"]}})
