"""The customer 360, search and value: built on the example airline, checked against its files."""

from __future__ import annotations

import csv
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking
from goodwill.cases.models import Direction, Interaction
from goodwill.customers import service as customers
from goodwill.customers.models import Passenger, PassengerIdentity
from goodwill.customers.value import refresh_value
from goodwill.customers.view import customer_360, search_passengers
from goodwill.errors import NotFound
from goodwill.flights.models import FlightEvent
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.kit.money import Money
from goodwill.recovery import catalogue
from goodwill.recovery.models import Entitlement
from goodwill.recovery.service import process_events
from tests.imports.helpers import EXAMPLE_FILES, NOW, booking_row, csv_text, import_examples, import_path, write

CANCELLATION = {
    "event_id": "ops-test-cancel-b6-2",
    "carrier": "B6",
    "flight_number": "2",
    "flight_date": "2013-02-12",
    "type": "cancellation",
    "cause": "controllable",
    "occurred_at": "2013-02-12T09:00:00-05:00",
    "notice_given_at": "2013-02-12T09:00:00-05:00",
}


def _airline(session: Session) -> None:
    """The example airline, Ana's return flight cancelled for a reason within the airline's control (so she is
    owed compensation, a voucher and care), every event settled, every passenger ranked."""
    import_examples(session)
    imports.import_rows(session, kind=ImportKind.EVENTS, rows=[(1, CANCELLATION)], source="test", actor="test", now=NOW)
    events = session.scalars(select(FlightEvent.id).order_by(FlightEvent.occurred_at, FlightEvent.id)).all()
    process_events(session, event_ids=list(events), now=NOW, policies=catalogue.builtin())
    refresh_value(session)


def _ana(session: Session) -> uuid.UUID:
    return session.scalars(
        select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
    ).one()


def _fares_by_email() -> dict[str, Decimal]:
    """Each passenger's fares summed from the example bookings file (a booking's rows repeat its fare)."""
    seen: set[tuple[str, str]] = set()
    total: dict[str, Decimal] = defaultdict(Decimal)
    with EXAMPLE_FILES[ImportKind.BOOKINGS].open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            who = row["passenger_email"] or row["passenger_loyalty_number"]
            if (row["pnr"], who) not in seen:
                seen.add((row["pnr"], who))
                total[who] += Decimal(row["fare_paid"])
    return total


class TestValue:
    def test_revenue_is_the_sum_of_fares_and_rank_orders_it(self, session: Session) -> None:
        _airline(session)
        fares = _fares_by_email()
        ana = session.get(Passenger, _ana(session))
        assert ana is not None
        assert Money(ana.lifetime_revenue_minor, ana.revenue_currency) == Money.parse(
            fares["ana.lopez@example.com"], "USD"
        )
        rows = session.execute(
            select(Passenger.lifetime_revenue_minor, Passenger.value_rank, Passenger.created_at, Passenger.id).where(
                Passenger.status == "active"
            )
        ).all()
        expected = sorted(rows, key=lambda r: (-r[0], r[2], r[3]))
        assert [r[1] for r in expected] == list(range(1, len(rows) + 1))
        assert sum(r[0] for r in rows) == sum(Money.parse(v, "USD").minor for v in fares.values())

    def test_a_cancelled_booking_brings_no_revenue_and_a_merged_record_no_rank(self, session: Session) -> None:
        _airline(session)
        before = session.get(Passenger, _ana(session))
        assert before is not None
        assert before.lifetime_revenue_minor > 0
        session.execute(Booking.__table__.update().where(Booking.pnr == "HNY7QX").values(status="cancelled"))
        diego = session.scalars(
            select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "diego.lopez@example.com")
        ).one()
        customers.merge_passengers(
            session, merges=[customers.Merge(_ana(session), diego, "email", "test: one person")], now=NOW
        )
        refresh_value(session)
        session.expire_all()
        ana, merged = session.get(Passenger, _ana(session)), session.get(Passenger, diego)
        assert ana is not None
        assert merged is not None
        assert ana.lifetime_revenue_minor == 0
        assert merged.value_rank is None
        assert ana.value_rank is not None


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "matched_on"),
        [
            ("ana lop", "name"),
            ("LÓPEZ ANA", "name"),
            ("Lopez", "name"),
            ("ANA.LOPEZ@example.com", "email"),
            ("+1 (212) 555-0101", "phone"),
            ("b6-1000-0001", "loyalty"),
            ("@Ana_Lopez", "social"),
            ("hny7qx", "pnr"),
        ],
    )
    def test_each_kind_of_query_finds_ana(self, session: Session, query: str, matched_on: str) -> None:
        _airline(session)
        found = search_passengers(session, query=query)
        ana = [m for m in found if m.id == _ana(session)]
        assert ana, f"{query!r} did not find Ana"
        assert ana[0].matched_on == matched_on
        assert ana[0].emails == ["ana.lopez@example.com"]

    def test_a_name_prefix_finds_only_matching_names(self, session: Session) -> None:
        _airline(session)
        found = search_passengers(session, query="oka")
        assert [(m.first_name, m.last_name) for m in found] == [("Ben", "Okafor")]
        assert search_passengers(session, query="nobody-like-this@example.com") == []
        assert search_passengers(session, query="   ") == []

    def test_a_common_surname_does_not_hide_the_passenger_asked_for(self, session: Session) -> None:
        # 600 Nelsons before William in name order: more than any window of candidates read per query word.
        session.add_all(
            Passenger(first_name=f"Aaron{n:03d}", last_name="Nelson", name_key=f"nelson aaron{n:03d}")
            for n in range(600)
        )
        session.add(Passenger(first_name="William", last_name="Nelson", name_key="nelson william"))
        session.add(Passenger(first_name="Nelly", last_name="Williams", name_key="williams nelly"))
        session.flush()
        william, nelly = ("William", "Nelson"), ("Nelly", "Williams")
        for query, expected in (("William Nel", [william, nelly]), ("nelson w", [william]), ("WILL NELS", [william])):
            found = search_passengers(session, query=query)
            assert [(m.first_name, m.last_name) for m in found] == expected, query
        assert search_passengers(session, query="nel_on w%") == []  # LIKE's wildcards are plain characters

    def test_merged_records_are_not_returned(self, session: Session) -> None:
        _airline(session)
        diego = session.scalars(
            select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "diego.lopez@example.com")
        ).one()
        assert any(m.id == diego for m in search_passengers(session, query="HNY7QX"))
        customers.merge_passengers(
            session, merges=[customers.Merge(_ana(session), diego, "email", "test: one person")], now=NOW
        )
        assert all(m.id != diego for m in search_passengers(session, query="HNY7QX"))


