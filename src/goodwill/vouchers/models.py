"""Voucher and LedgerEntry. The ledger is append-only: a balance is a SUM, a correction a reversing entry."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.kit.ids import new_id
from goodwill.kit.time import utc_now
from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import UTCDateTime


class VoucherKind(StrEnum):
    VOUCHER = "voucher"
    CREDIT = "credit"


class LedgerEntryType(StrEnum):
    ISSUE = "issue"
    REDEEM = "redeem"
    EXPIRE = "expire"
    CASH_PAYOUT = "cash_payout"
    REFUND = "refund"
    REVERSAL = "reversal"


class Voucher(RecordMixin, Base):
    __tablename__ = "vouchers"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default=VoucherKind.VOUCHER.value)
    currency: Mapped[str] = mapped_column(String(3))
    face_value_minor: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200))
    entitlement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("entitlements.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))


class LedgerEntry(Base):
    """One movement of money or value. Never updated, never deleted."""

    __tablename__ = "ledger_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    voucher_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vouchers.id"), index=True)
    entitlement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("entitlements.id"), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    entry_type: Mapped[str] = mapped_column(String(12))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    memo: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(80))
