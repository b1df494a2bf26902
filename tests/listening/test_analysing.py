"""The analysis stored on feedback: written in bulk, corrected by agents, kept over re-analysis, exported."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import InvalidInput
from goodwill.listening import analysing
from goodwill.listening import service as listening
from goodwill.listening.corpus import read_labelled
from goodwill.listening.models import Feedback
from tests.listening.analysis_helpers import tiny_models

AT = datetime(2013, 2, 9, 18, tzinfo=UTC)
LATER = AT + timedelta(hours=2)
MODEL = "tiny:00000000"

TEXTS = {
    "late": "flight delayed again at JFK and the crew gave no update",
    "bags": "my bag is lost and nobody can find my luggage",
    "praise": "the crew was wonderful, thank you so much",
    "spam": "Good bolg, thank you for sharing! I will come back and read the other article.",
}


def store(session: Session, texts: dict[str, str] = TEXTS) -> dict[str, uuid.UUID]:
    items = [
        listening.FeedbackRecord(
            "social", key, listening.content_hash(text), "twitter", AT, text, None, None,
            "cheap christian louboutin" if key == "spam" else "@someone", None, None, None,
        )
        for key, text in texts.items()
    ]  # fmt: skip
    listening.record_feedback(session, items=items, now=AT)
    rows = session.execute(select(Feedback.external_id, Feedback.id).where(Feedback.external_id.in_(list(texts))))
    return {str(key): feedback_id for key, feedback_id in rows}


def analyse(session: Session, **options: object) -> analysing.AnalyseReport:
    return analysing.analyse_feedback(
        session,
        models=tiny_models(),
        model=MODEL,
        airports={"JFK"},
        now=LATER,
        **options,  # type: ignore[arg-type]
    )


def correct(session: Session, feedback_id: uuid.UUID, **fields: object) -> tuple[Feedback, dict[str, object]]:
    correction = analysing.Correction(**fields)  # type: ignore[arg-type]
    return analysing.correct_feedback(session, feedback_id=feedback_id, correction=correction, by="ana", now=LATER)


def stored(session: Session, feedback_id: uuid.UUID) -> Feedback:
    return analysing.get_feedback(session, feedback_id=feedback_id)


class TestAnalyseFeedback:
    def test_the_analysis_is_stored_in_the_fields(self, session: Session) -> None:
        ids = store(session)
        report = analyse(session)
        assert (report.analysed, report.spam, report.model) == (4, 1, MODEL)
        late = stored(session, ids["late"])
        assert (late.language, late.is_spam, late.sentiment) == ("en", False, "negative")
        assert late.topics[:1] == ["late_flight"]
        assert late.entities == {"airports": ["JFK"]}
        assert late.analysis_model == MODEL
        assert late.sentiment_confidence is not None
        assert 0 < late.sentiment_confidence <= 1
        assert late.updated_at == LATER
        spam = stored(session, ids["spam"])
        assert (spam.is_spam, spam.language, spam.sentiment, spam.topics) == (True, "en", None, [])

    def test_pending_analyses_only_what_was_never_analysed(self, session: Session) -> None:
        store(session)
        assert analysing.count_to_analyse(session) == 4
        assert analyse(session).analysed == 4
        assert analysing.count_to_analyse(session) == 0
        assert analysing.count_to_analyse(session, everything=True) == 4
        assert analyse(session).analysed == 0
        store(session, {"new": "three hours late and no word from anyone"})
        assert analyse(session).analysed == 1
        assert analyse(session, everything=True).analysed == 5

    def test_given_ids_only(self, session: Session) -> None:
        ids = store(session)
        assert analyse(session, ids=[ids["bags"]]).analysed == 1
        assert stored(session, ids["bags"]).sentiment == "negative"
        assert stored(session, ids["late"]).analysis_model is None

    def test_new_words_make_a_feedback_pending_again(self, session: Session) -> None:
        ids = store(session)
        analyse(session)
        store(session, {"praise": "the crew was rude and the flight was late"})
        assert stored(session, ids["praise"]).analysis_model is None
        assert analyse(session).analysed == 1


class TestCorrections:
    def test_a_correction_is_kept_with_the_previous_value_who_and_when(self, session: Session) -> None:
        ids = store(session)
        analyse(session)
        feedback, changed = correct(session, ids["late"], sentiment="neutral", topics=["Late Flight", "crew"])
        assert changed["sentiment"] == {"value": "neutral", "previous": "negative"}
        assert feedback.sentiment == "neutral"
        assert feedback.topics == ["late_flight", "crew"]
        assert feedback.sentiment_confidence == 1.0
        assert feedback.corrections["topics"]["by"] == "ana"
        assert feedback.corrections["topics"]["at"] == LATER.isoformat()
        assert feedback.corrections["topics"]["previous"][:1] == ["late_flight"]

    def test_re_analysis_keeps_every_corrected_field_and_renews_the_rest(self, session: Session) -> None:
        ids = store(session)
        analyse(session)
        correct(session, ids["bags"], sentiment="positive", topics=[], language="fr", urgency=["medical"])
        report = analyse(session, everything=True)
        assert report.corrected_fields_kept == 4
        bags = stored(session, ids["bags"])
        assert (bags.sentiment, bags.topics, bags.language, bags.urgency) == ("positive", [], "fr", ["medical"])
        assert bags.language_confidence == 1.0
        assert bags.is_spam is False
        assert stored(session, ids["late"]).sentiment == "negative"

    def test_a_spam_verdict_corrected_is_analysed_again_as_the_agent_said(self, session: Session) -> None:
        ids = store(session)
        analyse(session)
        feedback, _changed = correct(session, ids["spam"], is_spam=False)
        assert feedback.analysis_model is None
        assert analyse(session).analysed == 1
        spam = stored(session, ids["spam"])
        assert spam.is_spam is False
        assert spam.sentiment is not None

    @pytest.mark.parametrize(
        ("correction", "fields"),
        [
            (analysing.Correction(sentiment="happy"), ["sentiment"]),
            (analysing.Correction(topics=["late_flight", "parking"]), ["topics"]),
            (analysing.Correction(language="english"), ["language"]),
            (analysing.Correction(urgency=["birthday"]), ["urgency"]),
            (analysing.Correction(sentiment="angry", language="xx"), ["sentiment", "language"]),
            (analysing.Correction(), ["body"]),
        ],
    )
    def test_bad_values_are_refused_naming_each_field_and_nothing_changes(
        self, session: Session, correction: analysing.Correction, fields: list[str]
    ) -> None:
        ids = store(session)
        analyse(session)
        with pytest.raises(InvalidInput) as raised:
            analysing.correct_feedback(session, feedback_id=ids["late"], correction=correction, by="ana", now=LATER)
        assert [p["loc"][0] for p in raised.value.problems] == fields
        late = stored(session, ids["late"])
        assert (late.sentiment, late.corrections) == ("negative", {})

    def test_an_unknown_feedback_is_not_found(self, session: Session) -> None:
        with pytest.raises(analysing.FeedbackNotFound):
            analysing.correct_feedback(
                session, feedback_id=uuid.uuid4(), correction=analysing.Correction(sentiment="neutral"), by="a", now=AT
            )


def test_the_corrections_export_is_a_training_file(session: Session, tmp_path: Path) -> None:
    ids = store(session)
    analyse(session)
    correct(session, ids["late"], sentiment="neutral")
    correct(session, ids["bags"], topics=["lost_baggage"])
    correct(session, ids["praise"], language="en")  # not a lesson for the models: not exported
    out = tmp_path / "corrected.csv"
    assert analysing.export_corrections(session, out=out) == 2
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["text"], r["sentiment"], r["topics"]) for r in rows] == [
        (TEXTS["late"], "neutral", ""),  # neutral: the model's complaint topics are not taught
        (TEXTS["bags"], "negative", "lost_baggage"),
    ]
    labelled = read_labelled(out, text_column="text", label_column="sentiment", topic_column="topics")
    assert labelled.sentiments == ["neutral", "negative"]
