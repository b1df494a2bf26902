"""Request dependencies: one unit of work per request, who the client is (for the throttle of ADR 0022), and
the authenticated principal with its role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from goodwill.access import service as access
from goodwill.access import throttle
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


def client_of(request: Request) -> throttle.Client:
    """The caller as the throttle sees it: the keyed hash of its address (the connection's peer, or what trusted
    proxies say in X-Forwarded-For: GOODWILL_TRUSTED_PROXIES), and the application's failure policy."""
    state = request.app.state
    peer = request.client.host if request.client else None
    address = throttle.client_address(peer, request.headers.getlist("x-forwarded-for"), state.trusted_proxies)
    return throttle.Client(key=throttle.client_key(address, state.secret), policy=state.client_policy)


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The key's principal. A client that presented too many bad keys in its window gets 429 whatever it sends
    (TooManyAttempts, mapped by api.errors); no key at all is a 401 that counts for nothing (no guess was made)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "an API key is required", headers={"WWW-Authenticate": "Bearer"})
    try:
        return access.authenticate(
            session,
            token=credentials.credentials,
            server_secret=request.app.state.secret,
            client=client_of(request),
            now=request.app.state.clock(),
        )
    except PermissionDenied as exc:
        session.commit()  # the failure's count outlives the 401 (the unit of work rolls back what raises)
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
