"""Recovery fan-out: one flight event reaches every affected passenger, in bulk, exactly once.

`process_event` loads the flight, every confirmed segment on it and each passenger's whole journey (so a
broken connection is seen), measures the facts per passenger, applies the policies (`engine.assess`),
settles each claim against what was granted before (`settle.settle`) and writes, in the caller's
transaction: entitlements with the facts they were decided on, ledger entries and vouchers, one outbox
message per passenger (its wording comes with the notifications work), and a recovery case for the
passengers who need a person (top tier, unaccompanied minors, a missed connection with no rebooking yet,
a wish on the trip). Processing the same event again writes nothing new; a revised event moves only the
difference; a reinstatement (the flight un-cancelled) withdraws what is no longer owed.

Uniqueness in the database makes it safe under concurrent workers: an entitlement's key is its claim, a
ledger entry's key is derived from the claim and its revision, a message's from the event and passenger,
a case's from the flight and passenger. A worker that loses a race gets an IntegrityError, rolls back and
runs again, and then finds the work done.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from goodwill.audit import service as audit
from goodwill.bookings.models import Booking, BookingPassenger, Segment
from goodwill.cases import service as case_service
from goodwill.cases import sla
from goodwill.cases.models import Case, CaseEvent, CasePriority, CaseStatus, CaseType
from goodwill.customers.models import Passenger, Wish
from goodwill.errors import NotFound
from goodwill.flights.carriers import CARRIERS
from goodwill.flights.models import Airport, Carrier, EventType, Flight, FlightEvent, FlightStatus
from goodwill.kit import collector
from goodwill.kit.ids import new_ids
from goodwill.kit.money import Money
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.recovery.engine import Assessment, Assessor
from goodwill.recovery.facts import (
    CauseClass,
    Disruption,
    Event,
    Leg,
    Operator,
    Place,
    measure_journey,
    personal_facts,
)
from goodwill.recovery.models import Entitlement
from goodwill.recovery.policy import Policy
from goodwill.recovery.settle import PAY, Entry, Granted, Owed, Settlement, is_pay, merge_pay, settle
from goodwill.store.bulk import (
    IdReader,
    JSONText,
    chunks,
    insert_rows,
    is_sqlite,
    raw_ids,
    select_in,
    update_rows,
)
from goodwill.vouchers.ledger import new_code
from goodwill.vouchers.models import LedgerEntry, Voucher
from goodwill.vouchers.service import issued_payload
from goodwill.webhooks import service as webhooks

MINIMUM_CONNECTION_MINUTES = 45
VOUCHER_VALIDITY = timedelta(days=365)
TOP_TIERS = frozenset({"platinum"})
EVENT_KINDS = {
    EventType.DELAY.value: Event.DELAY,
    EventType.CANCELLATION.value: Event.CANCELLATION,
    EventType.DIVERSION.value: Event.DIVERSION,
    EventType.TARMAC_DELAY.value: Event.TARMAC_DELAY,
    EventType.DENIED_BOARDING.value: Event.DENIED_BOARDING,
    EventType.BAG_MISHANDLED.value: Event.BAG_DELAYED,
}
_ENT: Table = Entitlement.__table__  # type: ignore[assignment]
_LEDGER: Table = LedgerEntry.__table__  # type: ignore[assignment]
_VOUCHERS: Table = Voucher.__table__  # type: ignore[assignment]


@dataclass
class FanOutReport:
    event_id: str
    flight: str
    passengers: int = 0
    entitlements_created: int = 0
    entitlements_revised: int = 0
    entitlements_withdrawn: int = 0
    entitlements_unchanged: int = 0
    ledger_entries: int = 0
    vouchers: int = 0
    messages: int = 0
    cases: int = 0
    written_off: list[tuple[str, int, str]] = field(default_factory=list)
    owed: dict[str, int] = field(default_factory=dict)  # "EUR compensation" -> minor units moved

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "flight": self.flight,
            "passengers": self.passengers,
            "entitlements": {
                "created": self.entitlements_created,
                "revised": self.entitlements_revised,
                "withdrawn": self.entitlements_withdrawn,
                "unchanged": self.entitlements_unchanged,
            },
            "ledger_entries": self.ledger_entries,
            "vouchers": self.vouchers,
            "messages": self.messages,
            "cases": self.cases,
            "moved": {k: str(Money(v, k.split()[0])) for k, v in sorted(self.owed.items())},
            "written_off": [{"claim": c, "minor": m, "currency": cur} for c, m, cur in self.written_off],
        }


@dataclass(frozen=True)
class _Traveller:
    passenger_id: uuid.UUID
    booking_id: uuid.UUID
    journey: tuple[uuid.UUID, ...]  # flight ids in order
    index: int  # the disrupted flight's place in the journey
    journey_number: int
    fare_minor: int
    journeys_in_booking: int
    currency: str
    unaccompanied_minor: bool


# ---- loading -------------------------------------------------------------------------------------------------


def _places(session: Session, codes: Iterable[str]) -> dict[str, Place]:
    rows = select_in(
        session,
        lambda b: select(Airport.iata, Airport.country, Airport.latitude, Airport.longitude, Airport.tz).where(
            Airport.iata.in_(b)
        ),
        codes,
    )
    return {iata: Place(iata, country, lat, lon, tz) for iata, country, lat, lon, tz in rows}


def _operator(session: Session, code: str) -> Operator:
    carrier = session.get(Carrier, code)
    if carrier is not None:
        return Operator(carrier.iata, carrier.country, carrier.size)
    known = CARRIERS.get(code)
    return Operator(code, known.country if known else "", known.size if known else "large")


def _travellers_of(session: Session, pairs: Sequence[tuple[FlightEvent, Flight]]) -> list[list[_Traveller]]:
    """For each (event, flight): every passenger with a confirmed segment on the flight, with their whole
    journey. One query set for all the flights, however many events there are."""
    flight_ids = {flight.id for _e, flight in pairs}
    ids = IdReader()  # the journeys' legs name each booking and flight many times: each UUID built once
    journeys_on: dict[uuid.UUID, set[tuple[uuid.UUID, int]]] = defaultdict(set)
    for booking_id, journey, flight_id in select_in(
        session,
        lambda b: select(raw_ids(Segment.booking_id), Segment.journey, raw_ids(Segment.flight_id)).where(
            Segment.flight_id.in_(b), Segment.status == "confirmed"
        ),
        flight_ids,
    ):
        journeys_on[ids(flight_id)].add((ids(booking_id), journey))
    journeys = {j for on in journeys_on.values() for j in on}
    booking_ids = {b for b, _j in journeys}
    legs: dict[tuple[uuid.UUID, int], list[tuple[int, uuid.UUID]]] = defaultdict(list)
    journey_count: dict[uuid.UUID, set[int]] = defaultdict(set)
    for raw_booking, journey, sequence, flight_id, status in select_in(
        session,
        lambda b: select(
            raw_ids(Segment.booking_id), Segment.journey, Segment.sequence, raw_ids(Segment.flight_id), Segment.status
        ).where(Segment.booking_id.in_(b)),
        booking_ids,
    ):
        booking_id = ids(raw_booking)
        journey_count[booking_id].add(journey)
        if (booking_id, journey) in journeys and status == "confirmed":
            legs[(booking_id, journey)].append((sequence, ids(flight_id)))
    currencies = {
        ids(booking_id): currency
        for booking_id, currency in select_in(
            session, lambda b: select(raw_ids(Booking.id), Booking.currency).where(Booking.id.in_(b)), booking_ids
        )
    }
    people: dict[uuid.UUID, list[tuple[uuid.UUID, int, bool]]] = defaultdict(list)
    for booking_id, passenger_id, fare, minor in select_in(
        session,
        lambda b: select(
            raw_ids(BookingPassenger.booking_id),
            raw_ids(BookingPassenger.passenger_id),
            BookingPassenger.fare_minor,
            BookingPassenger.unaccompanied_minor,
        ).where(BookingPassenger.booking_id.in_(b)),
        booking_ids,
    ):
        people[ids(booking_id)].append((ids(passenger_id), fare, bool(minor)))
    chains = {key: tuple(f for _s, f in sorted(ordered)) for key, ordered in legs.items()}
    found: list[list[_Traveller]] = []
    for event, flight in pairs:
        these: list[_Traveller] = []
        for booking_id, journey_number in sorted(journeys_on.get(flight.id, ()), key=lambda j: (j[0].hex, j[1])):
            chain = chains.get((booking_id, journey_number), ())
            if flight.id not in chain:
                continue
            for passenger_id, fare, minor in people.get(booking_id, []):
                if event.passenger_id is not None and passenger_id != event.passenger_id:
                    continue  # denied boarding or a bag: one passenger's event
                these.append(
                    _Traveller(
                        passenger_id,
                        booking_id,
                        chain,
                        chain.index(flight.id),
                        journey_number,
                        fare,
                        max(1, len(journey_count[booking_id])),
                        currencies.get(booking_id, "USD"),
                        minor,
                    )
                )
        found.append(these)
    return found


# ---- facts per passenger -------------------------------------------------------------------------------------


def _disruption(
    t: _Traveller,
    event: FlightEvent,
    flights: dict[uuid.UUID, Flight],
    places: dict[str, Place],
    operator: Operator,
    extra: dict[str, Any],
) -> tuple[Disruption, bool]:
    """The passenger's disruption, and whether a connection is missed with no rebooking known yet."""
    chain = [flights[f] for f in t.journey]
    legs = tuple(
        Leg(places[f.origin], places[f.destination], f.scheduled_departure, f.scheduled_arrival) for f in chain
    )
    details: dict[str, Any] = dict(event.details or {})
    kind = EVENT_KINDS[event.type]
    departure_delay = event.departure_delay_minutes
    arrival_delay = event.arrival_delay_minutes if event.arrival_delay_minutes is not None else departure_delay
    missed = False
    stranded = False
    final_arrival_delay: int | None = arrival_delay
    if t.index < len(chain) - 1:
        # A later flight in the journey: is the connection still made?
        slack = (chain[t.index + 1].scheduled_departure - chain[t.index].scheduled_arrival).total_seconds() / 60
        late = arrival_delay or 0
        if kind is Event.CANCELLATION or late > slack - MINIMUM_CONNECTION_MINUTES:
            missed = kind is not Event.CANCELLATION
            final_arrival_delay = details.get("final_arrival_delay_minutes")
            stranded = final_arrival_delay is None
        else:
            final_arrival_delay = 0  # connection made: on time at the final destination
    if kind is Event.CANCELLATION:
        final_arrival_delay = details.get("reroute_arrives_minutes", details.get("final_arrival_delay_minutes"))
    fare_one_way, fare_round_trip, bag_fee_paid = _paid(t, details)
    disruption = Disruption(
        event=kind,
        cause=CauseClass(event.cause) if event.cause in CauseClass._value2member_map_ else CauseClass.UNKNOWN,
        carrier=operator,
        legs=legs,
        disrupted_leg=t.index,
        departure_delay_minutes=None if kind is Event.CANCELLATION else departure_delay,
        arrival_delay_minutes=final_arrival_delay,
        onward_departure_delay_minutes=details.get("onward_departure_delay_minutes"),
        missed_connection=missed,
        notice_given_at=event.notice_given_at or (event.reported_at if kind is not Event.CANCELLATION else None),
        reroute_departs_minutes=details.get("reroute_departs_minutes"),
        reroute_arrives_minutes=details.get("reroute_arrives_minutes"),
        alternate_within_minutes=details.get("alternate_within_minutes"),
        tarmac_minutes=event.tarmac_minutes,
        tarmac_phase=details.get("tarmac_phase") if event.tarmac_minutes is not None else None,
        voluntary=bool(details.get("voluntary", False)),
        bag_delay_hours=details.get("bag_delay_hours"),
        bag_report_filed=bool(details.get("bag_report_filed", False)),
        bag_fee_paid=bag_fee_paid,
        fare_one_way=fare_one_way,
        fare_round_trip=fare_round_trip,
        refund_chosen=bool(details.get("refund_chosen", False)),
        extra=extra,
    )
    return disruption, stranded


