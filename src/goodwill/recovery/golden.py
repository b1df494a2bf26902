"""Worked cases in the format of ../shared/rules/golden_cases.json: read, evaluate, compare. Pure.

Each case names a regime and describes one passenger's disruption. `disruption_of` turns a case into the
engine's `Disruption` (airports come from a lookup the caller gives); `evaluate_case` applies the named
regime's policy and returns the result in the evaluation format:
    {"id", "compensation": {"amount": <major units>, "currency", "form"} or null,
     "refund_right": bool, "rebooking_right": bool, "care": [codes]}
`compare` checks a result against the case's `expected`. Expected care is written in words
("meals and refreshments"); `CARE_WORDS` maps them to care codes. What an expectation leaves out
(a missing `rebooking_right`, a refund right "conditional", a form "not stated in sources", a care item
the case itself marks "not verified") is not asserted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from goodwill.kit.money import Money
from goodwill.recovery.engine import Decision, decide
from goodwill.recovery.facts import CauseClass, Disruption, Event, Leg, Operator, Place, measure
from goodwill.recovery.policy import Policy

AirportLookup = Callable[[str], Place | None]

EVENTS = {
    "delay": Event.DELAY,
    "cancellation": Event.CANCELLATION,
    "diversion": Event.DIVERSION,
    "tarmac_delay": Event.TARMAC_DELAY,
    "denied_boarding_involuntary": Event.DENIED_BOARDING,
    "denied_boarding_voluntary": Event.DENIED_BOARDING,
    "denied_boarding": Event.DENIED_BOARDING,
    "baggage_delayed": Event.BAG_DELAYED,
    "bag_delayed": Event.BAG_DELAYED,
}

CARE_WORDS: tuple[tuple[str, str], ...] = (
    ("transport to and from", "hotel_transport"),
    ("hotel", "hotel"),
    ("accommodation", "hotel"),
    ("lavator", "lavatory"),
    ("ventilation", "ventilation"),
    ("medical", "medical"),
    ("status update", "status_updates"),
    ("meal", "meals"),
    ("food", "meals"),
    ("refreshment", "meals"),
    ("call", "communication"),
    ("communication", "communication"),
)

FORMS = {"cash": "cash", "voucher": "voucher", "credit": "credit", "refund": "cash"}


class CaseError(ValueError):
    """A case this adapter cannot read; the message names the case and the field."""


def care_code(words: str) -> str | None:
    lowered = words.lower()
    for fragment, code in CARE_WORDS:
        if fragment in lowered:
            return code
    return None


def _instant(case: Mapping[str, Any], name: str) -> datetime | None:
    value = case.get(name)
    if value is None:
        return None
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise CaseError(f"{case.get('id')}: {name}: not an ISO 8601 time: {value!r}") from exc
    if instant.tzinfo is None:
        raise CaseError(f"{case.get('id')}: {name}: needs a UTC offset: {value!r}")
    return instant


def _fares(case: Mapping[str, Any]) -> tuple[Money | None, Money | None]:
    fare = case.get("fare_paid")
    if not isinstance(fare, Mapping) or fare.get("amount") is None:
        return None, None
    currency = str(fare.get("currency", "USD"))
    amount = Money.parse(str(fare["amount"]), currency)
    basis = str(fare.get("basis", "one-way")).lower()
    if "round" in basis:
        each = re.search(r"fares? of \$?([0-9][0-9,.]*)", basis)
        one_way = Money.parse(each.group(1).replace(",", ""), currency) if each else None
        return one_way, amount
    return amount, None


def disruption_of(case: Mapping[str, Any], airports: AirportLookup) -> Disruption:
    """The engine's view of a case."""
    case_id = case.get("id", "?")
    event = case.get("event") or {}
    kind = EVENTS.get(str(event.get("type")))
    if kind is None:
        raise CaseError(f"{case_id}: event.type: unknown event {event.get('type')!r}")

    def place(code: str | None, field: str) -> Place:
        found = airports(str(code)) if code else None
        if found is None:
            raise CaseError(f"{case_id}: {field}: unknown airport {code!r}")
        return found

    origin, destination = place(case.get("origin"), "origin"), place(case.get("destination"), "destination")
    scheduled_departure = _instant(case, "scheduled_departure")
    scheduled_arrival = _instant(case, "scheduled_arrival")
    if scheduled_departure is None or scheduled_arrival is None:
        raise CaseError(f"{case_id}: scheduled_departure and scheduled_arrival are required")
    carrier = case.get("carrier") or {}
    operator = Operator(
        iata=str(carrier.get("iata", "")),
        country=str(carrier.get("home", "")),
        size=str(carrier.get("canada_size") or "large"),
        eu_carrier=carrier.get("eu_carrier"),
        uk_carrier=carrier.get("uk_carrier"),
    )
    cause_name = str(case.get("cause") or "unknown")
    try:
        cause = CauseClass(cause_name)
    except ValueError as exc:
        raise CaseError(f"{case_id}: cause: unknown cause {cause_name!r}") from exc
    one_way, round_trip = _fares(case)
    reroute = event.get("reroute") or {}
    missed = bool(event.get("missed_connection"))
    departure_delay = case.get("departure_delay_minutes")
    arrival_delay = case.get("arrival_delay_minutes")
    if kind is Event.DENIED_BOARDING and event.get("alternate_arrival_delay_minutes") is not None:
        arrival_delay = event["alternate_arrival_delay_minutes"]
    if missed and event.get("first_leg_departure_delay_minutes") is not None:
        departure_delay = event["first_leg_departure_delay_minutes"]
    notice_hours: float | None = None
    if event.get("notice_days_before_departure") is not None:
        notice_hours = float(event["notice_days_before_departure"]) * 24
    elif event.get("notice_hours_before_departure") is not None:
        notice_hours = float(event["notice_hours_before_departure"])
    elif event.get("cancelled_minutes_after_scheduled_departure") is not None:
        notice_hours = -float(event["cancelled_minutes_after_scheduled_departure"]) / 60
    alternate_within: int | None = None
    if event.get("alternate_departs_within_1h") is not None:
        alternate_within = 0 if event["alternate_departs_within_1h"] else 24 * 60
    tarmac_phase = None
    if kind is Event.TARMAC_DELAY:
        phase = str(event.get("phase", "departure"))
        tarmac_phase = "arrival" if "arrival" in phase else "departure"
    extra: dict[str, Any] = {}
    if event.get("flight_duration_hours") is not None:
        extra["longest_leg_hours"] = float(event["flight_duration_hours"])
    bag_fee = event.get("bag_fee_paid_usd")
    cancelled = kind is Event.CANCELLATION
    return Disruption(
        event=kind,
        cause=cause,
        carrier=operator,
        legs=(Leg(origin, destination, scheduled_departure, scheduled_arrival),),
        actual_departure=None if cancelled and not reroute else _instant(case, "actual_departure"),
        actual_arrival=None if cancelled and not reroute else _instant(case, "actual_arrival"),
        departure_delay_minutes=None if cancelled else departure_delay,
        arrival_delay_minutes=None if cancelled and not reroute else arrival_delay,
        missed_connection=missed,
        notice_hours=notice_hours,
        informed_hours_before_departure=event.get("informed_hours_before_departure"),
        reroute_departs_minutes=reroute.get("departs_minutes_relative"),
        reroute_arrives_minutes=reroute.get("arrives_minutes_late"),
        alternate_within_minutes=alternate_within,
        tarmac_minutes=event.get("tarmac_minutes"),
        tarmac_phase=tarmac_phase,
        tarmac_airport=place(event["airport"], "event.airport") if event.get("airport") else None,
        denied_at=place(event["at_airport"], "event.at_airport") if event.get("at_airport") else None,
        voluntary=str(event.get("type")) == "denied_boarding_voluntary",
        overnight=event.get("overnight"),
        bag_delay_hours=event.get("bag_delay_hours"),
        bag_report_filed=bool(event.get("mishandled_baggage_report_filed")),
        bag_fee_paid=Money.parse(str(bag_fee), "USD") if bag_fee is not None else None,
        fare_one_way=one_way,
        fare_round_trip=round_trip,
        extra=extra,
    )


