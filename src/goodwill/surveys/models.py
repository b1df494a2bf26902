"""SurveyInvitation: one post-flight survey for one passenger and one flown segment, with its link's hash."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import JSONType, UTCDateTime


class InvitationStatus(StrEnum):
    INVITED = "invited"
    RESPONDED = "responded"
    EXPIRED = "expired"


class SurveyInvitation(RecordMixin, Base):
    """Sent once per (segment, passenger). Only the sha256 of the link's token is kept (ADR 0014)."""

    __tablename__ = "survey_invitations"

    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"))
    segment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("segments.id"))
    booking_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bookings.id"))
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default=InvitationStatus.INVITED.value)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("feedback.id"))
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("outbound_messages.id"))
    # The two free-text answers apart ({"what_went_wrong": ..., "how_to_fix": ...}); the feedback holds both.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    __table_args__ = (
        UniqueConstraint("segment_id", "passenger_id"),
        Index("ix_survey_invitations_passenger_invited", "passenger_id", "invited_at"),
        Index("ix_survey_invitations_status_expires", "status", "expires_at"),
    )