def _paid(t: _Traveller, details: dict[str, Any]) -> tuple[Money | None, Money | None, Money | None]:
    """What the passenger paid: the one-way fare, the round trip's (a two-journey booking), a bag fee."""
    one_way = t.fare_minor // t.journeys_in_booking
    bag_fee = details.get("bag_fee_paid")  # major units of the booking's currency (the events format)
    return (
        Money(one_way, t.currency) if one_way else None,
        Money(t.fare_minor, t.currency) if t.journeys_in_booking == 2 else None,
        Money.parse(str(bag_fee), t.currency) if bag_fee else None,
    )


def claim_prefix(t: _Traveller) -> str:
    """Claims are per passenger and journey: two disrupted flights of one journey are one disruption."""
    return f"{t.passenger_id.hex}:{t.booking_id.hex}:{t.journey_number}"


def _kept(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts an entitlement keeps (all of the journey, not the person), as JSON values."""
    kept = {k: facts[k] for k in _KEPT_FACTS if k in facts}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in kept.items()}


def _owed(t: _Traveller, flight_id: uuid.UUID, event_type: str, result: Assessment, kept: dict[str, Any]) -> list[Owed]:
    """The claims an assessment makes for one passenger: payments, rights and care, one per policy each.
    `kept`: the facts each claim keeps (`_kept`), shared by everyone on the journey."""
    prefix = f"{claim_prefix(t)}:{event_type}"
    pay = f"{claim_prefix(t)}:{PAY}"
    owed: list[Owed] = []
    for decision in result.decisions:
        if not decision.scope.applies:
            continue
        rights: dict[str, Any] = {}
        care: set[str] = set()
        care_rule = None
        for grant in decision.grants:
            if grant.compensation is not None and not grant.superseded_by:
                owed.append(
                    Owed(
                        f"{pay}:{decision.policy_id}:{grant.group}",
                        t.passenger_id,
                        flight_id,
                        t.booking_id,
                        "compensation",
                        grant.regime,
                        grant.policy_id,
                        grant.policy_version,
                        grant.rule_id,
                        grant.basis,
                        grant.explanation,
                        grant.compensation.minor,
                        grant.compensation.currency,
                        grant.form.value if grant.form else None,
                        facts=kept,
                    )
                )
            for right in grant.rights:
                rights.setdefault(right, grant)
            if grant.care:
                care.update(grant.care)
                care_rule = care_rule or grant
        for right, grant in rights.items():
            owed.append(
                Owed(
                    f"{prefix}:{decision.policy_id}:{right}",
                    t.passenger_id,
                    flight_id,
                    t.booking_id,
                    right,
                    grant.regime,
                    grant.policy_id,
                    grant.policy_version,
                    grant.rule_id,
                    grant.basis,
                    grant.explanation,
                    facts=kept,
                )
            )
        if care and care_rule is not None:
            owed.append(
                Owed(
                    f"{prefix}:{decision.policy_id}:care",
                    t.passenger_id,
                    flight_id,
                    t.booking_id,
                    "care",
                    care_rule.regime,
                    care_rule.policy_id,
                    care_rule.policy_version,
                    care_rule.rule_id,
                    care_rule.basis,
                    care_rule.explanation,
                    care=tuple(sorted(care)),
                    facts=kept,
                )
            )
    return owed


def _restamped(prefix: str, claims: Sequence[Owed], t: _Traveller) -> list[Owed]:
    """`_owed` of a passenger alike (the same assessment, journey and event) as the one of `prefix`: the same
    claims, for this passenger and booking."""
    mine, cut = claim_prefix(t), len(prefix)
    return [
        Owed(
            f"{mine}{o.claim_key[cut:]}",
            t.passenger_id,
            o.flight_id,
            t.booking_id,
            o.kind,
            o.regime,
            o.policy_id,
            o.policy_version,
            o.rule_id,
            o.basis,
            o.explanation,
            o.amount_minor,
            o.currency,
            o.form,
            o.care,
            o.facts,
            o.memory,
        )
        for o in claims
    ]


_KEPT_FACTS = (
    "event",
    "cause",
    "arrival_delay_minutes",
    "departure_delay_minutes",
    "wait_minutes",
    "distance_km",
    "band",
    "notice_hours",
    "tarmac_minutes",
    "missed_connection",
    "flight_date",
    "carrier",
    "origin_country",
    "destination_country",
)


# ---- stored claims -------------------------------------------------------------------------------------------


def _stored(session: Session, passengers: set[uuid.UUID], prefixes: set[str]) -> dict[str, Granted]:
    """The stored claims of these passengers whose keys start with one of `prefixes` (passenger:booking:journey)."""
    # The keys alone first (plain strings: a passenger's other journeys cost little), then the matching rows.
    matched = [key for key in _stored_keys(session, passengers, prefixes) if _prefix(key) in prefixes]
    rows = list(
        select_in(
            session,
            lambda b: select(
                Entitlement.id,
                Entitlement.idempotency_key,
                Entitlement.status,
                Entitlement.form,
                Entitlement.currency,
                Entitlement.facts,
                Entitlement.passenger_id,
            ).where(Entitlement.idempotency_key.in_(b)),
            matched,
        )
    )
    by_id = {r.id: r for r in rows}
    entries: dict[uuid.UUID, list[tuple[uuid.UUID, str, int, str, uuid.UUID | None, uuid.UUID | None]]] = defaultdict(
        list
    )
    for entitlement_id, entry_id, entry_type, amount, currency, voucher_id, reverses_id in select_in(
        session,
        lambda b: select(
            LedgerEntry.entitlement_id,
            LedgerEntry.id,
            LedgerEntry.entry_type,
            LedgerEntry.amount_minor,
            LedgerEntry.currency,
            LedgerEntry.voucher_id,
            LedgerEntry.reverses_id,
        ).where(LedgerEntry.entitlement_id.in_(b)),
        by_id,
    ):
        entries[entitlement_id].append((entry_id, entry_type, amount, currency, voucher_id, reverses_id))
    # A claim's voucher, by the vouchers its entries name (by primary key: vouchers.entitlement_id has no index,
    # and a voucher is issued with an entry of its entitlement, `_apply_all`, `vouchers.service.issue_voucher`).
    vouchers = {
        entitlement_id: voucher_id
        for entitlement_id, voucher_id in select_in(
            session,
            lambda b: select(Voucher.entitlement_id, Voucher.id).where(Voucher.id.in_(b)),
            {e[4] for own in entries.values() for e in own if e[4] is not None},
        )
        if entitlement_id in by_id
    }
    balances = dict(
        select_in(
            session,
            lambda b: (
                select(LedgerEntry.voucher_id, func.sum(LedgerEntry.amount_minor))
                .where(LedgerEntry.voucher_id.in_(b))
                .group_by(LedgerEntry.voucher_id)
            ),
            vouchers.values(),
        )
    )
    found: dict[str, Granted] = {}
    for row in rows:
        own = entries.get(row.id, [])
        reversed_ids = {rev for *_x, rev in own if rev is not None}
        granting = [e for e in own if e[1] in ("issue", "cash_payout")]
        open_entries = tuple(
            Entry(e[0], e[1], e[2], e[3]) for e in sorted(granting, key=lambda e: e[0]) if e[0] not in reversed_ids
        )
        granted_minor = sum(e[2] for e in own if e[1] in ("issue", "cash_payout", "reversal"))
        facts = row.facts or {}
        voucher_id = vouchers.get(row.id)
        found[row.idempotency_key] = Granted(
            row.id,
            row.idempotency_key,
            str(facts.get("digest", "")),
            row.status,
            int(facts.get("revision", 1)),
            row.form,
            row.currency,
            granted_minor,
            open_entries,
            voucher_id,
            int(balances.get(voucher_id, 0)) if voucher_id is not None else None,
            facts.get("by_event", {}) if row.status == "granted" else {},
        )
    return found


# Prefixes per range query on SQLite: two values each, far below its parameter limit.
_RANGES = 250


def _stored_keys(session: Session, passengers: set[uuid.UUID], prefixes: set[str]) -> Iterator[str]:
    """The claim keys stored for these passengers, at least those starting with one of `prefixes`.

    On SQLite, by ranges of the keys' unique index (`prefix:` up to `prefix;`, byte order): the index alone
    answers, where finding them by passenger reads each passenger's entitlement rows, scattered over a large
    table. PostgreSQL compares text by the database's collation, where such ranges need not hold: by passenger.
    """
    if not is_sqlite(session):
        for (key,) in select_in(
            session,
            lambda b: select(Entitlement.idempotency_key).where(Entitlement.passenger_id.in_(b)),
            passengers,
        ):
            yield key
        return
    connection = session.connection()
    for batch in chunks(sorted(prefixes), _RANGES):
        where = " OR ".join(["(idempotency_key >= ? AND idempotency_key < ?)"] * len(batch))
        bounds = tuple(bound for prefix in batch for bound in (f"{prefix}:", f"{prefix};"))
        for (key,) in connection.exec_driver_sql(f"SELECT idempotency_key FROM {_ENT.name} WHERE {where}", bounds):
            yield key


# ---- writing -------------------------------------------------------------------------------------------------


_ENTITLEMENT_COLUMNS = (
    "passenger_id",
    "booking_id",
    "flight_id",
    "flight_event_id",
    "regime",
    "rule_id",
    "legal_basis",
    "kind",
    "amount_minor",
    "currency",
    "form",
    "care",
    "explanation",
    "facts",
    "policy_version",
    "status",
    "decided_at",
)


_OWN_FACTS = frozenset({"digest", "revision", "event_id", "event_revision", "history"})


@lru_cache(maxsize=1024)
def _json_text(value: str) -> str:
    return json.dumps(value)


def _event_fields(event: FlightEvent) -> tuple[uuid.UUID, str, int]:
    """What an entitlement keeps of the event that decided it: its id, external id and revision."""
    return event.id, event.external_id, event.revision


_AMOUNT_MARK = "\x00amount\x00"
_AMOUNT_TEXT = json.dumps(_AMOUNT_MARK)


class FactsTexts:
    """The JSON text of claims' facts, each dict serialised once (SQLite writes the text, `store.bulk.JSONText`).

    Claims decided alike share one facts dict (`_kept`, `settle.merge_pay`): its text is kept by the dict's id
    (the caller keeps the dicts alive while this lives). A payment one event alone owes (`settle._alone_facts`)
    differs from its journey's others only in its amount (a share of each booking's fare): its text is made
    from the journey's, the amount put in. Either way the very text `json.dumps` makes of the whole dict."""

    def __init__(self) -> None:
        self._by_id: dict[int, str] = {}
        self._by_shape: dict[tuple[Any, ...], tuple[Any, str, str]] = {}

    def __call__(self, facts: Mapping[str, Any]) -> str | None:
        """The text of `facts` without its closing brace (a comma after the last fact), or None when the facts
        name a key the row adds itself (`_OWN_FACTS`)."""
        text = self._by_id.get(id(facts))
        if text is None:
            if not _OWN_FACTS.isdisjoint(facts):
                return None
            text = self._by_id[id(facts)] = self._paid_alone(facts) or (
                json.dumps(facts)[:-1] + (", " if facts else "")
            )
        return text

    def _paid_alone(self, facts: Mapping[str, Any]) -> str | None:
        paid_for = facts.get("paid_for")
        by_event = facts.get("by_event")
        if not isinstance(by_event, dict) or len(by_event) != 1 or paid_for not in by_event:
            return None
        entry = by_event[paid_for]
        amount, plain = entry.get("amount_minor"), entry.get("facts")
        if type(amount) is not int or not isinstance(plain, dict) or len(facts) != len(plain) + 2:
            return None
        if any(facts.get(k) is not v for k, v in plain.items()):  # not `{**plain, "paid_for", "by_event"}`
            return None
        shape = (paid_for, id(plain), *(v for k, v in entry.items() if k not in ("amount_minor", "facts")), *entry)
        try:
            held = self._by_shape.get(shape)
        except TypeError:  # a value that cannot be a key
            return None
        if held is None or held[0] is not plain:
            marked = json.dumps({**facts, "by_event": {paid_for: {**entry, "amount_minor": _AMOUNT_MARK}}})
            if marked.count(_AMOUNT_TEXT) != 1:
                return None
            head, tail = marked[:-1].split(_AMOUNT_TEXT)
            held = self._by_shape[shape] = (plain, head, tail + ", ")
        return f"{held[1]}{int.__repr__(amount)}{held[2]}"


