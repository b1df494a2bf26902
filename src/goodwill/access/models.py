"""ApiKey: a secret handed to a person or system, stored only as a hash, carrying one role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.access.roles import Role
from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import UTCDateTime

__all__ = ["ApiKey", "Role"]


class ApiKey(RecordMixin, Base):
    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
