"""Passengers: who they are (identities), what they allow (consents), what they wish for, and merging the
records that turn out to be one person.

Records that share a normalised loyalty number, email, phone or social handle are one person: the
functions here find them (in the batch and in the database), keep one survivor (`identity.resolve`) and
merge the others into it, keeping every identity and all history. They work on whole batches with a few
queries per thousand records.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Uuid, column, select, table
from sqlalchemy.orm import Session

from goodwill.customers.identity import IdentityKey, resolve
from goodwill.customers.models import (
    Consent,
    Passenger,
    PassengerIdentity,
    PassengerMerge,
    PassengerStatus,
    Tier,
    Wish,
)
from goodwill.kit.ids import new_ids
from goodwill.kit.text import fold
from goodwill.store.bulk import Outcome, Rows, delete_rows, insert_many, insert_rows, select_in, update_rows

Key = tuple[str, str]  # (identity kind, normalised value)

# Every column that points at passengers.id, apart from the merge record itself. A merge repoints them all
# to the survivor; tests/customers check this list against the metadata so a new table cannot be missed.
PASSENGER_REFERENCES: tuple[tuple[str, str], ...] = (
    ("passenger_identities", "passenger_id"),
    ("consents", "passenger_id"),
    ("wishes", "passenger_id"),
    ("booking_passengers", "passenger_id"),
    ("bags", "passenger_id"),
    ("feedback", "passenger_id"),
    ("interactions", "passenger_id"),
    ("cases", "passenger_id"),
    ("vouchers", "passenger_id"),
    ("ledger_entries", "passenger_id"),
    ("entitlements", "passenger_id"),
    ("outbound_messages", "passenger_id"),
    ("flight_events", "passenger_id"),
    ("survey_invitations", "passenger_id"),
    ("passengers", "merged_into_id"),
    ("passenger_merges", "survivor_id"),
)


class IdentityKeys(NamedTuple):
    """The normalised identities a record carries (field names are the identity kinds)."""

    loyalty: str | None = None
    email: str | None = None
    phone: str | None = None
    social: str | None = None

    def pairs(self) -> list[Key]:
        return [(kind, value) for kind, value in zip(self._fields, self, strict=True) if value is not None]


class WishRecord(NamedTuple):
    text: str
    occasion: str
    travel_date: date | None


class PassengerRecord(NamedTuple):
    """A passenger as a passengers file states it. None in an optional field keeps what is stored."""

    keys: IdentityKeys
    first_name: str
    last_name: str
    language: str | None = None
    tier: str | None = None
    date_of_birth: date | None = None
    home_airport: str | None = None
    preferences: dict[str, Any] = {}  # noqa: RUF012 - NamedTuple default, never mutated
    consents: tuple[tuple[str, bool], ...] = ()  # (channel, granted), purpose "service"
    wish: WishRecord | None = None


class Traveller(NamedTuple):
    """A passenger named on a booking: found by their identities, created if unknown, never renamed."""

    keys: IdentityKeys
    first_name: str
    last_name: str
    language: str | None = None


class Merge(NamedTuple):
    survivor_id: uuid.UUID
    merged_id: uuid.UUID
    matched_on: str
    reason: str


class PassengerUpsert(NamedTuple):
    outcomes: list[Outcome]  # one per record, in order
    passenger_ids: list[uuid.UUID]  # the passenger each record now belongs to
    created: int
    merged: int


@dataclass(slots=True)
class _Person:
    """One person in a batch: the records describing them, their keys, and who they are in the database."""

    items: list[int]
    keys: list[Key]
    survivor: uuid.UUID | None = None
    merged: tuple[uuid.UUID, ...] = ()
    matched_on: str | None = None
    new_keys: list[Key] = field(default_factory=list)


# ---- reads ----------------------------------------------------------------------------------------------


def find_passenger_ids(session: Session, *, keys: Iterable[Key]) -> dict[Key, uuid.UUID]:
    """Which passenger owns each identity key (keys nobody owns are absent)."""
    wanted = set(keys)
    found: dict[Key, uuid.UUID] = {}
    query = select(PassengerIdentity.kind, PassengerIdentity.value, PassengerIdentity.passenger_id)
    for kind, value, passenger_id in select_in(
        session,
        lambda b: query.where(PassengerIdentity.value.in_(b)),
        (v for _k, v in wanted),
        scan=(query, PassengerIdentity.__table__),
    ):
        if (kind, value) in wanted:
            found[(kind, value)] = passenger_id
    return found


# ---- who is who -----------------------------------------------------------------------------------------


def _people(session: Session, keysets: Sequence[list[Key]]) -> list[_Person]:
    """Group the records of a batch into people and resolve each against the database.

    Two records are one person when they share a key, or when their keys belong to the same stored
    passenger; so a person's keys may match several stored passengers, which `resolve` then merges.
    """
    owners = find_passenger_ids(session, keys=(k for keys in keysets for k in keys))
    parent = list(range(len(keysets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[Any, int] = {}
    claim = first.setdefault
    for i, keys in enumerate(keysets):
        nodes: Iterable[Any] = keys
        if owners:
            nodes = [node for key in keys for node in (key, owners.get(key)) if node is not None]
        for node in nodes:
            j = claim(node, i)
            if j != i:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    by_root: dict[int, _Person] = {}
    for i, keys in enumerate(keysets):
        top = root(i)
        person = by_root.get(top)
        if person is None:
            by_root[top] = _Person([i], list(dict.fromkeys(keys)))
        else:
            person.items.append(i)
            person.keys.extend(k for k in keys if k not in person.keys)
    people = list(by_root.values())
    for person in people:
        owned = [k for k in person.keys if k in owners]
        if not owned:
            person.new_keys = person.keys
            continue
        identity_owners = {IdentityKey(*k): owners[k] for k in owned}
        resolution = resolve(
            [IdentityKey(*k) for k in person.keys], identity_owners, {p: p.int for p in identity_owners.values()}
        )
        person.survivor = resolution.passenger
        person.merged = resolution.merge
        person.matched_on = resolution.matched_on
        person.new_keys = [(k.kind, k.value) for k in resolution.new_keys]
    return people


def _name_key(first_name: str, last_name: str) -> str:
    return fold(f"{last_name} {first_name}")[:201]


_UPDATABLE = (
    "first_name",
    "last_name",
    "name_key",
    "language",
    "tier",
    "tier_since",
    "date_of_birth",
    "home_airport",
    "preferences",
)
_PASSENGER_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    *_UPDATABLE,
    "lifetime_revenue_minor",
    "revenue_currency",
    "status",
)


def _insert_identities(
    session: Session, owned: list[tuple[uuid.UUID, Key, bool]], *, now: datetime, source: str
) -> None:
    insert_many(session, [_identity_rows(owned, now=now, source=source)], pure=True)


def _identity_rows(owned: list[tuple[uuid.UUID, Key, bool]], *, now: datetime, source: str) -> Rows:
    owned.sort(key=_identity_order)  # the unique index grows in order, its pages stay hot
    ids = new_ids(len(owned))
    return Rows(
        PassengerIdentity.__table__,
        ("id", "passenger_id", "kind", "value", "is_primary"),
        (
            (identity_id, passenger_id, *key, primary)
            for identity_id, (passenger_id, key, primary) in zip(ids, owned, strict=True)
        ),
        {"created_at": now, "updated_at": now, "platform": None, "verified": False, "source": source},
    )


def _identity_order(owned: tuple[uuid.UUID, Key, bool]) -> str:
    """(kind, value) order, as one string: sorting strings is several times faster than sorting pairs."""
    kind, value = owned[1]
    return kind + "\x00" + value


def _new_identities(person: _Person, passenger_id: uuid.UUID, *, new: bool) -> list[tuple[uuid.UUID, Key, bool]]:
    """The person's unowned keys for `passenger_id`; on a new passenger, the first key of each kind is primary."""
    seen: set[str] = set()
    out = []
    for kind, value in person.new_keys:
        out.append((passenger_id, (kind, value), new and kind not in seen))
        seen.add(kind)
    return out


