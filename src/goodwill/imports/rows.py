"""Row schemas of the import formats (CSV and JSON Lines). Pure: validation only, no I/O.

Each schema is one line of a file. Field names are the CSV header names and the JSON keys. An empty cell,
a JSON `null` and a missing key all mean "not given". Times must carry a UTC offset
(`2013-02-08T06:00:00-05:00` or `...Z`); a time without one is refused rather than guessed.

The checks run inside pydantic-core wherever they can (strip, case, patterns, lengths, numbers, dates,
aware date-times, booleans): an import validates a million rows, so the Python-level validators are few.
`problems()` turns a ValidationError into (field, reason) pairs a person can act on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from goodwill.kit.money import Money
from goodwill.kit.text import EMAIL_PATTERN, normalise_handle, normalise_loyalty, normalise_phone


class ImportKind(StrEnum):
    PASSENGERS = "passengers"
    FLIGHTS = "flights"
    BOOKINGS = "bookings"
    EVENTS = "events"
    FEEDBACK = "feedback"


class FieldProblem(ValueError):
    """A rule across several fields is broken; `field` names the one to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# ---- field types ----------------------------------------------------------------------------------------


def _json_object(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError("must be a JSON object") from exc
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _bag_tags(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(tag.strip().upper() for tag in value.split(";") if tag.strip())
    if isinstance(value, list | tuple):
        return tuple(str(tag).strip().upper() for tag in value if str(tag).strip())
    return value


@lru_cache(maxsize=4096)
def _phone(value: str) -> str:
    return normalise_phone(value)


@lru_cache(maxsize=65536)
def _minor(amount: str, currency: str) -> int:
    return Money.parse(amount, currency).minor


def fare_minor(amount: str, currency: str) -> int:
    """A fare in minor units (the rows have validated it, so this does not fail for them)."""
    return _minor(amount, currency)


def _short(description: str, **kwargs: Any) -> Any:
    return Field(description=description, **kwargs)


Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Lower = Annotated[str, StringConstraints(to_lower=True)]
Language = Annotated[
    str, StringConstraints(to_lower=True, max_length=8, pattern=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,4})?$")
]
AirportCode = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{3}$")]
CarrierCode = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z0-9]{2}$")]
CurrencyCode = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{3}$")]
# Leading zeros and the dashes or spaces of a loyalty number are dropped by `_Row._canonical`.
FlightNumber = Annotated[str, StringConstraints(to_upper=True, max_length=8, pattern=r"^0*[0-9]{1,4}[A-Za-z]?$")]
Email = Annotated[str, StringConstraints(to_lower=True, max_length=200, pattern=EMAIL_PATTERN)]
Phone = Annotated[str, AfterValidator(_phone)]
Loyalty = Annotated[
    str, StringConstraints(to_upper=True, pattern=r"^(?:[A-Za-z0-9]{4,20}|[A-Za-z0-9][A-Za-z0-9 -]{3,39})$")
]
Handle = Annotated[str, AfterValidator(normalise_handle)]
JsonObject = Annotated[dict[str, Any], BeforeValidator(_json_object)]

# The descriptions are the documentation of each column (CLI help, docs/IMPORT_FORMATS.md) and the hint
# shown when a value does not match its pattern.
LOYALTY = "loyalty number, 4-20 letters or digits (spaces and dashes are dropped)"
EMAIL = "email address"
PHONE = "phone number, international (+1 555 010 0000) or US"
AIRPORT = "3-letter IATA airport code, e.g. JFK"
CARRIER = "2-character IATA airline code, e.g. B6"
CURRENCY = "ISO 4217 currency code, e.g. USD"
FLIGHT_NUMBER = "flight number, 1-4 digits and an optional letter, e.g. 1234"
INSTANT = "date-time with a UTC offset, e.g. 2013-02-08T06:00:00-05:00 or 2013-02-08T11:00:00Z"
DATE = "date (YYYY-MM-DD)"


class Tier(StrEnum):
    NONE = "none"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class Occasion(StrEnum):
    HONEYMOON = "honeymoon"
    WEDDING = "wedding"
    FUNERAL = "funeral"
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    FIRST_FLIGHT = "first_flight"
    MEDICAL = "medical"
    OTHER = "other"


