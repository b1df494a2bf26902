"""People who sign in to the console: creating and changing users, checking a password, and the sessions a
browser holds. A session cookie is `prefix.secret` like an API key; only the secret's HMAC is stored."""

from __future__ import annotations

import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.access import passwords, throttle
from goodwill.access import service as access
from goodwill.access.models import ConsoleSession, User
from goodwill.access.roles import Role, hash_secret
from goodwill.access.service import Principal
from goodwill.audit import service as audit
from goodwill.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from goodwill.kit.time import utc_now

SESSION_LIFETIME = timedelta(hours=12)  # one shift; a new sign-in after
IDLE_LIMIT = timedelta(hours=2)  # a browser left alone this long signs out
LOCK_AFTER = 5  # failed sign-ins in a row lock the account ...
LOCK_FOR = timedelta(minutes=15)  # ... for this long
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
ASSIGNABLE = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})  # integration is for machines


@dataclass(frozen=True)
class SignedIn:
    """A signed-in browser: who, with which role, and the session's CSRF token for its forms."""

    principal: Principal
    user_id: str
    username: str
    name: str
    team: str | None
    csrf_token: str
    session_id: str


def _problem(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, problems=[{"loc": ["body", field], "msg": message}])


def _check_role(role: Role) -> None:
    if role not in ASSIGNABLE:
        raise _problem("role", f"a person may be one of {', '.join(sorted(r.value for r in ASSIGNABLE))}")


def create_user(
    session: Session,
    *,
    username: str,
    name: str,
    role: Role,
    password: str,
    email: str | None = None,
    team: str | None = None,
    actor: str,
) -> User:
    """A new person with one role; the password must meet `passwords.password_problem`."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise _problem("username", "a username is 2-80 lower-case letters, digits, '.', '_' or '-'")
    _check_role(role)
    if not name.strip():
        raise _problem("name", "a name is required")
    problem = passwords.password_problem(password, username=username)
    if problem:
        raise _problem("password", problem)
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"the username {username} is taken")
    user = User(
        username=username,
        name=name.strip()[:120],
        email=(email or None),
        role=role.value,
        team=(team or None),
        password_hash=passwords.hash_password(password),
        failed_sign_ins=0,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.create",
        entity_type="user",
        entity_id=str(user.id),
        details={"username": username, "role": role.value, "team": team},
    )
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def update_user(
    session: Session,
    *,
    username: str,
    actor: str,
    role: Role | None = None,
    team: str | None = None,
    name: str | None = None,
    email: str | None = None,
    disabled: bool | None = None,
    password: str | None = None,
    now: datetime | None = None,
) -> User:
    """Change a person's role, team, name, email, password, or disable them (which ends their sessions)."""
    now = now or utc_now()
    user = get_user(session, username)
    changed: dict[str, object] = {}
    if role is not None and role.value != user.role:
        _check_role(role)
        changed["role"] = {"from": user.role, "to": role.value}
        user.role = role.value
    if team is not None and team != (user.team or ""):
        changed["team"] = {"from": user.team, "to": team or None}
        user.team = team or None
    if name is not None and name.strip() and name.strip() != user.name:
        changed["name"] = True
        user.name = name.strip()[:120]
    if email is not None and email != (user.email or ""):
        changed["email"] = True
        user.email = email or None
    if password is not None:
        problem = passwords.password_problem(password, username=user.username)
        if problem:
            raise _problem("password", problem)
        user.password_hash = passwords.hash_password(password)
        user.failed_sign_ins = 0
        user.locked_until = None
        changed["password"] = True
    if disabled is not None and disabled != (user.disabled_at is not None):
        user.disabled_at = now if disabled else None
        changed["disabled"] = disabled
    if changed.keys() & {"role", "password", "disabled"}:
        end_sessions(session, user_id=user.id, now=now)  # a changed role or password takes effect at once
    if changed:
        audit.record(
            session, actor=actor, action="user.update", entity_type="user", entity_id=str(user.id), details=changed
        )
    return user


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    server_secret: str,
    client: throttle.Client | None = None,
    now: datetime | None = None,
) -> tuple[SignedIn, str]:
    """Check the password and open a session; returns it and the cookie value (never stored).

    The same refusal for an unknown user, a wrong password, a disabled or a locked account, so the answer tells
    an attacker nothing; the audit log says which it was. With a `client` (the browser's address, hashed): a
    client that failed `policy.limit` times in its window gets TooManyAttempts before anything is checked, every
    refusal counts against it, and refusals naming no known user are audited once per client and window rather
    than once each (ADR 0022). The caller commits the refusal's count and audit although it answers with an error."""
    now = now or utc_now()
    if client is not None:
        access.refuse_throttled_client(session, scope=access.SIGN_IN, client=client, now=now)
    user = session.scalars(select(User).where(User.username == username.strip().lower())).first()
    refusal = PermissionDenied("the username or password is not right, or the account is locked or disabled")
    if user is None or user.disabled_at is not None or (user.locked_until is not None and user.locked_until > now):
        passwords.check_password(password, passwords.no_user_hash())  # as slow as a wrong password
        reason = "unknown username" if user is None else "disabled" if user.disabled_at is not None else "locked"
        _refused(session, user, reason, client=client, now=now)
        raise refusal
    if not passwords.check_password(password, user.password_hash):
        user.failed_sign_ins += 1
        reason = "wrong password"
        if user.failed_sign_ins >= LOCK_AFTER:
            user.locked_until = now + LOCK_FOR
            user.failed_sign_ins = 0
            reason = "wrong password; locked"
        _refused(session, user, reason, client=client, now=now)
        raise refusal
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    prefix = "gs_" + secrets.token_hex(6)
    cookie = f"{prefix}.{secrets.token_urlsafe(32)}"
    row = ConsoleSession(
        user_id=user.id,
        prefix=prefix,
        secret_hash=hash_secret(cookie, server_secret),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now + SESSION_LIFETIME,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=f"user:{user.username}",
        role=user.role,
        action="user.sign_in",
        entity_type="user",
        entity_id=str(user.id),
    )
    if client is not None:
        access.forget_ended_windows(session, now=now)  # sign-ins keep the table small, and end windows' audit
    return _signed_in(user, row), cookie


