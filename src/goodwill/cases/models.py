"""Interaction (any channel, either direction), Case and its step history."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import JSONType, UTCDateTime


class InteractionChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    PHONE = "phone"
    CHAT = "chat"
    SOCIAL = "social"
    SURVEY = "survey"
    WEB = "web"
    AIRPORT = "airport"
    LETTER = "letter"
    CONSOLE = "console"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CaseType(StrEnum):
    COMPLAINT = "complaint"
    DISRUPTION_RECOVERY = "disruption_recovery"
    BAGGAGE = "baggage"
    COMPENSATION_CLAIM = "compensation_claim"
    COMPLIMENT = "compliment"


class CasePriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_PASSENGER = "waiting_on_passenger"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"


class Interaction(RecordMixin, Base):
    """Anything said between the airline and a passenger, on the passenger's timeline."""

    __tablename__ = "interactions"

    passenger_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("passengers.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(8))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)
    author: Mapped[str | None] = mapped_column(String(80))
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outbound_messages.id"))
    flight_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("flights.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    __table_args__ = (Index("ix_interactions_passenger_occurred", "passenger_id", "occurred_at"),)


class Case(RecordMixin, Base):
    __tablename__ = "cases"

    reference: Mapped[str] = mapped_column(String(20), unique=True)
    passenger_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("passengers.id"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(8), default=CasePriority.NORMAL.value)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.NEW.value)
    subject: Mapped[str] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(80))
    flight_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("flights.id"))
    booking_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bookings.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_code: Mapped[str | None] = mapped_column(String(40))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    # Why the case exists, machine-readable (e.g. {"trigger": "detractor", "feedback_id": ...}).
    origin: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    __table_args__ = (
        Index("ix_cases_status_priority", "status", "priority"),
        # A list filter's index holds its rows in the list's order (api/lists.py, ADR 0018).
        *(Index(f"ix_cases_{c}_id", c, "id") for c in ("status", "priority", "team", "assignee", "type")),
    )


class CaseEvent(RecordMixin, Base):
    """One step in a case's life (opened, assigned, status changed, SLA paused...), with its instant."""

    __tablename__ = "case_events"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(80))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class CaseCounter(Base):
    """Hands out human-readable case numbers without relying on database sequences."""

    __tablename__ = "case_counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["Case", "CaseCounter", "CaseEvent", "Interaction"]