class _Row(BaseModel):
    """Rows arrive through `clean()`: blanks are dropped before validation, so defaults apply."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, str_max_length=20000, coerce_numbers_to_str=True
    )

    def _canonical(self, loyalty: tuple[str, ...] = (), flights: tuple[str, ...] = ()) -> None:
        """Drop the leading zeros of flight numbers and the spaces or dashes of loyalty numbers, in place.

        Done here, once per row and only when needed, rather than by a validator per field: it keeps the
        hot path of a million-row import inside pydantic-core.
        """
        values = self.__dict__
        for name in flights:
            number = values[name]
            if number is not None and number[0] == "0":
                values[name] = number.lstrip("0") or "0"
        for name in loyalty:
            number = values[name]
            if number is not None and not number.isalnum():
                try:
                    values[name] = normalise_loyalty(number)
                except ValueError as exc:
                    raise FieldProblem(name, str(exc)) from None


def clean(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The row without its blanks: an empty cell, a JSON null and a missing key all mean "not given"."""
    return {k: v for k, v in raw.items() if v is not None and v != "" and not (v.__class__ is str and v.isspace())}


def _one_of(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise FieldProblem(field, f"{field} must be {', '.join(allowed[:-1])} or {allowed[-1]}, not {value!r}")


class PassengerRow(_Row):
    """A passenger. Natural key: loyalty_number, else email. At least one of them is required."""

    loyalty_number: Annotated[Loyalty | None, _short(LOYALTY)] = None
    email: Annotated[Email | None, _short(EMAIL)] = None
    phone: Annotated[Phone | None, _short(PHONE)] = None
    social_handle: Annotated[Handle | None, _short("social handle, e.g. @ana_lopez")] = None
    first_name: Annotated[Name, _short("given name")]
    last_name: Annotated[Name, _short("family name")]
    language: Annotated[Language | None, _short("language code, e.g. en, es, fr (new passengers: en)")] = None
    tier: Annotated[
        Tier | None,
        BeforeValidator(_lower),
        _short("loyalty tier: none, silver, gold or platinum (new passengers: none)"),
    ] = None
    date_of_birth: Annotated[date | None, _short(DATE)] = None
    home_airport: Annotated[AirportCode | None, _short(AIRPORT)] = None
    consent_email: Annotated[bool | None, _short("may we email them (true/false; empty: not asked)")] = None
    consent_sms: Annotated[bool | None, _short("may we text them (true/false; empty: not asked)")] = None
    consent_push: Annotated[bool | None, _short("may we send app notifications (true/false; empty: not asked)")] = None
    preferences: Annotated[JsonObject, _short('JSON object, e.g. {"seat": "aisle"}')] = Field(default_factory=dict)
    wish: Annotated[str | None, _short("a wish or occasion in their words", max_length=500)] = None
    wish_occasion: Annotated[
        Occasion | None,
        BeforeValidator(_lower),
        _short("honeymoon, wedding, funeral, birthday, anniversary, first_flight, medical or other"),
    ] = None
    wish_date: Annotated[date | None, _short("the date the wish is about (YYYY-MM-DD)")] = None

    @model_validator(mode="after")
    def _needs_key(self) -> PassengerRow:
        self._canonical(loyalty=("loyalty_number",))
        if self.loyalty_number is None and self.email is None:
            raise FieldProblem("loyalty_number", "a passenger needs a loyalty_number or an email")
        if (self.wish_occasion is not None or self.wish_date is not None) and self.wish is None:
            raise FieldProblem("wish", "wish_occasion and wish_date need a wish")
        return self


FLIGHT_STATUSES = ("scheduled", "delayed", "cancelled", "diverted", "departed", "arrived")


class FlightRow(_Row):
    """A scheduled or operated flight. Natural key: carrier + number + operating_date (local date)."""

    carrier: Annotated[CarrierCode, _short(CARRIER)]
    number: Annotated[FlightNumber, _short(FLIGHT_NUMBER)]
    operating_date: Annotated[date, _short("local date of the scheduled departure (YYYY-MM-DD)")]
    origin: Annotated[AirportCode, _short(AIRPORT)]
    destination: Annotated[AirportCode, _short(AIRPORT)]
    scheduled_departure: Annotated[AwareDatetime, _short(INSTANT)]
    scheduled_arrival: Annotated[AwareDatetime, _short(INSTANT)]
    actual_departure: Annotated[AwareDatetime | None, _short(INSTANT)] = None
    actual_arrival: Annotated[AwareDatetime | None, _short(INSTANT)] = None
    aircraft: Annotated[str | None, _short("aircraft type, e.g. A320", max_length=10)] = None
    tail_number: Annotated[str | None, _short("registration, e.g. N534JB", max_length=10)] = None
    seats: Annotated[int | None, _short("seats on board", ge=1, le=1000)] = None
    status: Annotated[
        Lower | None,
        _short(", ".join(FLIGHT_STATUSES) + "; empty keeps the stored status (new flights: scheduled)"),
    ] = None

    @model_validator(mode="after")
    def _consistent(self) -> FlightRow:
        self._canonical(flights=("number",))
        if self.origin == self.destination:
            raise FieldProblem("destination", "origin and destination are the same airport")
        if self.scheduled_arrival <= self.scheduled_departure:
            raise FieldProblem("scheduled_arrival", "scheduled_arrival must be after scheduled_departure")
        if self.actual_departure and self.actual_arrival and self.actual_arrival <= self.actual_departure:
            raise FieldProblem("actual_arrival", "actual_arrival must be after actual_departure")
        if self.status is not None:
            _one_of("status", self.status, FLIGHT_STATUSES)
        return self


class BookingRow(_Row):
    """One passenger on one segment of a PNR. Rows sharing a `pnr` form one booking.

    `fare_paid` is what this passenger paid for the whole booking, in major units of `currency`; it must be
    the same on every row of that passenger in that PNR. Segments are numbered 1..n; `journey` groups
    segments into trips (1 = outbound, 2 = return), so a connection can be found.
    """

    pnr: Annotated[
        str,
        StringConstraints(to_upper=True, pattern=r"^[A-Za-z0-9]{5,8}$"),
        _short("record locator, 5-8 letters/digits"),
    ]
    booking_channel: Annotated[Lower, _short("direct or agency (default direct)")] = "direct"
    agency_code: Annotated[str | None, _short("IATA agency code; required for agency bookings", max_length=20)] = None
    booked_at: Annotated[AwareDatetime, _short(INSTANT)]
    currency: Annotated[CurrencyCode, _short(CURRENCY)]
    fare_paid: Annotated[str, _short("this passenger's fare in major units, e.g. 123.45")]
    passenger_loyalty_number: Annotated[Loyalty | None, _short(LOYALTY)] = None
    passenger_email: Annotated[Email | None, _short(EMAIL)] = None
    passenger_phone: Annotated[Phone | None, _short(PHONE)] = None
    passenger_first_name: Annotated[Name, _short("given name")]
    passenger_last_name: Annotated[Name, _short("family name")]
    passenger_language: Annotated[Language | None, _short("language code, used when the passenger is new")] = None
    passenger_type: Annotated[Lower, _short("adult, child or infant (default adult)")] = "adult"
    unaccompanied_minor: Annotated[bool, _short("true for an unaccompanied minor (default false)")] = False
    ticket_number: Annotated[str | None, _short("e-ticket number", max_length=20)] = None
    segment: Annotated[int, _short("segment number in the PNR, 1..16", ge=1, le=16)]
    journey: Annotated[int, _short("1 outbound, 2 return (default 1)", ge=1, le=8)] = 1
    carrier: Annotated[CarrierCode, _short(CARRIER)]
    flight_number: Annotated[FlightNumber, _short(FLIGHT_NUMBER)]
    flight_date: Annotated[date, _short("the flight's operating date (YYYY-MM-DD)")]
    origin: Annotated[AirportCode, _short(AIRPORT + "; must be the flight's")]
    destination: Annotated[AirportCode, _short(AIRPORT + "; must be the flight's")]
    cabin: Annotated[Lower, _short("economy, premium or business (default economy)")] = "economy"
    fare_class: Annotated[str | None, _short("booking class, 1-2 letters", max_length=2)] = None
    bag_tags: Annotated[
        tuple[str, ...], BeforeValidator(_bag_tags), _short("bags checked on this segment, separated by ';'")
    ] = ()

    @model_validator(mode="after")
    def _consistent(self) -> BookingRow:
        _booking_rules(self)
        _passenger_rules(self)
        _segment_rules(self)
        _bag_rules(self)
        return self

    @property
    def fare_minor(self) -> int:
        return _minor(self.fare_paid, self.currency)

    @property
    def passenger_key(self) -> str:
        """The passenger's natural key inside the file: loyalty number, else email."""
        return self.passenger_loyalty_number or self.passenger_email or ""


# The rules across fields of a booking row, by what they are about.


def _booking_rules(row: Any) -> Any:
    _one_of("booking_channel", row.booking_channel, ("direct", "agency"))
    if row.booking_channel == "agency" and not row.agency_code:
        raise FieldProblem("agency_code", "an agency booking needs agency_code")
    return row


def _passenger_rules(row: Any) -> Any:
    row._canonical(loyalty=("passenger_loyalty_number",))
    if row.passenger_loyalty_number is None and row.passenger_email is None:
        raise FieldProblem(
            "passenger_loyalty_number", "a booking row needs passenger_loyalty_number or passenger_email"
        )
    _one_of("passenger_type", row.passenger_type, ("adult", "child", "infant"))
    try:
        _minor(row.fare_paid, row.currency)
    except ValueError as exc:
        raise FieldProblem("fare_paid", str(exc)) from None
    return row


def _segment_rules(row: Any) -> Any:
    row._canonical(flights=("flight_number",))
    _one_of("cabin", row.cabin, ("economy", "premium", "business"))
    if row.origin == row.destination:
        raise FieldProblem("destination", "origin and destination are the same airport")
    return row


def _bag_rules(row: Any) -> Any:
    for tag in row.bag_tags:
        if not (6 <= len(tag) <= 12 and tag.isalnum()):
            raise FieldProblem("bag_tags", f"bag tag {tag!r} must be 6-12 letters or digits")
    return row


class EventType(StrEnum):
    DELAY = "delay"
    CANCELLATION = "cancellation"
    DIVERSION = "diversion"
    TARMAC_DELAY = "tarmac_delay"
    DENIED_BOARDING = "denied_boarding"
    BAG_MISHANDLED = "bag_mishandled"
    REINSTATEMENT = "reinstatement"


class Cause(StrEnum):
    CONTROLLABLE = "controllable"
    SAFETY = "safety"
    WEATHER = "weather"
    AIR_TRAFFIC_CONTROL = "air_traffic_control"
    EXTRAORDINARY = "extraordinary"
    UNKNOWN = "unknown"


class TarmacPhase(StrEnum):
    DEPARTURE = "departure"
    ARRIVAL = "arrival"


# The event fields kept in the event's `details` rather than columns of their own.
EVENT_DETAILS = (
    "reroute_departs_minutes",
    "reroute_arrives_minutes",
    "final_arrival_delay_minutes",
    "onward_departure_delay_minutes",
    "alternate_within_minutes",
    "tarmac_phase",
    "voluntary",
    "refund_chosen",
    "bag_delay_hours",
    "bag_report_filed",
    "bag_fee_paid",
)


class EventRow(_Row):
    """Something that happened to a flight. `event_id` is the sender's id: a higher `revision` updates it."""

    event_id: Annotated[str, _short("the sender's id of the event", min_length=1, max_length=80)]
    revision: Annotated[int, _short("1, 2, ...: a higher revision replaces a lower one (default 1)", ge=1)] = 1
    carrier: Annotated[CarrierCode, _short(CARRIER)]
    flight_number: Annotated[FlightNumber, _short(FLIGHT_NUMBER)]
    flight_date: Annotated[date, _short("the flight's operating date (YYYY-MM-DD)")]
    type: Annotated[EventType, BeforeValidator(_lower), _short(", ".join(EventType))]
    cause: Annotated[Cause, BeforeValidator(_lower), _short(", ".join(Cause) + " (default unknown)")] = Cause.UNKNOWN
    cause_detail: Annotated[str | None, _short("free text, e.g. crew shortage", max_length=200)] = None
    occurred_at: Annotated[AwareDatetime, _short(INSTANT)]
    reported_at: Annotated[AwareDatetime | None, _short(INSTANT + " (default occurred_at)")] = None
    departure_delay_minutes: Annotated[int | None, _short("expected departure delay", ge=0, le=10080)] = None
    arrival_delay_minutes: Annotated[int | None, _short("expected arrival delay", ge=-600, le=10080)] = None
    notice_given_at: Annotated[AwareDatetime | None, _short("when passengers were told, " + INSTANT)] = None
    tarmac_minutes: Annotated[int | None, _short("minutes on the tarmac", ge=0, le=2880)] = None
    diverted_to: Annotated[AirportCode | None, _short(AIRPORT)] = None
    passenger_loyalty_number: Annotated[Loyalty | None, _short(LOYALTY)] = None
    passenger_email: Annotated[Email | None, _short(EMAIL)] = None
    bag_tag: Annotated[
        str | None, StringConstraints(to_upper=True), _short("tag of the bag concerned", max_length=12)
    ] = None
    note: Annotated[str | None, _short("free text", max_length=2000)] = None
    # What the airline did and what the passenger chose: facts some rules measure (see `details`).
    reroute_departs_minutes: Annotated[
        int | None, _short("the re-route offered departs this many minutes after the scheduled departure", ge=-1440)
    ] = None
    reroute_arrives_minutes: Annotated[
        int | None, _short("the re-route arrives this many minutes after the scheduled arrival", ge=-1440)
    ] = None
    final_arrival_delay_minutes: Annotated[
        int | None, _short("for connecting passengers: their delay at the final destination", ge=-600, le=10080)
    ] = None
    onward_departure_delay_minutes: Annotated[
        int | None, _short("for connecting passengers: how late their onward flight departs", ge=0, le=10080)
    ] = None
    alternate_within_minutes: Annotated[
        int | None, _short("an alternative flight was offered departing within this many minutes", ge=0)
    ] = None
    tarmac_phase: Annotated[
        TarmacPhase | None, BeforeValidator(_lower), _short("departure or arrival (with tarmac_minutes)")
    ] = None
    voluntary: Annotated[bool | None, _short("denied boarding: the passenger volunteered (true/false)")] = None
    refund_chosen: Annotated[bool | None, _short("the passenger chose a refund over re-routing (true/false)")] = None
    bag_delay_hours: Annotated[float | None, _short("bag_mishandled: hours until the bag was delivered", ge=0)] = None
    bag_report_filed: Annotated[bool | None, _short("bag_mishandled: a report was filed (true/false)")] = None
    bag_fee_paid: Annotated[
        str | None,
        StringConstraints(pattern=r"^\d{1,7}(\.\d{1,3})?$"),
        _short(
            "decimal amount in major units of the booking's currency, e.g. 35.00 (bag_mishandled: the bag fee paid)"
        ),
    ] = None

    @property
    def details(self) -> dict[str, Any]:
        """The facts beyond the event's own columns, as stored in the event's `details` (JSON values)."""
        return {name: getattr(self, name) for name in EVENT_DETAILS if getattr(self, name) is not None}

    @model_validator(mode="after")
    def _fields_for_type(self) -> EventRow:
        self._canonical(loyalty=("passenger_loyalty_number",), flights=("flight_number",))
        if self.type == EventType.DELAY and self.departure_delay_minutes is None and self.arrival_delay_minutes is None:
            raise FieldProblem(
                "departure_delay_minutes", "a delay needs departure_delay_minutes or arrival_delay_minutes"
            )
        if self.type == EventType.TARMAC_DELAY and self.tarmac_minutes is None:
            raise FieldProblem("tarmac_minutes", "a tarmac_delay needs tarmac_minutes")
        if self.type == EventType.DIVERSION and self.diverted_to is None:
            raise FieldProblem("diverted_to", "a diversion needs diverted_to")
        if (
            self.type == EventType.DENIED_BOARDING
            and self.passenger_loyalty_number is None
            and self.passenger_email is None
        ):
            raise FieldProblem(
                "passenger_loyalty_number", "denied_boarding needs passenger_loyalty_number or passenger_email"
            )
        if self.type == EventType.BAG_MISHANDLED and self.bag_tag is None:
            raise FieldProblem("bag_tag", "bag_mishandled needs bag_tag")
        if self.tarmac_phase is not None and self.tarmac_minutes is None:
            raise FieldProblem("tarmac_phase", "tarmac_phase goes with tarmac_minutes")
        if self.voluntary is not None and self.type != EventType.DENIED_BOARDING:
            raise FieldProblem("voluntary", "voluntary is for denied_boarding")
        for name in ("bag_delay_hours", "bag_report_filed", "bag_fee_paid"):
            if getattr(self, name) is not None and self.type != EventType.BAG_MISHANDLED:
                raise FieldProblem(name, f"{name} is for bag_mishandled")
        if self.reported_at is not None and self.reported_at < self.occurred_at:
            raise FieldProblem("reported_at", "reported_at is before occurred_at")
        return self


FEEDBACK_CHANNELS = ("survey", "email", "social", "forum", "blog", "chat", "review")


class FeedbackRow(_Row):
    """Feedback from any channel. Natural key: channel + external_id (derived from the content if absent)."""

    external_id: Annotated[str | None, _short("the source's id (default: a hash of the content)", max_length=120)] = (
        None
    )
    channel: Annotated[Lower, _short(", ".join(FEEDBACK_CHANNELS))]
    source: Annotated[str | None, _short("where it came from, e.g. twitter, medallia", max_length=40)] = None
    received_at: Annotated[AwareDatetime, _short(INSTANT)]
    text: Annotated[str, _short("what they wrote", max_length=20000)] = ""
    nps: Annotated[int | None, _short("0-10", ge=0, le=10)] = None
    csat: Annotated[int | None, _short("1-5", ge=1, le=5)] = None
    author: Annotated[str | None, _short("name or handle shown by the source", max_length=120)] = None
    passenger_loyalty_number: Annotated[Loyalty | None, _short(LOYALTY + "; links a known passenger")] = None
    passenger_email: Annotated[Email | None, _short(EMAIL + "; links a known passenger")] = None
    carrier: Annotated[CarrierCode | None, _short(CARRIER)] = None
    flight_number: Annotated[FlightNumber | None, _short(FLIGHT_NUMBER)] = None
    flight_date: Annotated[date | None, _short(DATE)] = None
    pnr: Annotated[
        str | None, StringConstraints(to_upper=True, pattern=r"^[A-Za-z0-9]{5,8}$"), _short("record locator")
    ] = None
    survey_invitation: Annotated[
        uuid.UUID | None,
        _short("the id of the survey invitation answered (channel survey): links its passenger, flight and booking"),
    ] = None

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackRow:
        self._canonical(loyalty=("passenger_loyalty_number",), flights=("flight_number",))
        _one_of("channel", self.channel, FEEDBACK_CHANNELS)
        if self.survey_invitation is not None:
            if self.channel != "survey":
                raise FieldProblem("channel", "a survey_invitation goes with channel survey")
            if self.external_id is not None:
                raise FieldProblem("external_id", "give external_id or survey_invitation, not both")
        if not self.text and self.nps is None and self.csat is None:
            raise FieldProblem("text", "feedback needs text, nps or csat")
        given = [self.carrier, self.flight_number, self.flight_date]
        if any(g is not None for g in given) and not all(g is not None for g in given):
            missing = [n for n, g in zip(("carrier", "flight_number", "flight_date"), given, strict=True) if g is None]
            raise FieldProblem(missing[0], "a flight needs carrier, flight_number and flight_date together")
        return self


ROW_SCHEMAS: dict[ImportKind, type[_Row]] = {
    ImportKind.PASSENGERS: PassengerRow,
    ImportKind.FLIGHTS: FlightRow,
    ImportKind.BOOKINGS: BookingRow,
    ImportKind.EVENTS: EventRow,
    ImportKind.FEEDBACK: FeedbackRow,
}


def columns(kind: ImportKind) -> list[tuple[str, bool, str]]:
    """Every column of `kind` in file order: (name, required, description)."""
    schema = ROW_SCHEMAS[kind]
    return [(name, info.is_required(), info.description or "") for name, info in schema.model_fields.items()]


# ---- turning pydantic errors into reasons a person can act on -----------------------------------------

_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a column of this file",
    "timezone_aware": "has no UTC offset: write it as 2013-02-08T06:00:00-05:00 or 2013-02-08T11:00:00Z",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "bool_parsing": "is not true or false",
    "enum": "must be one of {expected}",
}


def _input(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(error: ErrorDetails, schema: type[_Row], field: str) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    info = schema.model_fields.get(field)
    hint = info.description if info is not None else None
    if kind in _REASONS:
        return _REASONS[kind].format(**{k: v for k, v in ctx.items() if isinstance(v, str)})
    if kind == "string_pattern_mismatch" and hint:
        return f"is not a {hint.split(';')[0]}: {_input(error.get('input'))}"
    if kind.startswith(("date_", "datetime_")):
        expected = "valid date (YYYY-MM-DD)" if kind.startswith("date_") else "valid " + INSTANT
        detail = ctx.get("error")
        return f"is not a {expected}: {_input(error.get('input'))}" + (f" ({detail})" if detail else "")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}: {_input(error.get('input'))}"


def problems(exc: ValidationError, schema: type[_Row]) -> list[tuple[str, str]]:
    """(field, reason) for each error of a row; a rule across fields names the field to fix."""
    found: list[tuple[str, str]] = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        field = str(loc[0]) if loc else ""
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblem):
            field = cause.field
        found.append((field, _reason(error, schema, field)))
    return found