def _entitlement_values(
    o: Owed,
    revision: int,
    event: tuple[uuid.UUID, str, int],
    now: datetime,
    history: list[Any],
    texts: FactsTexts | None = None,
) -> tuple[Any, ...]:
    """An entitlement's values in `_ENTITLEMENT_COLUMNS` order; `event` as `_event_fields` gives it.

    With `texts` (SQLite), the facts are written as JSON text (`FactsTexts`), the row's own facts added."""
    event_id, external_id, event_revision = event
    facts: dict[str, Any] | JSONText
    shared = texts(o.facts) if texts is not None else None
    if shared is not None:
        facts = JSONText(
            f'{shared}"digest": "{o.digest}", "revision": {int(revision)}, "event_id": {_json_text(external_id)}, '
            f'"event_revision": {int(event_revision)}, "history": {json.dumps(history) if history else "[]"}}}'
        )
    else:
        facts = {
            **o.facts,  # JSON values already (`_kept`, `settle.merge_pay`)
            "digest": o.digest,
            "revision": revision,
            "event_id": external_id,
            "event_revision": event_revision,
            "history": history,
        }
    return (
        o.passenger_id,
        o.booking_id,
        o.flight_id,
        event_id,
        o.regime[:30],
        o.rule_id[:60],
        o.basis[:200],
        o.kind,
        o.amount_minor,
        o.currency,
        o.form,
        list(o.care),
        o.explanation,
        facts,
        o.policy_version[:40],
        "granted",
        now,
    )


