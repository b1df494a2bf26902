"""Property: any sequence of issues, top-ups, redemptions and reversals, each replayed with its key, leaves the
ledger a replay-free run would leave; balances match a plain model and are never negative."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from goodwill.errors import GoodwillError
from goodwill.kit.money import Money
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.errors import (
    EntryAlreadyReversed,
    EntryNotReversible,
    InsufficientBalance,
    VoucherValueSpent,
)
from goodwill.vouchers.models import Voucher, VoucherKind
from tests.vouchers.helpers import NOW, ledger, make_passenger

amounts = st.integers(min_value=1, max_value=20_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.integers(0, 0), amounts),
        st.tuples(st.just("top_up"), st.integers(0, 5), amounts),
        st.tuples(st.just("redeem"), st.integers(0, 5), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 30), st.just(0)),
    ),
    max_size=14,
)


@dataclass
class Model:
    """What the ledger should hold, kept with plain integers."""

    vouchers: list[uuid.UUID] = field(default_factory=list)
    balances: dict[uuid.UUID, int] = field(default_factory=dict)
    # op index -> (voucher, entry type, amount as signed in the ledger)
    entries: dict[int, tuple[uuid.UUID, str, int]] = field(default_factory=dict)
    reversed: set[int] = field(default_factory=set)


def expected_refusal(model: Model, index: int, op: tuple[str, int, int]) -> type[GoodwillError] | None:
    kind, target, amount = op
    if kind == "redeem":
        voucher = model.vouchers[target % len(model.vouchers)]
        return InsufficientBalance if amount > model.balances[voucher] else None
    if kind == "reverse":
        j = target % index
        if j not in model.entries:
            return None  # nothing to reverse: the op is skipped
        voucher, entry_type, signed = model.entries[j]
        if entry_type == "reversal":
            return EntryNotReversible
        if j in model.reversed:
            return EntryAlreadyReversed
        if entry_type == "issue" and model.balances[voucher] < signed:
            return VoucherValueSpent
    return None


def target_voucher(model: Model, op: tuple[str, int, int]) -> uuid.UUID | None:
    """The voucher a top-up or redemption is aimed at, chosen among those issued so far."""
    kind, target, _amount = op
    return model.vouchers[target % len(model.vouchers)] if kind in ("top_up", "redeem") else None


def apply(
    session: Session, passenger: uuid.UUID, index: int, op: tuple[str, int, int], voucher_id: uuid.UUID | None
) -> object:
    """Perform one operation with the key `op{index}`; returns the written entry's id or the refusal's type."""
    kind, target, amount = op
    key = f"op{index}"
    money = Money(amount, "USD")
    try:
        if kind == "issue":
            voucher = vouchers.issue_voucher(
                session, passenger_id=passenger, amount=money, kind=VoucherKind.VOUCHER, reason="property",
                idempotency_key=key, now=NOW, actor="test",
            )  # fmt: skip
            return voucher.id
        if kind == "top_up":
            assert voucher_id is not None
            entry = vouchers.top_up(
                session, voucher_id=voucher_id, amount=money, idempotency_key=key, now=NOW, actor="t", memo="m"
            )
        elif kind == "redeem":
            assert voucher_id is not None
            entry = vouchers.redeem(
                session, code=_code(session, voucher_id), amount=money, idempotency_key=key, now=NOW, actor="t"
            )
        else:
            original = vouchers.find_entry(session, idempotency_key=f"op{target % index}")
            assert original is not None
            entry = vouchers.reverse(session, entry_id=original.id, idempotency_key=key, now=NOW, actor="t", memo="m")
        return entry.id
    except GoodwillError as exc:
        return type(exc)


def _code(session: Session, voucher_id: uuid.UUID) -> str:
    voucher = session.get(Voucher, voucher_id)
    assert voucher is not None
    return voucher.code


def skipped(model: Model, index: int, op: tuple[str, int, int]) -> bool:
    kind, target, _amount = op
    if kind in ("top_up", "redeem"):
        return not model.vouchers
    if kind == "reverse":
        return index == 0 or target % index not in model.entries
    return False


def update(model: Model, index: int, op: tuple[str, int, int], result: object) -> None:
    kind, target, amount = op
    if kind == "issue":
        assert isinstance(result, uuid.UUID)
        model.vouchers.append(result)
        model.balances[result] = amount
        model.entries[index] = (result, "issue", amount)
        return
    if kind == "reverse":
        j = target % index
        voucher, _type, signed = model.entries[j]
        model.balances[voucher] -= signed
        model.reversed.add(j)
        model.entries[index] = (voucher, "reversal", -signed)
        return
    voucher = model.vouchers[target % len(model.vouchers)]
    signed = amount if kind == "top_up" else -amount
    model.balances[voucher] += signed
    model.entries[index] = (voucher, "issue" if kind == "top_up" else "redeem", signed)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_replayed_sequences_leave_the_same_ledger_and_no_negative_balance(
    session: Session, ops: list[tuple[str, int, int]]
) -> None:
    savepoint = session.begin_nested()
    try:
        passenger = make_passenger(session)
        model = Model()
        results: dict[int, tuple[object, uuid.UUID | None]] = {}
        for index, op in enumerate(ops):
            if skipped(model, index, op):
                continue
            refusal = expected_refusal(model, index, op)
            voucher = target_voucher(model, op)
            result = apply(session, passenger, index, op, voucher)
            assert result == refusal if refusal else isinstance(result, uuid.UUID), (op, result)
            before = ledger(session)
            assert apply(session, passenger, index, op, voucher) == result  # an immediate replay
            assert ledger(session) == before
            if refusal is None:
                update(model, index, op, result)
                results[index] = (result, voucher)
            for issued in model.vouchers:
                actual = vouchers.balance(session, voucher_id=issued).minor
                assert actual == model.balances[issued] >= 0
        final = ledger(session)
        for index, (result, voucher) in results.items():  # the whole sequence again: every key is a replay
            assert apply(session, passenger, index, ops[index], voucher) == result
        assert ledger(session) == final
        views = vouchers.passenger_vouchers(session, passenger_id=passenger, now=NOW)
        assert {v.id: v.balance.minor for v in views} == model.balances
    finally:
        savepoint.rollback()
