"""Seeding the demo airline into a database, through the importers (both backends)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Bag, BookingPassenger, Segment
from goodwill.bookings.queries import count_bookings
from goodwill.customers.models import Wish
from goodwill.customers.queries import count_by_tier, count_passengers
from goodwill.demo.service import SeedReport, seed_demo_airline
from goodwill.errors import InvalidInput
from goodwill.flights.queries import count_flights

FEBRUARY = {"start": date(2013, 2, 4), "end": date(2013, 2, 17)}  # two weeks keep it quick; with the blizzard
NOW = datetime(2013, 1, 15, 12, 0, tzinfo=UTC)


def _seed(session: Session, seed: int = 42) -> SeedReport:
    return seed_demo_airline(session, seed=seed, passengers=1000, now=NOW, **FEBRUARY)


class TestSeedDemoAirline:
    def test_it_writes_the_passengers_their_bookings_and_the_flights(self, session: Session) -> None:
        report = _seed(session)
        assert report.passengers == 1000
        assert count_passengers(session) == 1000
        assert count_bookings(session) == report.bookings > 1000
        assert count_flights(session) == report.flights > 3000
        assert session.scalar(select(func.count()).select_from(Segment)) == report.bookings * 2 + report.connections * 2
        assert session.scalar(select(func.count()).select_from(Bag)) > 0
        assert session.scalar(select(func.sum(BookingPassenger.fare_minor))) == report.revenue_minor

    def test_tiers_languages_and_wishes_are_stored_as_generated(self, session: Session) -> None:
        report = _seed(session)
        assert {k: v for k, v in count_by_tier(session).items() if v} == report.tiers
        assert session.scalar(select(func.count()).select_from(Wish)) == sum(report.wishes.values()) > 0
        assert {"en", "es", "fr", "pt"} <= set(report.languages)

    def test_every_import_is_clean(self, session: Session) -> None:
        report = _seed(session)
        assert set(report.imports) == {"flights", "passengers", "bookings"}
        assert all(counts["rejected"] == 0 for counts in report.imports.values())
        assert report.imports["bookings"]["rows_total"] == report.booking_rows

    def test_seeding_the_same_seed_twice_changes_nothing(self, session: Session) -> None:
        first = _seed(session)
        counts = (count_passengers(session), count_bookings(session), count_flights(session))
        second = _seed(session)
        assert first.changed > 0
        assert second.changed == 0
        assert (count_passengers(session), count_bookings(session), count_flights(session)) == counts

    def test_another_seed_adds_other_passengers_to_the_same_flights(self, session: Session) -> None:
        first = _seed(session, seed=1)
        flights = count_flights(session)
        _seed(session, seed=2)
        assert count_flights(session) == flights == first.flights
        assert count_passengers(session) > 1000

    @pytest.mark.parametrize("passengers", [999, 1_000_001])
    def test_a_passenger_count_outside_1000_to_a_million_is_refused(self, session: Session, passengers: int) -> None:
        with pytest.raises(InvalidInput, match="between 1,000 and 1,000,000"):
            seed_demo_airline(session, seed=1, passengers=passengers)

    def test_a_window_outside_2013_is_refused(self, session: Session) -> None:
        with pytest.raises(InvalidInput, match="within the schedule"):
            seed_demo_airline(session, seed=1, passengers=1000, start=date(2012, 12, 1), end=date(2013, 1, 31))