def _apply_all(
    session: Session, items: Sequence[tuple[Settlement, FlightEvent, FanOutReport]], now: datetime, actor: str
) -> None:
    """Write the settlements of several events (their claims are disjoint) with one statement per table."""
    ids: dict[str, uuid.UUID] = {}
    passenger_of: dict[str, uuid.UUID] = {}
    # New entitlements.
    new = [(o, revision, event) for plan, event, _r in items for o, revision in plan.create]
    fields = {id(event): _event_fields(event) for _p, event, _r in items}
    texts = FactsTexts() if is_sqlite(session) else None
    rows = []
    for entitlement_id, (o, revision, event) in zip(new_ids(len(new)), new, strict=True):
        values = _entitlement_values(o, revision, fields[id(event)], now, [], texts)
        rows.append((entitlement_id, now, now, o.claim_key, *values))
        ids[o.claim_key] = entitlement_id
        passenger_of[o.claim_key] = o.passenger_id
    if rows:
        insert_rows(session, _ENT, ("id", "created_at", "updated_at", "idempotency_key", *_ENTITLEMENT_COLUMNS), rows)
    # Revised and withdrawn ones: the decision changes in place; the earlier one goes to the history.
    revise = [(eid, o, revision, event) for plan, event, _r in items for eid, o, revision in plan.revise]
    withdraw = [(eid, revision, event) for plan, event, _r in items for eid, revision in plan.withdraw]
    changed = [eid for eid, *_x in revise] + [eid for eid, *_x in withdraw]
    previous = {
        r.id: r
        for r in select_in(
            session,
            lambda b: select(
                Entitlement.id,
                Entitlement.rule_id,
                Entitlement.amount_minor,
                Entitlement.currency,
                Entitlement.facts,
                Entitlement.decided_at,
                Entitlement.status,
                Entitlement.passenger_id,
                Entitlement.idempotency_key,
            ).where(Entitlement.id.in_(b)),
            changed,
        )
    }

    def history(entitlement_id: uuid.UUID) -> list[Any]:
        before = previous[entitlement_id]
        earlier = list((before.facts or {}).get("history", []))
        earlier.append(
            {
                "revision": (before.facts or {}).get("revision", 1),
                "status": before.status,
                "rule_id": before.rule_id,
                "amount_minor": before.amount_minor,
                "currency": before.currency,
                "decided_at": before.decided_at.isoformat() if before.decided_at else None,
                "event_revision": (before.facts or {}).get("event_revision"),
            }
        )
        return earlier

    if revise:
        update_rows(
            session,
            _ENT,
            (*_ENTITLEMENT_COLUMNS, "updated_at"),
            [
                (eid, *_entitlement_values(o, revision, fields[id(event)], now, history(eid)), now)
                for eid, o, revision, event in revise
            ],
        )
        for eid, o, _r, _e in revise:
            ids[o.claim_key] = eid
            passenger_of[o.claim_key] = o.passenger_id
    if withdraw:
        update_rows(
            session,
            _ENT,
            ("status", "facts", "decided_at", "updated_at"),
            [
                (
                    eid,
                    "withdrawn",
                    {
                        **(previous[eid].facts or {}),
                        "revision": revision,
                        "digest": "",
                        "event_id": event.external_id,
                        "event_revision": event.revision,
                        "history": history(eid),
                        "by_event": {},
                    },
                    now,
                    now,
                )
                for eid, revision, event in withdraw
            ],
        )
        for eid, _r, _e in withdraw:
            ids[previous[eid].idempotency_key] = eid
            passenger_of[previous[eid].idempotency_key] = previous[eid].passenger_id
    _announce_granted(session, new, revise, ids, now)
    planned = [(m, report) for plan, _e, report in items for m in plan.moves]
    event_type = {id(report): event.type for _p, event, report in items}
    if not planned:
        return
    # Money: vouchers first (entries point at them), then the ledger entries. A claim created just now has
    # no entries yet (they point at its row); the others' keys are looked up, so a replay writes nothing.
    created = {o.claim_key for o, _revision, _event in new}
    existing_keys = {
        key
        for (key,) in select_in(
            session,
            lambda b: select(LedgerEntry.idempotency_key).where(LedgerEntry.idempotency_key.in_(b)),
            [m.key for m, _r in planned if m.claim_key not in created],
        )
    }
    moves = [(m, report) for m, report in planned if m.key not in existing_keys]
    voucher_rows = []
    voucher_of: dict[str, uuid.UUID] = {}
    new_voucher_moves = [(m, report) for m, report in moves if m.new_voucher]
    for voucher_id, (m, report) in zip(new_ids(len(new_voucher_moves)), new_voucher_moves, strict=True):
        voucher_of[m.claim_key] = voucher_id
        voucher_rows.append(
            (
                voucher_id,
                now,
                now,
                new_code(),
                passenger_of[m.claim_key],
                "credit" if m.form == "credit" else "voucher",
                m.currency,
                m.amount_minor,
                now,
                now + VOUCHER_VALIDITY,
                f"recovery: {event_type[id(report)]} of flight {report.flight}"[:200],
                ids[m.claim_key],
            )
        )
        report.vouchers += 1
    if voucher_rows:
        insert_rows(
            session,
            _VOUCHERS,
            (
                "id",
                "created_at",
                "updated_at",
                "code",
                "passenger_id",
                "kind",
                "currency",
                "face_value_minor",
                "issued_at",
                "expires_at",
                "reason",
                "entitlement_id",
            ),
            voucher_rows,
        )
        subscribers = webhooks.listeners(session, "voucher.issued")
        if subscribers:
            webhooks.emit(
                session,
                event_type="voucher.issued",
                events=[
                    issued_payload(
                        voucher_id=row[0],
                        code=row[3],
                        passenger_id=row[4],
                        kind=row[5],
                        amount_minor=row[7],
                        currency=row[6],
                        expires_at=row[9],
                        reason=row[10],
                        entitlement_id=row[11],
                        case_id=None,
                    )
                    for row in voucher_rows
                ],
                now=now,
                to=subscribers,
            )
    entry_rows = [
        (
            entry_id,
            now,
            passenger_of[m.claim_key],
            m.voucher_id or voucher_of.get(m.claim_key),
            ids[m.claim_key],
            m.entry_type,
            m.amount_minor,
            m.currency,
            m.reverses_id,
            m.key,
            m.memo,
            actor,
        )
        for entry_id, (m, _r) in zip(new_ids(len(moves)), moves, strict=True)
    ]
    insert_rows(
        session,
        _LEDGER,
        (
            "id",
            "created_at",
            "passenger_id",
            "voucher_id",
            "entitlement_id",
            "entry_type",
            "amount_minor",
            "currency",
            "reverses_id",
            "idempotency_key",
            "memo",
            "actor",
        ),
        entry_rows,
    )
    for m, report in moves:
        report.ledger_entries += 1
        label = f"{m.currency} {m.form or ('cash' if m.entry_type in ('cash_payout', 'reversal') else m.entry_type)}"
        report.owed[label] = report.owed.get(label, 0) + m.amount_minor


