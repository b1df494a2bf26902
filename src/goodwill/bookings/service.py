"""Bookings (PNRs) with their passengers, segments and bags: reads by natural key and bulk upserts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Bag, BagStatus, Booking, BookingPassenger, Segment, SegmentStatus
from goodwill.kit.ids import new_ids
from goodwill.store.bulk import Outcome, Rows, delete_rows, insert_many, insert_rows, select_in, update_rows


class BookingPassengerRecord(NamedTuple):
    passenger_id: uuid.UUID
    fare_minor: int
    ticket_number: str | None
    passenger_type: str
    unaccompanied_minor: bool


class SegmentRecord(NamedTuple):
    sequence: int
    journey: int
    flight_id: uuid.UUID
    cabin: str
    fare_class: str | None


class BagRecord(NamedTuple):
    tag: str
    passenger_id: uuid.UUID
    destination: str


class BookingRecord(NamedTuple):
    """A whole PNR as a bookings file states it: the file's version replaces the stored one."""

    pnr: str
    channel: str
    agency_code: str | None
    booked_at: datetime
    currency: str
    passengers: tuple[BookingPassengerRecord, ...]
    segments: tuple[SegmentRecord, ...]
    bags: tuple[BagRecord, ...] = ()

    @property
    def fare_total_minor(self) -> int:
        return sum(p.fare_minor for p in self.passengers)


class _Stored(NamedTuple):
    id: uuid.UUID
    fields: tuple[Any, ...]  # channel, agency_code, booked_at, currency, fare_total_minor


def find_booking_ids(session: Session, *, pnrs: Iterable[str]) -> dict[str, uuid.UUID]:
    """The stored bookings among `pnrs`, by PNR."""
    return dict(select_in(session, lambda b: select(Booking.pnr, Booking.id).where(Booking.pnr.in_(b)), pnrs))


def find_bags(session: Session, *, tags: Iterable[str]) -> dict[str, tuple[uuid.UUID, str]]:
    """The stored bags among `tags`: tag → (bag id, PNR of its booking)."""
    query = select(Bag.tag, Bag.id, Booking.pnr).join(Booking, Bag.booking_id == Booking.id)
    wanted = set(tags)
    return {
        tag: (bag_id, pnr)
        for tag, bag_id, pnr in select_in(
            session, lambda b: query.where(Bag.tag.in_(b)), wanted, scan=(query, Bag.__table__)
        )
        if tag in wanted
    }


_BOOKING_FIELDS = ("channel", "agency_code", "booked_at", "currency", "fare_total_minor")
_BP_COLUMNS = ("id", "created_at", "updated_at", "booking_id", *BookingPassengerRecord._fields)
_SEGMENT_COLUMNS = ("id", "created_at", "updated_at", "booking_id", *SegmentRecord._fields, "status")
_BAG_COLUMNS = ("id", "created_at", "updated_at", "booking_id", *BagRecord._fields, "status", "fee_minor", "currency")


def upsert_bookings(session: Session, *, bookings: Sequence[BookingRecord], now: datetime) -> list[Outcome]:
    """Create or replace bookings by PNR; one outcome per booking, in order.

    The passengers and flights must exist. A stored booking takes the record's fields, passengers and
    segments (a segment no longer in the record is marked cancelled, never deleted); bags are added or
    updated, never removed. `fare_total_minor` is the sum of the passengers' fares.
    """
    stored: dict[str, _Stored] = {}
    query = select(Booking.pnr, Booking.id, *(getattr(Booking, c) for c in _BOOKING_FIELDS))
    wanted = {r.pnr for r in bookings}
    for pnr, booking_id, *fields in select_in(
        session, lambda b: query.where(Booking.pnr.in_(b)), wanted, scan=(query, Booking.__table__)
    ):
        if pnr in wanted:
            stored[pnr] = _Stored(booking_id, tuple(fields))
    outcomes: list[Outcome] = []
    fresh: list[BookingRecord] = []
    known: list[tuple[BookingRecord, _Stored]] = []
    for record in bookings:
        found = stored.get(record.pnr)
        if found is None:
            fresh.append(record)
            outcomes.append(Outcome.CREATED)
        else:
            known.append((record, found))
            outcomes.append(Outcome.UNCHANGED)  # corrected below when something differs
    _insert_bookings(session, fresh, now)
    changed = _update_bookings(session, known, now)
    for i, record in enumerate(bookings):
        if record.pnr in changed:
            outcomes[i] = Outcome.UPDATED
    return outcomes


