"""Survey responses over HTTP: an integration (a survey tool, the app) sends a passenger's answers."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, model_validator

from goodwill.api.deps import IntegrationDep, SessionDep
from goodwill.api.errors import ErrorBody
from goodwill.audit import service as audit
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now
from goodwill.store.bulk import Outcome
from goodwill.surveys import rules
from goodwill.surveys import service as surveys

router = APIRouter(tags=["surveys"])


class SurveyResponseCreate(BaseModel):
    """A passenger's answers to a post-flight survey; name the invitation by its link token or its id."""

    token: str | None = Field(None, description="The token of the survey link (the part after /s/).", max_length=64)
    invitation_id: uuid.UUID | None = Field(None, description="The invitation's id.")
    nps: int | None = Field(None, ge=0, le=10, description="How likely to recommend us, 0-10.")
    csat: int | None = Field(None, ge=1, le=5, description="Satisfaction with the flight, 1-5.")
    what_went_wrong: str | None = Field(None, max_length=rules.TEXT_LIMIT, description="What went wrong?")
    how_to_fix: str | None = Field(None, max_length=rules.TEXT_LIMIT, description="How could we fix it?")

    @model_validator(mode="after")
    def _one_reference(self) -> SurveyResponseCreate:
        if (self.token is None) == (self.invitation_id is None):
            raise ValueError("give exactly one of token and invitation_id")
        return self


class SurveyResponseRead(BaseModel):
    invitation_id: uuid.UUID
    feedback_id: uuid.UUID
    status: str
    outcome: str


@router.post(
    "/survey-responses",
    response_model=SurveyResponseRead,
    status_code=201,
    summary="Record a passenger's answers to a post-flight survey",
    description=(
        "Stored as feedback on the survey channel, linked to the invitation's passenger, flight and booking. "
        "A second response to the same invitation updates that feedback (200, outcome `updated` or "
        "`unchanged`). NPS must be 0-10 and CSAT 1-5; at least one answer is needed. An unknown invitation is "
        "404, an expired one 410. Needs the integration role."
    ),
    responses={
        200: {"model": SurveyResponseRead, "description": "An earlier response to this invitation, updated"},
        410: {"model": ErrorBody, "description": "The invitation's link has expired"},
    },
)
def create_survey_response(
    body: SurveyResponseCreate, response: Response, session: SessionDep, principal: IntegrationDep
) -> SurveyResponseRead:
    now = utc_now()
    invitation = surveys.get_invitation(session, token=body.token, invitation_id=body.invitation_id, now=now)
    try:
        answers = rules.parse_answers(
            nps=body.nps, csat=body.csat, what_went_wrong=body.what_went_wrong, how_to_fix=body.how_to_fix
        )
    except InvalidInput as exc:
        exc.problems = [{"loc": ["body", *p["loc"]], "msg": p["msg"]} for p in exc.problems]
        raise
    result = surveys.record_response(session, invitation=invitation, answers=answers, now=now)
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action="survey.responded",
        entity_type="survey_invitation",
        entity_id=str(invitation.id),
        details={"passenger_id": str(invitation.passenger_id), "feedback_id": str(result.feedback_id),
                 "outcome": result.outcome.value},
    )  # fmt: skip
    if result.outcome is not Outcome.CREATED:
        response.status_code = 200
    return SurveyResponseRead(
        invitation_id=result.invitation_id,
        feedback_id=result.feedback_id,
        status=invitation.status,
        outcome=result.outcome.value,
    )
