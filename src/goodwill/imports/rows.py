"""Row schemas of the import formats (CSV and JSON Lines). Pure: validation only, no I/O.

Each schema is one line of a file. Field names are the CSV header names and the JSON keys. In CSV an
empty cell means "not given". Times must carry a UTC offset (`2013-02-08T06:00:00-05:00` or `...Z`);
a time without one is refused rather than guessed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from goodwill.kit.money import Money, check_currency
from goodwill.kit.text import normalise_email, normalise_handle, normalise_loyalty, normalise_phone
from goodwill.kit.time import require_aware


class ImportKind(StrEnum):
    PASSENGERS = "passengers"
    FLIGHTS = "flights"
    BOOKINGS = "bookings"
    EVENTS = "events"
    FEEDBACK = "feedback"


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _or_default(default: Any, *, lower: bool = False) -> BeforeValidator:
    """Blank or missing becomes `default`; text is stripped (and lower-cased when asked)."""

    def convert(value: Any) -> Any:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return default
        if isinstance(value, str):
            value = value.strip()
            return value.lower() if lower else value
        return value

    return BeforeValidator(convert)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _aware(value: datetime) -> datetime:
    return require_aware(value, "time")


def _airport(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError("airport must be a 3-letter IATA code")
    return code


def _carrier(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isalnum():
        raise ValueError("carrier must be a 2-character IATA code")
    return code


def _flight_number(value: str | int) -> str:
    text = str(value).strip().upper()
    digits = text.lstrip("0") or "0"
    if not (1 <= len(text) <= 5) or not digits[:4].isdigit():
        raise ValueError("flight number must be 1-4 digits, optionally with a letter suffix")
    return digits


def _json_object(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError("must be a JSON object") from exc
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return value


def _bool_text(value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "y"):
            return True
        if lowered in ("0", "false", "no", "n"):
            return False
    return value


Opt = BeforeValidator(_blank_to_none)
Text = Annotated[str, BeforeValidator(_strip)]
OptText = Annotated[str | None, Opt, BeforeValidator(_strip)]
Instant = Annotated[datetime, AfterValidator(_aware)]
OptInstant = Annotated[datetime | None, Opt, AfterValidator(lambda v: None if v is None else _aware(v))]
AirportCode = Annotated[str, AfterValidator(_airport)]
OptAirportCode = Annotated[str | None, Opt, AfterValidator(lambda v: None if v is None else _airport(v))]
CarrierCode = Annotated[str, AfterValidator(_carrier)]
FlightNumber = Annotated[str, BeforeValidator(_flight_number)]
Email = Annotated[str | None, Opt, AfterValidator(lambda v: None if v is None else normalise_email(v))]
Phone = Annotated[str | None, Opt, AfterValidator(lambda v: None if v is None else normalise_phone(v))]
Loyalty = Annotated[str | None, Opt, AfterValidator(lambda v: None if v is None else normalise_loyalty(v))]
Handle = Annotated[str | None, Opt, AfterValidator(lambda v: None if v is None else normalise_handle(v))]
Currency = Annotated[str, AfterValidator(check_currency)]
OptBool = Annotated[bool | None, Opt, BeforeValidator(_bool_text)]
Bool = Annotated[bool, BeforeValidator(_bool_text)]
OptInt = Annotated[int | None, Opt]
OptDate = Annotated[date | None, Opt]
JsonObject = Annotated[dict[str, Any], BeforeValidator(_json_object)]


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
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=4000)


class PassengerRow(_Row):
    """A passenger. Natural key: loyalty_number, else email. At least one of them is required."""

    loyalty_number: Loyalty = None
    email: Email = None
    phone: Phone = None
    social_handle: Handle = None
    first_name: Annotated[Text, Field(min_length=1, max_length=100)]
    last_name: Annotated[Text, Field(min_length=1, max_length=100)]
    language: Annotated[str, _or_default("en", lower=True)] = "en"
    tier: Annotated[Tier, _or_default("none", lower=True)] = Tier.NONE
    date_of_birth: OptDate = None
    home_airport: OptAirportCode = None
    consent_email: OptBool = None
    consent_sms: OptBool = None
    consent_push: OptBool = None
    preferences: JsonObject = Field(default_factory=dict)
    wish: Annotated[OptText, Field(max_length=500)] = None
    wish_occasion: Annotated[Occasion | None, Opt] = None
    wish_date: OptDate = None

    @model_validator(mode="after")
    def _needs_key(self) -> PassengerRow:
        if self.loyalty_number is None and self.email is None:
            raise ValueError("a passenger needs a loyalty_number or an email")
        if len(self.language) < 2 or len(self.language) > 8:
            raise ValueError("language must be a language code such as en, es or fr")
        return self


class FlightRow(_Row):
    """A scheduled or operated flight. Natural key: carrier + number + operating_date (local date)."""

    carrier: CarrierCode
    number: FlightNumber
    operating_date: date
    origin: AirportCode
    destination: AirportCode
    scheduled_departure: Instant
    scheduled_arrival: Instant
    actual_departure: OptInstant = None
    actual_arrival: OptInstant = None
    aircraft: OptText = None
    tail_number: OptText = None
    seats: OptInt = None
    status: Annotated[str, _or_default("scheduled", lower=True)] = "scheduled"

    @model_validator(mode="after")
    def _consistent(self) -> FlightRow:
        if self.origin == self.destination:
            raise ValueError("origin and destination are the same airport")
        if self.scheduled_arrival <= self.scheduled_departure:
            raise ValueError("scheduled_arrival must be after scheduled_departure")
        if self.status not in {"scheduled", "delayed", "cancelled", "diverted", "departed", "arrived"}:
            raise ValueError("status must be scheduled, delayed, cancelled, diverted, departed or arrived")
        return self


class BookingRow(_Row):
    """One passenger on one segment of a PNR. Rows sharing a `pnr` form one booking.

    `fare_paid` is what this passenger paid for the whole booking, in major units of `currency`; it must be
    the same on every row of that passenger in that PNR. Segments are numbered 1..n; `journey` groups
    segments into trips (1 = outbound, 2 = return), so a connection can be found.
    """

    pnr: Annotated[str, BeforeValidator(lambda v: str(v).strip().upper()), Field(pattern=r"^[A-Z0-9]{5,8}$")]
    booking_channel: Annotated[str, _or_default("direct", lower=True)] = "direct"
    agency_code: OptText = None
    booked_at: Instant
    currency: Currency
    fare_paid: Annotated[str, BeforeValidator(lambda v: str(v).strip())]
    passenger_loyalty_number: Loyalty = None
    passenger_email: Email = None
    passenger_phone: Phone = None
    passenger_first_name: Annotated[Text, Field(min_length=1, max_length=100)]
    passenger_last_name: Annotated[Text, Field(min_length=1, max_length=100)]
    passenger_language: Annotated[str | None, Opt] = None
    passenger_type: Annotated[str, _or_default("adult", lower=True)] = "adult"
    unaccompanied_minor: Annotated[bool, BeforeValidator(_bool_text), _or_default(False)] = False
    ticket_number: OptText = None
    segment: Annotated[int, Field(ge=1, le=16)]
    journey: Annotated[int, _or_default(1), Field(ge=1, le=8)] = 1
    carrier: CarrierCode
    flight_number: FlightNumber
    flight_date: date
    origin: AirportCode
    destination: AirportCode
    cabin: Annotated[str, _or_default("economy", lower=True)] = "economy"
    fare_class: OptText = None
    bag_tags: Annotated[
        tuple[str, ...],
        BeforeValidator(
            lambda v: (
                ()
                if v is None or v == ""
                else tuple(t.strip() for t in (v.split(";") if isinstance(v, str) else v) if t.strip())
            )
        ),
    ] = ()

    @model_validator(mode="after")
    def _consistent(self) -> BookingRow:
        if self.passenger_loyalty_number is None and self.passenger_email is None:
            raise ValueError("a booking row needs passenger_loyalty_number or passenger_email")
        if self.booking_channel not in ("direct", "agency"):
            raise ValueError("booking_channel must be direct or agency")
        if self.booking_channel == "agency" and not self.agency_code:
            raise ValueError("an agency booking needs agency_code")
        if self.cabin not in ("economy", "premium", "business"):
            raise ValueError("cabin must be economy, premium or business")
        if self.passenger_type not in ("adult", "child", "infant"):
            raise ValueError("passenger_type must be adult, child or infant")
        Money.parse(self.fare_paid, self.currency)  # raises with a clear reason
        for tag in self.bag_tags:
            if not (6 <= len(tag) <= 12 and tag.isalnum()):
                raise ValueError(f"bag tag {tag!r} must be 6-12 letters or digits")
        return self

    @property
    def fare_minor(self) -> int:
        return Money.parse(self.fare_paid, self.currency).minor


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


class EventRow(_Row):
    """Something that happened to a flight. `event_id` is the sender's id: a higher `revision` updates it."""

    event_id: Annotated[Text, Field(min_length=1, max_length=80)]
    revision: Annotated[int, _or_default(1), Field(ge=1)] = 1
    carrier: CarrierCode
    flight_number: FlightNumber
    flight_date: date
    type: EventType
    cause: Annotated[Cause, _or_default("unknown", lower=True)] = Cause.UNKNOWN
    cause_detail: OptText = None
    occurred_at: Instant
    reported_at: OptInstant = None
    departure_delay_minutes: Annotated[int | None, Opt, Field(ge=0, le=10080)] = None
    arrival_delay_minutes: Annotated[int | None, Opt, Field(ge=-600, le=10080)] = None
    notice_given_at: OptInstant = None
    tarmac_minutes: Annotated[int | None, Opt, Field(ge=0, le=2880)] = None
    diverted_to: OptAirportCode = None
    passenger_loyalty_number: Loyalty = None
    passenger_email: Email = None
    bag_tag: OptText = None
    note: Annotated[OptText, Field(max_length=2000)] = None

    @model_validator(mode="after")
    def _fields_for_type(self) -> EventRow:
        if self.type == EventType.DELAY and self.departure_delay_minutes is None and self.arrival_delay_minutes is None:
            raise ValueError("a delay needs departure_delay_minutes or arrival_delay_minutes")
        if self.type == EventType.TARMAC_DELAY and self.tarmac_minutes is None:
            raise ValueError("a tarmac_delay needs tarmac_minutes")
        if self.type == EventType.DIVERSION and self.diverted_to is None:
            raise ValueError("a diversion needs diverted_to")
        if (
            self.type == EventType.DENIED_BOARDING
            and self.passenger_loyalty_number is None
            and self.passenger_email is None
        ):
            raise ValueError("denied_boarding needs passenger_loyalty_number or passenger_email")
        if self.type == EventType.BAG_MISHANDLED and self.bag_tag is None:
            raise ValueError("bag_mishandled needs bag_tag")
        if self.reported_at is not None and self.reported_at < self.occurred_at:
            raise ValueError("reported_at is before occurred_at")
        return self


