"""Business hours, pure: a team's week (opening hours per weekday, in its time zone) and its closed days.

`BusinessHours.add(start, working)` is a `sla.Calendar`: the instant `working` time of open hours after
`start`. `elapsed(start, end)` is the open time between two instants (how long a case really waited, or how long
its clock was paused). A team open round the clock is `BusinessHours.always()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_DAYS = 3660  # a target longer than ten years of open hours is a mistake, not a wait


@dataclass(frozen=True)
class BusinessHours:
    timezone: str = "UTC"
    # weekday (0 = Monday) -> (opens, closes); a day missing is closed; closes <= opens: open past midnight is not
    # modelled (split the day instead).
    week: Mapping[int, tuple[time, time]] = field(default_factory=dict)
    closed_days: frozenset[date] = frozenset()
    round_the_clock: bool = False

    @classmethod
    def always(cls) -> BusinessHours:
        return cls(round_the_clock=True)

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _open_on(self, day: date) -> tuple[datetime, datetime] | None:
        if day in self.closed_days:
            return None
        hours = self.week.get(day.weekday())
        if hours is None:
            return None
        zone = self._zone()
        return datetime.combine(day, hours[0], zone), datetime.combine(day, hours[1], zone)

    def _periods(self, start: datetime) -> Iterable[tuple[datetime, datetime]]:
        """Open periods that end after `start`, in order (the first may begin before it)."""
        day = start.astimezone(self._zone()).date()
        for offset in range(_MAX_DAYS):
            found = self._open_on(day + timedelta(days=offset))
            if found is not None and found[1] > start:
                yield found

    def add(self, start: datetime, working: timedelta) -> datetime:
        """The instant `working` open time after `start` (start itself when working is zero)."""
        if self.round_the_clock or working <= timedelta(0):
            return start + max(working, timedelta(0))
        left = working
        for opens, closes in self._periods(start):
            begin = max(opens, start)
            span = closes - begin
            if left <= span:
                return (begin + left).astimezone(start.tzinfo)
            left -= span
        raise ValueError(f"no open hours within {_MAX_DAYS} days of {start.isoformat()}")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants (zero if end is not after start)."""
        if end <= start:
            return timedelta(0)
        if self.round_the_clock:
            return end - start
        total = timedelta(0)
        for opens, closes in self._periods(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a time like 08:00") from None


def hours_from_mapping(data: Mapping[str, Any]) -> BusinessHours:
    """Business hours from parsed TOML or JSON, errors naming the key:

    [business_hours]
    timezone = "America/New_York"
    mon = ["08:00", "20:00"]    # ... sun; a day left out is closed
    closed = ["2026-12-25"]
    """
    unknown = sorted(set(data) - {"timezone", "closed", *DAYS})
    if unknown:
        raise ValueError(f"business_hours.{unknown[0]}: unknown key (expected timezone, closed, {', '.join(DAYS)})")
    zone = str(data.get("timezone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"business_hours.timezone: unknown time zone {zone!r}") from None
    week: dict[int, tuple[time, time]] = {}
    for index, name in enumerate(DAYS):
        if name not in data:
            continue
        value = data[name]
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValueError(f'business_hours.{name}: must be [opens, closes], e.g. ["08:00", "20:00"]')
        opens, closes = _time(value[0], f"business_hours.{name}"), _time(value[1], f"business_hours.{name}")
        if closes <= opens:
            raise ValueError(f"business_hours.{name}: closes before it opens")
        week[index] = (opens, closes)
    if not week:
        raise ValueError("business_hours: no open day (name at least one of mon ... sun)")
    closed = set()
    for value in data.get("closed", []):
        try:
            closed.add(date.fromisoformat(str(value)))
        except ValueError:
            raise ValueError(f"business_hours.closed: {value!r} is not a date like 2026-12-25") from None
    return BusinessHours(timezone=zone, week=week, closed_days=frozenset(closed))
