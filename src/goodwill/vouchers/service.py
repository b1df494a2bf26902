"""Vouchers and the compensation ledger: issuing, topping up, paying, redeeming, expiring and reversing.

Rules a finance auditor can rely on:

- **Append-only.** Every movement is a `LedgerEntry`; nothing is updated or deleted (the database refuses
  it). A mistake is corrected by a REVERSAL entry: the negated amount of one entry, pointing at it with
  `reverses_id`. An entry is reversed at most once (unique `reverses_id`), a reversal is never reversed.
- **Balances are sums.** A voucher's balance is the SUM of its entries; its face value is the sum of its
  issues (first issue and top-ups) less reversed issues. `Voucher.face_value_minor` keeps the first issue's
  amount for reference only; the ledger is the truth.
- **Signs.** ISSUE is positive (value given), REDEEM and EXPIRE negative (value taken off the voucher);
  CASH_PAYOUT and REFUND are positive amounts owed to the passenger in money (no voucher; the payment
  provider is called at the edge); a REVERSAL is the negation of the entry it reverses.
- **Reversal policy.** A reversal always mirrors its entry in full, so each reversal matches its original
  one to one. Reversing a voucher's issue is refused (`VoucherValueSpent`, a Conflict) unless the voucher
  still holds at least that amount: value already redeemed or expired cannot be taken back, and a balance
  never goes negative. Reversing a redemption puts its value back on the voucher (an expired voucher's
  returned value is expired again by the next `expire_due`).
- **Idempotency.** Every write takes an idempotency key, unique in the ledger. The same key with the same
  values returns the first result and writes nothing; with other values it raises `IdempotencyKeyReused`
  (a Conflict). Concurrent workers are handled by the database, not by a read-then-write check: entries are
  written with INSERT ... ON CONFLICT DO NOTHING and then read back by key, so a replay never raises an
  IntegrityError inside the caller's transaction. Writes that check a voucher's balance first lock the
  voucher row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers),
  so two redemptions cannot both spend the same value.
- Services never commit; the edge's unit of work does. Times are aware and passed in as `now`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from goodwill.errors import Conflict, NotFound, RuleViolation
from goodwill.kit.ids import new_id
from goodwill.kit.money import Money
from goodwill.kit.time import require_aware
from goodwill.vouchers import ledger
from goodwill.vouchers.errors import CurrencyMismatch, EntryAlreadyReversed, IdempotencyKeyReused, VoucherExpired
from goodwill.vouchers.ledger import Totals, VoucherStatus
from goodwill.vouchers.models import LedgerEntry, LedgerEntryType, Voucher, VoucherKind
from goodwill.webhooks import service as webhooks

__all__ = [
    "LedgerEntry",
    "LedgerEntryType",
    "Voucher",
    "VoucherKind",
    "VoucherStatus",
    "VoucherView",
    "balance",
    "expire_due",
    "find_entry",
    "get_voucher",
    "issue_voucher",
    "passenger_vouchers",
    "record_payment",
    "redeem",
    "redemption_key",
    "reverse",
    "top_up",
    "voucher_entries",
    "voucher_view",
]

# A clash of two fresh codes is astronomically rare; a few more tries make it impossible in practice.
CODE_ATTEMPTS = 8
PAYMENT_TYPES = frozenset({LedgerEntryType.CASH_PAYOUT, LedgerEntryType.REFUND})

_ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]
_VOUCHERS: Table = Voucher.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class VoucherView:
    """What a voucher is worth now, summed from the ledger."""

    id: uuid.UUID
    code: str
    passenger_id: uuid.UUID
    kind: str
    face_value: Money
    redeemed: Money
    expired: Money
    balance: Money
    issued_at: datetime
    expires_at: datetime | None
    status: VoucherStatus
    reason: str
    entitlement_id: uuid.UUID | None
    case_id: uuid.UUID | None


# ---- writing ---------------------------------------------------------------------------------------------


def issue_voucher(
    session: Session,
    *,
    passenger_id: uuid.UUID,
    amount: Money,
    kind: VoucherKind,
    reason: str,
    idempotency_key: str,
    now: datetime,
    expires_at: datetime | None = None,
    entitlement_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    actor: str,
) -> Voucher:
    """Give a passenger a voucher or credit with a fresh code, recorded as an ISSUE entry."""
    now = require_aware(now, "now")
    _require_positive(amount, "a voucher")
    if expires_at is not None:
        expires_at = require_aware(expires_at, "expires_at")
        if expires_at <= now:
            raise RuleViolation(f"a voucher cannot expire before it is issued ({expires_at.isoformat()})")
    expected = {
        "entry_type": LedgerEntryType.ISSUE.value,
        "passenger_id": passenger_id,
        "amount_minor": amount.minor,
        "currency": amount.currency,
        "entitlement_id": entitlement_id,
        "case_id": case_id,
    }
    existing = find_entry(session, idempotency_key=idempotency_key)
    if existing is not None:
        return _issued_voucher(session, _replayed(existing, idempotency_key, expected), kind)
    for _attempt in range(CODE_ATTEMPTS):
        savepoint = session.begin_nested()  # the voucher row goes again if the entry turns out to be a replay
        try:
            voucher_id = new_id()
            created = _insert(
                session,
                _VOUCHERS,
                {
                    "id": voucher_id,
                    "created_at": now,
                    "updated_at": now,
                    "code": ledger.new_code(),
                    "passenger_id": passenger_id,
                    "kind": VoucherKind(kind).value,
                    "currency": amount.currency,
                    "face_value_minor": amount.minor,
                    "issued_at": now,
                    "expires_at": expires_at,
                    "reason": reason,
                    "entitlement_id": entitlement_id,
                    "case_id": case_id,
                },
            )
            if not created:  # the code was taken: try another
                savepoint.rollback()
                continue
            entry = _append(
                session,
                idempotency_key=idempotency_key,
                now=now,
                actor=actor,
                memo=reason,
                voucher_id=voucher_id,
                **expected,
            )
            if entry is None:
                savepoint.rollback()
                return _issued_voucher(session, _replayed_after_race(session, idempotency_key, expected), kind)
            savepoint.commit()
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        voucher = _voucher(session, voucher_id)
        _announce(session, voucher, now)
        return voucher
    raise Conflict(f"no free voucher code after {CODE_ATTEMPTS} attempts")


def issued_payload(
    *,
    voucher_id: uuid.UUID,
    code: str,
    passenger_id: uuid.UUID,
    kind: str,
    amount_minor: int,
    currency: str,
    expires_at: datetime | None,
    reason: str,
    entitlement_id: uuid.UUID | None,
    case_id: uuid.UUID | None,
) -> tuple[str, dict[str, Any]]:
    """The `voucher.issued` webhook event (key, payload): one shape wherever a voucher is issued."""
    return (
        f"voucher.issued:{voucher_id}",
        {
            "voucher_id": str(voucher_id),
            "code": code,
            "passenger_id": str(passenger_id),
            "kind": kind,
            "amount_minor": amount_minor,
            "currency": currency,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "reason": reason,
            "entitlement_id": str(entitlement_id) if entitlement_id else None,
            "case_id": str(case_id) if case_id else None,
        },
    )


def _announce(session: Session, voucher: Voucher, now: datetime) -> None:
    """`voucher.issued` to the subscriptions that listen (a replayed issue announces nothing again)."""
    event = issued_payload(
        voucher_id=voucher.id,
        code=voucher.code,
        passenger_id=voucher.passenger_id,
        kind=voucher.kind,
        amount_minor=voucher.face_value_minor,
        currency=voucher.currency,
        expires_at=voucher.expires_at,
        reason=voucher.reason,
        entitlement_id=voucher.entitlement_id,
        case_id=voucher.case_id,
    )
    webhooks.emit(session, event_type="voucher.issued", events=[event], now=now)


def top_up(
    session: Session,
    *,
    voucher_id: uuid.UUID,
    amount: Money,
    idempotency_key: str,
    now: datetime,
    actor: str,
    memo: str,
) -> LedgerEntry:
    """Add value to an existing voucher (an ISSUE entry), e.g. when an updated flight event owes more."""
    now = require_aware(now, "now")
    _require_positive(amount, "a top-up")
    voucher = _lock_voucher(session, voucher_id)
    expected = {
        "entry_type": LedgerEntryType.ISSUE.value,
        "voucher_id": voucher.id,
        "amount_minor": amount.minor,
        "currency": amount.currency,
    }
    existing = find_entry(session, idempotency_key=idempotency_key)
    if existing is not None:
        return _replayed(existing, idempotency_key, expected)
    if amount.currency != voucher.currency:
        raise CurrencyMismatch(
            f"voucher {voucher.code} is in {voucher.currency}; it cannot be topped up in {amount.currency}"
        )
    if ledger.is_expired(voucher.expires_at, now):
        raise VoucherExpired(f"voucher {voucher.code} has expired; issue a new voucher instead")
    return _write(
        session,
        idempotency_key=idempotency_key,
        expected=expected,
        now=now,
        actor=actor,
        memo=memo,
        passenger_id=voucher.passenger_id,
        entitlement_id=voucher.entitlement_id,
        case_id=voucher.case_id,
    )


def record_payment(
    session: Session,
    *,
    passenger_id: uuid.UUID,
    amount: Money,
    entry_type: LedgerEntryType,
    idempotency_key: str,
    now: datetime,
    entitlement_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    actor: str,
    memo: str,
) -> LedgerEntry:
    """Record money owed to a passenger in cash (CASH_PAYOUT) or as a refund (REFUND); paying it is the edge's job."""
    now = require_aware(now, "now")
    entry_type = LedgerEntryType(entry_type)
    if entry_type not in PAYMENT_TYPES:
        raise RuleViolation(f"a payment is a cash payout or a refund, not {entry_type.value}")
    _require_positive(amount, "a payment")
    expected = {
        "entry_type": entry_type.value,
        "passenger_id": passenger_id,
        "voucher_id": None,
        "amount_minor": amount.minor,
        "currency": amount.currency,
        "entitlement_id": entitlement_id,
        "case_id": case_id,
    }
    existing = find_entry(session, idempotency_key=idempotency_key)
    if existing is not None:
        return _replayed(existing, idempotency_key, expected)
    return _write(session, idempotency_key=idempotency_key, expected=expected, now=now, actor=actor, memo=memo)


