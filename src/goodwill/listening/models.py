"""Feedback: one record for a survey answer, an email, a social post or a comment, with its analysis."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import JSONType, UTCDateTime


class FeedbackChannel(StrEnum):
    SURVEY = "survey"
    EMAIL = "email"
    SOCIAL = "social"
    FORUM = "forum"
    BLOG = "blog"
    CHAT = "chat"
    REVIEW = "review"


class Feedback(RecordMixin, Base):
    __tablename__ = "feedback"

    passenger_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("passengers.id"), index=True)
    flight_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("flights.id"), index=True)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bookings.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    channel: Mapped[str] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(120))
    # sha256 of the normalised text: the same words twice are one feedback.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    author: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text, default="")
    nps: Mapped[int | None] = mapped_column(Integer)
    csat: Mapped[int | None] = mapped_column(Integer)
    # Analysis, as ordinary fields with a confidence; an agent's correction is kept in `corrections`.
    language: Mapped[str | None] = mapped_column(String(8))
    language_confidence: Mapped[float | None] = mapped_column(Float)
    is_spam: Mapped[bool | None] = mapped_column(Boolean)
    spam_confidence: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[str | None] = mapped_column(String(8))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_confidence: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    urgency: Mapped[list[str]] = mapped_column(JSONType, default=list)
    entities: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    analysis_model: Mapped[str | None] = mapped_column(String(40))
    corrections: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # When the closed loop judged it (`closing.close_loop`): None until then, so a rerun skips it.
    looped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_feedback_received_at", "received_at"),
        # A list filter's index holds its rows in the list's order (api/lists.py, ADR 0018).
        *(Index(f"ix_feedback_{c}_id", c, "id") for c in ("channel", "sentiment", "is_spam")),
        # The worker's queues, in the order it takes them (oldest first), holding only the rows still to do: the
        # feedback not analysed yet, and the feedback the closed loop has not judged yet.
        *(
            Index(f"ix_feedback_{name}", "received_at", "id", sqlite_where=where, postgresql_where=where)
            for name, where in (
                ("unanalysed", sql("analysis_model IS NULL")),
                ("unlooped", sql("looped_at IS NULL")),
            )
        ),
    )


class SpikeAlert(RecordMixin, Base):
    """A topic (or negative sentiment) well above its usual level on a route or at an airport, in one window."""

    __tablename__ = "spike_alerts"

    scope_kind: Mapped[str] = mapped_column(String(10))  # route | airport
    scope: Mapped[str] = mapped_column(String(16))  # "JFK-LAX" | "JFK"
    subject: Mapped[str] = mapped_column(String(40))  # a topic, or "negative"
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    baseline_windows: Mapped[int] = mapped_column(Integer)
    feedback_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # scope_kind:scope:subject:window start:window hours, so an alert is raised once per window.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)

    __table_args__ = (Index("ix_spike_alerts_raised_at", "raised_at"),)