def _announce_granted(
    session: Session,
    new: Sequence[tuple[Owed, int, FlightEvent]],
    revise: Sequence[tuple[uuid.UUID, Owed, int, FlightEvent]],
    ids: dict[str, uuid.UUID],
    now: datetime,
) -> None:
    """`entitlement.granted` for each claim granted or revised now, to the subscriptions that listen."""
    if not new and not revise:
        return
    subscribers = webhooks.listeners(session, "entitlement.granted")
    if not subscribers:
        return
    granted = [(ids[o.claim_key], o, revision, event) for o, revision, event in new]
    granted += list(revise)
    webhooks.emit(
        session,
        event_type="entitlement.granted",
        events=[
            (
                f"entitlement.granted:{eid}:{revision}",
                {
                    "entitlement_id": str(eid),
                    "revision": revision,
                    "passenger_id": str(o.passenger_id),
                    "flight_id": str(o.flight_id),
                    "flight_event": event.external_id,
                    "kind": o.kind,
                    "regime": o.regime,
                    "rule_id": o.rule_id,
                    "legal_basis": o.basis,
                    "amount_minor": o.amount_minor,
                    "currency": o.currency,
                    "form": o.form,
                    "care": list(o.care),
                },
            )
            for eid, o, revision, event in granted
        ],
        now=now,
        to=subscribers,
    )


