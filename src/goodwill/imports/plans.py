"""What each kind of file means, in three steps the import service runs in order:

1. `add(line, row)`: each valid row, as it is read; checks across rows of the file (duplicates name both
   lines; a PNR's rows must agree).
2. `check(session)`: references, with a few queries for the whole file (unknown airport, carrier,
   flight, passenger, bag; a booking whose route is not its flight's; an event revision that contradicts
   the stored one). Airports and carriers are loaded on first use: the only writes before step 3, undone
   with everything else when the file is rejected.
3. `write(session)`: only once nothing was found (or the bad rows are skipped), through the domain services.

Problems go to a `Problems` collector keyed by line. A booking is imported whole or not at all, so with
--skip-invalid a bad row takes the other rows of its PNR with it, each told why (`propagate`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from sqlalchemy.orm import Session

from goodwill.bookings import service as bookings
from goodwill.customers import service as customers
from goodwill.customers.service import IdentityKeys
from goodwill.flights import service as flights
from goodwill.flights.service import FlightKey
from goodwill.imports.rows import (
    ROW_SCHEMAS,
    BookingRow,
    EventRow,
    FeedbackRow,
    FlightRow,
    ImportKind,
    Occasion,
    PassengerRow,
    fare_minor,
)
from goodwill.listening import service as listening
from goodwill.store.bulk import Outcome
from goodwill.surveys import service as surveys


class Problems:
    """Every problem found in a file, by line: (field, reason)."""

    def __init__(self) -> None:
        self.by_line: dict[int, list[tuple[str, str]]] = {}

    def add(self, line: int, field_name: str, reason: str) -> None:
        self.by_line.setdefault(line, []).append((field_name, reason))

    def __bool__(self) -> bool:
        return bool(self.by_line)

    def __contains__(self, line: int) -> bool:
        return line in self.by_line

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.by_line.values())


class Counts(NamedTuple):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    details: dict[str, int] = {}  # noqa: RUF012 - NamedTuple default, never mutated

    @classmethod
    def of(cls, outcomes: Iterable[Outcome], *, stale: int = 0, **details: int) -> Counts:
        tally = dict.fromkeys(Outcome, 0)
        for outcome in outcomes:
            tally[outcome] += 1
        return cls(
            tally[Outcome.CREATED],
            tally[Outcome.UPDATED],
            tally[Outcome.UNCHANGED],
            tally[Outcome.STALE] + stale,
            details,
        )


class Plan(Protocol):
    """`parse` validates a raw row into its schema's model (raising ValidationError); `pack` keeps of it what
    `add` needs, purely, so a worker process can do it (see parallel.py); `add` gathers it with the rest."""

    parse: Any

    @staticmethod
    def pack(row: Any) -> Any: ...

    @classmethod
    def packer(cls) -> Callable[[Any], Any]: ...

    def add(self, line: int, row: Any, problems: Problems) -> None: ...

    def check(self, session: Session, problems: Problems) -> None: ...

    def propagate(self, problems: Problems) -> None: ...

    def write(self, session: Session, *, problems: Problems, now: datetime, source: str) -> Counts: ...


def _unknown_airports(session: Session, uses: Iterable[tuple[int, str, str | None]], problems: Problems) -> set[str]:
    """`uses` are (line, field, code); each code that is no IATA airport is a problem on its lines (returned)."""
    uses = [u for u in uses if u[2] is not None]
    unknown = flights.ensure_airports(session, codes={code for _l, _f, code in uses if code is not None})
    for line, field_name, code in uses:
        if code in unknown:
            problems.add(line, field_name, f"unknown airport {code}: not an IATA airport code")
    return unknown


def _unknown_passengers(
    session: Session, wanted: list[tuple[int, str | None, str | None]], problems: Problems
) -> dict[int, uuid.UUID]:
    """`wanted` are (line, loyalty, email); returns the passenger of each line, a problem where none is known."""
    keys = [k for _l, loyalty, email in wanted for k in IdentityKeys(loyalty, email).pairs()]
    owners = customers.find_passenger_ids(session, keys=keys)
    found: dict[int, uuid.UUID] = {}
    for line, loyalty, email in wanted:
        owner = owners.get(("loyalty", loyalty or "")) or owners.get(("email", email or ""))
        if owner is None:
            field_name = "passenger_loyalty_number" if loyalty else "passenger_email"
            problems.add(line, field_name, "unknown passenger: import passengers or bookings first")
        else:
            found[line] = owner
    return found


def _unknown_flights(
    session: Session, wanted: list[tuple[int, FlightKey]], problems: Problems
) -> dict[FlightKey, flights.FlightRef]:
    found = flights.find_flights(session, keys={key for _l, key in wanted})
    for line, key in wanted:
        if key not in found:
            problems.add(line, "flight_number", f"unknown flight {key.label()}: import flights first")
    return found


class _KeepsRows:
    """A plan that keeps its rows' models as they are."""

    @staticmethod
    def pack(row: Any) -> Any:
        return row

    @classmethod
    def packer(cls) -> Callable[[Any], Any]:
        return cls.pack


