"""Survey link tokens: unguessable (256 random bits from `secrets`); only their sha256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check before touching the database: 43 URL-safe base64 characters."""
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)