def _messages_all(
    session: Session,
    items: Sequence[tuple[FlightEvent, dict[uuid.UUID, tuple[str, str]], dict[uuid.UUID, list[Owed]]]],
    now: datetime,
) -> list[int]:
    """One outbox message per passenger per event revision; a newer revision replaces a pending one.
    Returns how many each event wrote."""
    event_ids = {event.id for event, _p, _o in items}
    passenger_ids = {pid for _e, passengers, _o in items for pid in passengers}
    stored: dict[uuid.UUID, dict[str, tuple[uuid.UUID, str, uuid.UUID]]] = defaultdict(dict)
    for key, mid, status, event_id, pid in select_in(
        session,
        lambda b: select(
            OutboundMessage.idempotency_key,
            OutboundMessage.id,
            OutboundMessage.status,
            OutboundMessage.flight_event_id,
            OutboundMessage.passenger_id,
        ).where(OutboundMessage.passenger_id.in_(b), OutboundMessage.flight_event_id.in_(event_ids)),
        passenger_ids,
    ):
        stored[event_id][key] = (mid, status, pid)
    replaced: list[tuple[Any, ...]] = []
    rows: list[tuple[Any, ...]] = []
    written: list[int] = []
    todo: list[tuple[FlightEvent, uuid.UUID, str, str, list[Owed]]] = []
    for event, passengers, owed_by_passenger in items:
        base = f"disruption:{event.external_id}"
        keys = {pid: f"{base}:r{event.revision}:{pid.hex}" for pid in passengers}
        own = stored.get(event.id, {})
        replaced.extend(
            (mid, MessageStatus.REPLACED.value, now)
            for key, (mid, status, pid) in own.items()
            if pid in passengers and key not in keys.values() and status == MessageStatus.PENDING.value
        )
        these = [
            (event, pid, key, passengers[pid][0], owed_by_passenger.get(pid, []))
            for pid, key in keys.items()
            if key not in own
        ]
        todo.extend(these)
        written.append(len(these))
    if replaced:
        update_rows(session, OutboundMessage.__table__, ("status", "updated_at"), replaced)
    for message_id, (event, pid, key, language, owed) in zip(new_ids(len(todo)), todo, strict=True):
        lines = [o.explanation for o in owed if o.kind == "compensation"]
        rows.append(
            (
                message_id,
                now,
                now,
                pid,
                "email",
                f"disruption.{event.type}",
                f"disruption_{event.type}",
                language,
                None,
                "\n".join(lines),
                MessageStatus.PENDING.value,
                event.id,
                now,
                0,
                key,
            )
        )
    if rows:
        insert_rows(
            session,
            OutboundMessage.__table__,
            (
                "id",
                "created_at",
                "updated_at",
                "passenger_id",
                "channel",
                "kind",
                "template",
                "language",
                "subject",
                "body",
                "status",
                "flight_event_id",
                "scheduled_at",
                "attempts",
                "idempotency_key",
            ),
            rows,
        )
    return written


def _cases_all(
    session: Session,
    items: Sequence[tuple[Flight, str, dict[uuid.UUID, tuple[list[str], uuid.UUID]]]],
    now: datetime,
) -> list[int]:
    """A recovery case per passenger who needs a person, once per flight and passenger.
    Returns how many each item opened."""
    wanted = [
        (i, flight, label, pid, f"recovery:{flight.id.hex}:{pid.hex}", needs[pid])
        for i, (flight, label, needs) in enumerate(items)
        for pid in needs
    ]
    existing = {
        k
        for (k,) in select_in(
            session, lambda b: select(Case.dedupe_key).where(Case.dedupe_key.in_(b)), [w[4] for w in wanted]
        )
    }
    todo = []
    for w in wanted:
        if w[4] not in existing:
            existing.add(w[4])
            todo.append(w)
    opened = [0] * len(items)
    if not todo:
        return opened
    references = case_service.next_references(session, len(todo))
    case_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    ids = new_ids(len(todo) * 2)
    for i, ((item, flight, label, pid, key, (reasons, booking_id)), reference) in enumerate(
        zip(todo, references, strict=True)
    ):
        opened[item] += 1
        priority = (
            CasePriority.HIGH.value
            if "top tier" in reasons or "unaccompanied minor" in reasons
            else CasePriority.NORMAL.value
        )
        case_id = ids[2 * i]
        # By priority alone: a top-tier passenger's case is already high priority.
        due = sla.due_times(sla.DEFAULT_POLICY, priority=priority, tier=None, opened_at=now)
        case_rows.append(
            (
                case_id,
                now,
                now,
                reference,
                pid,
                CaseType.DISRUPTION_RECOVERY.value,
                priority,
                CaseStatus.NEW.value,
                f"Disruption of {label}: {', '.join(reasons)}"[:200],
                "recovery",
                flight.id,
                booking_id,
                now,
                due.first_response_due_at,
                due.resolution_due_at,
                {"trigger": "flight_event", "reasons": reasons},
                key,
            )
        )
        event_rows.append(
            (ids[2 * i + 1], now, now, case_id, now, "opened", "recovery", None, CaseStatus.NEW.value, {})
        )
    insert_rows(
        session,
        Case.__table__,
        (
            "id",
            "created_at",
            "updated_at",
            "reference",
            "passenger_id",
            "type",
            "priority",
            "status",
            "subject",
            "team",
            "flight_id",
            "booking_id",
            "opened_at",
            "first_response_due_at",
            "resolution_due_at",
            "origin",
            "dedupe_key",
        ),
        case_rows,
    )
    insert_rows(
        session,
        CaseEvent.__table__,
        ("id", "created_at", "updated_at", "case_id", "at", "kind", "actor", "from_status", "to_status", "details"),
        event_rows,
    )
    subscribers = webhooks.listeners(session, "case.opened")
    if subscribers:
        webhooks.emit(
            session,
            event_type="case.opened",
            events=[
                case_service.opened_payload(
                    case_id=row[0],
                    reference=row[3],
                    passenger_id=row[4],
                    type=row[5],
                    priority=row[6],
                    subject=row[8],
                    team=row[9],
                    flight_id=row[10],
                    first_response_due_at=row[13],
                    resolution_due_at=row[14],
                    origin=row[15],
                )
                for row in case_rows
            ],
            now=now,
            to=subscribers,
        )
    return opened


# ---- the fan-out ---------------------------------------------------------------------------------------------


@dataclass
class _Decided:
    """One event's decisions, before they are settled against what is stored."""

    event: FlightEvent
    flight: Flight
    report: FanOutReport
    travellers: list[_Traveller]
    prefixes: set[str]
    owed: list[Owed] = field(default_factory=list)
    owed_by_passenger: dict[uuid.UUID, list[Owed]] = field(default_factory=lambda: defaultdict(list))
    needs: dict[uuid.UUID, tuple[list[str], uuid.UUID]] = field(default_factory=dict)
    profiles: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)


def process_event(
    session: Session, *, event_id: uuid.UUID, now: datetime, policies: Sequence[Policy], actor: str = "recovery"
) -> FanOutReport:
    """Apply the rules to every passenger a flight event affects and settle what they are owed."""
    return process_events(session, event_ids=[event_id], now=now, policies=policies, actor=actor)[0]


