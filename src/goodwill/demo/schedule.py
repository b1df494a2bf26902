"""The demo airline's schedule: the real 2013 JetBlue departures from New York, shipped in the package.

`jetblue_2013.csv.gz` is built from the CC0 nycflights13 data by scripts/build_demo_schedule.py and keeps the
real delays and cancellations (times are local hhmm; a missing dep_time means cancelled). `load_network()`
opens it and looks up the airports (time zone, position, city) in airportsdata; `parse_schedule` is pure.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

SCHEDULE_FILE = "jetblue_2013.csv.gz"


@dataclass(frozen=True, slots=True)
class ScheduledFlight:
    """One real departure: scheduled local times as hhmm, with what really happened."""

    operating_date: date
    carrier: str
    number: int
    tail_number: str | None
    origin: str
    destination: str
    scheduled_departure: int  # local hhmm at the origin
    scheduled_arrival: int  # local hhmm at the destination (may be on the next day)
    departure_delay: int | None  # minutes; None when cancelled
    arrival_delay: int | None  # minutes; None when cancelled or diverted
    distance: int  # statute miles

    @property
    def cancelled(self) -> bool:
        return self.departure_delay is None

    @property
    def diverted(self) -> bool:
        return self.departure_delay is not None and self.arrival_delay is None


@dataclass(frozen=True, slots=True)
class AirportInfo:
    iata: str
    name: str
    city: str
    country: str
    tz: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Network:
    """The schedule and every airport it serves."""

    flights: tuple[ScheduledFlight, ...]
    airports: dict[str, AirportInfo]


def _int(value: str) -> int | None:
    return int(value) if value else None


def parse_schedule(lines: Iterable[str]) -> list[ScheduledFlight]:
    """Parse the packaged CSV (header included); a missing dep_time marks a cancelled flight."""
    flights: list[ScheduledFlight] = []
    for row in csv.DictReader(lines):
        cancelled = not row["dep_time"]
        flights.append(
            ScheduledFlight(
                operating_date=date(int(row["year"]), int(row["month"]), int(row["day"])),
                carrier=row["carrier"],
                number=int(row["flight"]),
                tail_number=row["tailnum"] or None,
                origin=row["origin"],
                destination=row["dest"],
                scheduled_departure=int(row["sched_dep_time"]),
                scheduled_arrival=int(row["sched_arr_time"]),
                departure_delay=None if cancelled else _int(row["dep_delay"]),
                arrival_delay=None
                if cancelled or not row["arr_time"] or not row["air_time"]
                else _int(row["arr_delay"]),
                distance=int(row["distance"]),
            )
        )
    return flights


def airports_for(codes: Iterable[str]) -> dict[str, AirportInfo]:
    """Airport facts from the airportsdata package (IATA codes it does not know are an error)."""
    import airportsdata

    table = airportsdata.load("IATA")
    found: dict[str, AirportInfo] = {}
    for code in sorted(set(codes)):
        entry = table[code]
        found[code] = AirportInfo(
            iata=code,
            name=str(entry["name"]),
            city=str(entry["city"]),
            country=str(entry["country"]),
            tz=str(entry["tz"]),
            latitude=float(entry["lat"]),
            longitude=float(entry["lon"]),
        )
    return found


def read_schedule_text() -> str:
    """The packaged schedule as text (it ships inside the wheel, next to its licence)."""
    data = resources.files("goodwill.demo").joinpath("data", SCHEDULE_FILE).read_bytes()
    return gzip.decompress(data).decode("utf-8")


@lru_cache(maxsize=1)
def load_network() -> Network:
    """The real 2013 JetBlue schedule from New York and its airports (parsed once per process)."""
    flights: Sequence[ScheduledFlight] = parse_schedule(io.StringIO(read_schedule_text()))
    codes = {f.origin for f in flights} | {f.destination for f in flights}
    return Network(flights=tuple(flights), airports=airports_for(codes))
