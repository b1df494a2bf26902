"""Entitlement: what a passenger is owed for a disruption, with the facts and the rule it rests on."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import JSONType, UTCDateTime


class EntitlementKind(StrEnum):
    COMPENSATION = "compensation"
    REFUND = "refund"
    REBOOKING = "rebooking"
    CARE = "care"


class Entitlement(RecordMixin, Base):
    __tablename__ = "entitlements"

    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bookings.id"))
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), index=True)
    flight_event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("flight_events.id"))
    regime: Mapped[str] = mapped_column(String(30))
    rule_id: Mapped[str] = mapped_column(String(60))
    legal_basis: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    form: Mapped[str | None] = mapped_column(String(10))
    care: Mapped[list[str]] = mapped_column(JSONType, default=list)
    explanation: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    policy_version: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12), default="granted")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)

    __table_args__ = (
        Index("ix_entitlements_regime_kind", "regime", "kind"),
        # A list filter's index holds its rows in the list's order (api/lists.py, ADR 0018).
        *(Index(f"ix_entitlements_{c}_id", c, "id") for c in ("regime", "kind", "status")),
    )
