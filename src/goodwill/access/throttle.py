"""Clients that keep failing, pure: who a client is (its address, through trusted proxies only), the keyed hash
that stands for it, and whether its failures in the current window refuse it (ADR 0022).

A client is its network address: an IPv4 address, or an IPv6 /64 (one machine is usually given a whole /64, so
counting single IPv6 addresses would count nothing). The address is personal data: only its HMAC with the server
secret is stored, and it is never logged."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from goodwill.errors import GoodwillError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPV6_CLIENT_PREFIX = 64


@dataclass(frozen=True)
class Policy:
    """At most `limit` failures from one client per `window`; the next attempts wait for the window's end."""

    limit: int
    window: timedelta


@dataclass(frozen=True)
class Client:
    """The caller as the throttle sees it: the keyed hash of its address, and the policy that applies."""

    key: str
    policy: Policy


class TooManyAttempts(GoodwillError):
    """This client failed too often in the current window; it may try again at `until` (nothing was checked)."""

    def __init__(self, *, until: datetime, now: datetime) -> None:
        self.until = until
        self.retry_after = retry_after_seconds(until, now)
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(
            f"too many failed attempts from your network; try again after {until:%H:%M} UTC "
            f"(in {minutes} minute{'s' if minutes != 1 else ''})"
        )


def parse_networks(text: str) -> tuple[Network, ...]:
    """The trusted proxies setting: addresses or networks separated by commas ("10.0.0.0/8, 127.0.0.1").

    Raises ValueError on anything that is not one."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, proxies: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: list[str], proxies: tuple[Network, ...]) -> str:
    """Who the client is: the peer of the connection, unless that peer is a trusted proxy; then the nearest
    address in X-Forwarded-For (read from the right) that is not a trusted proxy. A client cannot choose its
    address by sending the header itself: an untrusted peer's header is ignored, and what a trusted proxy
    appended is read before anything the client wrote to the left of it.

    IPv4 addresses stand alone; IPv6 ones are grouped by their /64."""
    chosen = _ip(peer) if peer else None
    if chosen is not None and proxies and _trusted(chosen, proxies):
        hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _ip(hop)
            if address is None:
                break  # garbage where an address should be: stop at the last address a proxy vouched for
            chosen = address
            if not _trusted(address, proxies):
                break
    if chosen is None:
        return peer or "unknown"
    if isinstance(chosen, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((chosen, IPV6_CLIENT_PREFIX), strict=False))
    return str(chosen)


def client_key(address: str, server_secret: str) -> str:
    """The keyed hash that stands for a client address in the database (HMAC-SHA256, hex)."""
    return hmac.new(server_secret.encode(), f"client:{address}".encode(), hashlib.sha256).hexdigest()


def blocked_until(*, failures: int, window_ends: datetime, now: datetime, policy: Policy) -> datetime | None:
    """When a client that failed `failures` times in a window ending at `window_ends` may try again, or None if
    it may try now."""
    if failures >= policy.limit and window_ends > now:
        return window_ends
    return None


def retry_after_seconds(until: datetime, now: datetime) -> int:
    """The Retry-After header's value: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil((until - now).total_seconds()))
