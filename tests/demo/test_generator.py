"""The demo airline generator: deterministic, valid, and shaped like a real airline's customers."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from goodwill.demo.generator import DemoAirline, Tally, tier_for, top_share
from goodwill.demo.network import FlightTable
from goodwill.demo.schedule import Network, load_network
from goodwill.imports.rows import BookingRow, FlightRow, Occasion, PassengerRow

PASSENGERS = 3000
TIER_ORDER = ["none", "silver", "gold", "platinum"]


@dataclass
class Demo:
    airline: DemoAirline
    flights: list[dict[str, Any]]
    passengers: list[dict[str, Any]]
    bookings: list[dict[str, Any]]
    passenger_tally: Tally
    booking_tally: Tally


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network()


@pytest.fixture(scope="module")
def demo(network: Network) -> Demo:
    airline = DemoAirline(network, seed=42, passengers=PASSENGERS)
    passenger_tally, booking_tally = Tally(), Tally()
    return Demo(
        airline=airline,
        flights=list(airline.flight_rows()),
        passengers=list(airline.passenger_rows(passenger_tally)),
        bookings=list(airline.booking_rows(booking_tally)),
        passenger_tally=passenger_tally,
        booking_tally=booking_tally,
    )


def _key(row: dict[str, Any]) -> str:
    """The passenger a booking row is for: loyalty number, else email."""
    return str(row.get("passenger_loyalty_number") or row["passenger_email"])


def _passenger_key(row: dict[str, Any]) -> str:
    return str(row.get("loyalty_number") or row["email"])


def _revenue(bookings: list[dict[str, Any]]) -> dict[str, int]:
    """Revenue per passenger in cents: fare_paid counted once per passenger per PNR."""
    seen: set[tuple[str, str]] = set()
    revenue: Counter[str] = Counter()
    for row in bookings:
        key = (row["pnr"], _key(row))
        if key not in seen:
            seen.add(key)
            revenue[key[1]] += int(row["fare_paid"].replace(".", ""))
    return dict(revenue)


def _journeys(bookings: list[dict[str, Any]]) -> dict[tuple[str, str, int], list[dict[str, Any]]]:
    journeys: dict[tuple[str, str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in bookings:
        journeys[(row["pnr"], _key(row), row["journey"])].append(row)
    return journeys


class TestDeterminism:
    def test_the_same_seed_gives_identical_rows(self, network: Network) -> None:
        first = DemoAirline(network, seed=7, passengers=1000)
        second = DemoAirline(network, seed=7, passengers=1000)
        assert list(first.passenger_rows()) == list(second.passenger_rows())
        assert list(first.booking_rows()) == list(second.booking_rows())
        assert list(first.flight_rows()) == list(second.flight_rows())

    def test_replaying_the_same_airline_gives_identical_rows(self, demo: Demo) -> None:
        assert list(demo.airline.passenger_rows()) == demo.passengers
        assert list(demo.airline.booking_rows()) == demo.bookings

    def test_a_bigger_airline_with_the_same_seed_extends_the_smaller_one(self, network: Network) -> None:
        small, big = (DemoAirline(network, seed=7, passengers=n) for n in (1000, 2000))
        small_passengers, big_passengers = list(small.passenger_rows()), list(big.passenger_rows())
        assert big_passengers[:996] == small_passengers[:996]  # all but the last household, which may be cut short
        last = {_passenger_key(p) for p in small_passengers[996:]}
        small_bookings, big_bookings = list(small.booking_rows()), list(big.booking_rows())
        cut = next(i for i, row in enumerate(small_bookings) if _key(row) in last)
        assert cut > 0.9 * len(small_bookings)
        assert big_bookings[:cut] == small_bookings[:cut]

    def test_a_different_seed_gives_different_passengers_and_bookings(self, network: Network) -> None:
        first = DemoAirline(network, seed=7, passengers=1000)
        other = DemoAirline(network, seed=8, passengers=1000)
        assert list(first.passenger_rows()) != list(other.passenger_rows())
        assert list(first.booking_rows()) != list(other.booking_rows())


class TestRows:
    def test_every_flight_row_validates_against_the_import_schema(self, demo: Demo) -> None:
        for row in demo.flights:
            FlightRow.model_validate(row)

    def test_every_passenger_row_validates_against_the_import_schema(self, demo: Demo) -> None:
        for row in demo.passengers:
            PassengerRow.model_validate(row)

    def test_every_booking_row_validates_against_the_import_schema(self, demo: Demo) -> None:
        for row in demo.bookings:
            BookingRow.model_validate(row)

    def test_exactly_the_requested_number_of_passengers_is_built(self, demo: Demo) -> None:
        assert len(demo.passengers) == PASSENGERS
        assert demo.passenger_tally.passengers == PASSENGERS

    def test_every_booked_passenger_is_a_known_passenger(self, demo: Demo) -> None:
        known = {_passenger_key(p) for p in demo.passengers}
        assert {_key(b) for b in demo.bookings} <= known

    def test_the_tallies_count_what_the_rows_hold(self, demo: Demo) -> None:
        assert demo.booking_tally.booking_rows == len(demo.bookings)
        assert demo.passenger_tally.expected_booking_rows == len(demo.bookings)
        assert demo.booking_tally.bookings == len({b["pnr"] for b in demo.bookings})


class TestFlights:
    def test_times_carry_utc_offsets_and_arrival_follows_departure(self, demo: Demo) -> None:
        for row in demo.flights:
            departure = datetime.fromisoformat(row["scheduled_departure"])
            arrival = datetime.fromisoformat(row["scheduled_arrival"])
            assert departure.utcoffset() is not None
            assert arrival.utcoffset() is not None
            assert timedelta(minutes=40) <= arrival - departure <= timedelta(hours=7)

    def test_local_offsets_follow_each_airports_time_zone(self, demo: Demo) -> None:
        offsets = {
            (row["origin"], row["scheduled_departure"][-6:])
            for row in demo.flights
            if row["operating_date"] == "2013-07-01"
        }
        assert ("JFK", "-04:00") in offsets  # daylight saving time in New York
        assert ("LAX", "-07:00") in offsets
        assert ("SJU", "-04:00") in offsets  # Puerto Rico keeps standard time
        assert ("PHX", "-07:00") in offsets  # so does Arizona

    def test_overnight_flights_arrive_on_the_next_local_day(self, demo: Demo) -> None:
        overnight = [r for r in demo.flights if r["scheduled_arrival"][:10] > r["scheduled_departure"][:10]]
        assert overnight
        assert all(r["scheduled_departure"][:10] == r["operating_date"] for r in overnight)

    def test_no_flight_number_is_used_twice_on_a_date(self, demo: Demo) -> None:
        keys = Counter((r["number"], r["operating_date"]) for r in demo.flights)
        assert keys.most_common(1)[0][1] == 1

    def test_every_real_departure_from_new_york_has_one_return(self, network: Network) -> None:
        table = FlightTable(network, start=date(2013, 1, 1), end=date(2014, 1, 1))  # late returns of 31 December
        real = Counter((f.origin, f.destination) for f in table.flights if not f.synthesised)
        returns = Counter((f.destination, f.origin) for f in table.flights if f.synthesised)
        assert sum(real.values()) == len(network.flights)
        assert returns == real

    def test_real_cancellations_are_kept_and_a_cancelled_outbound_cancels_its_return(self, demo: Demo) -> None:
        storm = [r for r in demo.flights if r["operating_date"] == "2013-02-09" and r["origin"] == "JFK"]
        cancelled = [r for r in storm if r["status"] == "cancelled"]
        assert len(cancelled) / len(storm) > 0.4  # the blizzard of 8-9 February 2013
        returns = [r for r in demo.flights if r["destination"] == "JFK" and r["operating_date"] == "2013-02-09"]
        assert sum(r["status"] == "cancelled" for r in returns) > 0.4 * len(returns)

    def test_flights_carry_an_aircraft_and_its_seats(self, demo: Demo) -> None:
        assert {(r["aircraft"], r["seats"]) for r in demo.flights} == {("E190", 100), ("A320", 150), ("A321", 190)}


class TestPassengers:
    def test_top_20_percent_of_passengers_bring_about_80_percent_of_revenue(self, demo: Demo) -> None:
        revenue = _revenue(demo.bookings)
        revenues = [revenue.get(_passenger_key(p), 0) for p in demo.passengers]
        share = top_share(revenues)
        assert 0.70 <= share <= 0.90
        assert share == pytest.approx(demo.passenger_tally.top20_share)

    def test_tiers_follow_revenue(self, demo: Demo) -> None:
        revenue = _revenue(demo.bookings)
        by_tier: dict[str, list[int]] = defaultdict(list)
        for p in demo.passengers:
            if p.get("loyalty_number"):
                by_tier[p["tier"]].append(revenue.get(_passenger_key(p), 0))
            else:
                assert p["tier"] == "none"
        assert set(by_tier) == set(TIER_ORDER)
        for lower, higher in itertools.pairwise(TIER_ORDER):
            assert max(by_tier[lower]) < min(by_tier[higher])

    def test_tier_for_refuses_tiers_outside_the_programme(self) -> None:
        thresholds = [("platinum", 15_000), ("gold", 5_000), ("silver", 1_500)]
        assert tier_for(2_000_000, member=False, thresholds=thresholds) == "none"
        assert tier_for(1_499_99, member=True, thresholds=thresholds) == "none"
        assert tier_for(1_500_00, member=True, thresholds=thresholds) == "silver"
        assert tier_for(15_000_00, member=True, thresholds=thresholds) == "platinum"

    def test_several_languages_with_names_typical_of_them(self, demo: Demo) -> None:
        languages = Counter(p["language"] for p in demo.passengers)
        assert {"en", "es", "fr", "pt"} <= set(languages)
        assert languages["en"] < 0.8 * PASSENGERS
        spanish = {p["last_name"] for p in demo.passengers if p["language"] == "es"}
        assert spanish & {"García", "Rodríguez", "Hernández", "López", "Pérez"}
        assert {b["passenger_language"] for b in demo.bookings} == set(languages)

    def test_wishes_are_tied_to_a_trip_of_the_passenger(self, demo: Demo) -> None:
        wishes = [p for p in demo.passengers if p.get("wish")]
        occasions = Counter(p["wish_occasion"] for p in wishes)
        assert {"honeymoon", "first_flight", "funeral", "wedding", "birthday"} <= set(occasions)
        assert set(occasions) <= {o.value for o in Occasion}
        departures = defaultdict(set)
        for row in demo.bookings:
            if row["segment"] == 1:
                departures[_key(row)].add(row["flight_date"])
        for p in wishes:
            assert p["wish_date"] in departures[_passenger_key(p)]

    def test_wishes_speak_the_passengers_language(self, demo: Demo) -> None:
        texts = {(p["language"], p["wish"]) for p in demo.passengers if p.get("wish")}
        assert ("en", "honeymoon") in texts or ("es", "luna de miel") in texts
        first_flights = {t for lang, t in texts if t.startswith(("first flight with our", "primer vuelo con"))}
        assert first_flights
        weddings = [t for lang, t in texts if lang == "en" and t.startswith("wedding in ")]
        assert weddings

    def test_a_birthday_wish_falls_on_the_passengers_birthday_trip(self, demo: Demo) -> None:
        for p in demo.passengers:
            if p.get("wish_occasion") == "birthday":
                born, trip = date.fromisoformat(p["date_of_birth"]), date.fromisoformat(p["wish_date"])
                birthday = born.replace(year=trip.year)
                assert timedelta(0) <= birthday - trip <= timedelta(days=3)
                assert trip.year - born.year in (30, 40, 50, 60, 70)

    def test_identities_are_unique(self, demo: Demo) -> None:
        for field in ("loyalty_number", "email", "phone", "social_handle"):
            values = [p[field] for p in demo.passengers if p.get(field)]
            assert values, field
            assert len(values) == len(set(values)), field

    def test_contact_details_are_fictional(self, demo: Demo) -> None:
        for p in demo.passengers:
            if p.get("email"):
                assert re.fullmatch(r"[a-z.]+\d+@(mail\.|inbox\.)?example\.(com|org|net)", p["email"]), p["email"]
            if p.get("phone"):
                assert re.fullmatch(r"\+1[2-9]\d\d55501\d\d", p["phone"]), p["phone"]

    def test_consents_preferences_and_dates_of_birth_are_given_for_some(self, demo: Demo) -> None:
        assert {p.get("consent_email") for p in demo.passengers} >= {True, False}
        assert any(p.get("consent_sms") for p in demo.passengers)
        assert {p["preferences"]["seat"] for p in demo.passengers} >= {"window", "aisle"}
        assert any("meal" in p["preferences"] for p in demo.passengers)
        with_birth = sum(1 for p in demo.passengers if p.get("date_of_birth"))
        assert 0.2 * PASSENGERS < with_birth < 0.8 * PASSENGERS


class TestBookings:
    def test_pnrs_are_unique_six_character_codes_with_one_to_four_passengers(self, demo: Demo) -> None:
        party: dict[str, set[str]] = defaultdict(set)
        for row in demo.bookings:
            assert re.fullmatch(r"[A-Z2-9]{6}", row["pnr"])
            party[row["pnr"]].add(_key(row))
        sizes = Counter(len(p) for p in party.values())
        assert set(sizes) == {1, 2, 3, 4}
        assert len(party) == demo.booking_tally.bookings

    def test_every_trip_is_a_round_trip(self, demo: Demo) -> None:
        journeys = _journeys(demo.bookings)
        for (pnr, passenger, journey), rows in journeys.items():
            if journey == 1:
                back = journeys[(pnr, passenger, 2)]
                assert rows[0]["origin"] == back[-1]["destination"]
                assert rows[-1]["destination"] == back[0]["origin"]

    def test_connections_through_new_york_with_layovers_of_one_to_six_hours(self, demo: Demo) -> None:
        times = {
            (r["number"], r["operating_date"]): (
                datetime.fromisoformat(r["scheduled_departure"]),
                datetime.fromisoformat(r["scheduled_arrival"]),
            )
            for r in demo.flights
        }
        connections = [rows for rows in _journeys(demo.bookings).values() if len(rows) == 2]
        assert len(connections) > 100
        for first, second in connections:
            assert first["destination"] == second["origin"] == "JFK"
            landed = times[(first["flight_number"], first["flight_date"])][1]
            leaves = times[(second["flight_number"], second["flight_date"])][0]
            assert timedelta(hours=1) <= leaves - landed <= timedelta(hours=6)

    def test_the_way_back_leaves_after_the_way_out_lands(self, demo: Demo) -> None:
        times = {(r["number"], r["operating_date"]): r for r in demo.flights}
        journeys = _journeys(demo.bookings)
        for (pnr, passenger, journey), rows in journeys.items():
            if journey == 1:
                out = times[(rows[-1]["flight_number"], rows[-1]["flight_date"])]
                back_rows = journeys[(pnr, passenger, 2)]
                back = times[(back_rows[0]["flight_number"], back_rows[0]["flight_date"])]
                assert datetime.fromisoformat(back["scheduled_departure"]) > datetime.fromisoformat(
                    out["scheduled_arrival"]
                )

    def test_booked_before_departure(self, demo: Demo) -> None:
        departures = {(r["number"], r["operating_date"]): r["scheduled_departure"] for r in demo.flights}
        for row in demo.bookings:
            if row["segment"] == 1:
                booked = datetime.fromisoformat(row["booked_at"])
                assert booked.utcoffset() is not None
                assert booked < datetime.fromisoformat(departures[(row["flight_number"], row["flight_date"])])

    def test_about_seventy_percent_direct_and_thirty_percent_agency(self, demo: Demo) -> None:
        channels = {r["pnr"]: (r["booking_channel"], r.get("agency_code")) for r in demo.bookings}
        agency = [code for channel, code in channels.values() if channel == "agency"]
        assert 0.2 <= len(agency) / len(channels) <= 0.4
        assert all(code and code.isdigit() for code in agency)
        assert all(code is None for channel, code in channels.values() if channel == "direct")

    def test_no_flight_carries_more_passengers_than_its_seats(self, demo: Demo) -> None:
        seats = {(r["number"], r["operating_date"]): r["seats"] for r in demo.flights}
        load = Counter((r["flight_number"], r["flight_date"]) for r in demo.bookings if r["passenger_type"] != "infant")
        assert all(n <= seats[key] for key, n in load.items())

    def test_fares_grow_with_distance(self, demo: Demo) -> None:
        fares: dict[str, list[float]] = defaultdict(list)
        for row in demo.bookings:
            if row["segment"] == 1 and row["cabin"] == "economy" and row["passenger_type"] == "adult":
                fares[row["destination"]].append(float(row["fare_paid"]))
        median = {k: sorted(v)[len(v) // 2] for k, v in fares.items() if len(v) >= 10}
        assert median["BOS"] < median["FLL"] < median["LAX"]

    def test_families_children_infants_and_a_few_unaccompanied_minors(self, demo: Demo) -> None:
        types = Counter(r["passenger_type"] for r in demo.bookings)
        assert types["child"]
        assert types["infant"]
        assert all(float(r["fare_paid"]) == 0 for r in demo.bookings if r["passenger_type"] == "infant")
        minors = {r["pnr"] for r in demo.bookings if r["unaccompanied_minor"]}
        assert 0 < len(minors) < 0.02 * demo.booking_tally.bookings
        for pnr in minors:
            rows = [r for r in demo.bookings if r["pnr"] == pnr]
            assert len({_key(r) for r in rows}) == 1
            assert {r["passenger_type"] for r in rows} == {"child"}
            assert {r["booking_channel"] for r in rows} == {"direct"}

    def test_some_passengers_check_bags_with_unique_tags(self, demo: Demo) -> None:
        tags = [t for r in demo.bookings if r.get("bag_tags") for t in r["bag_tags"].split(";")]
        assert len(tags) > 0.1 * len({r["pnr"] for r in demo.bookings})
        assert len(tags) == len(set(tags))

    def test_tickets_are_unique_per_passenger_and_booking(self, demo: Demo) -> None:
        tickets = {(r["pnr"], _key(r)): r["ticket_number"] for r in demo.bookings}
        assert len(set(tickets.values())) == len(tickets)
        assert all(re.fullmatch(r"279\d{10}", t) for t in tickets.values())


class TestWindow:
    def test_a_shorter_window_keeps_every_flight_and_trip_inside_it(self, network: Network) -> None:
        airline = DemoAirline(network, seed=3, passengers=1000, start=date(2013, 2, 1), end=date(2013, 2, 28))
        flights = list(airline.flight_rows())
        assert {r["operating_date"][:7] for r in flights} == {"2013-02"}
        assert {r["flight_date"][:7] for r in airline.booking_rows()} == {"2013-02"}

    def test_a_window_outside_the_schedule_is_refused(self, network: Network) -> None:
        with pytest.raises(ValueError, match="within the schedule, 2013-01-01 to 2013-12-31"):
            DemoAirline(network, seed=1, passengers=1000, start=date(2013, 12, 1), end=date(2014, 1, 31))
