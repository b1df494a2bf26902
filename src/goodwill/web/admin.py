"""Users, for administrators: who may sign in, with which role and team; add, change, disable, reset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from goodwill.access import users
from goodwill.access.roles import Role
from goodwill.api.deps import SessionDep
from goodwill.errors import InvalidInput
from goodwill.web.auth import AdminPage
from goodwill.web.console import redirect, render

router = APIRouter(include_in_schema=False)

ROLES = [role.value for role in sorted(users.ASSIGNABLE)]


def _role(value: str, field: str = "role") -> Role:
    try:
        role = Role(value)
    except ValueError:
        raise InvalidInput(
            f"unknown role {value!r}", problems=[{"loc": ["form", field], "msg": "unknown role"}]
        ) from None
    return role


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, me: AdminPage) -> HTMLResponse:
    return render(request, "console/admin_users.html", {"users": users.list_users(session), "roles": ROLES}, me=me)


@router.post("/admin/users")
def add_user(
    request: Request,
    session: SessionDep,
    me: AdminPage,
    username: Annotated[str, Form(max_length=80)],
    name: Annotated[str, Form(max_length=120)],
    role: Annotated[str, Form(max_length=12)],
    password: Annotated[str, Form(max_length=256)],
    email: Annotated[str, Form(max_length=200)] = "",
    team: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    users.create_user(
        session,
        username=username,
        name=name,
        role=_role(role),
        password=password,
        email=email or None,
        team=team or None,
        actor=me.principal.actor,
    )
    return redirect(request, "/admin/users")


@router.post("/admin/users/{username}", response_class=HTMLResponse)
def change_user(
    request: Request,
    session: SessionDep,
    me: AdminPage,
    username: str,
    role: Annotated[str | None, Form(max_length=12)] = None,
    team: Annotated[str | None, Form(max_length=40)] = None,
    disabled: Annotated[str | None, Form(max_length=5)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
) -> HTMLResponse:
    """One change to one user; answers with the user's table row (HTMX swaps it in place)."""
    if username == me.username and (disabled == "true" or (role is not None and role != Role.ADMIN.value)):
        raise InvalidInput("you may not disable yourself or give up your own admin role; ask another administrator")
    user = users.update_user(
        session,
        username=username,
        actor=me.principal.actor,
        role=_role(role) if role else None,
        team=team,
        disabled=None if disabled is None else disabled == "true",
        password=password or None,
    )
    return render(request, "console/_user_row.html", {"user": user, "roles": ROLES}, me=me)
