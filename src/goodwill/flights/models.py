"""Airport, Carrier, Flight and FlightEvent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import JSONType, UTCDateTime


class FlightStatus(StrEnum):
    SCHEDULED = "scheduled"
    DELAYED = "delayed"
    CANCELLED = "cancelled"
    DIVERTED = "diverted"
    DEPARTED = "departed"
    ARRIVED = "arrived"


class EventType(StrEnum):
    DELAY = "delay"
    CANCELLATION = "cancellation"
    DIVERSION = "diversion"
    TARMAC_DELAY = "tarmac_delay"
    DENIED_BOARDING = "denied_boarding"
    BAG_MISHANDLED = "bag_mishandled"
    REINSTATEMENT = "reinstatement"


class Cause(StrEnum):
    """Why it happened; decides which rules owe compensation."""

    CONTROLLABLE = "controllable"
    SAFETY = "safety"  # within the carrier's control but required for safety (APPR)
    WEATHER = "weather"
    AIR_TRAFFIC_CONTROL = "air_traffic_control"
    EXTRAORDINARY = "extraordinary"
    UNKNOWN = "unknown"


class Airport(Base):
    """An airport from the airportsdata package: enough to measure distance and find the jurisdiction."""

    __tablename__ = "airports"

    iata: Mapped[str] = mapped_column(String(3), primary_key=True)
    icao: Mapped[str | None] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    tz: Mapped[str] = mapped_column(String(40))


class Carrier(Base):
    """An operating carrier; its home country and size decide which passenger-rights regimes apply."""

    __tablename__ = "carriers"

    iata: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    # APPR: "large" (2M+ passengers in each of the two preceding years) or "small".
    size: Mapped[str] = mapped_column(String(6), default="large")


class Flight(RecordMixin, Base):
    """One operated flight; natural key carrier + number + local operating date."""

    __tablename__ = "flights"

    carrier: Mapped[str] = mapped_column(ForeignKey("carriers.iata"))
    number: Mapped[str] = mapped_column(String(5))
    operating_date: Mapped[date] = mapped_column(Date())
    origin: Mapped[str] = mapped_column(ForeignKey("airports.iata"))
    destination: Mapped[str] = mapped_column(ForeignKey("airports.iata"))
    scheduled_departure: Mapped[datetime] = mapped_column(UTCDateTime())
    scheduled_arrival: Mapped[datetime] = mapped_column(UTCDateTime())
    estimated_departure: Mapped[datetime | None] = mapped_column(UTCDateTime())
    estimated_arrival: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actual_departure: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actual_arrival: Mapped[datetime | None] = mapped_column(UTCDateTime())
    aircraft: Mapped[str | None] = mapped_column(String(10))
    tail_number: Mapped[str | None] = mapped_column(String(10))
    seats: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=FlightStatus.SCHEDULED.value)

    __table_args__ = (
        UniqueConstraint("carrier", "number", "operating_date"),
        Index("ix_flights_operating_date_origin", "operating_date", "origin"),
        # A list filter's index holds its rows in each sort key's order (api/lists.py, ADR 0018).
        *(Index(f"ix_flights_{c}_id", c, "id") for c in ("carrier", "number", "origin", "status")),
        *(Index(f"ix_flights_{c}_date", c, "operating_date", "id") for c in ("carrier", "number", "origin", "status")),
    )


class FlightEvent(RecordMixin, Base):
    """Something that happened to a flight. An integrator's later revision of the same event updates it."""

    __tablename__ = "flight_events"

    flight_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flights.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str] = mapped_column(String(20), default=Cause.UNKNOWN.value)
    cause_detail: Mapped[str | None] = mapped_column(String(200))
    # The integrator's id for this event, so a resend or revision is recognised.
    external_id: Mapped[str] = mapped_column(String(80))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Delay: expected departure and arrival delay in minutes.
    departure_delay_minutes: Mapped[int | None] = mapped_column(Integer)
    arrival_delay_minutes: Mapped[int | None] = mapped_column(Integer)
    # Cancellation: when passengers were told (for the notice windows of EU261 and APPR).
    notice_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tarmac_minutes: Mapped[int | None] = mapped_column(Integer)
    diverted_to: Mapped[str | None] = mapped_column(ForeignKey("airports.iata"))
    # Denied boarding and bag events concern one passenger (and bag).
    passenger_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("passengers.id"))
    bag_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bags.id"))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    __table_args__ = (UniqueConstraint("external_id"), Index("ix_flight_events_type_id", "type", "id"))