def reverse(
    session: Session, *, entry_id: uuid.UUID, idempotency_key: str, now: datetime, actor: str, memo: str
) -> LedgerEntry:
    """Correct an entry with a REVERSAL of its full amount; an issue only while all of it is unredeemed."""
    now = require_aware(now, "now")
    original = session.get(LedgerEntry, entry_id)
    if original is None:
        raise NotFound(f"no ledger entry {entry_id}")
    voucher = _lock_voucher(session, original.voucher_id) if original.voucher_id is not None else None
    expected = {
        "entry_type": LedgerEntryType.REVERSAL.value,
        "reverses_id": original.id,
        "amount_minor": -original.amount_minor,
        "currency": original.currency,
    }
    existing = find_entry(session, idempotency_key=idempotency_key)
    if existing is not None:
        return _replayed(existing, idempotency_key, expected)
    _refuse_second_reversal(session, original.id)
    ledger.check_reversible(
        entry_type=original.entry_type,
        amount=Money(original.amount_minor, original.currency),
        voucher_balance=balance(session, voucher_id=voucher.id) if voucher is not None else None,
    )
    entry = _append(
        session,
        idempotency_key=idempotency_key,
        now=now,
        actor=actor,
        memo=memo,
        passenger_id=original.passenger_id,
        voucher_id=original.voucher_id,
        entitlement_id=original.entitlement_id,
        case_id=original.case_id,
        **expected,
    )
    if entry is None:  # lost a race: the same key (a replay) or another reversal of the same entry
        if find_entry(session, idempotency_key=idempotency_key) is None:
            _refuse_second_reversal(session, original.id)
        return _replayed_after_race(session, idempotency_key, expected)
    return entry


