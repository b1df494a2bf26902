"""Webhook subscriptions, events written to the delivery log in the transaction that caused them (so an event is
never announced for a change that was rolled back, nor lost for one that was committed), and delivery with
signatures and retries.

Delivering is the worker's job (`goodwill webhooks deliver`): due deliveries are claimed in one short transaction
(their next attempt moved a lease ahead, so a second worker does not take them too), posted outside any
transaction, and each outcome recorded in its own.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from goodwill.errors import InvalidInput, NotFound
from goodwill.kit.ids import new_ids
from goodwill.store.bulk import chunks, insert_rows
from goodwill.webhooks import signing
from goodwill.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

EVENT_TYPES: dict[str, str] = {
    "case.opened": "a case was opened (by the closed loop, a disruption, or an agent)",
    "entitlement.granted": "a passenger was granted compensation, a refund or rebooking right, or care",
    "voucher.issued": "a voucher or credit was issued",
    "detractor.received": "a survey answer with an NPS of 0 to 6 arrived",
}
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10.0

Post = Callable[[str, bytes, dict[str, str]], tuple[int | None, str | None]]


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"url: {url!r} is not an http(s) address")
    return url.strip()


def _check_events(events: Sequence[str]) -> list[str]:
    if not events:
        raise InvalidInput(f"events: name at least one of {', '.join(EVENT_TYPES)}")
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise InvalidInput(f"events: unknown {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}")
    return sorted(set(events))


def subscribe(
    session: Session, *, url: str, events: Sequence[str], description: str | None, actor: str, now: datetime
) -> WebhookSubscription:
    subscription = WebhookSubscription(
        url=_check_url(url),
        events=_check_events(events),
        description=description,
        active=True,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(subscription)
    session.flush()
    return subscription


def get_subscription(session: Session, subscription_id: uuid.UUID) -> WebhookSubscription:
    found = session.get(WebhookSubscription, subscription_id)
    if found is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return found


def subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.created_at)))


def deactivate(session: Session, *, subscription_id: uuid.UUID, now: datetime) -> WebhookSubscription:
    """Stop sending to a subscription; what was already logged stays, and pending deliveries are not sent."""
    subscription = get_subscription(session, subscription_id)
    subscription.active = False
    subscription.updated_at = now
    session.flush()
    return subscription


def listeners(session: Session, event_type: str) -> list[uuid.UUID]:
    """The active subscriptions to `event_type` (one small query: callers ask before building many payloads)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    return [
        s.id
        for s in session.scalars(select(WebhookSubscription).where(WebhookSubscription.active.is_(True)))
        if event_type in (s.events or [])
    ]


def emit(
    session: Session,
    *,
    event_type: str,
    events: Sequence[tuple[str, dict[str, Any]]],
    now: datetime,
    to: Sequence[uuid.UUID] | None = None,
) -> int:
    """Log each (event key, payload) for every active subscription to `event_type` (or `to`, from `listeners`),
    once per key; returns the deliveries written."""
    listening = list(to) if to is not None else listeners(session, event_type)
    if not events or not listening:
        return 0
    keys = list(dict.fromkeys(k for k, _p in events))
    existing: set[tuple[uuid.UUID, str]] = set()
    for batch in chunks([(s, k) for s in listening for k in keys]):
        existing.update(
            (row[0], row[1])
            for row in session.execute(
                select(WebhookDelivery.subscription_id, WebhookDelivery.event_key).where(
                    tuple_(WebhookDelivery.subscription_id, WebhookDelivery.event_key).in_(batch)
                )
            )
        )
    payloads = dict(events)
    todo = [(s, k) for s in listening for k in keys if (s, k) not in existing]
    insert_rows(
        session,
        WebhookDelivery.__table__,
        (
            "id",
            "created_at",
            "updated_at",
            "subscription_id",
            "event_type",
            "event_key",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
        ),
        (
            (i, now, now, s, event_type, k, payloads[k], DeliveryStatus.PENDING.value, 0, now)
            for i, (s, k) in zip(new_ids(len(todo)), todo, strict=True)
        ),
    )
    return len(todo)


@dataclass(frozen=True)
class Claimed:
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    url: str
    event_type: str
    event_key: str
    payload: dict[str, Any]
    created_at: datetime


