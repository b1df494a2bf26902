"""Bookings upsert by PNR: the file's version replaces the stored one, history kept where it matters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.bookings import service as bookings
from goodwill.bookings.models import Booking, BookingPassenger
from goodwill.customers import service as customers
from goodwill.customers.service import IdentityKeys, PassengerRecord
from goodwill.flights import service as flights
from goodwill.store.bulk import Outcome

NOW = datetime(2013, 3, 1, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> tuple[list, object]:
    flights.ensure_airports(session, codes={"JFK", "FLL"})
    flights.ensure_carriers(session, codes={"B6"})
    record = flights.FlightRecord("B6", "1", date(2013, 2, 8), "JFK", "FLL", datetime(2013, 2, 8, 12, tzinfo=UTC),
                                  datetime(2013, 2, 8, 15, tzinfo=UTC))  # fmt: skip
    flights.upsert_flights(session, flights=[record], now=NOW)
    flight = flights.find_flights(session, keys=[record.key])[record.key]
    people = customers.upsert_passengers(
        session,
        records=[PassengerRecord(IdentityKeys(email=f"{n}@example.com"), n, "X") for n in ("ana", "ben")],
        now=NOW,
        source="test",
    ).passenger_ids
    return people, flight


def booking(people: list, flight: object, *fares: int) -> bookings.BookingRecord:
    on_board = zip(people, fares, strict=True)
    return bookings.BookingRecord(
        "PNR001", "direct", None, datetime(2013, 1, 5, tzinfo=UTC), "USD",
        passengers=tuple(bookings.BookingPassengerRecord(p, f, None, "adult", False) for p, f in on_board),
        segments=(bookings.SegmentRecord(1, 1, flight.id, "economy", "Q"),),  # type: ignore[attr-defined]
    )  # fmt: skip


def test_fare_total_is_the_sum_of_the_passengers_fares(session: Session, world: tuple[list, object]) -> None:
    people, flight = world
    assert bookings.upsert_bookings(session, bookings=[booking(people, flight, 100, 250)], now=NOW) == [Outcome.CREATED]
    assert session.scalar(select(Booking.fare_total_minor)) == 350


def test_a_passenger_dropped_from_the_pnr_leaves_the_booking(session: Session, world: tuple[list, object]) -> None:
    people, flight = world
    bookings.upsert_bookings(session, bookings=[booking(people, flight, 100, 250)], now=NOW)
    outcome = bookings.upsert_bookings(session, bookings=[booking(people[:1], flight, 120)], now=NOW)
    assert outcome == [Outcome.UPDATED]
    rows = session.execute(select(BookingPassenger.passenger_id, BookingPassenger.fare_minor)).all()
    assert [tuple(r) for r in rows] == [(people[0], 120)]
    assert session.scalar(select(Booking.fare_total_minor)) == 120
    assert bookings.find_booking_ids(session, pnrs=["PNR001", "NOPE"]).keys() == {"PNR001"}