def redeem(
    session: Session,
    *,
    code: str,
    amount: Money,
    idempotency_key: str,
    now: datetime,
    actor: str,
    booking_reference: str | None = None,
) -> LedgerEntry:
    """Spend value from a voucher (a negative REDEEM entry); refused when expired, in another currency or too much."""
    now = require_aware(now, "now")
    found = get_voucher(session, code=code)
    voucher = _lock_voucher(session, found.id)
    expected = {
        "entry_type": LedgerEntryType.REDEEM.value,
        "voucher_id": voucher.id,
        "amount_minor": -amount.minor,
        "currency": amount.currency,
    }
    existing = find_entry(session, idempotency_key=idempotency_key)
    if existing is not None:
        return _replayed(existing, idempotency_key, expected)
    ledger.check_redemption(
        code=voucher.code,
        amount=amount,
        balance=balance(session, voucher_id=voucher.id),
        expires_at=voucher.expires_at,
        now=now,
    )
    return _write(
        session,
        idempotency_key=idempotency_key,
        expected=expected,
        now=now,
        actor=actor,
        memo=f"booking {booking_reference}" if booking_reference else None,
        passenger_id=voucher.passenger_id,
        entitlement_id=voucher.entitlement_id,
        case_id=voucher.case_id,
    )


def expire_due(session: Session, *, now: datetime, actor: str = "system:expiry") -> int:
    """Write an EXPIRE entry for what is left on every voucher past its expiry; returns how many were written."""
    now = require_aware(now, "now")
    due = session.scalars(
        select(Voucher.id)
        .join(LedgerEntry, LedgerEntry.voucher_id == Voucher.id)
        .where(Voucher.expires_at.is_not(None), Voucher.expires_at <= now)
        .group_by(Voucher.id)
        .having(func.sum(LedgerEntry.amount_minor) > 0)
        .order_by(Voucher.id)
    ).all()
    written = 0
    for voucher_id in due:
        voucher = _lock_voucher(session, voucher_id)
        left = balance(session, voucher_id=voucher_id)
        if left.minor <= 0:  # another worker expired it first
            continue
        earlier = session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.voucher_id == voucher_id, LedgerEntry.entry_type == LedgerEntryType.EXPIRE.value)
        )
        entry = _append(
            session,
            # One key per expiry of a voucher: two workers expiring the same value compute the same key.
            idempotency_key=f"voucher-expiry:{voucher_id}:{int(earlier or 0) + 1}",
            now=now,
            actor=actor,
            memo=f"expired on {voucher.expires_at.isoformat() if voucher.expires_at else ''}",
            entry_type=LedgerEntryType.EXPIRE.value,
            passenger_id=voucher.passenger_id,
            voucher_id=voucher_id,
            entitlement_id=voucher.entitlement_id,
            case_id=voucher.case_id,
            amount_minor=-left.minor,
            currency=left.currency,
        )
        written += entry is not None
    return written


