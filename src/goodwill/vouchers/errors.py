"""What can go wrong with vouchers and the ledger, named for what happened (pure: no I/O)."""

from __future__ import annotations

from goodwill.errors import Conflict, RuleViolation


class IdempotencyKeyReused(Conflict):
    """An idempotency key already names a ledger entry with other values."""


class EntryAlreadyReversed(Conflict):
    """A ledger entry can be reversed once."""


class VoucherValueSpent(Conflict):
    """An issue cannot be reversed once part of its value is redeemed or expired."""


class LedgerIsAppendOnly(Conflict):
    """Something tried to change or delete a ledger entry."""


class VoucherExpired(RuleViolation):
    """The voucher is past its expiry."""


class CurrencyMismatch(RuleViolation):
    """The amount is in another currency than the voucher."""


class InsufficientBalance(RuleViolation):
    """The amount is more than what is left on the voucher."""


class EntryNotReversible(RuleViolation):
    """The entry is itself a reversal; a reversal is corrected by a new entry, not reversed."""