def _refused(
    session: Session, user: User | None, reason: str, *, client: throttle.Client | None, now: datetime
) -> None:
    """Audit a refusal: each one for a real account; for a username that names nobody, the first of the client's
    window only (its end records how many there were: `access.forget_ended_windows`)."""
    details: dict[str, object] = {"reason": reason}
    if client is not None:
        tally = access.count_client_failure(
            session, scope=access.SIGN_IN, client=client, now=now, unknown_username=user is None
        )
        if user is None and tally.unknown_usernames > 1:
            return
        details["client"] = client.key
        if user is None:
            details["more_counted_until"] = tally.window_ends.isoformat()
    audit.record(
        session,
        actor=f"user:{user.username}" if user else "anonymous",
        action="user.sign_in_refused",
        entity_type="user",
        entity_id=str(user.id) if user else None,
        details=details,
    )


def _signed_in(user: User, row: ConsoleSession) -> SignedIn:
    principal = Principal(key_id=f"user:{user.id}", name=user.username, role=Role(user.role), kind="user")
    return SignedIn(
        principal=principal,
        user_id=str(user.id),
        username=user.username,
        name=user.name,
        team=user.team,
        csrf_token=row.csrf_token,
        session_id=str(row.id),
    )


def resolve_session(session: Session, *, cookie: str, server_secret: str, now: datetime | None = None) -> SignedIn:
    """The signed-in person behind a cookie, or PermissionDenied (unknown, ended, expired, idle, disabled)."""
    now = now or utc_now()
    prefix, dot, rest = cookie.partition(".")
    if not dot or not prefix.startswith("gs_") or len(prefix) != 15 or len(rest) < 20:
        raise PermissionDenied("not signed in")
    found = session.execute(
        select(ConsoleSession, User)
        .join(User, User.id == ConsoleSession.user_id)
        .where(ConsoleSession.prefix == prefix)
    ).first()
    if found is None:
        raise PermissionDenied("not signed in")
    row, user = found
    if not hmac.compare_digest(row.secret_hash, hash_secret(cookie, server_secret)):
        raise PermissionDenied("not signed in")
    idle = row.last_seen_at is not None and now - row.last_seen_at > IDLE_LIMIT
    if row.ended_at is not None or row.expires_at <= now or idle or user.disabled_at is not None:
        raise PermissionDenied("the session has ended; sign in again")
    if row.last_seen_at is None or now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now  # at most one write a minute per browser
    return _signed_in(user, row)


def sign_out(session: Session, *, session_id: str, now: datetime | None = None) -> None:
    row = session.get(ConsoleSession, uuid.UUID(session_id))
    if row is not None and row.ended_at is None:
        row.ended_at = now or utc_now()


def end_sessions(session: Session, *, user_id: uuid.UUID, now: datetime) -> None:
    for row in session.scalars(
        select(ConsoleSession).where(ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None))
    ):
        row.ended_at = now