def _first_difference(names: tuple[str, ...], a: tuple[Any, ...], b: tuple[Any, ...]) -> str:
    return next(name for name, x, y in zip(names, a, b, strict=True) if x != y)


# ---- passengers -----------------------------------------------------------------------------------------


class PassengersPlan(_KeepsRows):
    def __init__(self) -> None:
        self.parse = ROW_SCHEMAS[ImportKind.PASSENGERS].model_validate
        self.rows: list[tuple[int, PassengerRow]] = []
        self.first: dict[tuple[str, str], int] = {}

    def add(self, line: int, row: PassengerRow, problems: Problems) -> None:
        key = ("loyalty_number", row.loyalty_number) if row.loyalty_number else ("email", row.email or "")
        seen = self.first.setdefault(key, line)
        if seen != line:
            problems.add(line, key[0], f"duplicate of line {seen} (same {key[0]})")
            return
        self.rows.append((line, row))

    def check(self, session: Session, problems: Problems) -> None:
        _unknown_airports(session, ((line, "home_airport", r.home_airport) for line, r in self.rows), problems)

    def propagate(self, problems: Problems) -> None:
        """Passengers are independent records: a bad row takes no other row with it."""

    def write(self, session: Session, *, problems: Problems, now: datetime, source: str) -> Counts:
        records = [
            customers.PassengerRecord(
                keys=IdentityKeys(r.loyalty_number, r.email, r.phone, r.social_handle),
                first_name=r.first_name,
                last_name=r.last_name,
                language=r.language,
                tier=None if r.tier is None else r.tier.value,
                date_of_birth=r.date_of_birth,
                home_airport=r.home_airport,
                preferences=r.preferences,
                consents=tuple(
                    (channel, granted)
                    for channel, granted in (
                        ("email", r.consent_email),
                        ("sms", r.consent_sms),
                        ("push", r.consent_push),
                    )
                    if granted is not None
                ),
                wish=None
                if r.wish is None
                else customers.WishRecord(r.wish, (r.wish_occasion or Occasion.OTHER).value, r.wish_date),
            )
            for line, r in self.rows
            if line not in problems
        ]
        result = customers.upsert_passengers(session, records=records, now=now, source=source)
        return Counts.of(result.outcomes, passengers_merged=result.merged)


# ---- flights --------------------------------------------------------------------------------------------


class FlightsPlan(_KeepsRows):
    def __init__(self) -> None:
        self.parse = ROW_SCHEMAS[ImportKind.FLIGHTS].model_validate
        self.rows: list[tuple[int, FlightRow]] = []
        self.first: dict[FlightKey, int] = {}

    def add(self, line: int, row: FlightRow, problems: Problems) -> None:
        key = FlightKey(row.carrier, row.number, row.operating_date)
        seen = self.first.setdefault(key, line)
        if seen != line:
            problems.add(line, "number", f"duplicate of line {seen} (same flight {key.label()})")
            return
        self.rows.append((line, row))

    def check(self, session: Session, problems: Problems) -> None:
        _unknown_airports(
            session,
            (
                use
                for line, r in self.rows
                for use in ((line, "origin", r.origin), (line, "destination", r.destination))
            ),
            problems,
        )
        unknown = flights.ensure_carriers(session, codes={r.carrier for _l, r in self.rows})
        for line, r in self.rows:
            if r.carrier in unknown:
                problems.add(line, "carrier", f"unknown carrier {r.carrier}: not in Goodwill's carrier table")

    def propagate(self, problems: Problems) -> None:
        """Flights are independent records."""

    def write(self, session: Session, *, problems: Problems, now: datetime, source: str) -> Counts:  # noqa: ARG002
        records = [
            flights.FlightRecord(
                r.carrier,
                r.number,
                r.operating_date,
                r.origin,
                r.destination,
                r.scheduled_departure,
                r.scheduled_arrival,
                r.actual_departure,
                r.actual_arrival,
                r.aircraft,
                r.tail_number,
                r.seats,
                r.status,
            )
            for line, r in self.rows
            if line not in problems
        ]
        return Counts.of(flights.upsert_flights(session, flights=records, now=now))


