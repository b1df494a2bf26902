"""Feedback from every channel: recorded once per (channel, external id), linked to passenger, flight and
booking. The analysis (language, sentiment, topics...) is filled in later (`analysing`); new words for a stored
feedback mark it to be analysed again."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from goodwill.bookings.models import BookingPassenger
from goodwill.bookings.service import find_booking_ids
from goodwill.customers.service import find_passenger_ids
from goodwill.flights.service import FlightKey, find_flights
from goodwill.kit.ids import new_ids
from goodwill.kit.text import normalise_handle
from goodwill.listening.entities import extract
from goodwill.listening.models import Feedback
from goodwill.store.bulk import Outcome, chunks, insert_rows, select_in, update_rows

_SPACES = re.compile(r"\s+")


class FeedbackRecord(NamedTuple):
    channel: str
    external_id: str
    content_hash: str
    source: str | None
    received_at: datetime
    text: str
    nps: int | None
    csat: int | None
    author: str | None
    passenger_id: uuid.UUID | None
    flight_id: uuid.UUID | None
    booking_id: uuid.UUID | None
    entities: dict[str, list[str]] = {}  # noqa: RUF012 - never mutated: what the text names (`entities.extract`)


def content_hash(text: str) -> str:
    """sha256 of the text with case, Unicode forms and runs of spaces normalised: the same words, one hash."""
    normal = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.sha256(normal.encode()).hexdigest()


def default_external_id(
    *, text: str, received_at: datetime, author: str | None, nps: int | None, csat: int | None
) -> str:
    """The id of feedback whose source gave none: its content hash; a score without words is told apart by
    when it came, who gave it and the scores."""
    if text.strip():
        return content_hash(text)
    basis = f"{received_at.isoformat()}|{author or ''}|{'' if nps is None else nps}|{'' if csat is None else csat}"
    return hashlib.sha256(basis.encode()).hexdigest()


_FIELDS = FeedbackRecord._fields


def record_feedback(session: Session, *, items: Sequence[FeedbackRecord], now: datetime) -> list[Outcome]:
    """Create feedback not seen before and update what a source re-sent with changes; one outcome each.

    The natural key is (channel, external_id); one record per key.
    """
    stored: dict[tuple[str, str], tuple[uuid.UUID, FeedbackRecord]] = {}
    columns = [Feedback.id, *(getattr(Feedback, c) for c in _FIELDS)]
    for batch in chunks({(i.channel, i.external_id) for i in items}):
        for row in session.execute(select(*columns).where(tuple_(Feedback.channel, Feedback.external_id).in_(batch))):
            stored[(row[1], row[2])] = (row[0], FeedbackRecord(*row[1:]))
    outcomes: list[Outcome] = []
    inserts: list[FeedbackRecord] = []
    updates: list[tuple[Any, ...]] = []
    reworded: list[tuple[Any, ...]] = []
    for item in items:
        found = stored.get((item.channel, item.external_id))
        if found is None:
            inserts.append(item)
            outcomes.append(Outcome.CREATED)
        elif found[1] != item:
            # New words need a new analysis: the feedback is pending again (`analysing.analyse_feedback`).
            (reworded if found[1].text != item.text else updates).append((found[0], *item[2:], now))
            outcomes.append(Outcome.UPDATED)
        else:
            outcomes.append(Outcome.UNCHANGED)
    insert_rows(
        session,
        Feedback.__table__,
        ("id", "created_at", "updated_at", "topics", "urgency", "corrections", *_FIELDS),
        ((i, now, now, [], [], {}, *item) for i, item in zip(new_ids(len(inserts)), inserts, strict=True)),
    )
    update_rows(session, Feedback.__table__, (*_FIELDS[2:], "updated_at"), updates)
    update_rows(
        session, Feedback.__table__, (*_FIELDS[2:], "updated_at", "analysis_model"), ((*r, None) for r in reworded)
    )
    return outcomes


class TextLinks(NamedTuple):
    """Who and what a message is about, as far as its words tell (None where they do not)."""

    passenger_id: uuid.UUID | None
    flight_id: uuid.UUID | None
    booking_id: uuid.UUID | None
    entities: dict[str, list[str]]


def links_from_text(
    session: Session, *, messages: Sequence[tuple[str, str | None, datetime]], airports: Collection[str]
) -> list[TextLinks]:
    """For each (text, author, received_at): the passenger, flight and booking its words name.

    - the author's social handle ("@ana_lopez"), when a passenger has it among their identities;
    - a record locator in the text: its booking, and its passenger when the booking has only one;
    - a flight number with its airline ("B6 1423", "@JetBlue flight 1423"): the flight of that number on a
      date the text names, else on the day the message came or the day before; linked only when exactly
      one such flight is stored.
    """
    found = [extract(text, airports=airports, year=received_at.year) for text, _a, received_at in messages]
    handles = {
        i: ("social", normalise_handle(author))
        for i, (_t, author, _r) in enumerate(messages)
        if author and author.startswith("@") and len(author) > 1
    }
    owners = find_passenger_ids(session, keys=set(handles.values())) if handles else {}
    pnrs = {p for e in found for p in e.of("pnrs")}
    booking_ids = find_booking_ids(session, pnrs=pnrs) if pnrs else {}
    sole: dict[uuid.UUID, uuid.UUID] = {}
    if booking_ids:
        travellers: dict[uuid.UUID, set[uuid.UUID]] = {}
        for booking_id, passenger_id in select_in(
            session,
            lambda b: select(BookingPassenger.booking_id, BookingPassenger.passenger_id).where(
                BookingPassenger.booking_id.in_(b)
            ),
            booking_ids.values(),
        ):
            travellers.setdefault(booking_id, set()).add(passenger_id)
        sole = {b: next(iter(p)) for b, p in travellers.items() if len(p) == 1}
    candidates: list[list[FlightKey]] = []
    for (_t, _a, received_at), e in zip(messages, found, strict=True):
        named = [d for d in e.of("dates") if not d.startswith("--")]
        days = [date.fromisoformat(d) for d in named] or [received_at.date(), received_at.date() - timedelta(days=1)]
        keys: list[FlightKey] = []
        for flight in e.of("flights"):
            carrier, _space, number = flight.rpartition(" ")
            if carrier:
                keys.extend(FlightKey(carrier, number, day) for day in days)
        candidates.append(keys)
    stored = find_flights(session, keys={k for keys in candidates for k in keys})
    links: list[TextLinks] = []
    for i, (e, keys) in enumerate(zip(found, candidates, strict=True)):
        flight_ids = {stored[k].id for k in keys if k in stored}
        booking_id = next((booking_ids[p] for p in e.of("pnrs") if p in booking_ids), None)
        passenger_id = owners.get(handles[i]) if i in handles else None
        if passenger_id is None and booking_id is not None:
            passenger_id = sole.get(booking_id)
        links.append(
            TextLinks(passenger_id, next(iter(flight_ids)) if len(flight_ids) == 1 else None, booking_id, e.as_dict())
        )
    return links
