"""Vouchers and the ledger: issue, top up, pay, redeem, expire, reverse; balances are sums over the ledger."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import Conflict, NotFound, RuleViolation
from goodwill.kit.money import Money
from goodwill.vouchers import ledger as pure
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.errors import (
    CurrencyMismatch,
    EntryAlreadyReversed,
    EntryNotReversible,
    IdempotencyKeyReused,
    InsufficientBalance,
    LedgerIsAppendOnly,
    VoucherExpired,
    VoucherValueSpent,
)
from goodwill.vouchers.models import LedgerEntry, LedgerEntryType, Voucher, VoucherKind
from tests.vouchers.helpers import LATER, NOW, ledger, make_passenger, make_voucher, usd

CODE = re.compile(r"^GW-[23456789BCDFGHJKMNPQRSTVWXYZ]{4}-[23456789BCDFGHJKMNPQRSTVWXYZ]{4}$")


def redeem(session: Session, voucher: Voucher, amount: str, key: str, **kwargs: object) -> LedgerEntry:
    return vouchers.redeem(
        session,
        code=voucher.code,
        amount=usd(amount),
        idempotency_key=key,
        now=kwargs.pop("now", NOW + timedelta(days=1)),  # type: ignore[arg-type]
        actor="test",
        **kwargs,  # type: ignore[arg-type]
    )


def top_up(session: Session, voucher: Voucher, amount: Money, key: str) -> LedgerEntry:
    return vouchers.top_up(
        session, voucher_id=voucher.id, amount=amount, idempotency_key=key, now=NOW, actor="test", memo="more owed"
    )


def reverse(session: Session, entry: LedgerEntry, key: str) -> LedgerEntry:
    return vouchers.reverse(
        session, entry_id=entry.id, idempotency_key=key, now=NOW + timedelta(days=2), actor="test", memo="mistake"
    )


class TestIssueVoucher:
    def test_a_voucher_gets_a_fresh_code_and_one_issue_entry(self, session: Session) -> None:
        passenger = make_passenger(session)
        voucher = make_voucher(session, passenger_id=passenger, amount=usd("250.00"), key="comp:1")
        assert CODE.match(voucher.code)
        assert (voucher.passenger_id, voucher.currency, voucher.face_value_minor) == (passenger, "USD", 25000)
        assert ledger(session) == [("comp:1", "issue", 25000, "USD")]
        assert vouchers.balance(session, voucher_id=voucher.id) == usd("250.00")
        other = make_voucher(session, passenger_id=passenger)
        assert other.code != voucher.code

    def test_a_replay_returns_the_same_voucher_and_writes_nothing(self, session: Session) -> None:
        passenger = make_passenger(session)
        first = make_voucher(session, passenger_id=passenger, key="comp:1")
        before = ledger(session)
        again = make_voucher(session, passenger_id=passenger, key="comp:1", now=NOW + timedelta(hours=1))
        assert again.id == first.id
        assert ledger(session) == before
        assert session.scalar(select(Voucher.id).where(Voucher.passenger_id == passenger).limit(2).offset(1)) is None

    @pytest.mark.parametrize("change", ["amount", "passenger", "currency", "kind"])
    def test_the_same_key_with_other_values_is_a_conflict(self, session: Session, change: str) -> None:
        passenger = make_passenger(session)
        make_voucher(session, passenger_id=passenger, amount=usd("100.00"), key="comp:1")
        args = {
            "passenger_id": make_passenger(session, first_name="Ben") if change == "passenger" else passenger,
            "amount": {"amount": usd("120.00"), "currency": Money(10000, "EUR")}.get(change, usd("100.00")),
            "kind": VoucherKind.CREDIT if change == "kind" else VoucherKind.VOUCHER,
        }
        before = ledger(session)
        with pytest.raises(IdempotencyKeyReused, match="comp:1"):
            make_voucher(session, key="comp:1", **args)  # type: ignore[arg-type]
        assert ledger(session) == before

    def test_a_key_used_for_a_payment_cannot_issue_a_voucher(self, session: Session) -> None:
        passenger = make_passenger(session)
        vouchers.record_payment(
            session, passenger_id=passenger, amount=usd("100.00"), entry_type=LedgerEntryType.CASH_PAYOUT,
            idempotency_key="comp:1", now=NOW, actor="test", memo="EU261",
        )  # fmt: skip
        with pytest.raises(Conflict):
            make_voucher(session, passenger_id=passenger, key="comp:1")

    def test_a_code_clash_draws_another_code(self, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
        taken = make_voucher(session).code
        codes = iter([taken, taken, "GW-2222-3333"])
        monkeypatch.setattr(pure, "new_code", lambda: next(codes))
        voucher = make_voucher(session, key="comp:2")
        assert voucher.code == "GW-2222-3333"
        assert set(session.scalars(select(Voucher.code))) == {"GW-2222-3333", taken}
        assert len(ledger(session)) == 2

    @pytest.mark.parametrize(
        ("amount", "expires_at", "message"),
        [
            ("0.00", None, "positive"),
            ("-5.00", None, "positive"),
            ("10.00", NOW, "cannot expire before it is issued"),
        ],
    )
    def test_refusals(self, session: Session, amount: str, expires_at: object, message: str) -> None:
        with pytest.raises(RuleViolation, match=message):
            make_voucher(session, amount=usd(amount), expires_at=expires_at)  # type: ignore[arg-type]
        assert ledger(session) == []

    def test_a_naive_now_is_refused(self, session: Session) -> None:
        with pytest.raises(ValueError, match="timezone"):
            make_voucher(session, now=NOW.replace(tzinfo=None))


class TestTopUp:
    def test_a_top_up_adds_to_face_value_and_balance(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        entry = top_up(session, voucher, usd("50.00"), "comp:1:more")
        assert (entry.entry_type, entry.amount_minor, entry.voucher_id) == ("issue", 5000, voucher.id)
        view = vouchers.voucher_view(session, code=voucher.code, now=NOW)
        assert (view.face_value, view.balance) == (usd("150.00"), usd("150.00"))
        assert voucher.face_value_minor == 10000  # the first issue; the ledger is the truth

    def test_a_replayed_top_up_writes_nothing_and_another_amount_conflicts(self, session: Session) -> None:
        voucher = make_voucher(session)
        first = top_up(session, voucher, usd("50.00"), "comp:1:more")
        before = ledger(session)
        assert top_up(session, voucher, usd("50.00"), "comp:1:more").id == first.id
        with pytest.raises(IdempotencyKeyReused):
            top_up(session, voucher, usd("60.00"), "comp:1:more")
        assert ledger(session) == before

    def test_a_top_up_in_another_currency_or_after_expiry_is_refused(self, session: Session) -> None:
        voucher = make_voucher(session, expires_at=NOW + timedelta(minutes=1))
        with pytest.raises(CurrencyMismatch, match="is in USD"):
            top_up(session, voucher, Money(100, "EUR"), "k1")
        with pytest.raises(VoucherExpired, match="issue a new voucher"):
            vouchers.top_up(
                session, voucher_id=voucher.id, amount=usd("1.00"), idempotency_key="k2",
                now=NOW + timedelta(minutes=1), actor="test", memo="late",
            )  # fmt: skip

    def test_an_unknown_voucher_is_not_found(self, session: Session) -> None:
        voucher = make_voucher(session)
        with pytest.raises(NotFound):
            vouchers.top_up(
                session, voucher_id=voucher.passenger_id, amount=usd("1.00"), idempotency_key="k",
                now=NOW, actor="test", memo="x",
            )  # fmt: skip


class TestRecordPayment:
    @pytest.mark.parametrize("entry_type", [LedgerEntryType.CASH_PAYOUT, LedgerEntryType.REFUND])
    def test_a_payment_is_a_positive_entry_without_a_voucher(
        self, session: Session, entry_type: LedgerEntryType
    ) -> None:
        passenger = make_passenger(session)

        def pay(amount: str) -> LedgerEntry:
            return vouchers.record_payment(
                session, passenger_id=passenger, amount=Money.parse(amount, "EUR"), entry_type=entry_type,
                idempotency_key="eu261:1", now=NOW, actor="test", memo="EU261 art. 7",
            )  # fmt: skip

        entry = pay("600.00")
        assert (entry.entry_type, entry.amount_minor, entry.currency, entry.voucher_id) == (
            entry_type.value, 60000, "EUR", None
        )  # fmt: skip
        assert pay("600.00").id == entry.id
        with pytest.raises(IdempotencyKeyReused):
            pay("400.00")
        assert ledger(session) == [("eu261:1", entry_type.value, 60000, "EUR")]

    def test_only_payouts_and_refunds_are_payments(self, session: Session) -> None:
        with pytest.raises(RuleViolation, match="not redeem"):
            vouchers.record_payment(
                session, passenger_id=make_passenger(session), amount=usd("1.00"),
                entry_type=LedgerEntryType.REDEEM, idempotency_key="k", now=NOW, actor="t", memo="x",
            )  # fmt: skip


class TestRedeem:
    def test_a_redemption_takes_value_off_the_balance(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        entry = redeem(session, voucher, "30.00", "r1", booking_reference="ABC123")
        assert (entry.entry_type, entry.amount_minor, entry.memo) == ("redeem", -3000, "booking ABC123")
        redeem(session, voucher, "70.00", "r2")
        assert vouchers.balance(session, voucher_id=voucher.id) == usd("0.00")

    def test_a_replay_returns_the_first_redemption_even_when_the_balance_is_gone(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        first = redeem(session, voucher, "100.00", "r1")
        before = ledger(session)
        assert redeem(session, voucher, "100.00", "r1").id == first.id
        assert ledger(session) == before

    def test_the_same_key_for_another_amount_or_voucher_is_a_conflict(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        other = make_voucher(session, amount=usd("100.00"))
        redeem(session, voucher, "10.00", "r1")
        with pytest.raises(IdempotencyKeyReused, match="amount_minor"):
            redeem(session, voucher, "11.00", "r1")
        with pytest.raises(IdempotencyKeyReused, match="voucher_id"):
            redeem(session, other, "10.00", "r1")

    def test_more_than_the_balance_is_refused_with_what_is_left(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        redeem(session, voucher, "60.00", "r1")
        with pytest.raises(InsufficientBalance, match=rf"voucher {voucher.code} has 40.00 USD left; 40.01 USD"):
            redeem(session, voucher, "40.01", "r2")
        assert vouchers.balance(session, voucher_id=voucher.id) == usd("40.00")

    def test_an_expired_voucher_is_refused_from_its_expiry_instant(self, session: Session) -> None:
        voucher = make_voucher(session, expires_at=LATER)
        redeem(session, voucher, "1.00", "r1", now=LATER - timedelta(seconds=1))
        with pytest.raises(VoucherExpired, match=f"voucher {voucher.code} expired on 2026-03-31"):
            redeem(session, voucher, "1.00", "r2", now=LATER)

    def test_another_currency_is_refused(self, session: Session) -> None:
        voucher = make_voucher(session)
        with pytest.raises(CurrencyMismatch, match="is in USD; it cannot pay EUR"):
            vouchers.redeem(
                session, code=voucher.code, amount=Money(100, "EUR"), idempotency_key="r",
                now=NOW, actor="t",
            )  # fmt: skip

    def test_a_code_may_be_typed_in_lower_case_without_dashes(self, session: Session) -> None:
        voucher = make_voucher(session)
        entry = vouchers.redeem(
            session, code=voucher.code.replace("-", "").lower(), amount=usd("1.00"), idempotency_key="r",
            now=NOW, actor="t",
        )  # fmt: skip
        assert entry.voucher_id == voucher.id

    def test_an_unknown_code_is_not_found_and_a_zero_amount_refused(self, session: Session) -> None:
        with pytest.raises(NotFound, match="no voucher GW-2222-2222"):
            vouchers.redeem(session, code="gw-2222-2222", amount=usd("1.00"), idempotency_key="r", now=NOW, actor="t")
        with pytest.raises(InsufficientBalance, match="positive"):
            redeem(session, make_voucher(session), "0.00", "r")


class TestExpireDue:
    def test_what_is_left_expires_once(self, session: Session) -> None:
        due = make_voucher(session, amount=usd("100.00"), expires_at=LATER)
        used = make_voucher(session, amount=usd("20.00"), expires_at=LATER)
        later = make_voucher(session, amount=usd("50.00"), expires_at=LATER + timedelta(days=1))
        forever = make_voucher(session, amount=usd("50.00"), expires_at=None)
        redeem(session, due, "30.00", "r1")
        redeem(session, used, "20.00", "r2")
        assert vouchers.expire_due(session, now=LATER - timedelta(seconds=1)) == 0
        assert vouchers.expire_due(session, now=LATER) == 1
        before = ledger(session)
        assert vouchers.expire_due(session, now=LATER + timedelta(hours=1)) == 0
        assert ledger(session) == before
        expiry = session.scalars(select(LedgerEntry).where(LedgerEntry.entry_type == "expire")).one()
        assert (expiry.voucher_id, expiry.amount_minor) == (due.id, -7000)
        view = vouchers.voucher_view(session, code=due.code, now=LATER)
        assert (view.face_value, view.redeemed, view.expired, view.balance) == (
            usd("100.00"), usd("30.00"), usd("70.00"), usd("0.00")
        )  # fmt: skip
        for v in (later, forever):
            assert vouchers.balance(session, voucher_id=v.id) == usd("50.00")

    def test_value_returned_after_expiry_expires_again(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"), expires_at=LATER)
        redemption = redeem(session, voucher, "40.00", "r1")
        assert vouchers.expire_due(session, now=LATER) == 1
        reverse(session, redemption, "undo-r1")
        assert vouchers.balance(session, voucher_id=voucher.id) == usd("40.00")
        assert vouchers.expire_due(session, now=LATER + timedelta(days=1)) == 1
        assert vouchers.balance(session, voucher_id=voucher.id) == usd("0.00")


class TestReverse:
    def test_reversing_a_redemption_puts_the_value_back(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        redemption = redeem(session, voucher, "30.00", "r1")
        reversal = reverse(session, redemption, "undo-r1")
        assert (reversal.entry_type, reversal.amount_minor, reversal.reverses_id) == ("reversal", 3000, redemption.id)
        assert (reversal.voucher_id, reversal.passenger_id) == (voucher.id, voucher.passenger_id)
        view = vouchers.voucher_view(session, code=voucher.code, now=NOW)
        assert (view.redeemed, view.balance, view.status) == (usd("0.00"), usd("100.00"), "active")

    def test_an_entry_is_reversed_once_and_a_replay_writes_nothing(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        redemption = redeem(session, voucher, "30.00", "r1")
        first = reverse(session, redemption, "undo-r1")
        before = ledger(session)
        assert reverse(session, redemption, "undo-r1").id == first.id
        with pytest.raises(EntryAlreadyReversed, match=str(first.id)):
            reverse(session, redemption, "undo-r1-again")
        with pytest.raises(EntryNotReversible, match="cannot itself be reversed"):
            reverse(session, first, "undo-undo")
        assert ledger(session) == before

    def test_an_untouched_issue_is_reversed_in_full(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"), key="comp:1")
        issue = vouchers.find_entry(session, idempotency_key="comp:1")
        assert issue is not None
        reverse(session, issue, "undo-comp:1")
        view = vouchers.voucher_view(session, code=voucher.code, now=NOW)
        assert (view.face_value, view.balance, view.status) == (usd("0.00"), usd("0.00"), "reversed")

    def test_an_issue_partly_redeemed_cannot_be_reversed(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"), key="comp:1")
        redeem(session, voucher, "0.01", "r1")
        issue = vouchers.find_entry(session, idempotency_key="comp:1")
        assert issue is not None
        before = ledger(session)
        with pytest.raises(VoucherValueSpent, match=r"only 99.99 USD of this 100.00 USD issue is unredeemed"):
            reverse(session, issue, "undo-comp:1")
        assert ledger(session) == before

    def test_a_top_up_is_reversed_while_the_balance_covers_it(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        more = top_up(session, voucher, usd("50.00"), "more")
        redeem(session, voucher, "80.00", "r1")
        reverse(session, more, "undo-more")
        view = vouchers.voucher_view(session, code=voucher.code, now=NOW)
        assert (view.face_value, view.redeemed, view.balance) == (usd("100.00"), usd("80.00"), usd("20.00"))

    def test_a_cash_payout_is_reversed(self, session: Session) -> None:
        payout = vouchers.record_payment(
            session, passenger_id=make_passenger(session), amount=usd("200.00"),
            entry_type=LedgerEntryType.CASH_PAYOUT, idempotency_key="cash:1", now=NOW, actor="t", memo="DOT",
        )  # fmt: skip
        reversal = reverse(session, payout, "undo-cash:1")
        assert (reversal.amount_minor, reversal.voucher_id, reversal.passenger_id) == (
            -20000,
            None,
            payout.passenger_id,
        )

    def test_an_unknown_entry_is_not_found(self, session: Session) -> None:
        voucher = make_voucher(session)
        with pytest.raises(NotFound):
            vouchers.reverse(session, entry_id=voucher.id, idempotency_key="k", now=NOW, actor="t", memo="x")


class TestPassengerVouchers:
    def test_each_voucher_with_its_value_and_status_newest_first(self, session: Session) -> None:
        passenger = make_passenger(session)
        active = make_voucher(session, passenger_id=passenger, amount=usd("100.00"), now=NOW)
        used = make_voucher(session, passenger_id=passenger, amount=usd("20.00"), now=NOW + timedelta(hours=1))
        expired = make_voucher(
            session, passenger_id=passenger, amount=usd("30.00"), now=NOW + timedelta(hours=2),
            expires_at=NOW + timedelta(days=2),
        )  # fmt: skip
        gone = make_voucher(
            session, passenger_id=passenger, amount=usd("40.00"), now=NOW + timedelta(hours=3), key="gone"
        )
        make_voucher(session, amount=usd("999.00"))  # someone else's
        redeem(session, active, "25.00", "r1")
        redeem(session, used, "20.00", "r2")
        issue = vouchers.find_entry(session, idempotency_key="gone")
        assert issue is not None
        reverse(session, issue, "undo-gone")

        views = vouchers.passenger_vouchers(session, passenger_id=passenger, now=NOW + timedelta(days=3))
        assert [(v.code, v.status, v.face_value, v.redeemed, v.balance) for v in views] == [
            (gone.code, "reversed", usd("0.00"), usd("0.00"), usd("0.00")),
            (expired.code, "expired", usd("30.00"), usd("0.00"), usd("30.00")),
            (used.code, "used", usd("20.00"), usd("20.00"), usd("0.00")),
            (active.code, "active", usd("100.00"), usd("25.00"), usd("75.00")),
        ]
        assert views[0].reason == "delay of 3h on B6 123"
        assert vouchers.passenger_vouchers(session, passenger_id=make_passenger(session), now=NOW) == []

    def test_balances_are_sums_over_the_ledger(self, session: Session) -> None:
        voucher = make_voucher(session, amount=usd("100.00"))
        session.add(
            LedgerEntry(
                passenger_id=voucher.passenger_id, voucher_id=voucher.id, entry_type="redeem", amount_minor=-1234,
                currency="USD", idempotency_key="written-elsewhere",
            )
        )  # fmt: skip
        session.flush()
        assert vouchers.balance(session, voucher_id=voucher.id) == usd("87.66")
        assert vouchers.voucher_view(session, code=voucher.code, now=NOW).redeemed == usd("12.34")


class TestAppendOnlyInTheOrm:
    def test_changing_an_amount_is_refused(self, session: Session) -> None:
        make_voucher(session, key="comp:1")
        entry = vouchers.find_entry(session, idempotency_key="comp:1")
        assert entry is not None
        entry.amount_minor = 1
        with pytest.raises(LedgerIsAppendOnly, match=r"amount_minor.*append-only"):
            session.flush()

    def test_deleting_is_refused(self, session: Session) -> None:
        make_voucher(session, key="comp:1")
        entry = vouchers.find_entry(session, idempotency_key="comp:1")
        session.delete(entry)
        with pytest.raises(LedgerIsAppendOnly, match="cannot be deleted"):
            session.flush()

    def test_the_owner_follows_a_merge(self, session: Session) -> None:
        make_voucher(session, key="comp:1")
        entry = vouchers.find_entry(session, idempotency_key="comp:1")
        assert entry is not None
        survivor = make_passenger(session, first_name="Ann")
        entry.passenger_id = survivor
        session.flush()
        session.expire_all()
        assert session.scalar(select(LedgerEntry.passenger_id)) == survivor


class TestCodes:
    def test_codes_use_the_unambiguous_alphabet(self) -> None:
        codes = {pure.new_code() for _ in range(200)}
        assert len(codes) == 200
        assert all(CODE.match(c) for c in codes)

    def test_a_code_is_one_draw_written_in_the_alphabet_and_every_character_comes_up_everywhere(self) -> None:
        assert pure.new_code(randbelow=lambda n: 0) == "GW-2222-2222"
        assert pure.new_code(randbelow=lambda n: n - 1) == "GW-ZZZZ-ZZZZ"
        assert pure.new_code(randbelow=lambda n: 1) == "GW-3222-2222"
        codes = [pure.new_code().replace("-", "")[2:] for _ in range(3000)]
        for position in range(8):
            assert {c[position] for c in codes} == set(pure.CODE_ALPHABET)

    @pytest.mark.parametrize(
        ("typed", "code"),
        [(" gw-7kq4-mz2p ", "GW-7KQ4-MZ2P"), ("GW7KQ4MZ2P", "GW-7KQ4-MZ2P"), ("gw 7kq4 mz2p", "GW-7KQ4-MZ2P")],
    )
    def test_a_typed_code_is_normalised(self, typed: str, code: str) -> None:
        assert pure.normalise_code(typed) == code

    def test_a_redemption_key_is_namespaced_and_bounded(self) -> None:
        assert vouchers.redemption_key(" k1 ") == "redemption:k1"
        with pytest.raises(RuleViolation):
            vouchers.redemption_key("x" * 151)
