"""Webhooks over HTTP: administrators subscribe the airline's systems to Goodwill's events and read the log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from goodwill.api.deps import AdminDep, SessionDep
from goodwill.audit import service as audit
from goodwill.kit.time import utc_now
from goodwill.webhooks import service as webhooks
from goodwill.webhooks import signing
from goodwill.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

router = APIRouter(tags=["webhooks"])


class SubscriptionIn(BaseModel):
    url: str = Field(description="Where to POST, http or https", max_length=500)
    events: list[str] = Field(description=f"Any of: {', '.join(webhooks.EVENT_TYPES)}", min_length=1)
    description: str | None = Field(default=None, max_length=200)


class SubscriptionRead(BaseModel):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_by: str
    created_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(
        description=f"The signing secret, shown once. Each request carries `{signing.HEADER}: t=<unix seconds>,"
        'v1=<hex HMAC-SHA256 of "<t>.<raw body>">`; compare in constant time and refuse old timestamps.'
    )


class DeliveryRead(BaseModel):
    id: uuid.UUID
    event_type: str
    event_key: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]


def _read(s: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead.model_validate(s, from_attributes=True)


def _audit(session: Any, principal: Any, action: str, entity_id: str, details: dict[str, Any] | None = None) -> None:
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action=action,
        entity_type="webhook_subscription",
        entity_id=entity_id,
        details=details,
    )


@router.post(
    "/webhooks",
    response_model=SubscriptionCreated,
    status_code=201,
    summary="Subscribe a URL to events (case opened, entitlement granted, voucher issued, detractor received)",
)
def subscribe(body: SubscriptionIn, request: Request, session: SessionDep, principal: AdminDep) -> SubscriptionCreated:
    made = webhooks.subscribe(
        session, url=body.url, events=body.events, description=body.description, actor=principal.actor, now=utc_now()
    )
    _audit(session, principal, "webhook.subscribed", str(made.id), {"events": made.events})
    return SubscriptionCreated(**_read(made).model_dump(), secret=signing.secret_for(request.app.state.secret, made.id))


@router.get("/webhooks", response_model=list[SubscriptionRead], summary="Every webhook subscription")
def list_subscriptions(session: SessionDep, principal: AdminDep) -> list[SubscriptionRead]:
    found = [_read(s) for s in webhooks.subscriptions(session)]
    _audit(session, principal, "webhooks.listed", "*", {"count": len(found)})
    return found


@router.delete(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionRead,
    summary="Stop a subscription (its delivery log is kept)",
)
def deactivate(subscription_id: uuid.UUID, session: SessionDep, principal: AdminDep) -> SubscriptionRead:
    done = webhooks.deactivate(session, subscription_id=subscription_id, now=utc_now())
    _audit(session, principal, "webhook.deactivated", str(done.id))
    return _read(done)


@router.get(
    "/webhooks/{subscription_id}/deliveries",
    response_model=list[DeliveryRead],
    summary="A subscription's delivery log, newest first: each event, its attempts and the last answer",
)
def deliveries(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: AdminDep,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[DeliveryRead]:
    rows = webhooks.deliveries(
        session, subscription_id=subscription_id, status=status.value if status else None, limit=limit
    )
    _audit(session, principal, "webhook.deliveries_read", str(subscription_id), {"count": len(rows)})
    return [DeliveryRead.model_validate(d, from_attributes=True) for d in rows]


@router.post(
    "/webhooks/deliveries/{delivery_id}/retry",
    response_model=DeliveryRead,
    summary="Send a failed delivery again, with a fresh round of attempts",
)
def retry(delivery_id: uuid.UUID, session: SessionDep, principal: AdminDep) -> DeliveryRead:
    done: WebhookDelivery = webhooks.retry(session, delivery_id=delivery_id, now=utc_now())
    _audit(session, principal, "webhook.retried", str(done.subscription_id), {"delivery": str(done.id)})
    return DeliveryRead.model_validate(done, from_attributes=True)