def _insert_bookings(session: Session, records: list[BookingRecord], now: datetime) -> None:
    if not records:
        return
    # In PNR order, so the primary key and the unique PNR index both grow at their right edge.
    records = sorted(records, key=itemgetter(0))
    booking_ids = new_ids(len(records))
    created = {"created_at": now, "updated_at": now}
    # Each table's ids are made at once, then handed out in the order the rows are written.
    passenger_ids = iter(new_ids(sum([len(r.passengers) for r in records])))
    segment_ids = iter(new_ids(sum([len(r.segments) for r in records])))
    bags = sorted(
        [(bag, b, r.currency) for b, r in zip(booking_ids, records, strict=True) if r.bags for bag in r.bags],
        key=_first_of_first,
    )
    # The four tables' rows are made while they are written (in a helper process, for many of them).
    insert_many(
        session,
        [
            Rows(
                Booking.__table__,
                ("id", "pnr", *_BOOKING_FIELDS),
                (
                    (booking_id, *r[:5], sum([p[1] for p in r.passengers]))
                    for booking_id, r in zip(booking_ids, records, strict=True)
                ),
                {**created, "status": "active"},
            ),
            Rows(
                BookingPassenger.__table__,
                ("id", "booking_id", *BookingPassengerRecord._fields),
                ((next(passenger_ids), b, *p) for b, r in zip(booking_ids, records, strict=True) for p in r.passengers),
                created,
            ),
            Rows(
                Segment.__table__,
                ("id", "booking_id", *SegmentRecord._fields),
                ((next(segment_ids), b, *s) for b, r in zip(booking_ids, records, strict=True) for s in r.segments),
                {**created, "status": SegmentStatus.CONFIRMED.value},
            ),
            Rows(
                Bag.__table__,
                ("id", "booking_id", *BagRecord._fields, "currency"),
                ((i, b, *bag, currency) for i, (bag, b, currency) in zip(new_ids(len(bags)), bags, strict=True)),
                {**created, "status": BagStatus.CHECKED.value, "fee_minor": 0},
            ),
        ],
        pure=True,
    )


def _first_of_first(item: tuple[BagRecord, uuid.UUID, str]) -> str:
    return item[0][0]  # the bag's tag