def _merges(people: Iterable[_Person], source: str) -> list[Merge]:
    return [
        Merge(person.survivor, merged, person.matched_on or "email", f"{source}: same {person.matched_on}"[:200])
        for person in people
        if person.survivor is not None
        for merged in person.merged
    ]


# ---- use cases ------------------------------------------------------------------------------------------


def resolve_travellers(
    session: Session, *, travellers: Sequence[Traveller], now: datetime, source: str
) -> tuple[list[uuid.UUID], int, int]:
    """Find or create the passenger of each traveller on a booking: (passenger id per traveller, created,
    merged). Unknown identities are added to the passenger found; records found to be one person are merged.
    """
    people = _people(session, [t.keys.pairs() for t in travellers])
    merges = _merges(people, source)
    merge_passengers(session, merges=merges, now=now)
    result: list[uuid.UUID] = [uuid.UUID(int=0)] * len(travellers)
    fresh = [p for p in people if p.survivor is None]
    new_passenger_ids = new_ids(len(fresh))
    rows: list[tuple[Any, ...]] = []
    identities: list[tuple[uuid.UUID, Key, bool]] = []
    for person, passenger_id in zip(fresh, new_passenger_ids, strict=True):
        _keys, first_name, last_name, language = travellers[person.items[0]]
        person.survivor = passenger_id
        rows.append((passenger_id, first_name, last_name, language or "en"))
        if len(person.items) == 1:  # one traveller's keys are of distinct kinds: each is its kind's first
            identities.extend([(passenger_id, key, True) for key in person.new_keys])
        else:
            identities.extend(_new_identities(person, passenger_id, new=True))
    for person in people:
        if person.survivor is None:  # pragma: no cover - every person was given an id above
            raise AssertionError("unresolved person")
        if person.matched_on is not None:
            identities.extend(_new_identities(person, person.survivor, new=False))
        for i in person.items:
            result[i] = person.survivor
    # The rows are made while they are written (in a helper process, for many of them).
    passengers = Rows(
        Passenger.__table__,
        ("id", "first_name", "last_name", "name_key", "language"),
        ((pid, first, last, _name_key(first, last), language) for pid, first, last, language in rows),
        {
            "created_at": now,
            "updated_at": now,
            "tier": Tier.NONE.value,
            "tier_since": None,
            "date_of_birth": None,
            "home_airport": None,
            "preferences": {},
            "lifetime_revenue_minor": 0,
            "revenue_currency": "USD",
            "status": PassengerStatus.ACTIVE.value,
        },
    )
    insert_many(session, [passengers, _identity_rows(identities, now=now, source="booking")], pure=True)
    return result, len(rows), len(merges)