# ---- bookings -------------------------------------------------------------------------------------------

_BOOKING_FIELDS = ("booking_channel", "agency_code", "booked_at", "currency")
_PAX_FIELDS = (
    "passenger_loyalty_number",
    "passenger_email",
    "passenger_phone",
    "passenger_first_name",
    "passenger_last_name",
    "passenger_language",
    "fare_paid",
    "ticket_number",
    "passenger_type",
    "unaccompanied_minor",
)
_SEGMENT_FIELDS = ("journey", "carrier", "flight_number", "flight_date", "origin", "destination", "cabin", "fare_class")


# How many distinct parts of rows `BookingsPlan.packer` remembers at most.
SHARED_PARTS = 200_000
# Where each value sits in the tuples a PNR keeps of its segments.
_S = {name: i for i, name in enumerate(_SEGMENT_FIELDS)}
_FLIGHT = slice(_S["carrier"], _S["flight_date"] + 1)  # carrier, number, date: a FlightKey's values
# What `pack` reads of a validated row, in the order of the tuples above.
_PERSON = itemgetter(
    *(f"passenger_{n}" for n in ("loyalty_number", "email", "phone", "first_name", "last_name", "language"))
)
_TICKET = itemgetter("ticket_number", "passenger_type", "unaccompanied_minor")
_SEGMENT = itemgetter(
    "journey", "carrier", "flight_number", "flight_date", "origin", "destination", "cabin", "fare_class"
)
_ORIGIN, _DESTINATION = _S["origin"], _S["destination"]


@dataclass(slots=True)
class _Pnr:
    """The rows of one PNR, gathered as they are read: the first row's values, and each row's line."""

    first_line: int
    booking: tuple[Any, ...]  # _BOOKING_FIELDS
    lines: list[int]
    passengers: dict[str, tuple[int, tuple[Any, ...]]] = field(default_factory=dict)  # key → (line, _PAX_FIELDS)
    segments: dict[int, tuple[int, tuple[Any, ...]]] = field(default_factory=dict)  # number → (line, _SEGMENT_FIELDS)
    cells: dict[tuple[str, int], int] = field(default_factory=dict)  # (passenger key, segment) → line
    bags: list[tuple[str, str, int, int]] = field(default_factory=list)  # tag, passenger key, journey, line


