"""The demo airline's passengers and bookings, pure and deterministic: the same seed, passenger count and
window give the same rows, byte for byte. Randomness comes only from `random.Random` instances seeded from
the seed (never the global generator, never the clock); households are generated one after another, so a
million passengers stream without being held in memory.

The airline is a simulation, played once for the passenger rows (whose tier depends on what they flew) and
once more, identically, for the booking rows:

- Households of one to four people (solo travellers, couples, families with children and infants) share a
  language and a home airport: New York, or a city the airline flies to.
- A minority are frequent flyers who commute on a few business routes many times a year, late-booked and
  often in the extra-legroom cabin; everybody else takes one to a few leisure trips. Their fares make revenue
  follow a Pareto curve: the top 20% of passengers bring about 80% of it. Tiers follow the revenue.
- Trips are round trips: direct (JFK-FLL, BOS-JFK) or connecting through New York (BOS-JFK-FLL, 1-4 h
  layovers). Each flight holds at most its seats; a full flight sends the party to another flight or a
  nearby day, or the trip is dropped and counted, never overbooked.
- PNRs, loyalty numbers, tickets, bag tags, emails and phones are unique by construction (a bijective
  scramble of a counter), and every contact detail is fictional.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from goodwill.demo import people
from goodwill.demo.households import Household, Person, Population, Scramble
from goodwill.demo.network import NEW_YORK, FlightTable
from goodwill.demo.routes import HONEYMOON_DESTINATIONS, HUB, Routes, pick
from goodwill.demo.schedule import Network

CARRIER = "B6"
CURRENCY = "USD"
TICKET_PREFIX = "279"  # JetBlue's airline accounting code
FIRST_DAY, LAST_DAY = date(2013, 1, 1), date(2013, 12, 31)
# Revenue (USD) a loyalty member needs for each tier, highest first. Passengers make as many trips in a
# shorter window (it stands for their year), so the bar is the same for any window.
TIER_THRESHOLDS = (("platinum", 15_000), ("gold", 5_000), ("silver", 1_500))
DIRECT_AGENCIES = ("23456781", "23456792", "31415926", "45612378", "56789012", "67812345", "78901234", "89012347")
CORPORATE_AGENCIES = ("10293847", "11223344", "12121212", "13579246")
# How much the frequent flyers fly (households.FREQUENT_ODDS says how many there are): the Pareto shape of
# their number of trips and their typical fare. Together these set the revenue curve (top 20% ≈ 80%).
BUSINESS_TRIPS_ALPHA = 1.15
MAX_BUSINESS_TRIPS = 80
BUSINESS_FARE_MU = 1.0  # log of the typical business fare multiplier (late, flexible fares)
LEISURE_TRIPS = (65, 22, 9, 3, 1)  # weights of 1..5 leisure trips a year
LEISURE_CUMULATIVE = list(accumulate(LEISURE_TRIPS))
CONSENT_EMAIL = (True, False, None), list(accumulate((70, 20, 10)))
CONSENT_SMS = (True, False, None), list(accumulate((55, 30, 15)))
CONSENT_PUSH = (True, None), list(accumulate((30, 70)))
LAYOVER_MINUTES = (60, 240)  # a connection's shortest and longest wait
RETURN_AFTER_MINUTES = 180  # the way back leaves at least this long after the way out lands
PNR_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _pnr(number: int) -> str:
    letters = []
    for _ in range(6):
        number, digit = divmod(number, 32)
        letters.append(PNR_ALPHABET[digit])
    return "".join(letters)


def _choose(rng: random.Random, choice: tuple[tuple[bool | None, ...], list[int]]) -> bool | None:
    values, cumulative = choice
    return values[pick(rng, cumulative)]


def _given(row: dict[str, Any]) -> dict[str, Any]:
    """The row without its empty fields (absent and empty mean the same in the import formats)."""
    return {key: value for key, value in row.items() if value is not None}


def top_share(revenues: Sequence[int], fraction: float = 0.2) -> float:
    """Share of the total revenue brought by the top `fraction` of passengers."""
    total = sum(revenues)
    if total == 0:
        return 0.0
    top = max(1, round(len(revenues) * fraction))
    return sum(sorted(revenues, reverse=True)[:top]) / total


def tier_for(revenue_minor: int, *, member: bool, thresholds: Sequence[tuple[str, int]]) -> str:
    """A member's tier from their revenue in minor units; people outside the programme have none."""
    if member:
        for tier, minimum in thresholds:
            if revenue_minor >= minimum * 100:
                return tier
    return "none"


