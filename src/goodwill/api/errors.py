"""One error body for the whole API: {"error": <code>, "detail": <message>, "problems": [...]}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from goodwill.access.throttle import TooManyAttempts
from goodwill.errors import Conflict, Expired, GoodwillError, InvalidInput, NotFound, PermissionDenied, RuleViolation
from goodwill.logging import get_logger

log = get_logger(__name__)


class Problem(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str
    detail: str
    problems: list[Problem]


def status_for(exc: GoodwillError) -> int:
    if isinstance(exc, TooManyAttempts):
        return 429
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, Expired):
        return 410
    if isinstance(exc, RuleViolation):
        return 400
    return 400


def error_response(status: int, code: str, detail: str, problems: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = ErrorBody(error=code, detail=detail, problems=[Problem(**p) for p in problems or []])
    return JSONResponse(status_code=status, content=body.model_dump())


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The input breaks a rule"},
    401: {"model": ErrorBody, "description": "No or invalid credentials"},
    403: {"model": ErrorBody, "description": "The caller's role may not do this"},
    404: {"model": ErrorBody, "description": "Not found"},
    409: {"model": ErrorBody, "description": "Conflicts with what is stored"},
    422: {"model": ErrorBody, "description": "The request is malformed"},
    429: {
        "model": ErrorBody,
        "description": "This client presented too many bad API keys lately; retry after the Retry-After seconds",
    },
}


def install(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors onto the one error body."""

    @app.exception_handler(GoodwillError)
    async def _domain(_request: Request, exc: GoodwillError) -> JSONResponse:
        problems = exc.problems if isinstance(exc, InvalidInput) else None
        response = error_response(status_for(exc), exc.code, exc.message, problems)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return error_response(422, "RequestInvalid", "the request is malformed", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {401: "NotAuthenticated", 403: "PermissionDenied", 404: "NotFound", 405: "MethodNotAllowed"}
        response = error_response(exc.status_code, codes.get(exc.status_code, "HTTPError"), str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("api.unexpected_error", error_type=type(exc).__name__)
        return error_response(500, "InternalError", "an unexpected error occurred; it has been logged")
