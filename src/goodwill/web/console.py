"""The console's shell: sign in and out, the page frame (navigation by role), errors shown as pages, and the
rendering helper every console page uses. Pages live beside this module, one module per area, each on the same
services as the API (ADR 0019)."""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodwill import __version__
from goodwill.access import users
from goodwill.access.roles import Role, allows
from goodwill.access.throttle import TooManyAttempts
from goodwill.access.users import SignedIn
from goodwill.api.deps import SessionDep, client_of
from goodwill.errors import GoodwillError, InvalidInput, NotFound, PermissionDenied
from goodwill.store.db import unit_of_work
from goodwill.web.auth import COOKIE, MaybeSignedIn, SignInRequired, check_csrf, safe_next, sign_in_location, signed_in
from goodwill.web.templating import templates

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    role: Role


# The console's areas, in the order of the navigation bar; each is shown only to roles that grant its role.
NAV: tuple[NavItem, ...] = (
    NavItem("Home", "/home", Role.AGENT),
    NavItem("Passengers", "/passengers", Role.AGENT),
    NavItem("Cases", "/cases", Role.AGENT),
    NavItem("Control room", "/control-room", Role.SUPERVISOR),
    NavItem("Voice of the customer", "/voice", Role.MANAGER),
    NavItem("Value", "/value", Role.MANAGER),
    NavItem("Users", "/admin/users", Role.ADMIN),
)

# Pages may load scripts and styles from this site only; inline styles are allowed for chart geometry.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def nav_for(role: Role) -> list[NavItem]:
    return [item for item in NAV if allows(role, item.role)]


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    me: SignedIn | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A console page (or an HTMX fragment) with the frame's context: who is signed in, the navigation, the
    CSRF token, the airline, and the time the page took to build (shown in the footer)."""
    started = getattr(request.state, "started", None)
    base: dict[str, Any] = {
        "airline": request.app.state.settings.airline_name,
        "version": __version__,
        "me": me,
        "nav": nav_for(me.principal.role) if me else [],
        "csrf": me.csrf_token if me else "",
        "current": request.url.path,
        "build_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
    }
    response = templates.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def is_console(request: Request) -> bool:
    """Whether the request is for a console page (everything but the API, survey links, static files, health)."""
    return not request.url.path.startswith(("/api/", "/s/", "/static/", "/health", "/docs"))


def redirect(request: Request, location: str) -> Response:
    """Go to `location`: a 303 for a normal request, `HX-Redirect` for an HTMX one."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def install(app: FastAPI) -> None:
    """Console errors as pages: not signed in → the sign-in page; a refused role, a missing thing or bad input →
    a page (or, for HTMX, a message in the page's alert area) saying so. The API keeps its JSON errors."""
    api_handler = app.exception_handlers[GoodwillError]

    async def handler(request: Request, exc: Exception) -> Response:
        if isinstance(exc, SignInRequired):
            return redirect(request, sign_in_location(exc.next_path))
        if not is_console(request) or not isinstance(exc, GoodwillError):
            response = api_handler(request, exc)
            return await response if inspect.isawaitable(response) else response
        status = 403 if isinstance(exc, PermissionDenied) else 404 if isinstance(exc, NotFound) else 400
        if is_htmx(request):
            return render(
                request,
                "console/_alert.html",
                {"message": exc.message, "problems": exc.problems if isinstance(exc, InvalidInput) else []},
                status=200,
                headers={"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"},
            )
        me = _who(request)
        problems = exc.problems if isinstance(exc, InvalidInput) else []
        context = {"status": status, "message": exc.message, "problems": problems}
        return render(request, "console/error.html", context, me=me, status=status)

    app.add_exception_handler(GoodwillError, handler)
    api_invalid = app.exception_handlers[RequestValidationError]

    async def invalid(request: Request, exc: Exception) -> Response:
        """A malformed address or form on a console page (an id that is no id): a page naming the field, not the
        API's JSON body."""
        if not is_console(request) or not isinstance(exc, RequestValidationError):
            response = api_invalid(request, exc)
            return await response if inspect.isawaitable(response) else response
        problems = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        context = {"status": 422, "message": "the address or the form is not right", "problems": problems}
        if is_htmx(request):
            return render(
                request, "console/_alert.html", context, headers={"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"}
            )
        return render(request, "console/error.html", context, me=_who(request), status=422)

    app.add_exception_handler(RequestValidationError, invalid)

    @app.middleware("http")
    async def _started(request: Request, call_next: Any) -> Response:
        request.state.started = time.perf_counter()
        response: Response = await call_next(request)
        return response


def _who(request: Request) -> SignedIn | None:
    """The signed-in person, for an error page built outside the failed request's unit of work."""
    with unit_of_work(request.app.state.session_factory) as session:
        return signed_in(request, session)


@router.get("/", response_class=HTMLResponse)
def root(request: Request, me: MaybeSignedIn) -> Response:
    """The console's door: the home page when signed in, else the sign-in page."""
    return redirect(request, "/home" if me else "/sign-in")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, me: MaybeSignedIn, next: str | None = None) -> Response:
    if me is not None:
        return redirect(request, safe_next(next) if next else "/home")
    return render(request, "console/sign_in.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password; on success set the session cookie. A refusal is committed (the failed counts and the
    audit entry stay) and says the same thing whatever was wrong. A client that failed too often lately is
    answered 429 with Retry-After, and nothing is checked (ADR 0022)."""
    try:
        signed, cookie = users.sign_in(
            session,
            username=username,
            password=password,
            server_secret=request.app.state.secret,
            client=client_of(request),
            now=request.app.state.clock(),
        )
    except TooManyAttempts as exc:
        context = {"next": safe_next(next), "error": exc.message, "username": username, "wait": True}
        return render(
            request, "console/sign_in.html", context, status=429, headers={"Retry-After": str(exc.retry_after)}
        )
    except PermissionDenied as exc:
        context = {"next": safe_next(next), "error": exc.message, "username": username}
        return render(request, "console/sign_in.html", context, status=401)
    target = safe_next(next)
    response = RedirectResponse("/home" if target == "/" else target, status_code=303)
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(users.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.environment == "production",
        path="/",
    )
    del signed
    return response


@router.post("/sign-out")
async def sign_out(request: Request, session: SessionDep, me: MaybeSignedIn) -> Response:
    """End this browser's session (with its CSRF token, so another site cannot sign you out)."""
    if me is not None:
        await check_csrf(request, me)
        users.sign_out(session, session_id=me.session_id)
    response = redirect(request, "/sign-in")
    response.delete_cookie(COOKIE, path="/")
    return response
