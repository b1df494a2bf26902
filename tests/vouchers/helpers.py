"""Factories for voucher tests: plain functions returning flushed objects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.customers.models import Passenger
from goodwill.kit.money import Money
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import LedgerEntry, Voucher, VoucherKind

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=30)


def usd(major: str) -> Money:
    return Money.parse(major, "USD")


def make_passenger(session: Session, *, first_name: str = "Ana", last_name: str = "López") -> uuid.UUID:
    passenger = Passenger(first_name=first_name, last_name=last_name, name_key=f"{last_name} {first_name}".lower())
    session.add(passenger)
    session.flush()
    return passenger.id


def make_voucher(
    session: Session,
    *,
    passenger_id: uuid.UUID | None = None,
    amount: Money | None = None,
    key: str | None = None,
    expires_at: datetime | None = LATER,
    kind: VoucherKind = VoucherKind.VOUCHER,
    now: datetime = NOW,
) -> Voucher:
    return vouchers.issue_voucher(
        session,
        passenger_id=passenger_id or make_passenger(session),
        amount=amount or usd("100.00"),
        kind=kind,
        reason="delay of 3h on B6 123",
        idempotency_key=key or f"test-issue:{uuid.uuid4()}",
        now=now,
        expires_at=expires_at,
        actor="test",
    )


def ledger(session: Session) -> list[tuple[str, str, int, str]]:
    """The whole ledger as (key, type, amount, currency), in key order: what a replay must leave unchanged."""
    rows = session.execute(
        select(LedgerEntry.idempotency_key, LedgerEntry.entry_type, LedgerEntry.amount_minor, LedgerEntry.currency)
    ).all()
    return sorted((str(k), str(t), int(a), str(c)) for k, t, a, c in rows)
