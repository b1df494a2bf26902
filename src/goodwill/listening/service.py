"""Feedback from every channel: recorded once per (channel, external id), linked to passenger, flight and
booking. The analysis (language, sentiment, topics...) is filled in later and is never touched here."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from goodwill.kit.ids import new_ids
from goodwill.listening.models import Feedback
from goodwill.store.bulk import Outcome, chunks, insert_rows, update_rows

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
    for item in items:
        found = stored.get((item.channel, item.external_id))
        if found is None:
            inserts.append(item)
            outcomes.append(Outcome.CREATED)
        elif found[1] != item:
            updates.append((found[0], *item[2:], now))
            outcomes.append(Outcome.UPDATED)
        else:
            outcomes.append(Outcome.UNCHANGED)
    insert_rows(
        session,
        Feedback.__table__,
        ("id", "created_at", "updated_at", "topics", "urgency", "entities", "corrections", *_FIELDS),
        ((i, now, now, [], [], {}, {}, *item) for i, item in zip(new_ids(len(inserts)), inserts, strict=True)),
    )
    update_rows(session, Feedback.__table__, (*_FIELDS[2:], "updated_at"), updates)
    return outcomes