def upsert_passengers(
    session: Session, *, records: Sequence[PassengerRecord], now: datetime, source: str
) -> PassengerUpsert:
    """Create or update passengers with their identities, consents and wish, merging records of one person.

    Records of one person (in the batch or with the database) are applied in order, later fields winning;
    the first record of a person gets the person's outcome and the others `updated` or `unchanged` with it.
    """
    people = _people(session, [r.keys.pairs() for r in records])
    merges = _merges(people, source)
    merge_passengers(session, merges=merges, now=now)
    survivors = [p.survivor for p in people if p.survivor is not None]
    stored = _load_passengers(session, survivors)
    consents = _load_consents(session, survivors)
    wishes = _load_wishes(session, survivors)

    fresh_ids = iter(new_ids(sum(1 for p in people if p.survivor is None)))
    absorbed = {m.survivor_id for m in merges}
    outcomes: list[Outcome] = [Outcome.UNCHANGED] * len(records)
    passenger_ids: list[uuid.UUID] = [uuid.UUID(int=0)] * len(records)
    new_rows: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    identities: list[tuple[uuid.UUID, Key, bool]] = []
    consent_inserts: list[tuple[uuid.UUID, str, bool]] = []
    consent_updates: list[tuple[Any, ...]] = []
    wish_inserts: list[tuple[uuid.UUID, WishRecord]] = []
    for person in people:
        is_new = person.survivor is None
        passenger_id = next(fresh_ids) if person.survivor is None else person.survivor
        before = stored.get(passenger_id) or _blank_passenger()
        after = dict(before)
        wanted: dict[str, bool] = {}
        for i in person.items:
            _apply(after, records[i], now)
            wanted.update(records[i].consents)
        changed = is_new or passenger_id in absorbed or bool(person.new_keys)
        if is_new:
            new_rows.append((passenger_id, now, now, *(after[c] for c in _UPDATABLE), 0, "USD", "active"))
        elif after != before:
            changed = True
            updates.append((passenger_id, *(after[c] for c in _UPDATABLE), now))
        identities.extend(_new_identities(person, passenger_id, new=is_new))
        held = consents.get(passenger_id, {})
        for channel, granted in wanted.items():
            current = held.get(channel)
            if current is None:
                consent_inserts.append((passenger_id, channel, granted))
                changed = True
            elif current[1] != granted:
                consent_updates.append((current[0], granted, now, now))
                changed = True
        known = wishes.setdefault(passenger_id, set())
        for i in person.items:
            wish = records[i].wish
            if wish is not None and (wish.text, wish.travel_date) not in known:
                known.add((wish.text, wish.travel_date))
                wish_inserts.append((passenger_id, wish))
                changed = True
        first_outcome = Outcome.CREATED if is_new else (Outcome.UPDATED if changed else Outcome.UNCHANGED)
        for n, i in enumerate(person.items):
            outcomes[i] = first_outcome if n == 0 else (Outcome.UPDATED if changed else Outcome.UNCHANGED)
            passenger_ids[i] = passenger_id
    insert_rows(session, Passenger.__table__, _PASSENGER_COLUMNS, new_rows)
    update_rows(session, Passenger.__table__, (*_UPDATABLE, "updated_at"), updates)
    _insert_identities(session, identities, now=now, source="import")
    insert_rows(
        session,
        Consent.__table__,
        ("id", "created_at", "updated_at", "passenger_id", "channel", "purpose", "granted", "recorded_at", "source"),
        (
            (cid, now, now, pid, channel, "service", granted, now, "import")
            for cid, (pid, channel, granted) in zip(new_ids(len(consent_inserts)), consent_inserts, strict=True)
        ),
    )
    update_rows(session, Consent.__table__, ("granted", "recorded_at", "updated_at"), consent_updates)
    insert_rows(
        session,
        Wish.__table__,
        ("id", "created_at", "updated_at", "passenger_id", "booking_id", "occasion", "text", "travel_date"),
        (
            (wid, now, now, pid, None, wish.occasion, wish.text, wish.travel_date)
            for wid, (pid, wish) in zip(new_ids(len(wish_inserts)), wish_inserts, strict=True)
        ),
    )
    return PassengerUpsert(outcomes, passenger_ids, len(new_rows), len(merges))