def process_events(
    session: Session,
    *,
    event_ids: Sequence[uuid.UUID],
    now: datetime,
    policies: Sequence[Policy],
    actor: str = "recovery",
) -> list[FanOutReport]:
    """`process_event` for several events, in their order, with the result of processing them one by one.

    Everything the events need is read once for all of them (`prepare_events`); then they are settled in
    waves (`settle_events`), a wave being a run of consecutive events whose passengers' journeys are disjoint
    (so settling them together is the same as settling them in turn), each wave written with one statement
    per table. Events that touch the same journey (two flights of a connection, a delay then a cancellation)
    fall in successive waves, so a later one sees what an earlier one granted.
    """
    return settle_events(session, prepare_events(session, event_ids=event_ids, policies=policies), now=now, actor=actor)


@dataclass(frozen=True)
class Prepared:
    """Events read and decided, not yet settled: plain data (ids, not database objects), so a worker process
    can prepare the next batch of a storm while this one is written. Only what was granted before, read at
    settlement, can change their outcome; the bookings and flights they were decided on do not change."""

    events: tuple[tuple[uuid.UUID, uuid.UUID, tuple[Any, ...]], ...]  # event id, flight id, the rest of _Decided


@collector.paused()  # millions of objects alive, no garbage cycles: ADR 0023
def prepare_events(session: Session, *, event_ids: Sequence[uuid.UUID], policies: Sequence[Policy]) -> Prepared:
    """Read what the events need and decide what each passenger is owed (nothing is written)."""
    found = {
        e.id: e for (e,) in select_in(session, lambda b: select(FlightEvent).where(FlightEvent.id.in_(b)), event_ids)
    }
    for event_id in event_ids:
        if event_id not in found:
            raise NotFound(f"no flight event {event_id}")
    events = [found[i] for i in event_ids]
    flights = {
        f.id: f
        for (f,) in select_in(session, lambda b: select(Flight).where(Flight.id.in_(b)), {e.flight_id for e in events})
    }
    pairs = [(e, flights[e.flight_id]) for e in events]
    travellers_of = _travellers_of(session, pairs)
    decided = [
        _Decided(
            event,
            flight,
            FanOutReport(event.external_id, f"{flight.carrier}{flight.number} on {flight.operating_date.isoformat()}"),
            travellers,
            {claim_prefix(t) for t in travellers},
        )
        for (event, flight), travellers in zip(pairs, travellers_of, strict=True)
    ]
    _decide(session, [d for d in decided if d.event.type != EventType.REINSTATEMENT.value], flights, policies)
    return Prepared(
        tuple(
            (
                d.event.id,
                d.flight.id,
                (d.report, d.travellers, d.prefixes, d.owed, dict(d.owed_by_passenger), d.needs, d.profiles),
            )
            for d in decided
        )
    )


@collector.paused()
def settle_events(
    session: Session, prepared: Prepared, *, now: datetime, actor: str = "recovery"
) -> list[FanOutReport]:
    """Settle prepared events against what was granted before, in their order, and write the result."""
    events = _loaded(session, FlightEvent, [event_id for event_id, _f, _rest in prepared.events])
    flights = _loaded(session, Flight, [flight_id for _e, flight_id, _rest in prepared.events])
    decided = []
    for event_id, flight_id, (report, travellers, prefixes, owed, by_passenger, needs, profiles) in prepared.events:
        event = events.get(event_id)
        if event is None:
            raise NotFound(f"no flight event {event_id}")
        d = _Decided(event, flights[flight_id], report, travellers, prefixes, owed, defaultdict(list), needs, profiles)
        d.owed_by_passenger.update(by_passenger)
        decided.append(d)
    for wave in _waves(decided):
        if wave[0].event.type == EventType.REINSTATEMENT.value:
            _reinstate(session, wave[0], now, actor)
        else:
            _settle_wave(session, wave, now, actor)
    return [d.report for d in decided]


