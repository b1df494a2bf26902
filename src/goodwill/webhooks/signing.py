"""Signing webhook requests, pure: the receiver checks that Goodwill sent the body, unchanged, recently.

The header `Goodwill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the subscription's
secret>` (the scheme Stripe made common). A receiver recomputes the HMAC over the raw body it received and
compares in constant time, and refuses a timestamp older than a few minutes (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta

HEADER = "Goodwill-Signature"
TOLERANCE_SECONDS = 300
# Waits after the 1st, 2nd, ... failed attempt; after the last, the delivery is failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


def secret_for(server_secret: str, subscription_id: uuid.UUID) -> str:
    """The subscription's signing secret: derived, so the database never holds it."""
    digest = hmac.new(server_secret.encode(), f"webhook:{subscription_id}".encode(), hashlib.sha256).hexdigest()
    return f"whsec_{digest}"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether `header` signs `body` with `secret`, made no more than `tolerance` seconds from `now`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def next_wait(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` failed attempts; None when no attempt is left."""
    if attempts < 1 or attempts >= MAX_ATTEMPTS:
        return None
    return BACKOFF[attempts - 1]