def _blank_passenger() -> dict[str, Any]:
    return {
        "first_name": "",
        "last_name": "",
        "name_key": "",
        "language": "en",
        "tier": Tier.NONE.value,
        "tier_since": None,
        "date_of_birth": None,
        "home_airport": None,
        "preferences": {},
    }


def _apply(values: dict[str, Any], record: PassengerRecord, now: datetime) -> None:
    values["first_name"] = record.first_name
    values["last_name"] = record.last_name
    values["name_key"] = _name_key(record.first_name, record.last_name)
    if record.language is not None:
        values["language"] = record.language
    if record.tier is not None and record.tier != values["tier"]:
        values["tier"] = record.tier
        values["tier_since"] = now.date()
    for name in ("date_of_birth", "home_airport"):
        if getattr(record, name) is not None:
            values[name] = getattr(record, name)
    if record.preferences:
        values["preferences"] = {**values["preferences"], **record.preferences}


def _load_passengers(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    columns = [getattr(Passenger, c) for c in _UPDATABLE]
    return {
        row[0]: dict(zip(_UPDATABLE, row[1:], strict=True))
        for row in select_in(session, lambda b: select(Passenger.id, *columns).where(Passenger.id.in_(b)), ids)
    }


def _load_consents(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, tuple[Any, bool]]]:
    found: dict[uuid.UUID, dict[str, tuple[Any, bool]]] = {}
    query = select(Consent.passenger_id, Consent.channel, Consent.id, Consent.granted).where(
        Consent.purpose == "service"
    )
    for passenger_id, channel, consent_id, granted in select_in(
        session, lambda b: query.where(Consent.passenger_id.in_(b)), ids
    ):
        found.setdefault(passenger_id, {})[channel] = (consent_id, granted)
    return found


def _load_wishes(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[tuple[str, date | None]]]:
    found: dict[uuid.UUID, set[tuple[str, date | None]]] = {}
    query = select(Wish.passenger_id, Wish.text, Wish.travel_date)
    for passenger_id, text, travel_date in select_in(session, lambda b: query.where(Wish.passenger_id.in_(b)), ids):
        found.setdefault(passenger_id, set()).add((text, travel_date))
    return found


# ---- merging --------------------------------------------------------------------------------------------