def _loaded(session: Session, model: Any, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Rows by id: those this session already holds (prepared in this process) without a query."""
    found = {i: row for i in ids if (row := session.identity_map.get(identity_key(model, i))) is not None}
    missing = [i for i in ids if i not in found]
    stored = select_in(session, lambda b: select(model).where(model.id.in_(b)), missing)
    found.update((row.id, row) for (row,) in stored)
    return found


def _decide(
    session: Session, decided: Sequence[_Decided], flights: dict[uuid.UUID, Flight], policies: Sequence[Policy]
) -> None:
    """Measure each passenger's disruption and apply the policies (memoised on the facts)."""
    if not decided:
        return
    wanted = {f for d in decided for t in d.travellers for f in t.journey if f not in flights}
    flights.update(
        (row[0].id, row[0]) for row in select_in(session, lambda b: select(Flight).where(Flight.id.in_(b)), wanted)
    )
    places = _places(session, {c for f in flights.values() for c in (f.origin, f.destination)})
    operators = {code: _operator(session, code) for code in {d.flight.carrier for d in decided}}
    passenger_ids = {t.passenger_id for d in decided for t in d.travellers}
    profile = {
        pid: (language, tier)
        for pid, language, tier in select_in(
            session,
            lambda b: select(Passenger.id, Passenger.language, Passenger.tier).where(Passenger.id.in_(b)),
            passenger_ids,
        )
    }
    wishes = {
        (pid, bid)
        for pid, bid in select_in(
            session,
            lambda b: select(Wish.passenger_id, Wish.booking_id).where(Wish.booking_id.in_(b)),
            {t.booking_id for d in decided for t in d.travellers},
        )
    }
    assessor = Assessor(policies)
    for d in decided:
        event, flight = d.event, d.flight
        details: dict[str, Any] = dict(event.details or {})
        d.report.passengers = len({t.passenger_id for t in d.travellers})
        d.profiles = {t.passenger_id: profile.get(t.passenger_id, ("en", "none")) for t in d.travellers}
        # Everyone on one journey shares its facts; only what they paid and who they are differ.
        journeys: dict[tuple[Any, ...], tuple[dict[str, Any], bool, dict[str, Any]]] = {}
        # And everyone on it who paid the same and is alike (a booking's passengers, mostly) the same assessment.
        assessed: dict[tuple[Any, ...], tuple[str, list[Owed]]] = {}
        for t in d.travellers:
            tier = d.profiles[t.passenger_id][1]
            wish = (t.passenger_id, t.booking_id) in wishes
            extra = {"tier": tier, "unaccompanied_minor": t.unaccompanied_minor, "wish": wish}
            shape = (t.journey, t.index)
            known = journeys.get(shape)
            if known is None:
                disruption, stranded = _disruption(t, event, flights, places, operators[flight.carrier], extra)
                measured = measure_journey(disruption)
                known = journeys[shape] = (measured, stranded, _kept(measured))
            journey_facts, stranded, kept = known
            alike = (shape, t.fare_minor, t.journeys_in_booking, t.currency, tier, t.unaccompanied_minor, wish)
            seen = assessed.get(alike)
            if seen is None:
                facts = {**journey_facts, **personal_facts(*_paid(t, details), extra)}
                claims = _owed(t, flight.id, event.type, assessor(facts), kept)
                assessed[alike] = (claim_prefix(t), claims)
            else:
                claims = _restamped(*seen, t)
            d.owed.extend(claims)
            d.owed_by_passenger[t.passenger_id].extend(claims)
            reasons = [
                reason
                for reason, applies in (
                    ("top tier", tier in TOP_TIERS),
                    ("unaccompanied minor", t.unaccompanied_minor),
                    ("missed connection, no rebooking yet", stranded),
                    ("a wish on this trip", wish),
                )
                if applies
            ]
            if reasons:
                d.needs[t.passenger_id] = (reasons, t.booking_id)


def _waves(decided: Sequence[_Decided]) -> Iterator[list[_Decided]]:
    """Runs of consecutive events whose journeys are disjoint; a reinstatement is a wave of its own."""
    wave: list[_Decided] = []
    taken: set[str] = set()
    for d in decided:
        alone = d.event.type == EventType.REINSTATEMENT.value
        if wave and (alone or not taken.isdisjoint(d.prefixes)):
            yield wave
            wave, taken = [], set()
        wave.append(d)
        taken |= d.prefixes
        if alone:
            yield wave
            wave, taken = [], set()
    if wave:
        yield wave


def _prefix(claim_key: str) -> str:
    """A claim's passenger:booking:journey."""
    return ":".join(claim_key.split(":", 3)[:3])


def _journey_pay(owed: Sequence[Owed], stored: dict[str, Granted], event_type: str) -> tuple[list[Owed], list[str]]:
    """The claims one event settles, with each payment claim merged with what the journey's other events owe
    (`settle.merge_pay`), and the stored claims in its scope: its own event type's rights and care, and
    every payment claim it owes or owed before."""
    claims = [o for o in owed if not is_pay(o.claim_key)]
    current = {o.claim_key: o for o in owed if is_pay(o.claim_key)}
    touched = set(current) | {k for k, g in stored.items() if is_pay(k) and event_type in g.memory}
    for key in sorted(touched):
        before, now = stored.get(key), current.get(key)
        if now is not None:
            passenger_id, booking_id = now.passenger_id, now.booking_id
        else:
            passenger_hex, booking_hex = key.split(":", 2)[:2]
            passenger_id, booking_id = uuid.UUID(passenger_hex), uuid.UUID(booking_hex)
        merged = merge_pay(
            key,
            event_type,
            now,
            before.memory if before is not None else {},
            passenger_id=passenger_id,
            booking_id=booking_id,
        )
        if merged is not None:
            claims.append(merged)
    scope = [k for k in stored if (k in touched if is_pay(k) else k.split(":")[3] == event_type)]
    return claims, scope


def _settle_wave(session: Session, wave: Sequence[_Decided], now: datetime, actor: str) -> None:
    owner = {prefix: d for d in wave for prefix in d.prefixes}
    stored = _stored(session, {p for d in wave for p in d.profiles}, set(owner))
    stored_by: dict[int, dict[str, Granted]] = defaultdict(dict)
    for key, granted in stored.items():
        stored_by[id(owner[_prefix(key)])][key] = granted
    items: list[tuple[Settlement, FlightEvent, FanOutReport]] = []
    for d in wave:
        mine = stored_by.get(id(d), {})
        owed, scope = _journey_pay(d.owed, mine, d.event.type)
        plan = settle(owed, mine, scope)
        report = d.report
        report.entitlements_created = len(plan.create)
        report.entitlements_revised = len(plan.revise)
        report.entitlements_withdrawn = len(plan.withdraw)
        report.entitlements_unchanged = plan.unchanged
        report.written_off = plan.written_off
        items.append((plan, d.event, report))
    _apply_all(session, items, now, actor)
    sent = _messages_all(session, [(d.event, d.profiles, d.owed_by_passenger) for d in wave], now)
    opened = _cases_all(session, [(d.flight, d.report.flight, d.needs) for d in wave], now)
    for d, messages, cases in zip(wave, sent, opened, strict=True):
        d.report.messages = messages
        d.report.cases = cases
        _audit(session, d.event, d.report, actor)


def _reinstate(session: Session, d: _Decided, now: datetime, actor: str) -> None:
    """The flight flies after all: a journey's cancellation claims are no longer owed, unless another of
    its flights is still cancelled (then that flight's cancellation keeps them)."""
    travellers = d.travellers
    still = _still_cancelled(session, {f for t in travellers for f in t.journey if f != d.flight.id})
    prefixes = {claim_prefix(t) for t in travellers if not any(f in still for f in t.journey)}
    stored = _stored(session, {t.passenger_id for t in travellers}, prefixes)
    owed, scope = _journey_pay([], stored, EventType.CANCELLATION.value)
    plan = settle(owed, stored, scope)
    _apply_all(session, [(plan, d.event, d.report)], now, actor)
    d.report.passengers = len({t.passenger_id for t in travellers})
    d.report.entitlements_withdrawn = len(plan.withdraw)
    d.report.written_off = plan.written_off
    _audit(session, d.event, d.report, actor)


def _still_cancelled(session: Session, flight_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    return {
        fid
        for (fid,) in select_in(
            session,
            lambda b: select(Flight.id).where(Flight.id.in_(b), Flight.status == FlightStatus.CANCELLED.value),
            flight_ids,
        )
    }


def _audit(session: Session, event: FlightEvent, report: FanOutReport, actor: str) -> None:
    audit.record(
        session,
        actor=actor,
        action="recovery.processed",
        entity_type="flight_event",
        entity_id=str(event.id),
        details={k: v for k, v in report.as_dict().items() if k not in ("written_off",)},
    )


def counts_by_kind(session: Session, flight_id: uuid.UUID) -> dict[str, int]:
    rows = session.execute(
        select(Entitlement.kind, func.count())
        .where(Entitlement.flight_id == flight_id, Entitlement.status == "granted")
        .group_by(Entitlement.kind)
    ).all()
    return {str(kind): int(n) for kind, n in rows}


def process_in_own_transaction(
    unit_of_work: Callable[[], AbstractContextManager[Session]],
    *,
    event_id: uuid.UUID,
    now: datetime,
    policies: Sequence[Policy],
    actor: str = "recovery",
    attempts: int = 3,
) -> FanOutReport:
    """`process_event` in a transaction of its own, run again if a concurrent worker got there first.

    The loser of a race hits a unique key (an entitlement, a ledger entry, a message, a case), its
    transaction is rolled back whole, and the rerun finds the winner's rows and settles nothing twice.
    """
    for attempt in range(1, attempts + 1):
        try:
            with unit_of_work() as session:
                return process_event(session, event_id=event_id, now=now, policies=policies, actor=actor)
        except IntegrityError:
            if attempt == attempts:
                raise
    raise RuntimeError("unreachable")  # pragma: no cover
