"""Feedback finds its passenger, flight and booking from its words when the columns leave them out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking
from goodwill.customers.models import Passenger
from goodwill.flights.models import Flight
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.listening.models import Feedback
from tests.recovery.test_service import NOW, _world


def _feedback(session: Session, rows: list[dict[str, Any]]) -> dict[str, Feedback]:
    report = imports.import_rows(session, kind=ImportKind.FEEDBACK, rows=enumerate(rows, 2), source="f.csv", now=NOW)
    assert not report.rejected, report.rejected
    return {f.external_id: f for f in session.scalars(select(Feedback))}


def test_a_handle_a_record_locator_and_a_flight_number_link_what_the_columns_do_not(session: Session) -> None:
    _world(session)
    imports.import_rows(
        session,
        kind=ImportKind.PASSENGERS,
        rows=enumerate([{"email": "ana@example.com", "social_handle": "@ana_lopez", "first_name": "Ana",
                         "last_name": "Lopez"}], 2),
        source="p.csv",
        now=NOW,
    )  # fmt: skip
    at = "2026-02-14T20:00:00+00:00"
    found = _feedback(
        session,
        [
            {"external_id": "t1", "channel": "social", "received_at": at, "author": "@Ana_Lopez",
             "text": "@JetBlue B6 101 to BOS sat at the gate for 3 hours"},
            {"external_id": "e1", "channel": "email", "received_at": at, "text": "My booking AAA111 was a mess"},
            {"external_id": "e2", "channel": "email", "received_at": at,
             "text": "confirmation # CCC333, two of us, no help at LHR"},
            {"external_id": "t2", "channel": "social", "received_at": at, "author": "@someone_else",
             "text": "flight 101 was late"},
            {"external_id": "t3", "channel": "social", "received_at": "2026-02-20T09:00:00+00:00",
             "text": "B6 101 on Feb 14 was late"},
        ],
    )  # fmt: skip
    ana = session.scalars(select(Passenger.id).where(Passenger.first_name == "Ana")).one()
    flight_101 = session.scalars(select(Flight.id).where(Flight.number == "101")).one()
    pnr = dict(session.execute(select(Booking.pnr, Booking.id)).all())
    # The handle names Ana; the text names her flight (on the day the post came).
    assert (found["t1"].passenger_id, found["t1"].flight_id) == (ana, flight_101)
    assert found["t1"].entities == {"flights": ["B6 101"], "airports": ["BOS"]}
    # A record locator names the booking, and its passenger when it has only one.
    assert (found["e1"].booking_id, found["e1"].passenger_id) == (pnr["AAA111"], ana)
    assert (found["e2"].booking_id, found["e2"].passenger_id) == (pnr["CCC333"], None)  # Cy and Dee
    # A bare number without its airline, an unknown handle: nothing is guessed.
    assert (found["t2"].passenger_id, found["t2"].flight_id) == (None, None)
    assert found["t2"].entities == {"flights": ["101"]}
    # A date in the text says which day's flight, six days later.
    assert found["t3"].flight_id == flight_101
