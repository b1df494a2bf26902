"""Writing audit entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from goodwill.audit.models import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | None = None,
    role: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record who did what to which entity, in the caller's transaction."""
    session.add(
        AuditEntry(
            actor=actor,
            role=role,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details or {},
        )
    )