class BookingsPlan:
    def __init__(self) -> None:
        self.parse = BookingRow.model_validate
        self.pnrs: dict[str, _Pnr] = {}
        self.bag_lines: dict[str, int] = {}
        self.flights: dict[FlightKey, flights.FlightRef] = {}

    @staticmethod
    def pack(row: BookingRow) -> tuple[Any, ...]:
        """What a PNR needs of a row: its booking's, passenger's and segment's values, and its bags. Pure."""
        return BookingsPlan.packer()(row)

    @classmethod
    def packer(cls) -> Callable[[BookingRow], tuple[Any, ...]]:
        """`pack` for the many rows of a piece of a file: equal parts of them (a PNR's booking on each of its
        rows, a passenger on each of their segments, a flight's segment on each of its passengers) come out
        as one object. A worker sends its piece in one pickle, which then holds each such part once: less to
        pickle, send and read back, and the main process keeps it once."""
        shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        share = shared.setdefault

        def pack(row: BookingRow) -> tuple[Any, ...]:
            if len(shared) > SHARED_PARTS:
                shared.clear()  # equal parts are mostly near each other: keep the memo small
            values = row.__dict__  # the validated fields, read at C speed (a million rows go through here)
            currency = values["currency"]
            booked_at = values["booked_at"].astimezone(UTC)  # a plain UTC instant: same value, cheaper to send
            booking = (values["booking_channel"], values["agency_code"], booked_at, currency)
            person = _PERSON(values)
            # The fare is compared as an amount: 120.5 and 120.50 are one fare.
            passenger = (*person, fare_minor(values["fare_paid"], currency), *_TICKET(values))
            segment = _SEGMENT(values)
            return (
                values["pnr"],
                share(booking, booking),
                person[0] or person[1] or "",  # loyalty number, else email
                values["segment"],
                share(passenger, passenger),
                share(segment, segment),
                values["bag_tags"],
            )

        return pack

    def add(self, line: int, row: tuple[Any, ...], problems: Problems) -> None:
        code, booking, key, number, passenger, segment, bag_tags = row
        pnr = self.pnrs.get(code)
        if pnr is None:
            pnr = self.pnrs[code] = _Pnr(line, booking, [line])
        else:
            pnr.lines.append(line)
            if booking != pnr.booking:
                name = _first_difference(_BOOKING_FIELDS, booking, pnr.booking)
                problems.add(line, name, f"{name} differs from line {pnr.first_line} of the same PNR")
                return
        cell = (key, number)
        seen = pnr.cells.get(cell)
        if seen is not None:
            problems.add(line, "segment", f"duplicate of line {seen} (same PNR, passenger and segment)")
            return
        pnr.cells[cell] = line
        stored = pnr.passengers.get(key)
        if stored is None:
            pnr.passengers[key] = (line, passenger)
        elif stored[1] != passenger:
            name = _first_difference(_PAX_FIELDS, passenger, stored[1])
            problems.add(line, name, f"{name} differs from line {stored[0]} for the same passenger of this PNR")
        stored = pnr.segments.get(number)
        if stored is None:
            pnr.segments[number] = (line, segment)
        elif stored[1] != segment:
            name = _first_difference(_SEGMENT_FIELDS, segment, stored[1])
            problems.add(line, name, f"{name} differs from line {stored[0]} for segment {number} of this PNR")
        for tag in bag_tags:
            seen = self.bag_lines.setdefault(tag, line)
            if seen != line:
                problems.add(line, "bag_tags", f"bag tag {tag} is also on line {seen}")
            else:
                pnr.bags.append((tag, key, segment[0], line))

    def check(self, session: Session, problems: Problems) -> None:
        segments = [(line, s) for pnr in self.pnrs.values() for line, s in pnr.segments.values()]
        # A file names few airports and flights for its many segments: look up each once, and walk the
        # segments again only to name the lines of what was not found.
        codes = {s[_ORIGIN] for _l, s in segments} | {s[_DESTINATION] for _l, s in segments}
        unknown = flights.ensure_airports(session, codes=codes)
        if unknown:
            _unknown_airports(
                session,
                (
                    u
                    for line, s in segments
                    for u in ((line, "origin", s[_ORIGIN]), (line, "destination", s[_DESTINATION]))
                ),
                problems,
            )
        keys = {FlightKey(*k) for k in {s[_FLIGHT] for _l, s in segments}}
        self.flights = flights.find_flights(session, keys=keys)
        if len(self.flights) < len(keys):
            _unknown_flights(session, [(line, _flight_key(s)) for line, s in segments], problems)
        found: dict[tuple[Any, ...], flights.FlightRef] = dict(self.flights.items())  # a plain tuple finds its key
        for line, s in segments:
            ref = found.get(s[_FLIGHT])
            if ref is None or (ref.origin == s[_ORIGIN] and ref.destination == s[_DESTINATION]):
                continue
            origin, destination = s[_ORIGIN], s[_DESTINATION]
            if origin in unknown or destination in unknown:
                continue  # already said
            name = "origin" if ref.origin != origin else "destination"
            route = f"{ref.origin}-{ref.destination}"
            problems.add(line, name, f"flight {_flight_key(s).label()} flies {route}, not {origin}-{destination}")
        for pnr in self.pnrs.values():
            self._check_complete(pnr, problems)
        stored_bags = bookings.find_bags(session, tags=self.bag_lines)
        if stored_bags:
            for code, pnr in self.pnrs.items():
                for tag, _key, _journey, line in pnr.bags:
                    owner = stored_bags.get(tag)
                    if owner is not None and owner[1] != code:
                        problems.add(line, "bag_tags", f"bag tag {tag} already belongs to another booking")

    @staticmethod
    def _check_complete(pnr: _Pnr, problems: Problems) -> None:
        """Every passenger has a row for every segment, and two passengers of a PNR are two people."""
        if len(pnr.cells) != len(pnr.passengers) * len(pnr.segments):
            for key, (line, _values) in pnr.passengers.items():
                for number in pnr.segments:
                    if (key, number) not in pnr.cells:
                        reason = f"no row for segment {number} of this PNR: each passenger needs a row per segment"
                        problems.add(line, "segment", reason)
        if len(pnr.passengers) > 1:
            owners: dict[tuple[str, str], int] = {}
            for line, p in pnr.passengers.values():
                for kind, value in IdentityKeys(p[0], p[1], p[2]).pairs():
                    seen = owners.setdefault((kind, value), line)
                    if seen != line:
                        field_name = {"loyalty": _PAX_FIELDS[0], "email": _PAX_FIELDS[1]}.get(kind, _PAX_FIELDS[2])
                        problems.add(line, field_name, f"the same passenger as line {seen} (same {kind})")

    def propagate(self, problems: Problems) -> None:
        for pnr in self.pnrs.values():
            bad = next((line for line in pnr.lines if line in problems), None)
            if bad is None:
                continue
            for line in pnr.lines:
                if line not in problems:
                    problems.add(line, "pnr", f"not imported: line {bad} of the same PNR was rejected")

    def write(self, session: Session, *, problems: Problems, now: datetime, source: str) -> Counts:
        if problems:
            chosen = [(c, pnr) for c, pnr in self.pnrs.items() if not any(line in problems for line in pnr.lines)]
        else:
            chosen = list(self.pnrs.items())
        travellers: dict[tuple[Any, ...], int] = {}
        add = travellers.setdefault
        order = [add(p[:6], len(travellers)) for _code, pnr in chosen for _line, p in pnr.passengers.values()]
        people, created, merged = customers.resolve_travellers(
            session,
            travellers=[customers.Traveller(IdentityKeys(t[0], t[1], t[2]), t[3], t[4], t[5]) for t in travellers],
            now=now,
            source=source,
        )
        # Each traveller's passenger, in the order of the loop below (that of `order`).
        each = iter([people[i] for i in order])
        flight_ids: dict[tuple[Any, ...], uuid.UUID] = {key: ref.id for key, ref in self.flights.items()}
        records = []
        repeated = 0
        make = tuple.__new__  # a NamedTuple from its values, without a Python-level __new__ per record
        Passenger, Segment, Bag = bookings.BookingPassengerRecord, bookings.SegmentRecord, bookings.BagRecord
        Record = bookings.BookingRecord
        for code, pnr in chosen:
            ids: dict[str, uuid.UUID] = {}
            passengers: list[bookings.BookingPassengerRecord] = []
            for key, (_line, p) in pnr.passengers.items():
                passenger_id = ids[key] = next(each)
                if passengers and any(passenger_id == bp[0] for bp in passengers):
                    repeated += 1  # two identities of one stored passenger on one PNR: one booking passenger
                    continue
                passengers.append(make(Passenger, (passenger_id, *p[6:])))
            segments = pnr.segments
            trip: list[bookings.SegmentRecord] = []
            ends: dict[int, str] = {}  # journey → where its last segment lands
            for n in sorted(segments) if len(segments) > 1 else segments:
                s = segments[n][1]
                trip.append(make(Segment, (n, s[0], flight_ids[s[_FLIGHT]], s[6], s[7])))
                ends[s[0]] = s[_DESTINATION]
            bags = tuple([make(Bag, (tag, ids[key], ends[journey])) for tag, key, journey, _l in pnr.bags])
            records.append(make(Record, (code, *pnr.booking, tuple(passengers), tuple(trip), bags)))
        outcomes = bookings.upsert_bookings(session, bookings=records, now=now)
        details = {"passengers_created": created, "passengers_merged": merged}
        if repeated:
            details["passengers_listed_twice"] = repeated
        return Counts.of(outcomes, **details)


