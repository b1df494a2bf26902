"""Booking / PNR, booking passengers, segments grouped into journeys, checked bags."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import UTCDateTime


class BookingChannel(StrEnum):
    DIRECT = "direct"
    AGENCY = "agency"


class Cabin(StrEnum):
    ECONOMY = "economy"
    PREMIUM = "premium"
    BUSINESS = "business"


class SegmentStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    FLOWN = "flown"
    REBOOKED = "rebooked"


class BagStatus(StrEnum):
    CHECKED = "checked"
    DELIVERED = "delivered"
    DELAYED = "delayed"
    LOST = "lost"
    DAMAGED = "damaged"


class Booking(RecordMixin, Base):
    __tablename__ = "bookings"

    pnr: Mapped[str] = mapped_column(String(8), unique=True)
    channel: Mapped[str] = mapped_column(String(10), default=BookingChannel.DIRECT.value)
    agency_code: Mapped[str | None] = mapped_column(String(20))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fare_total_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10), default="active")

    passengers: Mapped[list[BookingPassenger]] = relationship(lazy="raise", cascade="all, delete-orphan")
    segments: Mapped[list[Segment]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Segment.sequence"
    )


class BookingPassenger(RecordMixin, Base):
    """A passenger on a booking, with the fare paid for them (minor units, booking currency)."""

    __tablename__ = "booking_passengers"

    booking_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    fare_minor: Mapped[int] = mapped_column(BigInteger)
    ticket_number: Mapped[str | None] = mapped_column(String(20))
    passenger_type: Mapped[str] = mapped_column(String(8), default="adult")
    unaccompanied_minor: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("booking_id", "passenger_id"),)


class Segment(RecordMixin, Base):
    """One flight of a booking. Segments with the same `journey` form one trip with connections."""

    __tablename__ = "segments"

    booking_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column(Integer)
    journey: Mapped[int] = mapped_column(Integer, default=1)
    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"))
    cabin: Mapped[str] = mapped_column(String(10), default=Cabin.ECONOMY.value)
    fare_class: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10), default=SegmentStatus.CONFIRMED.value)

    __table_args__ = (
        UniqueConstraint("booking_id", "sequence"),
        Index("ix_segments_flight_id", "flight_id"),
    )


class Bag(RecordMixin, Base):
    __tablename__ = "bags"

    booking_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    tag: Mapped[str] = mapped_column(String(12), unique=True)
    destination: Mapped[str] = mapped_column(ForeignKey("airports.iata"))
    status: Mapped[str] = mapped_column(String(10), default=BagStatus.CHECKED.value)
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    weight_kg: Mapped[int | None] = mapped_column(Integer)
