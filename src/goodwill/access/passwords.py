"""Passwords, pure: scrypt hashes in a self-describing string, checked in constant time, and the rules a new
password must meet. scrypt is in the standard library (OpenSSL's), memory-hard, and needs no compiled extra."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

# N=2**14, r=8, p=1: 16 MiB and ~50 ms per check on this machine; stored with each hash so it can be raised.
N, R, P = 2**14, 8, 1
MIN_LENGTH = 12
MAX_LENGTH = 256


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=128 * r * (n + p + 2) + 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash`: everything needed to check the password later, nothing to recover it."""
    salt = secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(_scrypt(password, salt, N, R, P))}"


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored`; a malformed stored value never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = _scrypt(password[:MAX_LENGTH], _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest))


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why `password` may not be used, or None. Length over composition rules (NIST SP 800-63B)."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password may have at most {MAX_LENGTH} characters"
    if username and username.lower() in password.lower():
        return "a password may not contain the username"
    if len(set(password)) < 4:
        return "a password needs more than a few different characters"
    return None


@functools.cache
def no_user_hash() -> str:
    """A hash no password matches: checked when the username is unknown, so a wrong username takes as long as
    a wrong password."""
    return hash_password(secrets.token_urlsafe(16))
