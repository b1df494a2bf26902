"""Feedback over HTTP: agents read a feedback with its analysis and correct the analysis."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from goodwill.access.service import Principal
from goodwill.api.deps import AgentDep, SessionDep
from goodwill.audit import service as audit
from goodwill.flights import service as flights
from goodwill.kit.time import utc_now
from goodwill.listening import analysing
from goodwill.listening.language import LanguageMode
from goodwill.listening.models import Feedback
from goodwill.listening.taxonomy import SENTIMENTS, TOPICS
from goodwill.listening.urgency import URGENCY_CODES

router = APIRouter(tags=["feedback"])


class CorrectionRead(BaseModel):
    """An agent's correction of one field: the value set, the value it replaced, who and when."""

    value: Any
    previous: Any
    by: str
    at: datetime


class AnalysisRead(BaseModel):
    """The analysis stored on a feedback, each field with its confidence (0-1; 1.0 where an agent set it)."""

    language: str | None
    language_confidence: float | None
    is_spam: bool | None
    spam_confidence: float | None
    sentiment: str | None
    sentiment_score: float | None = Field(description="Intensity: -1 angry ... +1 delighted; null once corrected.")
    sentiment_confidence: float | None
    topics: list[str]
    urgency: list[str]
    entities: dict[str, list[str]]
    analysis_model: str | None = Field(description="The model that analysed it; null while not analysed.")
    corrections: dict[str, CorrectionRead]


class FeedbackRead(BaseModel):
    id: uuid.UUID
    channel: str
    source: str | None
    external_id: str
    received_at: datetime
    text: str
    nps: int | None
    csat: int | None
    passenger_id: uuid.UUID | None
    flight_id: uuid.UUID | None
    booking_id: uuid.UUID | None
    case_id: uuid.UUID | None
    analysis: AnalysisRead


class AnalysisUpdate(BaseModel):
    """The fields to correct; those left out stay as they are."""

    sentiment: str | None = Field(None, description=f"One of {', '.join(SENTIMENTS)}.", max_length=20)
    topics: list[str] | None = Field(
        None, description=f"Complaint topics (empty: none), of {', '.join(TOPICS)}.", max_length=len(TOPICS)
    )
    is_spam: bool | None = None
    language: str | None = Field(None, description="ISO 639-1 code, e.g. fr.", max_length=8)
    urgency: list[str] | None = Field(
        None, description=f"Urgency codes (empty: none), of {', '.join(URGENCY_CODES)}.", max_length=20
    )


def feedback_read(feedback: Feedback) -> FeedbackRead:
    view = analysing.feedback_analysis(feedback)
    del view["id"]
    return FeedbackRead(
        id=feedback.id,
        channel=feedback.channel,
        source=feedback.source,
        external_id=feedback.external_id,
        received_at=feedback.received_at,
        text=feedback.text,
        nps=feedback.nps,
        csat=feedback.csat,
        passenger_id=feedback.passenger_id,
        flight_id=feedback.flight_id,
        booking_id=feedback.booking_id,
        case_id=feedback.case_id,
        analysis=AnalysisRead.model_validate(view),
    )


def _audit(session: Session, principal: Principal, action: str, feedback_id: uuid.UUID, **details: Any) -> None:
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action=action,
        entity_type="feedback",
        entity_id=str(feedback_id),
        details=details,
    )


def analyse_pending(request: Request, session: Session, *, ids: list[uuid.UUID] | None = None) -> int:
    """Analyse feedback not analysed yet (or `ids`) with the configured model, else the shipped one."""
    settings = request.app.state.settings
    at_hand = analysing.find_models(settings.listening_model)
    report = analysing.analyse_feedback(
        session,
        models=at_hand.models,
        model=at_hand.label,
        ids=ids,
        airports=flights.known_airport_codes(),
        mode=LanguageMode(settings.listening_language_mode),
        now=utc_now(),
    )
    return report.analysed


@router.get(
    "/feedback/{feedback_id}",
    response_model=FeedbackRead,
    summary="One feedback with its analysis and the corrections agents made",
    description="The read is audited. Needs the agent role.",
)
def get_feedback(feedback_id: uuid.UUID, session: SessionDep, principal: AgentDep) -> FeedbackRead:
    feedback = analysing.get_feedback(session, feedback_id=feedback_id)
    _audit(session, principal, "feedback.viewed", feedback_id)
    return feedback_read(feedback)


@router.patch(
    "/feedback/{feedback_id}/analysis",
    response_model=FeedbackRead,
    summary="Correct a feedback's analysis",
    description=(
        "Sets the fields given; each correction is kept with the previous value, who and when, wins over every "
        "later analysis and becomes training data (`goodwill listening corrections`). A corrected spam verdict "
        "analyses the message again. Unknown values are refused with 400 naming the field. Audited. "
        "Needs the agent role (integrations may not correct)."
    ),
)
def correct_analysis(
    feedback_id: uuid.UUID, body: AnalysisUpdate, request: Request, session: SessionDep, principal: AgentDep
) -> FeedbackRead:
    correction = analysing.Correction(**body.model_dump())
    _feedback, changed = analysing.correct_feedback(
        session, feedback_id=feedback_id, correction=correction, by=principal.actor, now=utc_now()
    )
    _audit(session, principal, "feedback.corrected", feedback_id, fields=changed)
    if "is_spam" in changed:
        analyse_pending(request, session, ids=[feedback_id])
    return feedback_read(analysing.get_feedback(session, feedback_id=feedback_id))
