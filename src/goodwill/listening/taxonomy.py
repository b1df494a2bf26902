"""The labels the listening models speak: three sentiments and an airline's complaint topics.

An airline's labelled history names them its own way ("Late Flight", "longlines", "Lost Luggage"); `topic_of`
maps the common spellings to one taxonomy so models trained on different files mean the same thing.
"""

from __future__ import annotations

import re

SENTIMENTS = ("negative", "neutral", "positive")

# Complaint topics: id -> what it covers.
TOPICS: dict[str, str] = {
    "late_flight": "the flight left or arrived late",
    "cancellation": "the flight was cancelled",
    "lost_baggage": "a bag was lost or delayed",
    "damaged_baggage": "a bag or its contents were damaged",
    "customer_service": "agents, phone lines, replies, being helped (or not)",
    "crew": "flight attendants and pilots",
    "booking": "booking, changing or paying for a ticket, seats, upgrades",
    "long_lines": "queues at check-in, security, the gate or the counter",
    "comfort": "a bad flight: seats, cabin, temperature, the flight itself",
    "refunds_compensation": "refunds, vouchers, compensation owed",
    "fees": "bag fees, change fees, charges",
    "food": "food and drink",
    "wifi_entertainment": "wifi, screens and entertainment",
    "check_in": "check-in, boarding passes, the app or website at check-in",
    "loyalty": "points, miles, status",
    "cant_tell": "a complaint whose topic cannot be told",
}

# Other names for the topics, as labelled data spells them (compared after `_key`).
_ALIASES = {
    "late": "late_flight",
    "delay": "late_flight",
    "delayed": "late_flight",
    "cancelled_flight": "cancellation",
    "canceled_flight": "cancellation",
    "cancelled": "cancellation",
    "lost_luggage": "lost_baggage",
    "damaged_luggage": "damaged_baggage",
    "customer_service_issue": "customer_service",
    "flight_attendant_complaints": "crew",
    "flight_booking_problems": "booking",
    "longlines": "long_lines",
    "bad_flight": "comfort",
    "can_t_tell": "cant_tell",
    "refunds": "refunds_compensation",
    "compensation": "refunds_compensation",
    "wifi": "wifi_entertainment",
    "entertainment": "wifi_entertainment",
}

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _key(value: str) -> str:
    return _NON_WORD.sub("_", value.strip().lower()).strip("_")


def sentiment_of(value: str) -> str | None:
    """The sentiment a label names (any case, surrounding spaces ignored), or None if it names none."""
    label = value.strip().lower()
    return label if label in SENTIMENTS else None


def topic_of(value: str) -> str | None:
    """The taxonomy topic a label names (a topic id or a known alias, any case or spacing), or None."""
    key = _key(value)
    if key in TOPICS:
        return key
    return _ALIASES.get(key)