@dataclass(slots=True)
class TripPlan:
    party: list[Person]
    purpose: str  # business, leisure, visit or minor
    origin: str
    hub: str | None  # the New York airport a connection goes through
    destination: str
    day: int  # ordinal of the wished outbound day
    stay: int  # nights
    lead_days: int
    premium: bool
    multiplier: float
    wish: str | None = None  # occasion the trip is for


@dataclass(slots=True)
class Booking:
    """A placed trip. Identifiers are kept as counters and spelled out only when rows are written."""

    number: int  # scrambled into the PNR
    plan: TripPlan
    outbound: list[int]  # flight indices
    inbound: list[int]
    channel: str
    agency_code: str | None
    booked_at: datetime
    fares: list[int]  # minor units per party member
    fare_class: str
    first_ticket: int  # one ticket per party member, numbered on from here
    bags: dict[tuple[int, int], tuple[int, int]]  # (party position, journey) -> (first tag number, count)


@dataclass
class Tally:
    """What a pass produced: filled by the row iterators for the report."""

    households: int = 0
    passengers: int = 0
    bookings: int = 0
    booking_rows: int = 0
    expected_booking_rows: int = 0  # known after the passenger pass, for progress bars
    unplaced_trips: int = 0
    connections: int = 0
    agency_bookings: int = 0
    revenues: list[int] = field(default_factory=list)
    tiers: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    wishes: Counter[str] = field(default_factory=Counter)

    @property
    def top20_share(self) -> float:
        return top_share(self.revenues)


class _State:
    """Mutable state of one pass: seats left and the identifier counters."""

    def __init__(self, seats: Sequence[int]) -> None:
        self.seats_left = list(seats)
        self.pnrs = 0
        self.tickets = 0
        self.bags = 0