def claim_due(session: Session, *, now: datetime, limit: int = 100) -> list[Claimed]:
    """Take up to `limit` deliveries whose attempt is due, leasing them for `LEASE`."""
    rows = session.execute(
        select(WebhookDelivery, WebhookSubscription.url)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING.value,
            WebhookDelivery.next_attempt_at <= now,
            WebhookSubscription.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    claimed = []
    for delivery, url in rows:
        taken = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery.id, WebhookDelivery.next_attempt_at == delivery.next_attempt_at)
            .values(next_attempt_at=now + LEASE),
            execution_options={"synchronize_session": False},
        )
        if getattr(taken, "rowcount", 0) == 1:  # another worker did not take it first
            claimed.append(
                Claimed(
                    delivery.id,
                    delivery.subscription_id,
                    url,
                    delivery.event_type,
                    delivery.event_key,
                    dict(delivery.payload or {}),
                    delivery.created_at,
                )
            )
    return claimed


def request_for(claimed: Claimed, *, server_secret: str, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a delivery's request, signed with its subscription's secret."""
    body = json.dumps(
        {
            "id": str(claimed.delivery_id),
            "type": claimed.event_type,
            "key": claimed.event_key,
            "created_at": claimed.created_at.isoformat(),
            "data": claimed.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    secret = signing.secret_for(server_secret, claimed.subscription_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Goodwill-Webhooks/1",
        "Goodwill-Event": claimed.event_type,
        "Goodwill-Delivery": str(claimed.delivery_id),
        signing.HEADER: signing.signature(secret, int(now.timestamp()), body),
    }
    return body, headers


def record_attempt(
    session: Session, *, delivery_id: uuid.UUID, status_code: int | None, error: str | None, now: datetime
) -> WebhookDelivery:
    """A 2xx answer delivers; anything else waits for the next attempt of the backoff, or fails the delivery."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no webhook delivery {delivery_id}")
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status_code = status_code
    delivery.updated_at = now
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = DeliveryStatus.DELIVERED.value
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.last_error = None
    else:
        delivery.last_error = (error or f"HTTP {status_code}")[:500]
        wait = signing.next_wait(delivery.attempts)
        if wait is None:
            delivery.status = DeliveryStatus.FAILED.value
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + wait
    session.flush()
    return delivery


def retry(session: Session, *, delivery_id: uuid.UUID, now: datetime) -> WebhookDelivery:
    """Send a failed (or pending) delivery again at once, with a fresh round of attempts."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no webhook delivery {delivery_id}")
    if delivery.status == DeliveryStatus.DELIVERED.value:
        return delivery
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.updated_at = now
    session.flush()
    return delivery


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    """POST with the standard library; (status, None) for any HTTP answer, (None, reason) when none came."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), None
    except urllib.error.HTTPError as exc:
        return int(exc.code), f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"[:500]


@dataclass
class DeliveryRun:
    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    *,
    server_secret: str,
    now: Callable[[], datetime],
    post: Post = http_post,
    limit: int = 100,
) -> DeliveryRun:
    """One pass: claim what is due, post each, record each outcome in its own transaction."""
    run = DeliveryRun()
    with unit_of_work() as session:
        claimed = claim_due(session, now=now(), limit=limit)
    for item in claimed:
        body, headers = request_for(item, server_secret=server_secret, now=now())
        started = time.monotonic()
        status, error = post(item.url, body, headers)
        if error is None and status is None:
            error = f"no answer after {time.monotonic() - started:.1f} s"
        with unit_of_work() as session:
            delivery = record_attempt(session, delivery_id=item.delivery_id, status_code=status, error=error, now=now())
            outcome = delivery.status
        run.attempted += 1
        if outcome == DeliveryStatus.DELIVERED.value:
            run.delivered += 1
        elif outcome == DeliveryStatus.FAILED.value:
            run.failed += 1
        else:
            run.retrying += 1
    return run


def deliveries(
    session: Session, *, subscription_id: uuid.UUID, status: str | None = None, limit: int = 50
) -> list[WebhookDelivery]:
    """A subscription's delivery log, newest first."""
    get_subscription(session, subscription_id)
    if status is not None and status not in {s.value for s in DeliveryStatus}:
        raise InvalidInput(f"status: one of {', '.join(s.value for s in DeliveryStatus)}, not {status!r}")
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return list(
        session.scalars(query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit))
    )