# ---- reading ---------------------------------------------------------------------------------------------


def redemption_key(client_key: str) -> str:
    """The ledger key of a redemption asked for by a client (API header, CLI option) with its own key."""
    key = client_key.strip()
    if not key or len(key) > 150:
        raise RuleViolation("an idempotency key is 1 to 150 characters")
    return f"redemption:{key}"


def find_entry(session: Session, *, idempotency_key: str) -> LedgerEntry | None:
    """The ledger entry written under an idempotency key, if any."""
    return session.scalars(select(LedgerEntry).where(LedgerEntry.idempotency_key == idempotency_key)).first()


def get_voucher(session: Session, *, code: str) -> Voucher:
    """The voucher with this code (as a person may type it), or NotFound."""
    voucher = session.scalars(select(Voucher).where(Voucher.code == ledger.normalise_code(code))).first()
    if voucher is None:
        raise NotFound(f"no voucher {ledger.normalise_code(code)}")
    return voucher


def balance(session: Session, *, voucher_id: uuid.UUID) -> Money:
    """What is left on a voucher: the sum of its ledger entries."""
    voucher = _voucher(session, voucher_id)
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(LedgerEntry.voucher_id == voucher_id)
    )
    return Money(int(total or 0), voucher.currency)


def voucher_view(session: Session, *, code: str, now: datetime) -> VoucherView:
    """One voucher with its face value, redeemed, expired, balance and status."""
    voucher = get_voucher(session, code=code)
    return _views(session, [voucher], require_aware(now, "now"))[0]


def passenger_vouchers(session: Session, *, passenger_id: uuid.UUID, now: datetime) -> list[VoucherView]:
    """Every voucher and credit of a passenger, newest first, with what each is worth now."""
    vouchers = session.scalars(
        select(Voucher)
        .where(Voucher.passenger_id == passenger_id)
        .order_by(Voucher.issued_at.desc(), Voucher.id.desc())
    ).all()
    return _views(session, vouchers, require_aware(now, "now"))


def voucher_entries(session: Session, *, voucher_id: uuid.UUID) -> list[LedgerEntry]:
    """A voucher's ledger entries in the order they were written."""
    return list(
        session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.voucher_id == voucher_id)
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        )
    )


# ---- internals -------------------------------------------------------------------------------------------


def _views(session: Session, vouchers: Iterable[Voucher], now: datetime) -> list[VoucherView]:
    vouchers = list(vouchers)
    if not vouchers:
        return []
    reversed_entry = aliased(LedgerEntry)
    effective: ColumnElement[str] = case(
        (LedgerEntry.entry_type == LedgerEntryType.REVERSAL.value, reversed_entry.entry_type),
        else_=LedgerEntry.entry_type,
    )
    rows = session.execute(
        select(LedgerEntry.voucher_id, effective, func.sum(LedgerEntry.amount_minor))
        .outerjoin(reversed_entry, LedgerEntry.reverses_id == reversed_entry.id)
        .where(LedgerEntry.voucher_id.in_([v.id for v in vouchers]))
        .group_by(LedgerEntry.voucher_id, effective)
    ).all()
    sums: dict[uuid.UUID, list[tuple[str, int]]] = {}
    for voucher_id, entry_type, total in rows:
        if voucher_id is not None:
            sums.setdefault(voucher_id, []).append((entry_type, int(total)))
    views = []
    for v in vouchers:
        value = ledger.totals(sums.get(v.id, []))
        views.append(_view(v, value, now))
    return views


