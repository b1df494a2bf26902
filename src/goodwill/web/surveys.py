"""The survey link a passenger is emailed: GET shows the survey in their language, POST stores the answers.

The token in the path is the only credential (ADR 0014): it names one invitation, is unguessable, and only
its hash is stored. An unknown token gets 404, an expired one 410, each with a page that says so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from goodwill.api.deps import SessionDep
from goodwill.audit import service as audit
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now
from goodwill.surveys import rules, texts
from goodwill.surveys import service as surveys
from goodwill.surveys.errors import SurveyLinkExpired, SurveyLinkUnknown
from goodwill.surveys.models import SurveyInvitation
from goodwill.web.templating import templates

router = APIRouter(include_in_schema=False)

ACTOR = "survey-link"
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    language = context.get("lang", "en")
    response = templates.TemplateResponse(
        request,
        name,
        {"airline": request.app.state.settings.airline_name, "lang": language, "t": texts.texts_for(language),
         **context},
        status_code=status,
    )  # fmt: skip
    response.headers.update(NO_STORE)
    return response


def _closed(request: Request, exc: SurveyLinkUnknown | SurveyLinkExpired) -> HTMLResponse:
    t = texts.texts_for("en")
    if isinstance(exc, SurveyLinkExpired):
        return _page(request, "surveys/message.html", {"heading": t.expired_title, "body": t.expired_body}, 410)
    return _page(request, "surveys/message.html", {"heading": t.unknown_title, "body": t.unknown_body}, 404)


def _form(
    request: Request,
    session: Session,
    invitation: SurveyInvitation,
    values: dict[str, str],
    problems: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    view = surveys.survey_view(session, invitation)
    context = {"lang": view.language, "view": view, "values": values, "problems": problems,
               "action": request.url.path}  # fmt: skip
    return _page(request, "surveys/form.html", context, status)


def _audit(session: Session, action: str, invitation: SurveyInvitation, **details: object) -> None:
    audit.record(
        session,
        actor=ACTOR,
        action=action,
        entity_type="survey_invitation",
        entity_id=str(invitation.id),
        details={"passenger_id": str(invitation.passenger_id), **details},
    )


@router.get("/s/{token}", response_class=HTMLResponse)
def show_survey(token: str, request: Request, session: SessionDep) -> HTMLResponse:
    try:
        invitation = surveys.get_invitation(session, token=token, now=utc_now())
    except (SurveyLinkUnknown, SurveyLinkExpired) as exc:
        return _closed(request, exc)
    _audit(session, "survey.viewed", invitation)
    previous = {k: "" if v is None else str(v) for k, v in invitation.answers.items()}
    values = {"nps": "", "csat": "", "what_went_wrong": "", "how_to_fix": "", **previous}
    return _form(request, session, invitation, values, {})


def _localised(problems: list[dict[str, Any]], t: texts.SurveyTexts) -> dict[str, str]:
    shown: dict[str, str] = {}
    for problem in problems:
        field = str(problem["loc"][-1])
        kind = problem.get("type")
        if kind == "empty":
            shown[field] = t.empty
        elif kind == "too_long":
            shown[field] = t.too_long
        else:
            shown[field] = t.nps_error if field == "nps" else t.csat_error
    return shown


@router.post("/s/{token}", response_class=HTMLResponse)
def answer_survey(
    token: str,
    request: Request,
    session: SessionDep,
    nps: Annotated[str, Form()] = "",
    csat: Annotated[str, Form()] = "",
    what_went_wrong: Annotated[str, Form()] = "",
    how_to_fix: Annotated[str, Form()] = "",
) -> HTMLResponse:
    now = utc_now()
    try:
        invitation = surveys.get_invitation(session, token=token, now=now)
    except (SurveyLinkUnknown, SurveyLinkExpired) as exc:
        return _closed(request, exc)
    values = {"nps": nps, "csat": csat, "what_went_wrong": what_went_wrong, "how_to_fix": how_to_fix}
    try:
        answers = rules.parse_answers(nps=nps, csat=csat, what_went_wrong=what_went_wrong, how_to_fix=how_to_fix)
    except InvalidInput as exc:
        problems = _localised(exc.problems, texts.texts_for(invitation.language))
        return _form(request, session, invitation, values, problems, 400)
    result = surveys.record_response(session, invitation=invitation, answers=answers, now=now)
    _audit(session, "survey.responded", invitation, feedback_id=str(result.feedback_id), outcome=result.outcome.value)
    t = texts.texts_for(invitation.language)
    return _page(request, "surveys/message.html", {"lang": invitation.language, "heading": t.thanks_title,
                                                   "body": t.thanks_body})  # fmt: skip
