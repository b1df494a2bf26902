"""Time helpers. Every instant in Goodwill is timezone-aware UTC; naive datetimes are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utc_now() -> datetime:
    """The current instant, aware, in UTC. Services default to this; pure code takes `now` as input."""
    return datetime.now(UTC)


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """Return `value` converted to UTC, or raise ValueError if it carries no timezone."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{what} has no timezone offset: {value.isoformat()}")
    return value.astimezone(UTC)


def parse_instant(text: str, what: str = "time") -> datetime:
    """Parse ISO 8601 with an offset (Z or ±hh:mm); a time without one is an error, never a guess."""
    raw = text.strip()
    if not raw:
        raise ValueError(f"{what} is empty")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"{what} is not an ISO 8601 date-time: {raw!r}") from exc
    return require_aware(value, what)


def spoken_span(delta: timedelta) -> str:
    """A span as a person says it: "45 min", "3 h 05 min", "4 days 2 h" (its sign is the caller's to say)."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} days {minutes % 1440 // 60} h"
