"""Who is looking at the console: the session cookie, the role each page needs, and CSRF on every change.

Pages declare their role with `Console(Role.X)`, as API routes do with `require`. A browser that is not signed
in is sent to the sign-in page (an HTMX request gets `HX-Redirect`); a role that does not grant the page gets a
403 page. Every request that changes something (not GET/HEAD) must carry the session's CSRF token, as the form
field `csrf` or the `X-CSRF-Token` header that the console's pages set for HTMX (ADR 0019).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from goodwill.access import users
from goodwill.access.roles import Role, allows
from goodwill.access.users import SignedIn
from goodwill.api.deps import SessionDep
from goodwill.errors import GoodwillError, PermissionDenied

COOKIE = "gw_console"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(GoodwillError):
    """No valid console session: go to the sign-in page and come back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in to continue")
        self.next_path = next_path


def sign_in_location(next_path: str) -> str:
    return "/sign-in" if next_path in ("", "/") else f"/sign-in?next={quote(next_path, safe='/')}"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//host` or a scheme)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def signed_in(request: Request, session: SessionDep) -> SignedIn | None:
    """The signed-in person, or None (no cookie, ended, expired or idle session)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        return users.resolve_session(session, cookie=cookie, server_secret=request.app.state.secret)
    except PermissionDenied:
        return None


MaybeSignedIn = Annotated[SignedIn | None, Depends(signed_in)]


async def check_csrf(request: Request, me: SignedIn) -> None:
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get("x-csrf-token")
    if token is None:
        form = await request.form()
        value = form.get("csrf")
        token = value if isinstance(value, str) else None
    if token is None or not hmac.compare_digest(token, me.csrf_token):
        raise PermissionDenied("the form is out of date (its security token does not match); reload the page")


def Console(role: Role) -> Callable[..., Awaitable[SignedIn]]:
    """A dependency admitting signed-in people whose role grants `role`."""

    async def dependency(request: Request, me: MaybeSignedIn) -> SignedIn:
        if me is None:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInRequired(path)
        if not allows(me.principal.role, role):
            raise PermissionDenied(f"this page needs the {role.value} role; you are signed in as {me.principal.role}")
        await check_csrf(request, me)
        return me

    dependency.__name__ = f"console_{role.value}"
    return dependency


AgentPage = Annotated[SignedIn, Depends(Console(Role.AGENT))]
SupervisorPage = Annotated[SignedIn, Depends(Console(Role.SUPERVISOR))]
ManagerPage = Annotated[SignedIn, Depends(Console(Role.MANAGER))]
AdminPage = Annotated[SignedIn, Depends(Console(Role.ADMIN))]