class FeedbackRow(_Row):
    """Feedback from any channel. Natural key: channel + external_id (derived from the text if absent)."""

    external_id: OptText = None
    channel: Annotated[str, BeforeValidator(lambda v: str(v).strip().lower())]
    source: OptText = None
    received_at: Instant
    text: Annotated[str, _or_default(""), Field(max_length=20000)] = ""
    nps: Annotated[int | None, Opt, Field(ge=0, le=10)] = None
    csat: Annotated[int | None, Opt, Field(ge=1, le=5)] = None
    author: OptText = None
    passenger_loyalty_number: Loyalty = None
    passenger_email: Email = None
    carrier: Annotated[str | None, Opt, AfterValidator(lambda v: None if v is None else _carrier(v))] = None
    flight_number: Annotated[str | None, Opt, BeforeValidator(lambda v: None if v is None else _flight_number(v))] = (
        None
    )
    flight_date: OptDate = None
    pnr: OptText = None

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackRow:
        if self.channel not in {"survey", "email", "social", "forum", "blog", "chat", "review"}:
            raise ValueError("channel must be survey, email, social, forum, blog, chat or review")
        if not self.text.strip() and self.nps is None and self.csat is None:
            raise ValueError("feedback needs text, nps or csat")
        given = [self.carrier, self.flight_number, self.flight_date]
        if any(g is not None for g in given) and not all(g is not None for g in given):
            raise ValueError("a flight needs carrier, flight_number and flight_date together")
        return self


ROW_SCHEMAS: dict[ImportKind, type[_Row]] = {
    ImportKind.PASSENGERS: PassengerRow,
    ImportKind.FLIGHTS: FlightRow,
    ImportKind.BOOKINGS: BookingRow,
    ImportKind.EVENTS: EventRow,
    ImportKind.FEEDBACK: FeedbackRow,
}
