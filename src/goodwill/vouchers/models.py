"""Voucher and LedgerEntry. The ledger is append-only: a balance is a SUM, a correction a reversing entry.

The database refuses UPDATE and DELETE on `ledger_entries` (triggers, migration 0002); the `before_flush`
guard below refuses the same through the ORM earlier and with a clearer message. The one change allowed is
`passenger_id`, which follows the passenger when two records of one person are merged (the merge is kept as
evidence in `passenger_merges`); no amount, type, voucher, key or reference ever changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from goodwill.kit.ids import new_id
from goodwill.kit.time import utc_now
from goodwill.store.base import Base, RecordMixin
from goodwill.store.types import UTCDateTime
from goodwill.vouchers.errors import LedgerIsAppendOnly


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
    """A voucher or credit. `face_value_minor` is the amount of the first issue, kept for reference; what the
    voucher is worth now (face value after top-ups and reversals, redeemed, balance) is summed from the ledger."""

    __tablename__ = "vouchers"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    passenger_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("passengers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default=VoucherKind.VOUCHER.value)
    currency: Mapped[str] = mapped_column(String(3))
    face_value_minor: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200))
    entitlement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("entitlements.id"), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))

    # A list filter's index holds its rows in the list's order (api/lists.py, ADR 0018).
    __table_args__ = tuple(Index(f"ix_vouchers_{c}_id", c, "id") for c in ("case_id", "kind"))


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


# Columns of a ledger entry that may change: only the owner, when passenger records are merged.
MUTABLE_LEDGER_COLUMNS = frozenset({"passenger_id"})


@event.listens_for(Session, "before_flush")
def _ledger_is_append_only(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Refuse a flush that would update or delete a ledger entry (the database refuses it too)."""
    for obj in session.deleted:
        if isinstance(obj, LedgerEntry):
            raise LedgerIsAppendOnly(f"ledger entry {obj.id} cannot be deleted: the ledger is append-only")
    for obj in session.dirty:
        if isinstance(obj, LedgerEntry):
            changed = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
            if changed - MUTABLE_LEDGER_COLUMNS:
                raise LedgerIsAppendOnly(
                    f"ledger entry {obj.id} cannot be changed ({', '.join(sorted(changed))}): the ledger is "
                    "append-only; record a reversing entry instead"
                )
