"""Settling is pure: properties over any stream of revisions, replays and spending (hypothesis)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.recovery.settle import Entry, Granted, Owed, settle

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
        return {KEY: Granted(s.entitlement_id, KEY, s.digest, s.status, s.revision, s.form, s.currency, self.granted(),
                             open_entries, voucher, self.balance() if voucher else None)}  # fmt: skip

    def apply(self, wanted: Owed | None) -> int:
        plan = settle([wanted] if wanted else [], self.snapshot(), [KEY])
        written = 0
        for move in plan.moves:
            assert move.key not in self.keys, "a ledger key is never used twice"
            self.keys.add(move.key)
            self.counter += 1
            self.entries.append((uuid.UUID(int=1000 + self.counter), move.entry_type, move.amount_minor, move.currency,
                                 move.reverses_id))  # fmt: skip
            written += 1
        for _oid, o, revision in plan.revise:
            self.state = Granted(self.state.entitlement_id if self.state else uuid.uuid4(), KEY, o.digest, "granted",
                                 revision, o.form, o.currency, 0)  # fmt: skip
        for o, revision in plan.create:
            self.state = Granted(uuid.uuid4(), KEY, o.digest, "granted", revision, o.form, o.currency, 0)
        for eid, revision in plan.withdraw:
            assert self.state is not None
            self.state = Granted(eid, KEY, "", "withdrawn", revision, self.state.form, self.state.currency, 0)
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
