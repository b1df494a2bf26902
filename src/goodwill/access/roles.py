"""Roles and API key secrets, pure: role grants, token generation and hashing (HMAC with the server secret)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum


class Role(StrEnum):
    """Who a caller is. Each endpoint states the role it needs; `GRANTS` says which roles satisfy it."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"
    INTEGRATION = "integration"


# Which roles satisfy a requirement. Admin may do everything; integration is for machines only.
GRANTS: dict[Role, frozenset[Role]] = {
    Role.AGENT: frozenset({Role.AGENT}),
    Role.SUPERVISOR: frozenset({Role.AGENT, Role.SUPERVISOR}),
    Role.MANAGER: frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER}),
    Role.ADMIN: frozenset(Role),
    Role.INTEGRATION: frozenset({Role.INTEGRATION}),
}


def allows(held: Role, required: Role) -> bool:
    """Whether a key holding `held` may call an endpoint that requires `required`."""
    return required in GRANTS[held]


def new_secret() -> tuple[str, str]:
    """Return (prefix, full token). The token is shown once; only its hash is stored."""
    prefix = "gw_" + secrets.token_hex(6)
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


def hash_secret(token: str, server_secret: str) -> str:
    return hmac.new(server_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def split_token(token: str) -> str | None:
    """The prefix of a well-formed token, or None."""
    prefix, dot, rest = token.partition(".")
    if not dot or not prefix.startswith("gw_") or len(prefix) != 15 or len(rest) < 20:
        return None
    return prefix