def _flight_key(segment: tuple[Any, ...]) -> FlightKey:
    return FlightKey(*segment[_FLIGHT])


# ---- flight events --------------------------------------------------------------------------------------


class EventsPlan(_KeepsRows):
    def __init__(self) -> None:
        self.parse = ROW_SCHEMAS[ImportKind.EVENTS].model_validate
        self.latest: dict[str, tuple[int, EventRow]] = {}
        self.first: dict[tuple[str, int], int] = {}
        self.stale: list[int] = []
        self.records: dict[int, flights.EventRecord] = {}

    def add(self, line: int, row: EventRow, problems: Problems) -> None:
        seen = self.first.setdefault((row.event_id, row.revision), line)
        if seen != line:
            problems.add(line, "revision", f"duplicate of line {seen} (same event_id and revision)")
            return
        found = self.latest.get(row.event_id)
        if found is None or found[1].revision < row.revision:
            if found is not None:
                self.stale.append(found[0])
            self.latest[row.event_id] = (line, row)
        else:
            self.stale.append(line)

    def check(self, session: Session, problems: Problems) -> None:
        rows = list(self.latest.values())
        known = _unknown_flights(
            session, [(line, FlightKey(r.carrier, r.flight_number, r.flight_date)) for line, r in rows], problems
        )
        _unknown_airports(session, ((line, "diverted_to", r.diverted_to) for line, r in rows), problems)
        concerned = [
            (line, r.passenger_loyalty_number, r.passenger_email)
            for line, r in rows
            if r.passenger_loyalty_number or r.passenger_email
        ]
        passengers = _unknown_passengers(session, concerned, problems)
        bags = bookings.find_bags(session, tags={r.bag_tag for _l, r in rows if r.bag_tag})
        for line, r in rows:
            if r.bag_tag and r.bag_tag not in bags:
                problems.add(line, "bag_tag", f"unknown bag tag {r.bag_tag}: import bookings first")
        for line, r in rows:
            flight = known.get(FlightKey(r.carrier, r.flight_number, r.flight_date))
            if line in problems or flight is None:
                continue
            self.records[line] = flights.EventRecord(
                r.event_id,
                r.revision,
                flight.id,
                r.type.value,
                r.cause.value,
                r.cause_detail,
                r.occurred_at,
                r.reported_at or r.occurred_at,
                r.departure_delay_minutes,
                r.arrival_delay_minutes,
                r.notice_given_at,
                r.tarmac_minutes,
                r.diverted_to,
                passengers.get(line),
                bags[r.bag_tag][0] if r.bag_tag else None,
                r.note,
                r.details,
            )
        stored = flights.find_events(session, external_ids=[r.external_id for r in self.records.values()])
        for line, record in self.records.items():
            found = stored.get(record.external_id)
            if found is not None and flights.judge_event(found, record) is None:
                problems.add(
                    line,
                    "revision",
                    f"event {record.external_id} revision {record.revision} is already stored with other data: "
                    f"send the change as revision {found.record.revision + 1}",
                )

    def propagate(self, problems: Problems) -> None:
        """Events are independent records."""

    def write(self, session: Session, *, problems: Problems, now: datetime, source: str) -> Counts:  # noqa: ARG002
        records = [record for line, record in self.records.items() if line not in problems]
        outcomes = flights.record_flight_events(session, events=records, now=now)
        return Counts.of(outcomes, stale=sum(1 for line in self.stale if line not in problems))


