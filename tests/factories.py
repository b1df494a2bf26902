"""Plain factory functions that return flushed objects (STYLE.md): override what a test cares about."""

from __future__ import annotations

from sqlalchemy.orm import Session

from goodwill.access import service as access
from goodwill.access import users
from goodwill.access.models import User
from goodwill.access.roles import Role

TEST_SECRET = "test-secret-0123456789-0123456789-abcdef"


def make_api_key(session: Session, *, role: Role = Role.INTEGRATION, name: str = "test") -> str:
    """Create an API key and return its bearer token."""
    _key, token = access.create_key(session, name=name, role=role, server_secret=TEST_SECRET)
    return token


TEST_PASSWORD = "correct horse battery staple"


def make_user(
    session: Session, *, username: str = "ana", role: Role = Role.AGENT, team: str | None = "care", name: str = ""
) -> User:
    """Create a console user whose password is TEST_PASSWORD."""
    return users.create_user(
        session,
        username=username,
        name=name or username.title(),
        role=role,
        password=TEST_PASSWORD,
        team=team,
        actor="test",
    )
