"""Whether, where and when a message may reach a passenger, pure: consent, opt-out, bounces and quiet hours.

The rules (docs/MESSAGES.md):
- **Purpose.** Disruption notices and answers on a case are *service* messages; survey invitations have their
  own purpose (`survey`, falling back to `service`), as the surveys domain decided.
- **Consent per channel.** A "no" recorded for a channel and purpose closes that channel. Email needs no
  recorded "yes" for a service message (it is about a trip the passenger bought from us); SMS and push do
  (texts and notifications interrupt; the US TCPA and the app stores ask for an opt-in).
- **Opt-out.** `preferences["messages"] == "none"` (or a STOP by text, which records a "no" for SMS) closes
  everything that is not a service message; a service message still goes out if a channel is open.
- **Bounces.** An address that bounced is not used again until it changes.
- **Channel order.** The passenger's `preferences["channel"]`, then the channel the message was written for,
  then email, SMS, push: the first that is open and has an address wins. None: the message is suppressed, with
  the reason.
- **Quiet hours** (default 22:00 to 07:00 in the passenger's local time; `preferences["quiet_hours"]` as
  "HH:MM-HH:MM" to change them, "off" to waive them): SMS and push wait until the quiet hours end, unless
  the message is about a flight leaving within `URGENT_WITHIN` (the passenger needs to know now; the
  US DOT asks for notice within 30 minutes). Email does not ring, so it is never held; a survey invitation is
  held on every channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CHANNELS = ("email", "sms", "push")
NEEDS_OPT_IN = frozenset({"sms", "push"})
RINGS = frozenset({"sms", "push"})
DEFAULT_QUIET = (time(22, 0), time(7, 0))
URGENT_WITHIN = timedelta(hours=12)


class Purpose(StrEnum):
    SERVICE = "service"
    SURVEY = "survey"


class Outcome(StrEnum):
    SEND = "send"
    DEFER = "defer"
    SUPPRESS = "suppress"


@dataclass(frozen=True)
class Address:
    channel: str
    value: str
    identity_id: str | None = None  # the passenger identity it comes from (None: derived, e.g. a push user id)
    bounced: bool = False


@dataclass(frozen=True)
class Recipient:
    """What we know about reaching one passenger."""

    addresses: Mapping[str, Address]  # channel -> the address to use
    consents: Mapping[tuple[str, str], bool] = field(default_factory=dict)  # (channel, purpose) -> granted
    preferences: Mapping[str, object] = field(default_factory=dict)
    timezone: str = "UTC"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    channel: str | None = None
    address: Address | None = None
    not_before: datetime | None = None  # for DEFER: when the message may go
    reason: str | None = None  # why it was deferred or suppressed (a code, no personal data)


def purpose_of(kind: str) -> Purpose:
    return Purpose.SURVEY if kind.startswith("survey") else Purpose.SERVICE


def consented(recipient: Recipient, channel: str, purpose: Purpose) -> bool:
    said = recipient.consents.get((channel, purpose.value))
    if said is None and purpose is not Purpose.SERVICE:
        said = recipient.consents.get((channel, Purpose.SERVICE.value))
    if said is not None:
        return said
    return channel not in NEEDS_OPT_IN


def opted_out(recipient: Recipient) -> bool:
    return str(recipient.preferences.get("messages", "")).lower() in ("none", "off", "opt-out", "optout")


def channel_order(asked: str, recipient: Recipient) -> list[str]:
    preferred = recipient.preferences.get("channel")
    order = [preferred if isinstance(preferred, str) else "", asked, *CHANNELS]
    return [c for c in dict.fromkeys(order) if c in CHANNELS]


def quiet_window(recipient: Recipient) -> tuple[time, time] | None:
    """The passenger's quiet hours (start, end) in local time; None when waived. A bad value keeps the default."""
    raw = recipient.preferences.get("quiet_hours")
    if raw is None:
        return DEFAULT_QUIET
    text = str(raw).strip().lower()
    if text in ("off", "none", ""):
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
    except ValueError:
        return DEFAULT_QUIET
    return (start, end) if start != end else None


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(window: tuple[time, time] | None, *, timezone: str, now: datetime) -> datetime | None:
    """When the quiet hours around `now` end (an aware instant), or None when `now` is not in them."""
    if window is None:
        return None
    start, end = window
    local = now.astimezone(zone(timezone))
    clock = local.time().replace(tzinfo=None)
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local.tzinfo).astimezone(now.tzinfo)


def decide(
    *,
    kind: str,
    asked_channel: str,
    recipient: Recipient,
    now: datetime,
    departs_at: datetime | None = None,
) -> Decision:
    """Where (and whether, and when) a message of `kind` goes to this passenger."""
    purpose = purpose_of(kind)
    if purpose is not Purpose.SERVICE and opted_out(recipient):
        return Decision(Outcome.SUPPRESS, reason="opted_out")
    refused: list[str] = []
    for channel in channel_order(asked_channel, recipient):
        address = recipient.addresses.get(channel)
        if address is None:
            refused.append(f"{channel}:no_address")
            continue
        if address.bounced:
            refused.append(f"{channel}:bounced")
            continue
        if not consented(recipient, channel, purpose):
            refused.append(f"{channel}:no_consent")
            continue
        held = channel in RINGS or purpose is Purpose.SURVEY
        urgent = departs_at is not None and departs_at - now <= URGENT_WITHIN
        until = quiet_until(quiet_window(recipient), timezone=recipient.timezone, now=now) if held else None
        if until is not None and not (urgent and purpose is Purpose.SERVICE):
            return Decision(Outcome.DEFER, channel, address, not_before=until, reason="quiet_hours")
        return Decision(Outcome.SEND, channel, address)
    return Decision(Outcome.SUPPRESS, reason=" ".join(refused) or "no_channel")
