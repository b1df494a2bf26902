"""Creating, checking and revoking API keys; counting the failures of each client (by the keyed hash of its
address) and refusing, unchecked, a client that failed too often in its window (ADR 0022)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from goodwill.access import throttle
from goodwill.access.models import ApiKey, ClientFailures
from goodwill.access.roles import Role, hash_secret, new_secret, split_token
from goodwill.audit import service as audit
from goodwill.errors import NotFound, PermissionDenied
from goodwill.kit.time import utc_now

SIGN_IN = "sign_in"  # the console's sign-in form
API_KEY = "api_key"  # a bearer token presented to the API


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


def authenticate(
    session: Session,
    *,
    token: str,
    server_secret: str,
    client: throttle.Client | None = None,
    now: datetime | None = None,
) -> Principal:
    """Resolve a bearer token to its principal, or raise PermissionDenied.

    With a `client`: a client that failed too often in its window gets TooManyAttempts before the token is looked
    at, and each refusal counts against it (the caller commits the count although it answers with an error)."""
    now = now or utc_now()
    if client is not None:
        refuse_throttled_client(session, scope=API_KEY, client=client, now=now)
    try:
        prefix = split_token(token)
        if prefix is None:
            raise PermissionDenied("malformed API key")
        key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
        if key is None or key.revoked_at is not None:
            raise PermissionDenied("unknown or revoked API key")
        if not hmac.compare_digest(key.secret_hash, hash_secret(token, server_secret)):
            raise PermissionDenied("unknown or revoked API key")
    except PermissionDenied:
        if client is not None:
            count_client_failure(session, scope=API_KEY, client=client, now=now)
        raise
    key.last_used_at = now
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


@dataclass(frozen=True)
class Tally:
    """A client's failures in its window after one more: all of them, and those naming no known user."""

    failures: int
    unknown_usernames: int
    window_ends: datetime


def refuse_throttled_client(session: Session, *, scope: str, client: throttle.Client, now: datetime) -> None:
    """Raise TooManyAttempts if this client has used up its failures in the current window (one key read)."""
    row = session.execute(
        select(ClientFailures.failures, ClientFailures.window_ends).where(
            ClientFailures.scope == scope, ClientFailures.client_key == client.key
        )
    ).first()
    if row is None:
        return
    until = throttle.blocked_until(failures=row.failures, window_ends=row.window_ends, now=now, policy=client.policy)
    if until is not None:
        raise throttle.TooManyAttempts(until=until, now=now)


def count_client_failure(
    session: Session, *, scope: str, client: throttle.Client, now: datetime, unknown_username: bool = False
) -> Tally:
    """Count one more failure against a client, in one atomic statement, so that concurrent requests in several
    processes each see their own count. The client's first failure opens a window of `policy.window`; ended
    windows are cleared first. The failure that uses up the limit is audited, once per window."""
    forget_ended_windows(session, now=now)
    table = ClientFailures.__table__
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    unknown = 1 if unknown_username else 0
    statement = (
        dialect.insert(table)
        .values(
            scope=scope,
            client_key=client.key,
            window_start=now,
            window_ends=now + client.policy.window,
            failures=1,
            unknown_usernames=unknown,
        )
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.client_key],
            set_={
                "failures": table.c.failures + 1,
                "unknown_usernames": table.c.unknown_usernames + unknown,
            },
        )
        .returning(table.c.failures, table.c.unknown_usernames, table.c.window_ends)
    )
    failures, unknowns, window_ends = session.execute(statement).one()
    if failures == client.policy.limit:
        audit.record(
            session,
            actor="anonymous",
            action="client.throttled",
            entity_type="client",
            entity_id=client.key,
            details={"scope": scope, "failures": failures, "until": window_ends.isoformat()},
        )
    return Tally(failures=failures, unknown_usernames=unknowns, window_ends=window_ends)


def forget_ended_windows(session: Session, *, now: datetime) -> int:
    """Delete the counts whose window is over; a window whose sign-ins named unknown users more than once leaves
    one audit entry saying how many (the first was audited on its own). Returns how many windows ended.

    A DELETE ... RETURNING: of two processes clearing at once, only one gets (and audits) each row."""
    ended = session.execute(
        delete(ClientFailures)
        .where(ClientFailures.window_ends <= now)
        .returning(
            ClientFailures.scope,
            ClientFailures.client_key,
            ClientFailures.window_start,
            ClientFailures.window_ends,
            ClientFailures.failures,
            ClientFailures.unknown_usernames,
        )
        .execution_options(synchronize_session=False)
    ).all()
    for scope, key, start, ends, failures, unknowns in ended:
        if scope == SIGN_IN and unknowns > 1:
            audit.record(
                session,
                actor="anonymous",
                action="user.sign_ins_refused",
                entity_type="client",
                entity_id=key,
                details={
                    "reason": "unknown username",
                    "count": unknowns,
                    "failures": failures,
                    "from": start.isoformat(),
                    "until": ends.isoformat(),
                },
            )
    return len(ended)
