"""The fan-out on a real database: every affected passenger, once; revisions move only the difference."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.cases.models import Case
from goodwill.flights.models import Flight, FlightEvent
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.notifications.models import OutboundMessage
from goodwill.recovery import catalogue
from goodwill.recovery.models import Entitlement
from goodwill.recovery.service import process_event
from goodwill.vouchers.models import LedgerEntry, Voucher

NOW = datetime(2026, 2, 14, 18, 0, tzinfo=UTC)
POLICIES = catalogue.builtin()

FLIGHTS = [
    # carrier, number, date, origin, destination, departs, arrives (local, with offset)
    ("B6", "101", "2026-02-14", "JFK", "BOS", "2026-02-14T10:00:00-05:00", "2026-02-14T11:15:00-05:00"),
    ("B6", "301", "2026-02-14", "JFK", "MCO", "2026-02-14T08:00:00-05:00", "2026-02-14T10:45:00-05:00"),
    ("B6", "302", "2026-02-14", "MCO", "SJU", "2026-02-14T11:45:00-05:00", "2026-02-14T15:30:00-04:00"),
    ("B6", "20", "2026-02-14", "LHR", "JFK", "2026-02-14T08:30:00+00:00", "2026-02-14T11:40:00-05:00"),
]
BOOKINGS = [
    # pnr, email, first, fare, segments [(sequence, journey, flight number, origin, destination)], minor
    ("AAA111", "ana@example.com", "Ana", "150.00", [(1, 1, "101", "JFK", "BOS")], False),
    ("BBB222", "ben@example.com", "Ben", "320.00", [(1, 1, "301", "JFK", "MCO"), (2, 1, "302", "MCO", "SJU")], False),
    ("CCC333", "cy@example.com", "Cy", "900.00", [(1, 1, "20", "LHR", "JFK")], False),
    ("CCC333", "dee@example.com", "Dee", "900.00", [(1, 1, "20", "LHR", "JFK")], True),
]


def _world(session: Session) -> None:
    flights = [
        dict(zip(("carrier", "number", "operating_date", "origin", "destination", "scheduled_departure",
                  "scheduled_arrival"), f, strict=True)) | {"seats": 150}
        for f in FLIGHTS
    ]  # fmt: skip
    imports.import_rows(session, kind=ImportKind.FLIGHTS, rows=enumerate(flights, 2), source="f.csv", now=NOW)
    people = [
        {"email": "ben@example.com", "first_name": "Ben", "last_name": "Okafor", "tier": "platinum"},
        {"email": "ana@example.com", "first_name": "Ana", "last_name": "Lopez", "language": "es"},
    ]
    imports.import_rows(session, kind=ImportKind.PASSENGERS, rows=enumerate(people, 2), source="p.csv", now=NOW)
    rows: list[dict[str, Any]] = []
    for pnr, email, first, fare, segments, minor in BOOKINGS:
        for sequence, journey, number, origin, destination in segments:
            rows.append({
                "pnr": pnr, "booking_channel": "direct", "booked_at": "2026-01-05T10:00:00-05:00", "currency": "USD",
                "fare_paid": fare, "passenger_email": email, "passenger_first_name": first,
                "passenger_last_name": "Test", "passenger_type": "child" if minor else "adult",
                "unaccompanied_minor": "true" if minor else "", "segment": sequence, "journey": journey,
                "carrier": "B6", "flight_number": number, "flight_date": "2026-02-14", "origin": origin,
                "destination": destination,
            })  # fmt: skip
    report = imports.import_rows(session, kind=ImportKind.BOOKINGS, rows=enumerate(rows, 2), source="b.csv", now=NOW)
    assert not report.rejected, report.rejected


def _flight(session: Session, number: str) -> Flight:
    flight = session.scalars(select(Flight).where(Flight.carrier == "B6", Flight.number == number)).one()
    return flight


def _event(
    session: Session, number: str, external_id: str, type_: str, revision: int = 1, **fields: Any
) -> FlightEvent:
    flight = _flight(session, number)
    event = session.scalars(select(FlightEvent).where(FlightEvent.external_id == external_id)).first()
    details = fields.pop("details", {})
    if event is None:
        event = FlightEvent(flight_id=flight.id, external_id=external_id, occurred_at=NOW, reported_at=NOW, details={})
        session.add(event)
    event.type, event.revision, event.cause = type_, revision, fields.pop("cause", "controllable")
    event.details = details
    for name in ("departure_delay_minutes", "arrival_delay_minutes", "notice_given_at", "tarmac_minutes"):
        setattr(event, name, fields.pop(name, None))
    assert not fields, fields
    session.flush()
    return event


def _process(session: Session, event: FlightEvent) -> dict[str, Any]:
    return process_event(session, event_id=event.id, now=NOW, policies=POLICIES).as_dict()


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _paid(session: Session, email_first: str) -> dict[str, int]:
    """Value granted per currency to the passenger whose first name is given (ledger sums)."""
    from goodwill.customers.models import Passenger

    pid = session.scalars(select(Passenger.id).where(Passenger.first_name == email_first)).one()
    rows = session.execute(
        select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.passenger_id == pid, LedgerEntry.entry_type.in_(("issue", "cash_payout", "reversal")))
        .group_by(LedgerEntry.currency)
    ).all()
    return {currency: int(total) for currency, total in rows}


@pytest.fixture
def world(session: Session) -> Session:
    _world(session)
    return session


def test_a_late_cancellation_reaches_the_passenger_once(world: Session) -> None:
    session = world
    event = _event(session, "101", "E-1", "cancellation", notice_given_at=datetime(2026, 2, 14, 13, 0, tzinfo=UTC))
    first = _process(session, event)
    assert first["passengers"] == 1
    assert first["vouchers"] == 1
    assert first["moved"] == {"USD credit": "50.00 USD"}
    kinds = sorted(session.scalars(select(Entitlement.kind).where(Entitlement.status == "granted")))
    assert kinds == ["compensation", "rebooking", "refund", "refund"]  # JetBlue credit and rights, DOT refund
    assert _count(session, OutboundMessage) == 1
    before = {m: _count(session, m) for m in (Entitlement, LedgerEntry, Voucher, OutboundMessage, Case)}
    again = _process(session, event)
    assert again["entitlements"]["created"] == 0
    assert again["ledger_entries"] == 0
    assert again["messages"] == 0
    assert {m: _count(session, m) for m in before} == before
    basis = session.scalars(select(Entitlement.legal_basis).where(Entitlement.kind == "compensation")).one()
    assert "within 4 hours" in basis


def test_an_un_cancelled_flight_takes_back_what_it_no_longer_owes(world: Session) -> None:
    session = world
    cancel = _event(session, "101", "E-1", "cancellation", notice_given_at=datetime(2026, 2, 14, 13, 0, tzinfo=UTC))
    _process(session, cancel)
    assert _paid(session, "Ana") == {"USD": 5000}
    back = _event(session, "101", "E-2", "reinstatement")
    report = _process(session, back)
    assert report["entitlements"]["withdrawn"] == 4
    assert _paid(session, "Ana") == {"USD": 0}
    statuses = set(session.scalars(select(Entitlement.status)))
    assert statuses == {"withdrawn"}
    assert _process(session, back)["ledger_entries"] == 0  # and again: nothing more


def test_a_longer_delay_pays_only_the_difference_and_a_shorter_one_takes_it_back(world: Session) -> None:
    session = world
    # LHR-JFK: UK261 (departs the UK), 5,540 km: GBP 260 for 3-4 h, GBP 520 from 4 h.
    _process(session, _event(session, "20", "D-1", "delay", departure_delay_minutes=200, arrival_delay_minutes=200))
    assert _paid(session, "Cy") == {"GBP": 26000}
    report = _process(
        session, _event(session, "20", "D-1", "delay", 2, departure_delay_minutes=300, arrival_delay_minutes=300)
    )
    assert report["entitlements"]["revised"] >= 2
    assert _paid(session, "Cy") == {"GBP": 52000}
    entries = session.scalars(
        select(LedgerEntry.amount_minor).where(LedgerEntry.entry_type == "cash_payout").order_by(LedgerEntry.id)
    ).all()
    assert sorted(entries) == [26000, 26000, 26000, 26000]  # two passengers: 260, then 260 more each
    _process(session, _event(session, "20", "D-1", "delay", 3, departure_delay_minutes=90, arrival_delay_minutes=90))
    assert _paid(session, "Cy") == {"GBP": 0}
    history = session.scalars(select(Entitlement.facts).where(Entitlement.kind == "compensation").limit(1)).one()[
        "history"
    ]
    assert [h["amount_minor"] for h in history] == [26000, 52000]


@pytest.mark.parametrize("cancelled_first", [False, True])
def test_a_flight_delayed_then_cancelled_is_one_disruption_paid_once(world: Session, cancelled_first: bool) -> None:
    """UK261 Art 7 compensates the disruption of a journey once: a 200-minute delay (GBP 260) and then the
    flight's cancellation (GBP 520) pay GBP 520, not 780, in either order; a reinstatement leaves the delay's."""
    session = world

    def delay() -> dict[str, Any]:
        return _process(session, _event(session, "20", "D-9", "delay", departure_delay_minutes=200,
                                        arrival_delay_minutes=200))  # fmt: skip

    def cancel() -> dict[str, Any]:
        notice = datetime(2026, 2, 14, 3, 30, tzinfo=UTC)  # five hours before departure
        return _process(session, _event(session, "20", "C-9", "cancellation", notice_given_at=notice))

    for step in (cancel, delay) if cancelled_first else (delay, cancel):
        step()
    assert _paid(session, "Cy")["GBP"] == 52000
    claim = session.scalars(
        select(Entitlement).where(Entitlement.kind == "compensation", Entitlement.regime == "uk261").limit(1)
    ).one()
    assert claim.facts["paid_for"] == "cancellation"
    assert sorted(claim.facts["by_event"]) == ["cancellation", "delay"]
    assert delay()["ledger_entries"] == 0  # the delay again: nothing more
    back = _process(session, _event(session, "20", "R-9", "reinstatement"))
    assert back["entitlements"]["withdrawn"] > 0  # the cancellation's rights and credits
    assert _paid(session, "Cy")["GBP"] == 26000  # what the delay alone owes
    assert _paid(session, "Cy").get("USD", 0) == 0  # JetBlue's cancellation credit taken back


def test_a_broken_connection_and_people_who_need_a_person_get_a_case(world: Session) -> None:
    session = world
    # JFK-MCO arrives 90 min late; Ben's 60-minute connection to San Juan is gone and no rebooking is known.
    report = _process(
        session, _event(session, "301", "D-2", "delay", departure_delay_minutes=90, arrival_delay_minutes=90)
    )
    assert report["passengers"] == 1
    assert report["cases"] == 1
    case = session.scalars(select(Case)).one()
    assert case.origin["reasons"] == ["top tier", "missed connection, no rebooking yet"]
    assert case.priority == "high"
    assert case.type == "disruption_recovery"
    assert _process(session, _event(session, "301", "D-2", "delay", 2, departure_delay_minutes=95,
                                    arrival_delay_minutes=95))["cases"] == 0  # fmt: skip


def test_an_unaccompanied_minor_gets_a_case_and_messages_are_one_per_passenger(world: Session) -> None:
    session = world
    report = _process(session, _event(session, "20", "D-3", "delay", departure_delay_minutes=60))
    assert report["cases"] == 1
    assert report["messages"] == 2
    revised = _process(session, _event(session, "20", "D-3", "delay", 2, departure_delay_minutes=70))
    assert revised["messages"] == 2
    statuses = sorted(session.scalars(select(OutboundMessage.status)))
    assert statuses == ["pending", "pending", "replaced", "replaced"]


def test_a_spent_voucher_is_written_off_not_clawed_back(world: Session) -> None:
    session = world
    event = _event(session, "101", "E-9", "cancellation", notice_given_at=datetime(2026, 2, 14, 16, 0, tzinfo=UTC))
    _process(session, event)  # cancelled after departure: USD 100 credit
    voucher = session.scalars(select(Voucher)).one()
    spend = {"entry_type": "redeem", "amount_minor": -10000, "currency": "USD", "idempotency_key": "spend-1"}
    session.add(
        LedgerEntry(id=uuid.uuid4(), created_at=NOW, passenger_id=voucher.passenger_id, voucher_id=voucher.id, **spend)
    )
    session.flush()
    report = _process(session, _event(session, "101", "E-10", "reinstatement"))
    assert report["written_off"] == [{"claim": report["written_off"][0]["claim"], "minor": 10000, "currency": "USD"}]
    assert _paid(session, "Ana") == {"USD": 10000}


def test_timing_is_the_events_and_the_flight_date_decides_the_rules(world: Session) -> None:
    session = world
    # Told 3 days ahead: no JetBlue credit, but refund and rebooking rights.
    event = _event(session, "101", "E-3", "cancellation", notice_given_at=datetime(2026, 2, 11, 10, 0, tzinfo=UTC))
    report = _process(session, event)
    assert report["vouchers"] == 0
    assert report["moved"] == {}
    assert session.scalar(select(func.count()).select_from(Entitlement).where(Entitlement.kind == "refund")) == 2
