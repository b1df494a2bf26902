"""Column types behave the same on SQLite and PostgreSQL: instants stay aware UTC, naive ones are refused."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from goodwill.audit.models import AuditEntry


def test_aware_instant_round_trips_as_utc(session: Session) -> None:
    new_york = timezone(timedelta(hours=-5))
    entry = AuditEntry(
        actor="test", action="x", entity_type="t", at=datetime(2013, 2, 8, 18, 30, tzinfo=new_york), details={"n": 1}
    )
    session.add(entry)
    session.flush()
    session.expire_all()
    stored = session.scalars(select(AuditEntry).where(AuditEntry.id == entry.id)).one()
    assert stored.at == datetime(2013, 2, 8, 23, 30, tzinfo=UTC)
    assert stored.at.utcoffset() == timedelta(0)
    assert stored.details == {"n": 1}


def test_naive_instant_is_refused(session: Session) -> None:
    session.add(AuditEntry(actor="test", action="x", entity_type="t", at=datetime(2013, 2, 8, 18, 30)))  # noqa: DTZ001
    with pytest.raises(StatementError, match="naive datetime refused"):
        session.flush()
