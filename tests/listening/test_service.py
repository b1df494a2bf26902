"""Feedback identity: the same words are one feedback; a source's resend with changes updates it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.listening import service as listening
from goodwill.listening.models import Feedback
from goodwill.store.bulk import Outcome

AT = datetime(2013, 2, 9, 18, tzinfo=UTC)


def test_content_hash_ignores_case_spacing_and_unicode_forms() -> None:
    assert listening.content_hash("Lost my  bag\nat JFK") == listening.content_hash("  lost MY bag at jfk ")
    assert listening.content_hash("café") == listening.content_hash("cafe\u0301")
    assert listening.content_hash("lost my bag") != listening.content_hash("found my bag")


def test_scores_without_words_are_told_apart() -> None:
    one = listening.default_external_id(text="", received_at=AT, author=None, nps=9, csat=None)
    two = listening.default_external_id(text="", received_at=AT, author=None, nps=3, csat=None)
    assert one != two


def item(**overrides: object) -> listening.FeedbackRecord:
    values: dict[str, object] = {
        "channel": "survey", "external_id": "srv-1", "content_hash": listening.content_hash("late"),
        "source": "medallia", "received_at": AT, "text": "late", "nps": 3, "csat": None, "author": None,
        "passenger_id": None, "flight_id": None, "booking_id": None,
    }  # fmt: skip
    values.update(overrides)
    return listening.FeedbackRecord(**values)  # type: ignore[arg-type]


def test_a_resend_with_changes_updates_and_a_resend_without_does_nothing(session: Session) -> None:
    assert listening.record_feedback(session, items=[item()], now=AT) == [Outcome.CREATED]
    assert listening.record_feedback(session, items=[item()], now=AT) == [Outcome.UNCHANGED]
    assert listening.record_feedback(session, items=[item(nps=4)], now=AT) == [Outcome.UPDATED]
    assert session.scalar(select(Feedback.nps)) == 4
    assert listening.record_feedback(session, items=[item(channel="email")], now=AT) == [Outcome.CREATED]