class TestCustomer360:
    def test_ana_s_record_holds_everything_the_airline_knows(self, session: Session) -> None:
        _airline(session)
        pid = _ana(session)
        view = customer_360(session, passenger_id=pid, now=NOW)
        assert (view.profile.first_name, view.profile.tier, view.profile.language) == ("Ana", "gold", "es")
        assert {i.kind for i in view.identities} == {"email", "phone", "loyalty", "social"}
        assert {(c.channel, c.granted) for c in view.consents} >= {("email", True), ("sms", False)}
        assert view.value.rank is not None
        assert view.value.ranked_passengers == session.scalar(
            select(func.count()).where(Passenger.value_rank.is_not(None))
        )
        # Her trips: the file's two journeys, both in the past on 2013-03-01, the latest first.
        assert view.upcoming_trips == []
        assert [(t.pnr, [leg.flight for leg in t.legs]) for t in view.past_trips] == [
            ("HNY7QX", ["B6 2"]),
            ("HNY7QX", ["B6 1"]),
        ]
        events = {leg.flight: [e.type for e in leg.events] for t in view.past_trips for leg in t.legs}
        assert events["B6 1"] == ["delay"]
        assert events["B6 2"] == ["cancellation", "bag_mishandled"]
        assert [t.disrupted for t in view.past_trips] == [True, True]
        # What she was owed is what the ledger holds for her, every entitlement once.
        stored = session.scalars(select(Entitlement.id).where(Entitlement.passenger_id == pid)).all()
        assert stored
        assert sorted(e.id for e in view.entitlements) == sorted(stored)
        assert view.compensation_paid
        assert view.vouchers
        assert all(v.balance.amount_minor > 0 for v in view.vouchers)
        assert view.wishes
        assert view.wishes[0].occasion == "honeymoon"
        assert {f.channel for f in view.feedback} == {"survey", "social"}
        assert all(f.text for f in view.feedback)

    def test_before_the_trips_they_are_upcoming_soonest_first(self, session: Session) -> None:
        _airline(session)
        view = customer_360(session, passenger_id=_ana(session), now=datetime(2013, 1, 1, tzinfo=UTC))
        assert [leg.flight for t in view.upcoming_trips for leg in t.legs] == ["B6 1", "B6 2"]
        assert view.past_trips_total == 0

    def test_the_timeline_merges_both_directions_newest_first(self, session: Session) -> None:
        _airline(session)
        pid = _ana(session)
        for minute in range(3):
            session.add(
                Interaction(
                    passenger_id=pid,
                    channel="phone",
                    direction=Direction.INBOUND.value,
                    occurred_at=datetime(2013, 2, 20, 9, minute, tzinfo=UTC),
                    body=f"call {minute}",
                )
            )
        session.flush()
        view = customer_360(session, passenger_id=pid, now=NOW)
        times = [item.at for item in view.timeline]
        assert times == sorted(times, reverse=True)
        assert [i.body for i in view.timeline if i.kind == "interaction"][:3] == ["call 2", "call 1", "call 0"]
        assert {i.direction for i in view.timeline} == {"inbound", "outbound"}  # recovery's messages are there

    def test_a_merged_record_answers_for_the_survivor(self, session: Session) -> None:
        _airline(session)
        diego = session.scalars(
            select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "diego.lopez@example.com")
        ).one()
        customers.merge_passengers(
            session, merges=[customers.Merge(_ana(session), diego, "email", "test: one person")], now=NOW
        )
        assert customer_360(session, passenger_id=diego, now=NOW).profile.id == _ana(session)

    def test_an_unknown_passenger_is_not_found(self, session: Session) -> None:
        with pytest.raises(NotFound):
            customer_360(session, passenger_id=uuid.uuid4(), now=NOW)

    def test_past_trips_are_bounded_and_counted(self, session: Session, tmp_path: object) -> None:
        from pathlib import Path

        import_examples(session, ImportKind.PASSENGERS, ImportKind.FLIGHTS)
        rows = [booking_row(pnr=f"PAST{n:02d}", flight_number="1", flight_date="2013-02-08") for n in range(25)]
        import_path(
            session, ImportKind.BOOKINGS, write(Path(str(tmp_path)), "b.csv", csv_text(ImportKind.BOOKINGS, rows))
        )
        view = customer_360(session, passenger_id=_ana(session), now=NOW)
        assert view.past_trips_total == 25
        assert len(view.past_trips) == 20