def merge_passengers(session: Session, *, merges: Sequence[Merge], now: datetime) -> None:
    """Merge each `merged_id` into its `survivor_id`: every identity, booking, bag, wish, consent, feedback,
    interaction, case, voucher, ledger entry, entitlement, message and event moves to the survivor; the
    merged record stays, marked `merged` and pointing at the survivor, with a PassengerMerge as evidence.

    The survivor keeps its own fields and fills its blanks from the merged record; the higher tier wins. Where
    both were on one booking, one booking passenger remains with both fares; where both gave a consent for
    the same channel and purpose, the most recent one remains.
    """
    if not merges:
        return
    into = {m.merged_id: m.survivor_id for m in merges}
    involved = set(into) | set(into.values())
    _merge_booking_passengers(session, into)
    _merge_consents(session, into, involved)
    _merge_fields(session, into, involved, now)
    for table_name, column_name in PASSENGER_REFERENCES:
        target = table(table_name, column(column_name, Uuid()))
        update_rows(session, target, (column_name,), list(into.items()), key=column_name)
    update_rows(
        session,
        Passenger.__table__,
        ("status", "merged_into_id", "updated_at"),
        [(m, PassengerStatus.MERGED.value, s, now) for m, s in into.items()],
    )
    insert_rows(
        session,
        PassengerMerge.__table__,
        ("id", "created_at", "updated_at", "survivor_id", "merged_id", "matched_on", "reason"),
        (
            (merge_id, now, now, m.survivor_id, m.merged_id, m.matched_on, m.reason)
            for merge_id, m in zip(new_ids(len(merges)), merges, strict=True)
        ),
    )


def _merge_booking_passengers(session: Session, into: dict[uuid.UUID, uuid.UUID]) -> None:
    from goodwill.bookings.models import BookingPassenger  # bookings depend on customers, not the reverse

    rows = list(
        select_in(
            session,
            lambda b: select(
                BookingPassenger.id,
                BookingPassenger.booking_id,
                BookingPassenger.passenger_id,
                BookingPassenger.fare_minor,
            ).where(BookingPassenger.passenger_id.in_(b)),
            set(into) | set(into.values()),
        )
    )
    held: dict[tuple[uuid.UUID, uuid.UUID], tuple[uuid.UUID, int]] = {}
    for row_id, booking_id, passenger_id, fare in sorted(rows, key=lambda r: r[2] in into):
        owner = into.get(passenger_id, passenger_id)
        found = held.get((booking_id, owner))
        if found is None:
            held[(booking_id, owner)] = (row_id, fare)
            continue
        keep_id, keep_fare = found
        held[(booking_id, owner)] = (keep_id, keep_fare + fare)
        update_rows(session, BookingPassenger.__table__, ("fare_minor",), [(keep_id, keep_fare + fare)])
        delete_rows(session, BookingPassenger.__table__, [row_id])


def _merge_consents(session: Session, into: dict[uuid.UUID, uuid.UUID], involved: set[uuid.UUID]) -> None:
    rows = list(
        select_in(
            session,
            lambda b: select(
                Consent.id, Consent.passenger_id, Consent.channel, Consent.purpose, Consent.recorded_at
            ).where(Consent.passenger_id.in_(b)),
            involved,
        )
    )
    newest: dict[tuple[uuid.UUID, str, str], tuple[Any, uuid.UUID]] = {}
    drop: list[uuid.UUID] = []
    for consent_id, passenger_id, channel, purpose, recorded_at in rows:
        slot = (into.get(passenger_id, passenger_id), channel, purpose)
        found = newest.get(slot)
        if found is None:
            newest[slot] = (recorded_at, consent_id)
        elif recorded_at > found[0]:
            drop.append(found[1])
            newest[slot] = (recorded_at, consent_id)
        else:
            drop.append(consent_id)
    delete_rows(session, Consent.__table__, drop)


def _merge_fields(session: Session, into: dict[uuid.UUID, uuid.UUID], involved: set[uuid.UUID], now: datetime) -> None:
    stored = _load_passengers(session, involved)
    survivors: dict[uuid.UUID, dict[str, Any]] = {}
    for merged, survivor in into.items():
        values = survivors.setdefault(survivor, dict(stored[survivor]))
        other = stored[merged]
        for name in ("date_of_birth", "home_airport", "tier_since"):
            if values[name] is None:
                values[name] = other[name]
        if Tier(other["tier"]).rank > Tier(values["tier"]).rank:
            values["tier"], values["tier_since"] = other["tier"], other["tier_since"]
        values["preferences"] = {**other["preferences"], **values["preferences"]}
    updates = [
        (survivor, *(values[c] for c in _UPDATABLE), now)
        for survivor, values in survivors.items()
        if values != stored[survivor]
    ]
    update_rows(session, Passenger.__table__, (*_UPDATABLE, "updated_at"), updates)
