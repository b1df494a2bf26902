"""Passenger, identities, consents, wishes and merges."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import JSONType, UTCDateTime


class Tier(StrEnum):
    """Loyalty tiers, lowest first. An airline maps its own names onto these ranks."""

    NONE = "none"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"

    @property
    def rank(self) -> int:
        return list(Tier).index(self)


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LOYALTY = "loyalty"
    SOCIAL = "social"


class Channel(StrEnum):
    """Channels a passenger can be reached on (consent is per channel)."""

    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    PHONE = "phone"
    POST = "post"


class PassengerStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"
    ERASED = "erased"


class Passenger(RecordMixin, Base):
    __tablename__ = "passengers"

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Case- and accent-folded "last first" for prefix search.
    name_key: Mapped[str] = mapped_column(String(201), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    tier: Mapped[str] = mapped_column(String(16), default=Tier.NONE.value)
    tier_since: Mapped[date | None] = mapped_column(Date())
    date_of_birth: Mapped[date | None] = mapped_column(Date())
    home_airport: Mapped[str | None] = mapped_column(String(3))
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Derived by the value job; kept here so the 360 view needs no aggregate scan.
    lifetime_revenue_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    revenue_currency: Mapped[str] = mapped_column(String(3), default="USD")
    value_rank: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=PassengerStatus.ACTIVE.value)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("passengers.id"))

    identities: Mapped[list[PassengerIdentity]] = relationship(
        back_populates="passenger", lazy="raise", cascade="all, delete-orphan"
    )
    consents: Mapped[list[Consent]] = relationship(lazy="raise", cascade="all, delete-orphan")
    wishes: Mapped[list[Wish]] = relationship(lazy="raise", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_passengers_value_rank", "value_rank"),)


class PassengerIdentity(RecordMixin, Base):
    """An email, phone (E.164), loyalty number or social handle; each value belongs to one passenger."""

    __tablename__ = "passenger_identities"

    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str | None] = mapped_column(String(20))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(40), default="import")

    passenger: Mapped[Passenger] = relationship(back_populates="identities", lazy="raise")

    __table_args__ = (UniqueConstraint("kind", "value"),)


class Consent(RecordMixin, Base):
    """Whether a passenger lets us reach them on a channel, for a purpose (service or marketing)."""

    __tablename__ = "consents"

    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(12), default="service")
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(40), default="import")

    __table_args__ = (UniqueConstraint("passenger_id", "channel", "purpose"),)


class Wish(RecordMixin, Base):
    """A free-form wish or occasion ("honeymoon", "first flight with our daughter"), optionally tied to a trip."""

    __tablename__ = "wishes"

    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    occasion: Mapped[str] = mapped_column(String(20), default="other")
    text: Mapped[str] = mapped_column(Text)
    travel_date: Mapped[date | None] = mapped_column(Date())


class PassengerMerge(RecordMixin, Base):
    """Evidence that two records were found to be one person and merged."""

    __tablename__ = "passenger_merges"

    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    merged_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), unique=True)
    matched_on: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(200))
