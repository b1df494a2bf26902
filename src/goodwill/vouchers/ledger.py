"""Ledger decisions, pure: voucher codes, what a voucher's entries add up to, its status, and the checks a
redemption or a reversal must pass. No session, no clock: the service passes sums and `now` in."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from goodwill.kit.money import Money
from goodwill.vouchers.errors import (
    CurrencyMismatch,
    EntryNotReversible,
    InsufficientBalance,
    VoucherExpired,
    VoucherValueSpent,
)

# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L, and no vowels, so no code spells a word.
CODE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
CODE_PREFIX = "GW"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4

ISSUE = "issue"
REDEEM = "redeem"
EXPIRE = "expire"
REVERSAL = "reversal"


class VoucherStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    USED = "used"
    REVERSED = "reversed"


def new_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh voucher code such as GW-7KQ4-MZ2P (28^8 ≈ 3.8e11 codes; the database refuses a clash).

    One draw from the operating system's random source per code (a storm issues a hundred thousand), its
    digits in base 28 the code's characters: each of the 28^8 codes equally likely."""
    base = len(CODE_ALPHABET)
    number = randbelow(base ** (CODE_GROUPS * CODE_GROUP_LENGTH))
    characters = []
    for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH):
        number, digit = divmod(number, base)
        characters.append(CODE_ALPHABET[digit])
    groups = ("".join(characters[i : i + CODE_GROUP_LENGTH]) for i in range(0, len(characters), CODE_GROUP_LENGTH))
    return "-".join((CODE_PREFIX, *groups))


def normalise_code(text: str) -> str:
    """A code as typed by a person: case and surrounding spaces do not matter, dashes may be left out."""
    raw = "".join(text.split()).upper()
    compact = raw.replace("-", "")
    length = len(CODE_PREFIX) + CODE_GROUPS * CODE_GROUP_LENGTH
    if len(compact) == length and compact.startswith(CODE_PREFIX):
        body = compact[len(CODE_PREFIX) :]
        groups = [body[i : i + CODE_GROUP_LENGTH] for i in range(0, len(body), CODE_GROUP_LENGTH)]
        return "-".join((CODE_PREFIX, *groups))
    return raw


@dataclass(frozen=True, slots=True)
class Totals:
    """A voucher's value in minor units, summed from its ledger entries.

    `face` is what was issued (issues and top-ups) less reversed issues; `redeemed` and `expired` are positive
    amounts taken off (less reversed redemptions and expiries); `balance` is the sum of every entry.
    """

    face: int
    redeemed: int
    expired: int
    balance: int


def totals(sums: Iterable[tuple[str, int]]) -> Totals:
    """Fold sums by effective entry type (a reversal counts as the type it reverses) into a voucher's totals."""
    by_type: dict[str, int] = {}
    for entry_type, amount in sums:
        by_type[entry_type] = by_type.get(entry_type, 0) + amount
    return Totals(
        face=by_type.get(ISSUE, 0),
        redeemed=-by_type.get(REDEEM, 0),
        expired=-by_type.get(EXPIRE, 0),
        balance=sum(by_type.values()),
    )


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    """A voucher expires at `expires_at`: from that instant on it can no longer be used."""
    return expires_at is not None and now >= expires_at


def status(value: Totals, *, expires_at: datetime | None, now: datetime) -> VoucherStatus:
    """Reversed (nothing left issued), used (all of it redeemed), expired (past its expiry) or active."""
    if value.face <= 0:
        return VoucherStatus.REVERSED
    if value.balance <= 0 and value.redeemed >= value.face:
        return VoucherStatus.USED
    if is_expired(expires_at, now):
        return VoucherStatus.EXPIRED
    return VoucherStatus.ACTIVE


def check_redemption(*, code: str, amount: Money, balance: Money, expires_at: datetime | None, now: datetime) -> None:
    """Refuse a redemption of an expired voucher, in another currency, or of more than the balance."""
    if amount.minor <= 0:
        raise InsufficientBalance(f"a redemption must be a positive amount, not {amount}", code=code)
    if expires_at is not None and is_expired(expires_at, now):
        raise VoucherExpired(f"voucher {code} expired on {expires_at.isoformat()}", code=code)
    if amount.currency != balance.currency:
        raise CurrencyMismatch(f"voucher {code} is in {balance.currency}; it cannot pay {amount.currency}", code=code)
    if amount.minor > balance.minor:
        raise InsufficientBalance(f"voucher {code} has {balance} left; {amount} is more than that", code=code)


def check_reversible(*, entry_type: str, amount: Money, voucher_balance: Money | None) -> None:
    """A reversal mirrors its entry in full. A reversal is not reversed again, and an issue is reversed only
    while all of its value is still on the voucher (what was redeemed or expired cannot be taken back)."""
    if entry_type == REVERSAL:
        raise EntryNotReversible("a reversal cannot itself be reversed; record a new entry instead")
    if entry_type == ISSUE and voucher_balance is not None and voucher_balance.minor < amount.minor:
        raise VoucherValueSpent(
            f"only {voucher_balance} of this {amount} issue is unredeemed; an issue is reversed in full or not "
            "at all, so this one can no longer be reversed",
        )
