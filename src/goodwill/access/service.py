"""Creating, checking and revoking API keys."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.access.models import ApiKey
from goodwill.access.roles import Role, hash_secret, new_secret, split_token
from goodwill.errors import NotFound, PermissionDenied
from goodwill.kit.time import utc_now


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key (`kind` "key": its id and name) or a person signed in to the console
    (`kind` "user": their username), and the role."""

    key_id: str
    name: str
    role: Role
    kind: str = "key"

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.name}"


def create_key(session: Session, *, name: str, role: Role, server_secret: str) -> tuple[ApiKey, str]:
    """Create a key for a person or system; returns the row and the token, which is never stored."""
    prefix, token = new_secret()
    key = ApiKey(name=name, role=role.value, prefix=prefix, secret_hash=hash_secret(token, server_secret))
    session.add(key)
    session.flush()
    return key, token


def authenticate(session: Session, *, token: str, server_secret: str, now: datetime | None = None) -> Principal:
    """Resolve a bearer token to its principal, or raise PermissionDenied."""
    prefix = split_token(token)
    if prefix is None:
        raise PermissionDenied("malformed API key")
    key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if key is None or key.revoked_at is not None:
        raise PermissionDenied("unknown or revoked API key")
    if not hmac.compare_digest(key.secret_hash, hash_secret(token, server_secret)):
        raise PermissionDenied("unknown or revoked API key")
    key.last_used_at = now or utc_now()
    return Principal(key_id=str(key.id), name=key.name, role=Role(key.role))


def revoke_key(session: Session, *, prefix: str, now: datetime | None = None) -> ApiKey:
    """Revoke a key by its public prefix."""
    key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if key is None:
        raise NotFound(f"no API key {prefix}")
    key.revoked_at = now or utc_now()
    return key


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes only, never secrets)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))