def result_of(case_id: str, decision: Decision) -> dict[str, Any]:
    """The evaluation format for one case under one policy."""
    paid = decision.compensation
    compensation = None
    if paid is not None and paid.compensation is not None:
        compensation = {
            "amount": _number(paid.compensation.major),
            "currency": paid.compensation.currency,
            "form": paid.form.value if paid.form else None,
        }
    care = sorted(decision.care)
    return {
        "id": case_id,
        "compensation": compensation,
        "refund_right": "refund" in decision.rights,
        "rebooking_right": "rebooking" in decision.rights,
        "care": care,
    }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def evaluate_case(case: Mapping[str, Any], policies: Mapping[str, Policy], airports: AirportLookup) -> dict[str, Any]:
    regime = str(case.get("regime"))
    policy = policies.get(regime)
    if policy is None:
        raise CaseError(f"{case.get('id')}: regime: no policy {regime!r} (known: {', '.join(sorted(policies))})")
    disruption = disruption_of(case, airports)
    facts = measure(disruption)
    # A case is judged under the regime it names, on its own dates.
    return result_of(str(case.get("id")), decide(policy, facts))


@dataclass(frozen=True)
class Mismatch:
    field: str
    expected: Any
    got: Any


def expected_care(expected: Mapping[str, Any]) -> tuple[set[str] | None, list[str]]:
    """The care codes a case asserts, and the items it does not assert (marked "not verified")."""
    if "care" not in expected:
        return None, []
    codes: set[str] = set()
    skipped: list[str] = []
    for words in expected["care"]:
        if "not verified" in str(words).lower():
            skipped.append(str(words))
            continue
        code = care_code(str(words))
        if code is None:
            raise CaseError(f"care: no care code for {words!r}")
        codes.add(code)
    return codes, skipped


def compare(case: Mapping[str, Any], result: Mapping[str, Any]) -> list[Mismatch]:
    expected = case.get("expected") or {}
    found: list[Mismatch] = []
    wanted = expected.get("compensation") or {}
    amount = wanted.get("amount")
    got = result.get("compensation")
    if amount is not None:
        if Decimal(str(amount)) == 0:
            if got is not None:
                found.append(Mismatch("compensation", None, got))
        elif got is None:
            found.append(Mismatch("compensation", wanted, None))
        else:
            if Decimal(str(got["amount"])) != Decimal(str(amount)) or got["currency"] != wanted.get("currency"):
                found.append(Mismatch("compensation.amount", f"{amount} {wanted.get('currency')}", got))
            form = _form(str(wanted.get("form", "")))
            if form is not None and got.get("form") != form:
                found.append(Mismatch("compensation.form", form, got.get("form")))
    for right in ("refund_right", "rebooking_right"):
        value = expected.get(right)
        if isinstance(value, bool) and result.get(right) is not value:
            found.append(Mismatch(right, value, result.get(right)))
    codes, _skipped = expected_care(expected)
    if codes is not None and set(result.get("care", [])) != codes:
        found.append(Mismatch("care", sorted(codes), result.get("care")))
    return found


def _form(words: str) -> str | None:
    lowered = words.lower()
    for fragment, form in FORMS.items():
        if fragment in lowered:
            return form
    return None
