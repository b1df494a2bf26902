"""ApiKey, User and ConsoleSession: who may call Goodwill, stored only as hashes, each carrying one role; and
ClientFailures: how often a client (by the keyed hash of its address) failed to authenticate in its window."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.access.roles import Role
from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import UTCDateTime

__all__ = ["ApiKey", "ClientFailures", "ConsoleSession", "Role", "User"]


class ApiKey(RecordMixin, Base):
    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class User(RecordMixin, Base):
    """A person who signs in to the console. `username` is also how cases name their agent (`assignee`)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    team: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsoleSession(RecordMixin, Base):
    """A signed-in browser: the cookie carries `prefix.secret`; only the secret's hash is kept."""

    __tablename__ = "console_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClientFailures(Base):
    """One client's failed sign-ins (`scope` "sign_in") or API key authentications ("api_key") in its current
    window (ADR 0022). `client_key` is the HMAC of the address with the server secret, never the address. The row
    is deleted when its window is over; `unknown_usernames` says how many of the sign-ins named nobody, which the
    audit log records once per window rather than once each."""

    __tablename__ = "client_failures"

    scope: Mapped[str] = mapped_column(String(12), primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_ends: Mapped[datetime] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column()
    unknown_usernames: Mapped[int] = mapped_column()

    __table_args__ = (Index("ix_client_failures_window_ends", "window_ends"),)
