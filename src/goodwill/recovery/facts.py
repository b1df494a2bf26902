"""What happened to a passenger's journey, and the facts the rules measure. Pure: no I/O.

A `Disruption` describes one event on one passenger's journey (the legs they booked, the event, its cause,
and what the airline did: a re-route, an alternate flight). `measure()` turns it into `Facts`: the plain
named values every rule's conditions read (arrival delay at the final destination, great-circle distance,
notice before a cancellation, tarmac minutes, bag delay, ...). The rules themselves are data
(`goodwill.recovery.policy`); what a word like "arrival delay" means is decided here, once, for all of them.

Definitions (and where they come from):
- arrival delay: minutes between the scheduled arrival at the final destination of the journey and the
  actual (or expected) arrival there; arrival is the door opening (EU C-452/13 Germanwings; APPR s.1).
  For a connection on one booking it is measured at the final destination (EU C-11/11 Folkerts; APPR
  s.19 "destination on the original ticket"). For a cancellation it is the re-route's arrival; for denied
  boarding, the alternate flight's.
- departure delay: minutes the disrupted flight left (or is expected to leave) after its schedule.
- wait: how long the passenger waits beyond a scheduled departure anywhere on the journey; for a missed
  connection, the wait for the onward flight. Care duties (EU261 Art 6, APPR s.14) follow the wait.
- distance: great circle from the journey's origin to its final destination (Art 7(1), 7(4)).
- notice: hours between telling passengers of a cancellation and the scheduled departure; negative when
  the flight was cancelled after its scheduled departure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from goodwill.flights.geo import EU261_AREA, UK, great_circle_km
from goodwill.kit.money import Money


class Event(StrEnum):
    DELAY = "delay"
    CANCELLATION = "cancellation"
    DIVERSION = "diversion"
    TARMAC_DELAY = "tarmac_delay"
    DENIED_BOARDING = "denied_boarding"
    BAG_DELAYED = "bag_delayed"


class CauseClass(StrEnum):
    CONTROLLABLE = "controllable"
    SAFETY = "safety"  # within the carrier's control but required for safety (APPR s.1)
    WEATHER = "weather"
    AIR_TRAFFIC_CONTROL = "air_traffic_control"
    EXTRAORDINARY = "extraordinary"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Place:
    iata: str
    country: str
    latitude: float
    longitude: float
    tz: str


@dataclass(frozen=True)
class Operator:
    """The operating carrier: home country, whether it is an EU or UK carrier, APPR size."""

    iata: str
    country: str
    size: str = "large"
    eu_carrier: bool | None = None  # None: decided from the home country
    uk_carrier: bool | None = None

    @property
    def is_eu(self) -> bool:
        return self.eu_carrier if self.eu_carrier is not None else self.country in EU261_AREA

    @property
    def is_uk(self) -> bool:
        return self.uk_carrier if self.uk_carrier is not None else self.country == UK


@dataclass(frozen=True)
class Leg:
    origin: Place
    destination: Place
    scheduled_departure: datetime
    scheduled_arrival: datetime


@dataclass(frozen=True)
class Disruption:
    """One event on one passenger's journey, with what the airline did about it."""

    event: Event
    cause: CauseClass
    carrier: Operator
    legs: tuple[Leg, ...]  # the journey as booked, in order
    disrupted_leg: int = 0  # index into legs
    # What actually happened (or is now expected). For a cancellation: the re-route; for denied
    # boarding: the alternate flight. None where not known (yet).
    actual_departure: datetime | None = None
    actual_arrival: datetime | None = None
    departure_delay_minutes: int | None = None  # when known without the instants
    arrival_delay_minutes: int | None = None
    onward_departure_delay_minutes: int | None = None  # missed connection: the wait for the onward flight
    missed_connection: bool = False
    notice_given_at: datetime | None = None  # when passengers were told (of a cancellation or a delay)
    notice_hours: float | None = None  # or the notice in hours when the instant is not known
    informed_hours_before_departure: float | None = None  # delay: how early passengers were told
    reroute_departs_minutes: int | None = None  # relative to the original departure (negative: earlier)
    reroute_arrives_minutes: int | None = None  # late versus the original arrival
    alternate_within_minutes: int | None = None  # when alternate transportation departs after the original
    tarmac_minutes: int | None = None
    tarmac_phase: str | None = None  # "departure" or "arrival"
    tarmac_airport: Place | None = None
    denied_at: Place | None = None
    voluntary: bool = False  # denied boarding: a volunteer
    overnight: bool | None = None  # explicit, else measured from the wait
    bag_delay_hours: float | None = None
    bag_report_filed: bool = False
    bag_fee_paid: Money | None = None
    fare_one_way: Money | None = None
    fare_round_trip: Money | None = None
    refund_chosen: bool = False  # APPR s.19(2): the passenger chose a refund instead of travel
    extra: Mapping[str, Any] = field(default_factory=dict)  # airline-specific facts (tier, wish, ...)


