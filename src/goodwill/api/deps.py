"""Request dependencies: one unit of work per request, and the authenticated principal with its role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from goodwill.access import service as access
from goodwill.access.roles import Role, allows
from goodwill.access.service import Principal
from goodwill.errors import PermissionDenied
from goodwill.store.db import unit_of_work

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer gw_….…`")


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the handler returns, rolled back if it raises."""
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


# scope="function": committed before the response leaves (FastAPI's default, "request", commits after it is sent:
# a client following a 303 at once could read the old state, and a failed commit would follow a success).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "an API key is required", headers={"WWW-Authenticate": "Bearer"})
    try:
        return access.authenticate(session, token=credentials.credentials, server_secret=request.app.state.secret)
    except PermissionDenied as exc:
        raise HTTPException(401, exc.message, headers={"WWW-Authenticate": "Bearer"}) from exc


def require(role: Role) -> Callable[..., Principal]:
    """A dependency that admits callers whose role grants `role`, and refuses the rest with 403."""

    def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not allows(principal.role, role):
            raise PermissionDenied(f"this needs the {role.value} role; the caller has {principal.role.value}")
        return principal

    dependency.__name__ = f"require_{role.value}"
    return dependency


IntegrationDep = Annotated[Principal, Depends(require(Role.INTEGRATION))]
AgentDep = Annotated[Principal, Depends(require(Role.AGENT))]
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
SupervisorDep = Annotated[Principal, Depends(require(Role.SUPERVISOR))]
ManagerDep = Annotated[Principal, Depends(require(Role.MANAGER))]