# ---- feedback -------------------------------------------------------------------------------------------


class FeedbackPlan(_KeepsRows):
    def __init__(self) -> None:
        self.parse = ROW_SCHEMAS[ImportKind.FEEDBACK].model_validate
        self.rows: list[tuple[int, FeedbackRow, str]] = []
        self.first: dict[tuple[str, str], int] = {}
        self.links: dict[int, tuple[uuid.UUID | None, uuid.UUID | None, uuid.UUID | None]] = {}
        self.entities: dict[int, dict[str, list[str]]] = {}

    def add(self, line: int, row: FeedbackRow, problems: Problems) -> None:
        if row.survey_invitation is not None:
            external_id = surveys.invitation_key(row.survey_invitation)
        else:
            external_id = row.external_id or listening.default_external_id(
                text=row.text, received_at=row.received_at, author=row.author, nps=row.nps, csat=row.csat
            )
        seen = self.first.setdefault((row.channel, external_id), line)
        if seen != line:
            what = "external_id" if row.external_id else "content"
            problems.add(line, "external_id", f"duplicate of line {seen} (same channel and {what})")
            return
        self.rows.append((line, row, external_id))

    def check(self, session: Session, problems: Problems) -> None:
        concerned = [
            (line, r.passenger_loyalty_number, r.passenger_email)
            for line, r, _e in self.rows
            if r.passenger_loyalty_number or r.passenger_email
        ]
        passengers = _unknown_passengers(session, concerned, problems)
        wanted = [
            (line, FlightKey(r.carrier, r.flight_number, r.flight_date))
            for line, r, _e in self.rows
            if r.carrier and r.flight_number and r.flight_date
        ]
        known = _unknown_flights(session, wanted, problems)
        flight_of = {line: known[key].id for line, key in wanted if key in known}
        booking_ids = bookings.find_booking_ids(session, pnrs={r.pnr for _l, r, _e in self.rows if r.pnr})
        # What the words say fills what the columns left out: a handle, a record locator, a flight number.
        said = listening.links_from_text(
            session,
            messages=[(r.text, r.author, r.received_at) for _l, r, _e in self.rows],
            airports=flights.known_airport_codes(),
        )
        # A survey answer takes its passenger, flight and booking from the invitation it answers.
        invitations = surveys.find_invitations(
            session, ids={r.survey_invitation for _l, r, _e in self.rows if r.survey_invitation}
        )
        for (line, r, _e), text in zip(self.rows, said, strict=True):
            if r.pnr and r.pnr not in booking_ids:
                problems.add(line, "pnr", f"unknown booking {r.pnr}: import bookings first")
            self.links[line] = (
                passengers.get(line) or text.passenger_id,
                flight_of.get(line) or text.flight_id,
                booking_ids.get(r.pnr or "") or text.booking_id,
            )
            self.entities[line] = text.entities
            if r.survey_invitation is not None:
                invitation = invitations.get(r.survey_invitation)
                if invitation is None:
                    problems.add(line, "survey_invitation", f"unknown survey invitation {r.survey_invitation}")
                    continue
                if passengers.get(line) not in (None, invitation.passenger_id):
                    problems.add(line, "survey_invitation", "the invitation is for another passenger")
                self.links[line] = (invitation.passenger_id, invitation.flight_id, invitation.booking_id)

    def propagate(self, problems: Problems) -> None:
        """Feedback items are independent records."""

    def write(self, session: Session, *, problems: Problems, now: datetime, source: str) -> Counts:  # noqa: ARG002
        items = [
            listening.FeedbackRecord(
                r.channel,
                external_id,
                listening.content_hash(r.text),
                r.source,
                r.received_at,
                r.text,
                r.nps,
                r.csat,
                r.author,
                *self.links[line],
                self.entities.get(line, {}),
            )
            for line, r, external_id in self.rows
            if line not in problems
        ]
        counts = Counts.of(listening.record_feedback(session, items=items, now=now))
        answered = {r.survey_invitation for line, r, _e in self.rows if r.survey_invitation and line not in problems}
        if answered:
            surveys.mark_responded(session, invitation_ids=answered, now=now)
        return counts


PLANS: dict[ImportKind, type[Plan]] = {
    ImportKind.PASSENGERS: PassengersPlan,
    ImportKind.FLIGHTS: FlightsPlan,
    ImportKind.BOOKINGS: BookingsPlan,
    ImportKind.EVENTS: EventsPlan,
    ImportKind.FEEDBACK: FeedbackPlan,
}
