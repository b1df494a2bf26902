"""Settling is pure: properties over any stream of revisions, replays and spending (hypothesis)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.recovery.settle import Entry, Granted, Owed, merge_pay, settle

PASSENGER, FLIGHT = uuid.UUID(int=1), uuid.UUID(int=2)
KEY = "p:f:delay:policy:pay:compensation"


def owed(amount: int, form: str = "voucher", currency: str = "USD") -> Owed:
    return Owed(KEY, PASSENGER, FLIGHT, None, "compensation", "r", "policy", "1", f"rule-{amount}", "basis", "",
                amount, currency, form)  # fmt: skip


@dataclass
class Books:
    """An in-memory ledger and entitlement store that applies settlements the way the service does."""

    entries: list[tuple[uuid.UUID, str, int, str, uuid.UUID | None]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    spent: int = 0
    state: Granted | None = None
    counter: int = 0
    key: str = KEY
    memory: dict[str, Any] = field(default_factory=dict)  # a payment claim's, per event type

    def granted(self) -> int:
        return sum(a for _i, t, a, _c, _r in self.entries if t in ("issue", "cash_payout", "reversal"))

    def balance(self) -> int:
        return self.granted() - self.spent

    def snapshot(self) -> dict[str, Granted]:
        if self.state is None:
            return {}
        reversed_ids = {r for *_x, r in self.entries if r is not None}
        open_entries = tuple(
            Entry(i, t, a, c)
            for i, t, a, c, _r in self.entries
            if t in ("issue", "cash_payout") and i not in reversed_ids
        )
        voucher = uuid.UUID(int=99) if any(t == "issue" for _i, t, *_x in self.entries) else None
        s = self.state
        return {self.key: Granted(s.entitlement_id, self.key, s.digest, s.status, s.revision, s.form, s.currency,
                                  self.granted(), open_entries, voucher, self.balance() if voucher else None,
                                  self.memory if s.status == "granted" else {})}  # fmt: skip

    def apply(self, wanted: Owed | None) -> int:
        plan = settle([wanted] if wanted else [], self.snapshot(), [self.key])
        written = 0
        for move in plan.moves:
            assert move.key not in self.keys, "a ledger key is never used twice"
            self.keys.add(move.key)
            self.counter += 1
            self.entries.append((uuid.UUID(int=1000 + self.counter), move.entry_type, move.amount_minor, move.currency,
                                 move.reverses_id))  # fmt: skip
            written += 1
        for _oid, o, revision in plan.revise:
            self.state = Granted(self.state.entitlement_id if self.state else uuid.uuid4(), self.key, o.digest,
                                 "granted", revision, o.form, o.currency, 0)  # fmt: skip
            self.memory = dict(o.facts.get("by_event", {}))
        for o, revision in plan.create:
            self.state = Granted(uuid.uuid4(), self.key, o.digest, "granted", revision, o.form, o.currency, 0)
            self.memory = dict(o.facts.get("by_event", {}))
        for eid, revision in plan.withdraw:
            assert self.state is not None
            self.state = Granted(eid, self.key, "", "withdrawn", revision, self.state.form, self.state.currency, 0)
            self.memory = {}
        assert self.balance() >= 0, "a voucher balance never goes negative"
        return written


amounts = st.sampled_from([0, 2500, 5000, 10000, 20000])
steps = st.lists(st.tuples(amounts, st.integers(min_value=0, max_value=6000)), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(steps=steps)
def test_the_ledger_grants_what_the_last_revision_owes_unless_it_was_spent(steps: list[tuple[int, int]]) -> None:
    books = Books()
    for target, spend in steps:
        books.apply(owed(target) if target else None)
        assert books.apply(owed(target) if target else None) == 0, "a replay moves nothing"
        books.spent += min(spend, books.balance())
    final = steps[-1][0]
    # What the passenger holds is what is owed now, except value already spent cannot be taken back.
    assert books.granted() >= final
    assert books.granted() == final or books.spent > 0


@settings(max_examples=200, deadline=None)
@given(revisions=st.lists(amounts, min_size=1, max_size=6), data=st.data())
def test_any_order_of_updates_ends_with_the_same_balance(revisions: list[int], data: st.DataObject) -> None:
    """The service settles against the latest revision; however the updates arrived, the totals agree."""
    shuffled = data.draw(st.permutations(revisions))
    cash_a, cash_b = Books(), Books()
    for amount in revisions:
        cash_a.apply(owed(amount, form="cash") if amount else None)
    for amount in shuffled:
        cash_b.apply(owed(amount, form="cash") if amount else None)
    # Both end at their last state; settled twice with the same final decision they agree.
    final = owed(revisions[-1], form="cash") if revisions[-1] else None
    cash_a.apply(final)
    cash_b.apply(final)
    assert cash_a.granted() == cash_b.granted() == revisions[-1]


def test_a_change_of_form_takes_back_the_voucher_and_pays_cash() -> None:
    books = Books()
    books.apply(owed(5000, form="voucher"))
    books.apply(owed(5000, form="cash"))
    types = [t for _i, t, *_x in books.entries]
    assert types == ["issue", "reversal", "cash_payout"]
    assert books.granted() == 5000


PAY_KEY = f"{PASSENGER.hex}:{uuid.UUID(int=3).hex}:1:pay:policy:compensation"
EVENTS = ("cancellation", "delay", "denied_boarding")


@settings(max_examples=200, deadline=None)
@given(updates=st.lists(st.tuples(st.sampled_from(EVENTS), amounts), min_size=1, max_size=10))
def test_a_journey_is_paid_the_most_any_of_its_events_owes_never_the_sum(updates: list[tuple[str, int]]) -> None:
    """Events of one journey (a delay, then a cancellation, each revised) pay once: the highest owed now."""
    books = Books(key=PAY_KEY)
    latest: dict[str, int] = {}
    for event_type, amount in updates:
        now = (
            Owed(PAY_KEY, PASSENGER, FLIGHT, None, "compensation", "r", "policy", "1", f"{event_type}-{amount}",
                 "basis", "", amount, "EUR", "cash")
            if amount else None
        )  # fmt: skip
        claim = merge_pay(PAY_KEY, event_type, now, books.memory, passenger_id=PASSENGER, booking_id=None)
        books.apply(claim)
        assert books.apply(claim) == 0, "the same decision again moves nothing"
        if amount:
            latest[event_type] = amount
        else:
            latest.pop(event_type, None)
        assert books.granted() == max(latest.values(), default=0)
        assert sorted(books.memory) == sorted(latest)