class DemoAirline:
    """The rows of a deterministic demo airline. Iterate flights, then passengers, then bookings."""

    def __init__(
        self,
        network: Network,
        *,
        seed: int,
        passengers: int,
        start: date = FIRST_DAY,
        end: date = LAST_DAY,
        outcomes: bool = True,
    ) -> None:
        if passengers < 1:
            raise ValueError("passengers must be at least 1")
        if start > end:
            raise ValueError("start is after end")
        first, last = min(f.operating_date for f in network.flights), max(f.operating_date for f in network.flights)
        if start < first or end > last:
            raise ValueError(f"the window must lie within the schedule, {first} to {last}")
        self.seed = seed
        self.passengers = passengers
        self.start, self.end = start, end
        self.outcomes = outcomes
        self.table = FlightTable(network, start=start, end=end)
        self.routes = Routes(self.table, end=end)
        self.population = Population(self.routes, seed=seed, passengers=passengers, start=start)
        ids = random.Random(f"{seed}:bookings")
        self._pnr_number = Scramble(32**6, 2_654_435_761, ids.randrange(32**6))
        self._ticket = Scramble(10**10, 2_718_281_829, ids.randrange(10**10))
        self._bag = Scramble(10**8, 16_180_339, ids.randrange(10**8))

    # ---- the three streams -------------------------------------------------------------------------------

    def flight_rows(self) -> Iterator[dict[str, Any]]:
        """FlightRow dicts: the real departures and their returns inside the window."""
        return self.table.rows(outcomes=self.outcomes)

    def passenger_rows(self, tally: Tally | None = None) -> Iterator[dict[str, Any]]:
        """PassengerRow dicts, one per passenger, with the tier their trips earned."""
        details = random.Random(f"{self.seed}:details")  # drawn only here, so both passes stay in step
        for household, bookings in self._simulate(tally):
            if tally is not None:
                tally.expected_booking_rows += sum(
                    len(b.plan.party) * (len(b.outbound) + len(b.inbound)) for b in bookings
                )
            for person in household.members:
                tier = tier_for(person.revenue_minor, member=person.loyalty is not None, thresholds=TIER_THRESHOLDS)
                if tally is not None:
                    tally.passengers += 1
                    tally.revenues.append(person.revenue_minor)
                    tally.tiers[tier] += 1
                    tally.languages[household.language] += 1
                    if person.wish is not None:
                        tally.wishes[person.wish[0]] += 1
                yield self._passenger_row(details, household, person, tier)

    def booking_rows(self, tally: Tally | None = None) -> Iterator[dict[str, Any]]:
        """BookingRow dicts: one per passenger per segment, PNR after PNR."""
        for _household, bookings in self._simulate(tally):
            for booking in bookings:
                rows = self._booking_rows(booking)
                if tally is not None:
                    tally.bookings += 1
                    tally.booking_rows += len(rows)
                    tally.agency_bookings += booking.channel == "agency"
                    tally.connections += booking.plan.hub is not None
                yield from rows

    # ---- households --------------------------------------------------------------------------------------

    def _simulate(self, tally: Tally | None) -> Iterator[tuple[Household, list[Booking]]]:
        state = _State([f.seats for f in self.table.flights])
        rng = random.Random(f"{self.seed}:airline")
        index = number = 0
        while index < self.passengers:
            household = self.population.household(rng, number, index)
            index += len(household.members)
            bookings: list[Booking] = []
            for plan in self._plans(rng, household):
                booking = self._place(rng, state, household, plan)
                if booking is None and plan.hub is not None:  # no connection fits: visit New York instead
                    plan.destination, plan.hub = plan.hub, None
                    plan.purpose = "visit" if plan.purpose == "leisure" else plan.purpose
                    booking = self._place(rng, state, household, plan)
                if booking is None:
                    if tally is not None:
                        tally.unplaced_trips += 1
                    continue
                bookings.append(booking)
                for person, fare in zip(plan.party, booking.fares, strict=True):
                    person.revenue_minor += fare
            if tally is not None:
                tally.households += 1
            yield household, bookings
            number += 1

    # ---- trips -------------------------------------------------------------------------------------------

    def _plans(self, rng: random.Random, household: Household) -> list[TripPlan]:
        members = household.members
        primary = members[0]
        plans: list[TripPlan] = []
        if household.frequent:
            trips = min(MAX_BUSINESS_TRIPS, 4 + int(4 * rng.paretovariate(BUSINESS_TRIPS_ALPHA)))
            for _ in range(trips):
                plans.append(self._business_trip(rng, household))
        leisure = 1 + pick(rng, LEISURE_CUMULATIVE) - (1 if household.frequent else 0)
        for number in range(max(leisure, 1 if len(members) > 1 else 0)):
            whole = number == 0 or rng.random() < 0.6
            party = list(members) if whole else [primary]
            plans.append(self._leisure_trip(rng, household, party))
        self._add_wish(rng, household, plans)
        minors = [m for m in members if m.birth is not None and 5 <= (m.age_on(self.start) or 0) <= 10]
        if minors and rng.random() < 0.12:
            plans.append(self._leisure_trip(rng, household, [rng.choice(minors)], purpose="minor"))
        return plans

    def _business_trip(self, rng: random.Random, household: Household) -> TripPlan:
        if household.regular_routes:
            origin, destination = rng.choices(
                household.regular_routes, weights=(6, 3, 1)[: len(household.regular_routes)]
            )[0]
        else:
            origin, destination = household.home, self.routes.hub_for(rng, household.home)
        stay = rng.choice((0, 1, 1, 2, 2, 3, 4))
        return TripPlan(
            party=[household.members[0]],
            purpose="business",
            origin=origin,
            hub=None,
            destination=destination,
            day=self.routes.day(rng, origin, destination, stay),
            stay=stay,
            lead_days=min(60, int(rng.expovariate(1 / 7))),
            premium=rng.random() < 0.45,
            multiplier=rng.lognormvariate(BUSINESS_FARE_MU, 0.25),
        )

    def _leisure_trip(
        self, rng: random.Random, household: Household, party: list[Person], purpose: str = "leisure"
    ) -> TripPlan:
        hub: str | None = None
        home, language = household.home, household.language
        if home in NEW_YORK:
            origin, destination = self.routes.from_new_york(rng, language, home)
        else:
            origin, destination = home, self.routes.hub_for(rng, home)
            beyond = self.routes.connection(rng, language, home) if rng.random() >= 0.55 else None
            if beyond is not None and purpose != "minor":  # unaccompanied minors fly nonstop only
                hub, destination = HUB, beyond
            elif purpose == "leisure":
                purpose = "visit"
        first_leg = (origin, hub) if hub is not None else (origin, destination)
        stay = rng.randint(4, 14) if len(party) > 2 or purpose == "minor" else rng.randint(2, 9)
        return TripPlan(
            party=party,
            purpose=purpose,
            origin=origin,
            hub=hub,
            destination=destination,
            day=self.routes.day(rng, *first_leg, stay),
            stay=stay,
            lead_days=14 + min(300, int(rng.expovariate(1 / 45))),
            premium=rng.random() < 0.08,
            multiplier=rng.lognormvariate(0.0, 0.25),
        )

    def _add_wish(self, rng: random.Random, household: Household, plans: list[TripPlan]) -> None:
        trips = [p for p in plans if p.purpose in ("leisure", "visit")]
        if not trips:
            return
        members = household.members
        adults = [m for m in members if m.adult]
        babies = [m for m in members if m.birth is not None and (m.age_on(self.start) or 0) < 2]
        roll = rng.random()
        trip = trips[0]
        if len(members) == 2 and len(adults) == 2 and roll < 0.10:
            occasion = "honeymoon" if roll < 0.06 else "anniversary"
            trip.party = list(members)
            trip.stay = rng.randint(7, 12)
            if occasion == "honeymoon" and household.home in NEW_YORK:
                for _ in range(20):  # prefer a beach or a city break
                    if trip.destination in HONEYMOON_DESTINATIONS:
                        break
                    trip.origin, trip.destination = self.routes.from_new_york(rng, household.language, household.home)
                trip.hub = None
                trip.day = self.routes.day(rng, trip.origin, trip.destination, trip.stay)
        elif babies and roll < 0.35:
            occasion = "first_flight"
            trip.party = list(members)
        elif len(members) == 1 and roll < 0.03:
            occasion = "funeral"
            trip.lead_days, trip.stay, trip.multiplier = rng.randint(0, 3), rng.randint(3, 6), 1.8
        elif roll < 0.06:
            occasion = rng.choices(("wedding", "birthday", "medical", "other"), weights=(45, 35, 8, 12))[0]
        else:
            return
        trip.wish = occasion

    def _place(self, rng: random.Random, state: _State, household: Household, plan: TripPlan) -> Booking | None:
        """Seat the party on a real outbound and return, moving to another flight or day when one is full."""
        table = self.table
        wished = date.fromordinal(plan.day)
        need = sum(1 for p in plan.party if p.passenger_type(wished) != "infant")
        route_out = (plan.origin, plan.hub, plan.destination)
        route_back = (plan.destination, plan.hub, plan.origin)
        for shift in (0, 1, -1, 2, -2, 3, -3, 4, -4):
            outbound = self._journey(rng, state, route_out, plan.day + shift, need, None)
            if outbound is None:
                continue
            landed = table.arrival_minutes[outbound[-1]] + RETURN_AFTER_MINUTES
            back_day = plan.day + shift + plan.stay
            for back_shift in (0, 1, -1, 2, -2, 3):
                inbound = self._journey(rng, state, route_back, back_day + back_shift, need, landed)
                if inbound is not None:
                    for index in outbound + inbound:
                        state.seats_left[index] -= need
                    return self._book(rng, state, household, plan, outbound, inbound)
        return None

    def _journey(
        self,
        rng: random.Random,
        state: _State,
        route: tuple[str, str | None, str],
        day: int,
        need: int,
        not_before: int | None,
    ) -> list[int] | None:
        """Flights with `need` free seats for one direction on `day` (departing at or after `not_before`,
        in epoch minutes), with a layover of one to four hours when the route connects at the hub."""
        origin, hub, destination = route
        table, seats = self.table, state.seats_left
        departs, arrives = table.departure_minutes, table.arrival_minutes
        earliest = -1 if not_before is None else not_before
        first_leg = table.on(origin, hub if hub is not None else destination, day)
        firsts = [i for i in first_leg if seats[i] >= need and departs[i] >= earliest]
        if hub is None:
            return [rng.choice(firsts)] if firsts else None
        rng.shuffle(firsts)
        seconds = [*table.on(hub, destination, day), *table.on(hub, destination, day + 1)]
        shortest, longest = LAYOVER_MINUTES
        for first in firsts:
            landed = arrives[first]
            options = [i for i in seconds if seats[i] >= need and shortest <= departs[i] - landed <= longest]
            if options:
                return [first, rng.choice(options)]
        return None

    def _book(
        self,
        rng: random.Random,
        state: _State,
        household: Household,
        plan: TripPlan,
        outbound: list[int],
        inbound: list[int],
    ) -> Booking:
        flights = self.table.flights
        first = flights[outbound[0]]
        booked_at = first.departure - timedelta(days=plan.lead_days, minutes=rng.randint(120, 1320))
        if plan.purpose == "minor":
            channel = "direct"  # unaccompanied minors are booked with the airline only
        else:
            agency_odds = 0.36 if plan.purpose == "business" else 0.24
            channel = "agency" if rng.random() < agency_odds else "direct"
        agency = None
        if channel == "agency":
            agency = rng.choice(CORPORATE_AGENCIES if plan.purpose == "business" else DIRECT_AGENCIES)
        segments = outbound + inbound
        base = 0.0
        for index in segments:
            miles = flights[index].distance
            base += (39 + 0.105 * miles) * plan.multiplier + ((20 + 0.035 * miles) if plan.premium else 0.0)
        if plan.hub is not None:
            base *= 0.85
        adult_fare = round((base * 1.075 + 9.7 * len(segments)) * 100)
        fares = [0 if p.passenger_type(first.operating_date) == "infant" else adult_fare for p in plan.party]
        if plan.premium:
            fare_class = "W"
        else:
            fare_class = next(
                c
                for limit, c in ((1.8, "Y"), (1.4, "B"), (1.1, "M"), (0.9, "Q"), (0.0, "L"))
                if plan.multiplier >= limit
            )
        first_ticket = state.tickets
        state.tickets += len(plan.party)
        bags: dict[tuple[int, int], tuple[int, int]] = {}
        bag_odds = 0.15 if plan.purpose == "business" else 0.55
        for position, person in enumerate(plan.party):
            if person.passenger_type(first.operating_date) == "infant" or rng.random() >= bag_odds:
                continue
            count = 2 if rng.random() < 0.2 else 1
            for journey in (1, 2):
                bags[(position, journey)] = (state.bags, count)
                state.bags += count
        booking = Booking(
            number=state.pnrs,
            plan=plan,
            outbound=outbound,
            inbound=inbound,
            channel=channel,
            agency_code=agency,
            booked_at=booked_at,
            fares=fares,
            fare_class=fare_class,
            first_ticket=first_ticket,
            bags=bags,
        )
        state.pnrs += 1
        if plan.wish is not None:
            self._record_wish(rng, household, booking)
        return booking

    def _record_wish(self, rng: random.Random, household: Household, booking: Booking) -> None:
        plan = booking.plan
        primary = household.members[0]
        if primary.wish is not None or plan.wish is None:
            return
        flights = self.table.flights
        day = flights[booking.outbound[0]].operating_date
        destination = plan.destination
        city = people.CITY_NAMES.get(destination) or self.table.airports[destination].city
        language = household.language
        template = people.WISHES[plan.wish][language]
        values = {"city": city, "age": "", "child": ""}
        if plan.wish == "first_flight":
            babies = [m for m in household.members if m.passenger_type(day) == "infant"] or household.members[1:]
            daughter, son = people.CHILD_WORDS[language]
            values["child"] = daughter if babies[-1].female else son
        elif plan.wish == "birthday":
            age = rng.choice((30, 40, 50, 60, 70))
            birthday = day + timedelta(days=rng.randint(0, min(plan.stay, 3)))
            primary.birth = birthday.replace(year=birthday.year - age)
            values["age"] = str(age)
        elif plan.wish == "anniversary":
            values["age"] = str(rng.choice((10, 20, 25, 30, 40, 50)))
        primary.wish = (plan.wish, template.format(**values), day)

    # ---- rows --------------------------------------------------------------------------------------------

    def _passenger_row(self, rng: random.Random, household: Household, person: Person, tier: str) -> dict[str, Any]:
        preferences: dict[str, Any] = {"seat": rng.choice(people.SEATS)}
        if rng.random() < 0.12:
            preferences["meal"] = rng.choice(people.MEALS)
        wish = person.wish
        return _given(
            {
                "loyalty_number": person.loyalty,
                "email": person.email,
                "phone": person.phone,
                "social_handle": person.handle,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "language": household.language,
                "tier": tier,
                "date_of_birth": None if person.birth is None else person.birth.isoformat(),
                "home_airport": household.home,
                "consent_email": None if person.email is None else _choose(rng, CONSENT_EMAIL),
                "consent_sms": None if person.phone is None else _choose(rng, CONSENT_SMS),
                "consent_push": _choose(rng, CONSENT_PUSH) if person.adult else None,
                "preferences": preferences,
                "wish": None if wish is None else wish[1],
                "wish_occasion": None if wish is None else wish[0],
                "wish_date": None if wish is None else wish[2].isoformat(),
            }
        )

    def _booking_rows(self, booking: Booking) -> list[dict[str, Any]]:
        flights = self.table.flights
        plan = booking.plan
        travel_day = flights[booking.outbound[0]].operating_date
        booked_at = self.table.local(plan.origin, booking.booked_at).isoformat()
        legs = [(1, i) for i in booking.outbound] + [(2, i) for i in booking.inbound]
        pnr = _pnr(self._pnr_number(booking.number))
        rows: list[dict[str, Any]] = []
        for position, person in enumerate(plan.party):
            passenger_type = person.passenger_type(travel_day)
            ticket = f"{TICKET_PREFIX}{self._ticket(booking.first_ticket + position):010d}"
            first_of_journey = {1: True, 2: True}
            for sequence, (journey, index) in enumerate(legs, start=1):
                flight = flights[index]
                bag = booking.bags.get((position, journey)) if first_of_journey[journey] else None
                tags = (
                    None if bag is None else ";".join(f"{CARRIER}{self._bag(n):08d}" for n in range(bag[0], sum(bag)))
                )
                first_of_journey[journey] = False
                rows.append(
                    _given(
                        {
                            "pnr": pnr,
                            "booking_channel": booking.channel,
                            "agency_code": booking.agency_code,
                            "booked_at": booked_at,
                            "currency": CURRENCY,
                            "fare_paid": f"{booking.fares[position] // 100}.{booking.fares[position] % 100:02d}",
                            "passenger_loyalty_number": person.loyalty,
                            "passenger_email": person.email,
                            "passenger_phone": None,
                            "passenger_first_name": person.first_name,
                            "passenger_last_name": person.last_name,
                            "passenger_language": person.language,
                            "passenger_type": passenger_type,
                            "unaccompanied_minor": plan.purpose == "minor",
                            "ticket_number": ticket,
                            "segment": sequence,
                            "journey": journey,
                            "carrier": flight.carrier,
                            "flight_number": str(flight.number),
                            "flight_date": flight.operating_date.isoformat(),
                            "origin": flight.origin,
                            "destination": flight.destination,
                            "cabin": "premium" if plan.premium else "economy",
                            "fare_class": booking.fare_class,
                            "bag_tags": tags,
                        }
                    )
                )
        return rows
