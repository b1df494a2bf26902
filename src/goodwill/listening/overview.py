"""Small reads for the console's Voice of the customer page: the newest feedback's instant (where the trends
window ends), and who stands behind the verbatims shown (passenger, case), for the links beside each quote."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.cases.models import Case
from goodwill.listening.models import Feedback
from goodwill.listening.trends import not_spam


@dataclass(frozen=True)
class Behind:
    passenger_id: uuid.UUID | None
    case_reference: str | None
    channel: str
    received_at: datetime
    text: str


def newest_feedback(session: Session) -> datetime | None:
    """When the newest feedback (not spam) arrived: a max over the received_at index."""
    found: datetime | None = session.scalar(select(func.max(Feedback.received_at)).where(not_spam()))
    return found


def behind(session: Session, ids: Iterable[str]) -> dict[str, Behind]:
    """The passenger and case behind each feedback id (the verbatims on the page; a few dozen at most)."""
    wanted = []
    for value in ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Feedback.id, Feedback.passenger_id, Case.reference, Feedback.channel, Feedback.received_at, Feedback.text
        )
        .outerjoin(Case, Case.id == Feedback.case_id)
        .where(Feedback.id.in_(wanted))
    ).all()
    return {str(r[0]): Behind(r[1], r[2], str(r[3]), r[4], str(r[5])) for r in rows}
