"""The demo airline's flights, pure: the real departures from New York plus a synthesised return for each.

The real data only holds departures from JFK, LGA and EWR. Each one gets a return flight: the same aircraft
type turns around at the destination after a scheduled turn time and flies back to the same New York airport,
so trips are round trips and connections through New York exist (BOS→JFK→FLL). A return's flight number is
the real number plus one, or the next free one, never a number already flown on that date. Its outcome
follows the outbound: an outbound that was cancelled or diverted leaves no aircraft to fly back (cancelled);
otherwise a late aircraft departs late, and the block time keeps the outbound's deviation.

Times are aware datetimes in UTC internally; rows carry local times with the airport's UTC offset.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from goodwill.demo.schedule import AirportInfo, Network, ScheduledFlight

NEW_YORK = ("JFK", "LGA", "EWR")
SEATS = {"E190": 100, "A320": 150, "A321": 190}
TURN_MINUTES = {"E190": 35, "A320": 45, "A321": 50}  # scheduled turn at an outstation
MIN_TURN_MINUTES = {"E190": 25, "A320": 30, "A321": 35}  # fastest turn when the aircraft arrives late
WESTBOUND_WIND = 0.08  # share of block time an eastbound return saves on a long westbound route
MAX_FLIGHT_NUMBER = 9999


def aircraft_for(tail_number: str | None) -> str:
    """JetBlue's 2013 registrations: N1xxJB-N3xxJB Embraer 190, N9xxJB A321, the rest A320."""
    if tail_number and len(tail_number) >= 4 and tail_number[1:4].isdigit():
        hundreds = int(tail_number[1])
        if 1 <= hundreds <= 3:
            return "E190"
        if hundreds == 9:
            return "A321"
    return "A320"


@dataclass(frozen=True, slots=True)
class NetworkFlight:
    carrier: str
    number: int
    operating_date: date
    origin: str
    destination: str
    departure: datetime  # UTC
    arrival: datetime  # UTC
    aircraft: str
    seats: int
    tail_number: str | None
    distance: int
    status: str  # arrived, cancelled or diverted: what really happened (or follows from it)
    actual_departure: datetime | None
    actual_arrival: datetime | None
    synthesised: bool