def _update_bookings(session: Session, known: list[tuple[BookingRecord, _Stored]], now: datetime) -> set[str]:
    """Bring stored bookings to their records; returns the PNRs that changed."""
    if not known:
        return set()
    ids = [found.id for _r, found in known]
    passengers: dict[uuid.UUID, dict[uuid.UUID, tuple[uuid.UUID, tuple[Any, ...]]]] = {}
    for row_id, booking_id, passenger_id, *fields in select_in(
        session,
        lambda b: select(
            BookingPassenger.id, BookingPassenger.booking_id, *(getattr(BookingPassenger, c) for c in _BP_COLUMNS[4:])
        ).where(BookingPassenger.booking_id.in_(b)),
        ids,
    ):
        passengers.setdefault(booking_id, {})[passenger_id] = (row_id, (passenger_id, *fields))
    segments: dict[uuid.UUID, dict[int, tuple[uuid.UUID, tuple[Any, ...], str]]] = {}
    for row_id, booking_id, sequence, *fields, status in select_in(
        session,
        lambda b: select(Segment.id, Segment.booking_id, *(getattr(Segment, c) for c in _SEGMENT_COLUMNS[4:])).where(
            Segment.booking_id.in_(b)
        ),
        ids,
    ):
        segments.setdefault(booking_id, {})[sequence] = (row_id, (sequence, *fields), status)
    bags: dict[str, tuple[uuid.UUID, tuple[Any, ...]]] = {}
    tags = [bag.tag for record, _f in known for bag in record.bags]
    for row_id, tag, passenger_id, destination in select_in(
        session, lambda b: select(Bag.id, Bag.tag, Bag.passenger_id, Bag.destination).where(Bag.tag.in_(b)), tags
    ):
        bags[tag] = (row_id, (tag, passenger_id, destination))

    changed: set[str] = set()
    booking_updates: list[tuple[Any, ...]] = []
    bp_inserts: list[tuple[uuid.UUID, BookingPassengerRecord]] = []
    bp_updates: list[tuple[Any, ...]] = []
    bp_deletes: list[uuid.UUID] = []
    seg_inserts: list[tuple[uuid.UUID, SegmentRecord]] = []
    seg_updates: list[tuple[Any, ...]] = []
    bag_inserts: list[tuple[uuid.UUID, BagRecord, str]] = []
    bag_updates: list[tuple[Any, ...]] = []
    for record, found in known:
        dirty = False
        fields = (record.channel, record.agency_code, record.booked_at, record.currency, record.fare_total_minor)
        if fields != found.fields:
            booking_updates.append((found.id, *fields, now))
            dirty = True
        held = passengers.get(found.id, {})
        for p in record.passengers:
            current = held.pop(p.passenger_id, None)
            if current is None:
                bp_inserts.append((found.id, p))
            elif current[1] != tuple(p):
                bp_updates.append((current[0], *p[1:], now))
            else:
                continue
            dirty = True
        if held:
            bp_deletes.extend(row_id for row_id, _f in held.values())
            dirty = True
        on_file = {s.sequence for s in record.segments}
        stored_segments = segments.get(found.id, {})
        for s in record.segments:
            current_segment = stored_segments.get(s.sequence)
            if current_segment is None:
                seg_inserts.append((found.id, s))
            elif current_segment[1] != tuple(s):
                seg_updates.append((current_segment[0], *s[1:], current_segment[2], now))
            else:
                continue
            dirty = True
        for sequence, (row_id, segment_fields, status) in stored_segments.items():
            if sequence not in on_file and status != SegmentStatus.CANCELLED.value:
                seg_updates.append((row_id, *segment_fields[1:], SegmentStatus.CANCELLED.value, now))
                dirty = True
        for bag in record.bags:
            current_bag = bags.get(bag.tag)
            if current_bag is None:
                bag_inserts.append((found.id, bag, record.currency))
            elif current_bag[1] != tuple(bag):
                bag_updates.append((current_bag[0], found.id, bag.passenger_id, bag.destination, now))
            else:
                continue
            dirty = True
        if dirty:
            changed.add(record.pnr)
    update_rows(session, Booking.__table__, (*_BOOKING_FIELDS, "updated_at"), booking_updates)
    delete_rows(session, BookingPassenger.__table__, bp_deletes)
    insert_rows(
        session,
        BookingPassenger.__table__,
        _BP_COLUMNS,
        ((i, now, now, b, *p) for i, (b, p) in zip(new_ids(len(bp_inserts)), bp_inserts, strict=True)),
    )
    update_rows(session, BookingPassenger.__table__, (*_BP_COLUMNS[5:], "updated_at"), bp_updates)
    insert_rows(
        session,
        Segment.__table__,
        _SEGMENT_COLUMNS,
        (
            (i, now, now, b, *s, SegmentStatus.CONFIRMED.value)
            for i, (b, s) in zip(new_ids(len(seg_inserts)), seg_inserts, strict=True)
        ),
    )
    update_rows(session, Segment.__table__, (*_SEGMENT_COLUMNS[5:], "updated_at"), seg_updates)
    insert_rows(
        session,
        Bag.__table__,
        _BAG_COLUMNS,
        (
            (i, now, now, b, *bag, BagStatus.CHECKED.value, 0, currency)
            for i, (b, bag, currency) in zip(new_ids(len(bag_inserts)), bag_inserts, strict=True)
        ),
    )
    update_rows(session, Bag.__table__, ("booking_id", "passenger_id", "destination", "updated_at"), bag_updates)
    return changed