# The local night in which an overnight wait calls for a hotel (APPR s.14(2)): a wait that reaches into
# these hours. A wait ending at midnight is not overnight; one lasting until 03:00 is.
NIGHT_FROM = time(0, 0)
NIGHT_TO = time(5, 0)


def _minutes(later: datetime, earlier: datetime) -> int:
    return round((later - earlier).total_seconds() / 60)


def _local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def overnight_wait(start: datetime, end: datetime, tz: str) -> bool:
    """True when the wait from `start` to `end` reaches into the local night (NIGHT_FROM to NIGHT_TO)."""
    if end <= start:
        return False
    local_start, local_end = _local(start, tz), _local(end, tz)
    day = local_start.date()
    while day <= local_end.date():
        night_start = datetime.combine(day, NIGHT_FROM, local_start.tzinfo)
        night_end = datetime.combine(day, NIGHT_TO, local_start.tzinfo)
        if local_start < night_end and local_end > night_start:
            return True
        day += timedelta(days=1)
    return False


def distance_band(km: float, *, intra_eu: bool) -> str:
    """EU261 Art 7(1): a up to 1,500 km; b intra-Community over 1,500 km and others 1,500-3,500 km; c the rest."""
    if km <= 1500:
        return "a"
    if intra_eu or km <= 3500:
        return "b"
    return "c"


def distance_band_uk(km: float) -> str:
    """UK261 Art 7(1) as amended by SI 2019/278: a up to 1,500 km, b 1,500-3,500 km, c over 3,500 km."""
    if km <= 1500:
        return "a"
    if km <= 3500:
        return "b"
    return "c"


Facts = dict[str, Any]


def measure(d: Disruption) -> Facts:
    """The named facts every rule reads. A fact that cannot be known is left out (a rule needing it fails)."""
    facts = measure_journey(d)
    facts.update(personal_facts(d.fare_one_way, d.fare_round_trip, d.bag_fee_paid, d.extra))
    return facts


def personal_facts(
    fare_one_way: Money | None, fare_round_trip: Money | None, bag_fee_paid: Money | None, extra: Mapping[str, Any]
) -> Facts:
    """The facts of the person rather than the journey: what they paid, and the airline's own (tier, ...)."""
    money = {"bag_fee_paid": bag_fee_paid, "fare_one_way": fare_one_way, "fare_round_trip": fare_round_trip}
    facts: Facts = {name: value for name, value in money.items() if value is not None}
    facts.update(extra)
    return facts


