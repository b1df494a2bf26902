"""Airports and carriers load on first use; flights upsert by carrier, number and date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.flights import service as flights
from goodwill.flights.models import Airport, Carrier, Flight
from goodwill.store.bulk import Outcome

NOW = datetime(2013, 3, 1, tzinfo=UTC)


def test_airports_load_from_airportsdata_on_first_use(session: Session) -> None:
    assert flights.ensure_airports(session, codes={"JFK", "YYZ", "QQQ"}) == {"QQQ"}
    yyz = session.get(Airport, "YYZ")
    assert yyz is not None
    assert (yyz.country, yyz.tz) == ("CA", "America/Toronto")
    assert flights.ensure_airports(session, codes={"JFK"}) == set()
    assert session.scalar(select(Airport.iata).where(Airport.iata == "JFK")) == "JFK"


def test_carriers_come_from_the_built_in_table_with_country_and_size(session: Session) -> None:
    assert flights.ensure_carriers(session, codes={"PD", "WS", "ZZ"}) == {"ZZ"}
    porter, westjet = session.get(Carrier, "PD"), session.get(Carrier, "WS")
    assert porter is not None
    assert westjet is not None
    assert (porter.country, porter.size) == ("CA", "small")
    assert (westjet.country, westjet.size) == ("CA", "large")


def record(**overrides: object) -> flights.FlightRecord:
    values: dict[str, object] = {
        "carrier": "B6", "number": "1", "operating_date": date(2013, 2, 8), "origin": "JFK", "destination": "FLL",
        "scheduled_departure": datetime(2013, 2, 8, 12, tzinfo=UTC),
        "scheduled_arrival": datetime(2013, 2, 8, 15, tzinfo=UTC), "aircraft": "A320",
    }  # fmt: skip
    values.update(overrides)
    return flights.FlightRecord(**values)  # type: ignore[arg-type]


def test_an_empty_optional_field_keeps_the_stored_value(session: Session) -> None:
    flights.ensure_airports(session, codes={"JFK", "FLL"})
    flights.ensure_carriers(session, codes={"B6"})
    assert flights.upsert_flights(session, flights=[record(status="delayed")], now=NOW) == [Outcome.CREATED]
    assert flights.upsert_flights(session, flights=[record(aircraft=None)], now=NOW) == [Outcome.UNCHANGED]
    assert flights.upsert_flights(session, flights=[record(seats=150)], now=NOW) == [Outcome.UPDATED]
    stored = session.scalars(select(Flight)).one()
    session.refresh(stored)
    assert (stored.aircraft, stored.status, stored.seats) == ("A320", "delayed", 150)
    key = flights.FlightKey("B6", "1", date(2013, 2, 8))
    assert flights.find_flights(session, keys=[key])[key].id == stored.id