def _local(day: date, hhmm: int, tz: ZoneInfo) -> datetime:
    extra, hhmm = divmod(hhmm, 2400)
    day += timedelta(days=extra)
    return datetime(day.year, day.month, day.day, hhmm // 100, hhmm % 100, tzinfo=tz).astimezone(UTC)


def _round_up(moment: datetime, minutes: int = 5) -> datetime:
    remainder = (moment.minute % minutes) * 60 + moment.second
    return moment if remainder == 0 else moment + timedelta(seconds=minutes * 60 - remainder)


class FlightTable:
    """Every flight of the network, sorted by departure, with lookups by route and date."""

    def __init__(self, network: Network, *, start: date, end: date) -> None:
        self.airports: dict[str, AirportInfo] = network.airports
        self.zones: dict[str, ZoneInfo] = {code: ZoneInfo(a.tz) for code, a in network.airports.items()}
        everything = _all_flights(network.flights, tuple(sorted(network.airports.items())))
        self.flights: list[NetworkFlight] = [f for f in everything if start <= f.operating_date <= end]
        # (origin, destination) -> day ordinal -> flight indices by departure
        self.by_route_day: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for index, flight in enumerate(self.flights):
            self.by_route_day[(flight.origin, flight.destination)][flight.operating_date.toordinal()].append(index)
        self.route_days: dict[tuple[str, str], list[int]] = {
            route: sorted(days) for route, days in self.by_route_day.items()
        }
        # Scheduled times as whole minutes since the epoch: the generator compares millions of them.
        self.departure_minutes = [int(f.departure.timestamp()) // 60 for f in self.flights]
        self.arrival_minutes = [int(f.arrival.timestamp()) // 60 for f in self.flights]

    def route_count(self, origin: str, destination: str) -> int:
        return sum(len(v) for v in self.by_route_day.get((origin, destination), {}).values())

    def on(self, origin: str, destination: str, day: int) -> Sequence[int]:
        route = self.by_route_day.get((origin, destination))
        if route is None:
            return ()
        return route.get(day, ())

    def nearest_day(self, origin: str, destination: str, day: int) -> int | None:
        """The operating day of the route closest to `day` (on or after it when tied)."""
        days = self.route_days.get((origin, destination))
        if not days:
            return None
        at = bisect.bisect_left(days, day)
        candidates = days[max(0, at - 1) : at + 1]
        return min(candidates, key=lambda d: (abs(d - day), d < day))

    def local(self, code: str, moment: datetime) -> datetime:
        return moment.astimezone(self.zones[code])

    def rows(self, *, outcomes: bool = True) -> Iterator[dict[str, Any]]:
        """FlightRow dicts, in departure order. Without outcomes every flight is just scheduled."""
        for f in self.flights:
            yield flight_row(self, f, outcomes=outcomes)


def flight_row(table: FlightTable, f: NetworkFlight, *, outcomes: bool = True) -> dict[str, Any]:
    actual_dep = f.actual_departure if outcomes else None
    actual_arr = f.actual_arrival if outcomes else None
    return {
        "carrier": f.carrier,
        "number": str(f.number),
        "operating_date": f.operating_date.isoformat(),
        "origin": f.origin,
        "destination": f.destination,
        "scheduled_departure": table.local(f.origin, f.departure).isoformat(),
        "scheduled_arrival": table.local(f.destination, f.arrival).isoformat(),
        "actual_departure": None if actual_dep is None else table.local(f.origin, actual_dep).isoformat(),
        "actual_arrival": None if actual_arr is None else table.local(f.destination, actual_arr).isoformat(),
        "aircraft": f.aircraft,
        "tail_number": f.tail_number,
        "seats": f.seats,
        "status": f.status if outcomes else "scheduled",
    }


@lru_cache(maxsize=2)
def _all_flights(
    schedule: tuple[ScheduledFlight, ...], airports: tuple[tuple[str, AirportInfo], ...]
) -> tuple[NetworkFlight, ...]:
    """The whole network of a schedule, built once per process (windows are cut from it)."""
    table = dict(airports)
    return tuple(build_flights(schedule, table, {code: ZoneInfo(a.tz) for code, a in table.items()}))


def build_flights(
    schedule: Sequence[ScheduledFlight], airports: dict[str, AirportInfo], zones: dict[str, ZoneInfo]
) -> list[NetworkFlight]:
    """The real flights and their synthesised returns, sorted by departure then flight number."""
    real: list[NetworkFlight] = []
    taken: dict[date, set[int]] = defaultdict(set)
    for s in schedule:
        departure = _local(s.operating_date, s.scheduled_departure, zones[s.origin])
        arrival = _local(s.operating_date, s.scheduled_arrival, zones[s.destination])
        if arrival <= departure:  # overnight: the arrival clock time is on the next local day
            arrival = _local(s.operating_date + timedelta(days=1), s.scheduled_arrival, zones[s.destination])
        aircraft = aircraft_for(s.tail_number)
        actual_dep = actual_arr = None
        status = "cancelled" if s.cancelled else "diverted" if s.diverted else "arrived"
        if s.departure_delay is not None:
            actual_dep = departure + timedelta(minutes=s.departure_delay)
            if s.arrival_delay is not None:
                actual_arr = max(arrival + timedelta(minutes=s.arrival_delay), actual_dep + timedelta(minutes=15))
        real.append(
            NetworkFlight(
                carrier=s.carrier,
                number=s.number,
                operating_date=s.operating_date,
                origin=s.origin,
                destination=s.destination,
                departure=departure,
                arrival=arrival,
                aircraft=aircraft,
                seats=SEATS[aircraft],
                tail_number=s.tail_number,
                distance=s.distance,
                status=status,
                actual_departure=actual_dep,
                actual_arrival=actual_arr,
                synthesised=False,
            )
        )
        taken[s.operating_date].add(s.number)
    real.sort(key=lambda f: (f.departure, f.number))
    returns = [_return_of(f, airports, zones, taken) for f in real]
    everything = real + returns
    everything.sort(key=lambda f: (f.departure, f.carrier, f.number))
    return everything


def _return_of(
    out: NetworkFlight, airports: dict[str, AirportInfo], zones: dict[str, ZoneInfo], taken: dict[date, set[int]]
) -> NetworkFlight:
    block = out.arrival - out.departure
    if airports[out.destination].longitude < airports[out.origin].longitude - 10:
        block -= timedelta(minutes=5 * round(block.total_seconds() / 60 * WESTBOUND_WIND / 5))
    departure = _round_up(out.arrival + timedelta(minutes=TURN_MINUTES[out.aircraft]))
    arrival = departure + block
    operating_date = departure.astimezone(zones[out.destination]).date()
    number = _free_number(out.number + 1, taken[operating_date])
    status, actual_dep, actual_arr = "cancelled", None, None
    if out.status == "arrived" and out.actual_departure is not None and out.actual_arrival is not None:
        status = "arrived"
        ready = out.actual_arrival + timedelta(minutes=MIN_TURN_MINUTES[out.aircraft])
        actual_dep = max(departure, ready)
        deviation = (out.actual_arrival - out.actual_departure) - (out.arrival - out.departure)
        actual_arr = actual_dep + max(block + deviation, timedelta(minutes=20))
    return NetworkFlight(
        carrier=out.carrier,
        number=number,
        operating_date=operating_date,
        origin=out.destination,
        destination=out.origin,
        departure=departure,
        arrival=arrival,
        aircraft=out.aircraft,
        seats=out.seats,
        tail_number=None,  # which aircraft flew it is not known
        distance=out.distance,
        status=status,
        actual_departure=actual_dep,
        actual_arrival=actual_arr,
        synthesised=True,
    )


def _free_number(candidate: int, taken: set[int]) -> int:
    """The first number from `candidate` on (wrapping within 1..9999) not yet flown that day; reserves it."""
    for _ in range(MAX_FLIGHT_NUMBER):
        if candidate > MAX_FLIGHT_NUMBER:
            candidate = 1
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        candidate += 1
    raise ValueError("no free flight number left on this date")
