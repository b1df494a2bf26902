"""OutboundMessage: one message to one passenger on one channel, with its delivery state."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import UTCDateTime


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    REPLACED = "replaced"


class OutboundMessage(RecordMixin, Base):
    __tablename__ = "outbound_messages"

    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    template: Mapped[str | None] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(8), default="en")
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING.value)
    flight_event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("flight_events.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    provider_message_id: Mapped[str | None] = mapped_column(String(120))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)

    __table_args__ = (
        Index("ix_outbound_messages_status_next", "status", "next_attempt_at"),
        # A list filter's index holds its rows in the list's order (api/lists.py, ADR 0018).
        *(Index(f"ix_outbound_messages_{c}_id", c, "id") for c in ("status", "kind", "flight_event_id")),
    )


class AddressBounce(RecordMixin, Base):
    """An address that bounced (an SMTP 5xx, a provider's "unknown number"): not used again while it stands.

    It points at the passenger's identity rather than copying the address, so erasing the identity erases it,
    and a merge of two passenger records carries it along with the identity.
    """

    __tablename__ = "address_bounces"

    identity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("passenger_identities.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outbound_messages.id", ondelete="SET NULL"))
    bounced_at: Mapped[datetime] = mapped_column(UTCDateTime())