def measure_journey(d: Disruption) -> Facts:
    """The facts of the disrupted journey, the same for everyone on it (all but `personal_facts`)."""
    first, last = d.legs[0], d.legs[-1]
    leg = d.legs[d.disrupted_leg]
    km = great_circle_km(
        first.origin.latitude, first.origin.longitude, last.destination.latitude, last.destination.longitude
    )
    countries = {first.origin.country, last.destination.country}
    intra_eu = all(c in EU261_AREA for c in countries)
    domestic = len(countries) == 1 and all(lg.origin.country == first.origin.country for lg in d.legs)
    facts: Facts = {
        "event": d.event.value,
        "cause": d.cause.value,
        "carrier": d.carrier.iata,
        "carrier_country": d.carrier.country,
        "carrier_eu": d.carrier.is_eu,
        "carrier_uk": d.carrier.is_uk,
        "carrier_size": d.carrier.size,
        "origin_country": first.origin.country,
        "destination_country": last.destination.country,
        "leg_origin_country": leg.origin.country,
        "distance_km": round(km, 1),
        "band": distance_band(km, intra_eu=intra_eu),
        "band_uk": distance_band_uk(km),
        "intra_eu": intra_eu,
        "domestic": domestic,
        "international": not domestic,
        "flight_date": _local(leg.scheduled_departure, leg.origin.tz).date(),
        "missed_connection": d.missed_connection,
        "voluntary": d.voluntary,
        "refund_chosen": d.refund_chosen,
        "bag_report_filed": d.bag_report_filed,
        "longest_leg_hours": max(
            (lg.scheduled_arrival - lg.scheduled_departure).total_seconds() / 3600 for lg in d.legs
        ),
    }
    departure_delay = d.departure_delay_minutes
    if departure_delay is None and d.actual_departure is not None and d.event is not Event.CANCELLATION:
        departure_delay = _minutes(d.actual_departure, leg.scheduled_departure)
    arrival_delay = d.arrival_delay_minutes
    if arrival_delay is None and d.actual_arrival is not None:
        arrival_delay = _minutes(d.actual_arrival, last.scheduled_arrival)
    if d.event is Event.CANCELLATION and arrival_delay is None and d.reroute_arrives_minutes is not None:
        arrival_delay = d.reroute_arrives_minutes
    if departure_delay is not None:
        facts["departure_delay_minutes"] = departure_delay
    if arrival_delay is not None:
        facts["arrival_delay_minutes"] = arrival_delay
    # The wait beyond a scheduled departure: the flight's own delay, the re-route's later departure, or for
    # a missed connection the onward flight's (estimated by the arrival delay when the legs are not known).
    waits = [departure_delay or 0]
    if d.event is Event.CANCELLATION and d.reroute_departs_minutes is not None:
        waits.append(d.reroute_departs_minutes)
    if d.missed_connection:
        waits.append(
            d.onward_departure_delay_minutes if d.onward_departure_delay_minutes is not None else arrival_delay or 0
        )
    facts["wait_minutes"] = max(waits)
    expected_departure = leg.scheduled_departure + timedelta(minutes=facts["wait_minutes"])
    if d.actual_departure is not None and not d.missed_connection:
        expected_departure = max(expected_departure, d.actual_departure)
    facts["next_day"] = (
        _local(expected_departure, leg.origin.tz).date() > _local(leg.scheduled_departure, leg.origin.tz).date()
    )
    facts["overnight"] = (
        d.overnight
        if d.overnight is not None
        else overnight_wait(leg.scheduled_departure, expected_departure, leg.origin.tz)
    )
    notice = d.notice_hours
    if notice is None and d.notice_given_at is not None:
        notice = (leg.scheduled_departure - d.notice_given_at).total_seconds() / 3600
    if notice is not None:
        facts["notice_hours"] = notice
        facts["notice_days"] = notice / 24
    if d.informed_hours_before_departure is not None:
        facts["informed_hours"] = d.informed_hours_before_departure
    elif d.notice_given_at is not None and d.event is not Event.CANCELLATION:
        facts["informed_hours"] = (leg.scheduled_departure - d.notice_given_at).total_seconds() / 3600
    elif d.event in (Event.DENIED_BOARDING, Event.TARMAC_DELAY):
        facts["informed_hours"] = 0.0  # told at the gate or on board
    if d.reroute_departs_minutes is not None:
        facts["reroute_departs_minutes"] = d.reroute_departs_minutes
    if d.reroute_arrives_minutes is not None:
        facts["reroute_arrives_minutes"] = d.reroute_arrives_minutes
    if d.alternate_within_minutes is not None:
        facts["alternate_within_1h"] = d.alternate_within_minutes <= 60
    elif d.reroute_departs_minutes is not None:
        facts["alternate_within_1h"] = d.reroute_departs_minutes <= 60
    if d.tarmac_minutes is not None:
        facts["tarmac_minutes"] = d.tarmac_minutes
        facts["tarmac_phase"] = d.tarmac_phase or "departure"
        where = d.tarmac_airport or (leg.destination if d.tarmac_phase == "arrival" else leg.origin)
        facts["tarmac_country"] = where.country
    if d.event is Event.DENIED_BOARDING:
        facts["denied_at_country"] = (d.denied_at or leg.origin).country
    if d.bag_delay_hours is not None:
        facts["bag_delay_hours"] = d.bag_delay_hours
    return facts


def local_date(instant: datetime, tz: str) -> date:
    return _local(instant, tz).date()