def _view(v: Voucher, value: Totals, now: datetime) -> VoucherView:
    return VoucherView(
        id=v.id,
        code=v.code,
        passenger_id=v.passenger_id,
        kind=v.kind,
        face_value=Money(value.face, v.currency),
        redeemed=Money(value.redeemed, v.currency),
        expired=Money(value.expired, v.currency),
        balance=Money(value.balance, v.currency),
        issued_at=v.issued_at,
        expires_at=v.expires_at,
        status=ledger.status(value, expires_at=v.expires_at, now=now),
        reason=v.reason,
        entitlement_id=v.entitlement_id,
        case_id=v.case_id,
    )


def _require_positive(amount: Money, what: str) -> None:
    if amount.minor <= 0:
        raise RuleViolation(f"{what} must be a positive amount, not {amount}")


def _voucher(session: Session, voucher_id: uuid.UUID) -> Voucher:
    voucher = session.get(Voucher, voucher_id)
    if voucher is None:
        raise NotFound(f"no voucher {voucher_id}")
    return voucher


def _lock_voucher(session: Session, voucher_id: uuid.UUID) -> Voucher:
    """Load a voucher and lock its row until the transaction ends (PostgreSQL; SQLite writers are serial)."""
    voucher = session.scalars(
        select(Voucher).where(Voucher.id == voucher_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if voucher is None:
        raise NotFound(f"no voucher {voucher_id}")
    return voucher


def _insert(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on any unique constraint; whether the row was written."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table).values(values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(statement).first() is not None


def _append(
    session: Session, *, idempotency_key: str, now: datetime, actor: str, memo: str | None, **values: Any
) -> LedgerEntry | None:
    """Write one entry unless a unique key (idempotency key, reversed entry) is taken; None when it was."""
    entry_id = new_id()
    row = {
        "passenger_id": None,
        "voucher_id": None,
        "entitlement_id": None,
        "case_id": None,
        "reverses_id": None,
        **values,
        "id": entry_id,
        "created_at": now,
        "idempotency_key": idempotency_key,
        "memo": memo,
        "actor": actor,
    }
    if not _insert(session, _ENTRIES, row):
        return None
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:  # pragma: no cover - just written in this transaction
        raise RuntimeError(f"ledger entry {entry_id} vanished")
    return entry


def _write(
    session: Session,
    *,
    idempotency_key: str,
    expected: dict[str, Any],
    now: datetime,
    actor: str,
    memo: str | None,
    **values: Any,
) -> LedgerEntry:
    entry = _append(session, idempotency_key=idempotency_key, now=now, actor=actor, memo=memo, **values, **expected)
    if entry is None:
        return _replayed_after_race(session, idempotency_key, expected)
    return entry


def _replayed(entry: LedgerEntry, key: str, expected: dict[str, Any]) -> LedgerEntry:
    """The entry a key already names, if it has the values asked for; IdempotencyKeyReused otherwise."""
    differ = sorted(name for name, value in expected.items() if getattr(entry, name) != value)
    if differ:
        raise IdempotencyKeyReused(
            f"idempotency key {key!r} already names a {entry.entry_type} entry with another "
            f"{', '.join(differ)}; use a new key for a new operation",
            idempotency_key=key,
        )
    return entry


def _replayed_after_race(session: Session, key: str, expected: dict[str, Any]) -> LedgerEntry:
    existing = find_entry(session, idempotency_key=key)
    if existing is None:  # pragma: no cover - the insert was skipped, so the key or the reversed entry exists
        raise Conflict(f"ledger entry {key!r} clashes with another entry")
    return _replayed(existing, key, expected)


def _issued_voucher(session: Session, entry: LedgerEntry, kind: VoucherKind) -> Voucher:
    if entry.voucher_id is None:
        raise IdempotencyKeyReused(f"idempotency key {entry.idempotency_key!r} already names a {entry.entry_type}")
    voucher = _voucher(session, entry.voucher_id)
    if voucher.kind != VoucherKind(kind).value:
        raise IdempotencyKeyReused(
            f"idempotency key {entry.idempotency_key!r} already issued a {voucher.kind}, not a {kind}"
        )
    return voucher


def _refuse_second_reversal(session: Session, entry_id: uuid.UUID) -> None:
    earlier = session.scalars(select(LedgerEntry).where(LedgerEntry.reverses_id == entry_id)).first()
    if earlier is not None:
        raise EntryAlreadyReversed(f"ledger entry {entry_id} was already reversed by entry {earlier.id}")
