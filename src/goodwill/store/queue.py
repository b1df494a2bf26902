"""The transactional outbox / job table: a job is written in the same transaction as the change it follows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from goodwill.kit.ids import new_id
from goodwill.kit.time import utc_now
from goodwill.store.base import Base
from goodwill.store.types import JSONType, UTCDateTime


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)


def enqueue(session: Session, name: str, payload: dict[str, Any], *, dedupe_key: str | None = None) -> Job:
    """Add a job in the caller's transaction; with a dedupe key, an existing job is returned instead."""
    if dedupe_key is not None:
        existing = session.scalars(select(Job).where(Job.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return existing
    job = Job(name=name, payload=payload, dedupe_key=dedupe_key)
    session.add(job)
    return job
