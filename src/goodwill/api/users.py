"""Users over HTTP, for administrators: the people who sign in to the console, with their role and team.
Passwords go in, never out; a user reads back without any hash."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from goodwill.access import users
from goodwill.access.models import User
from goodwill.access.roles import Role
from goodwill.api.deps import AdminDep, SessionDep
from goodwill.errors import InvalidInput

router = APIRouter(tags=["users"])


class UserIn(BaseModel):
    username: str = Field(max_length=80, description="Sign-in name: lower-case letters, digits, '.', '_', '-'")
    name: str = Field(max_length=120)
    role: Role = Field(description="agent, supervisor, manager or admin (integration is for API keys)")
    password: str = Field(min_length=1, max_length=256, description="12 characters or more")
    email: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=40)


class UserChange(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    role: Role | None = None
    team: str | None = Field(default=None, max_length=40, description="'' removes the team")
    email: str | None = Field(default=None, max_length=200)
    disabled: bool | None = Field(default=None, description="true refuses sign-in and ends open sessions")
    password: str | None = Field(default=None, max_length=256)


class UserRead(BaseModel):
    username: str
    name: str
    email: str | None
    role: str
    team: str | None
    disabled_at: datetime | None
    last_sign_in_at: datetime | None
    created_at: datetime


def _read(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


@router.get("/users", response_model=list[UserRead], summary="Every console user (role: admin)")
def list_users(session: SessionDep, _principal: AdminDep) -> list[UserRead]:
    return [_read(u) for u in users.list_users(session)]


@router.post("/users", response_model=UserRead, status_code=201, summary="Add a console user (role: admin)")
def create_user(body: UserIn, session: SessionDep, principal: AdminDep) -> UserRead:
    user = users.create_user(
        session,
        username=body.username,
        name=body.name,
        role=body.role,
        password=body.password,
        email=body.email,
        team=body.team,
        actor=principal.actor,
    )
    return _read(user)


@router.patch(
    "/users/{username}",
    response_model=UserRead,
    summary="Change a user's role, team, name, email or password, or disable them (role: admin)",
)
def change_user(username: str, body: UserChange, session: SessionDep, principal: AdminDep) -> UserRead:
    if principal.kind == "user" and principal.name == username and body.disabled:
        raise InvalidInput("you may not disable yourself", problems=[{"loc": ["body", "disabled"], "msg": "yourself"}])
    user = users.update_user(
        session,
        username=username,
        actor=principal.actor,
        role=body.role,
        team=body.team,
        name=body.name,
        email=body.email,
        disabled=body.disabled,
        password=body.password,
    )
    return _read(user)
