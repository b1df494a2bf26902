"""Settling claims: from what is owed now and what was granted before, the entitlement and ledger moves. Pure.

A claim is one thing one passenger is owed for a disruption of one journey under one policy. A right or
care is claimed per kind of event: `{passenger}:{booking}:{journey}:{event type}:{policy}:{item}` with the
item `refund`, `rebooking` or `care`. Money is claimed once per journey, policy and group, whatever events
disrupted it (`merge_pay`): `{passenger}:{booking}:{journey}:pay:{policy}:{group}`.

Each claim has at most one entitlement row (its key is unique in the database, so two workers cannot both
create it); the row holds the current decision, its facts, and the history of earlier decisions. Money
moves only through the append-only ledger, by difference:

- owed more than granted (a 2-hour delay becomes 4 hours): the difference is issued (a voucher top-up,
  a new voucher, or a cash payout entry);
- owed less (the delay shrinks, the flight is un-cancelled, the cause turns out to be weather): earlier
  grants are reversed newest first, in full (a reversal mirrors one entry), and the remainder re-issued.
  A voucher's value already spent is never taken back: what cannot be reversed is written off and said so;
- owed the same (the same event processed again): nothing.

Ledger keys are derived from the claim and its revision, so replaying a settlement writes nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any


@dataclass(frozen=True)
class Owed:
    """What one claim is worth now, as the rules decided it."""

    claim_key: str
    passenger_id: uuid.UUID
    flight_id: uuid.UUID
    booking_id: uuid.UUID | None
    kind: str  # compensation, refund, rebooking, care
    regime: str
    policy_id: str
    policy_version: str
    rule_id: str
    basis: str
    explanation: str
    amount_minor: int | None = None
    currency: str | None = None
    form: str | None = None  # cash, voucher, credit
    care: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    memory: str = ""  # a payment claim: the fingerprint of what each event of the journey owes (`merge_pay`)

    @property
    def digest(self) -> str:
        return _digest(self.kind, self.rule_id, self.amount_minor, self.currency, self.form, self.care, self.memory)


@lru_cache(maxsize=4096)
def _digest(
    kind: str,
    rule_id: str,
    amount_minor: int | None,
    currency: str | None,
    form: str | None,
    care: tuple[str, ...],
    memory: str,
) -> str:
    """A decision's fingerprint: the same for a claim decided alike again (a storm decides few distinct ones)."""
    decision: list[Any] = [kind, rule_id, amount_minor, currency, form, sorted(care)]
    if memory:
        decision.append(memory)
    return hashlib.sha256(json.dumps(decision).encode()).hexdigest()[:16]


# ---- one payment per journey ---------------------------------------------------------------------------------

PAY = "pay"


def is_pay(claim_key: str) -> bool:
    """A payment claim: `{passenger}:{booking}:{journey}:pay:{policy}:{group}`, whatever the event."""
    parts = claim_key.split(":", 4)
    return len(parts) > 3 and parts[3] == PAY


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def remember(owed: Owed, plain: dict[str, Any] | None = None) -> dict[str, Any]:
    """What one event owes on a payment claim, as kept in the claim's facts (JSON); `plain`: its facts as JSON
    values (`_plain_facts`), when already made."""
    return {
        "flight_id": owed.flight_id.hex,
        "regime": owed.regime,
        "policy_id": owed.policy_id,
        "policy_version": owed.policy_version,
        "rule_id": owed.rule_id,
        "basis": owed.basis,
        "explanation": owed.explanation,
        "amount_minor": owed.amount_minor,
        "currency": owed.currency,
        "form": owed.form,
        "facts": plain if plain is not None else {k: _plain(v) for k, v in owed.facts.items() if k != "by_event"},
    }


def _fingerprint(by_event: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps(
        {t: [e["rule_id"], e["amount_minor"], e["currency"], e["form"]] for t, e in by_event.items()}, sort_keys=True
    )


def _json_scalar(value: Any) -> str:
    """`json.dumps(value)` of a string, an int or None, without the encoder's set-up (called per claim)."""
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring_ascii(value)
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value)


def _alone(event_type: str, rule_id: str, amount_minor: int | None, currency: str | None, form: str | None) -> str:
    """`_fingerprint` of one event's payment, the very text, built directly (amounts differ per fare, so a
    storm makes one per passenger paid)."""
    parts = (rule_id, amount_minor, currency, form)
    return f"{{{_json_scalar(event_type)}: [{', '.join(map(_json_scalar, parts))}]}}"


_BY_IDENTITY: dict[tuple[Any, ...], tuple[Mapping[str, Any], dict[str, Any]]] = {}
_PLAIN: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}


def _plain_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """`remember`'s facts (JSON values, without `by_event`), made once per facts dict (a journey's claims share
    one, `_kept`): the dict is held with its result, so its id is not reused meanwhile."""
    held = _PLAIN.get(id(facts))
    if held is not None and held[0] is facts:
        return held[1]
    plain = {k: _plain(v) for k, v in facts.items() if k != "by_event"}
    if len(_PLAIN) >= 4096:
        _PLAIN.clear()
    _PLAIN[id(facts)] = (facts, plain)
    return plain


def _alone_facts(event_type: str, now: Owed) -> dict[str, Any]:
    """The facts of a payment claim one event alone owes (as `remember` keeps them). Claims owed alike
    (everyone on a journey paid by one rule) share one dict, which nobody modifies: the fan-out then
    serialises it once."""
    # Claims owed alike share the very facts dict (`_kept`): they are recognised by its identity.
    key = (event_type, id(now.facts), now.flight_id, now.regime, now.policy_id, now.policy_version, now.rule_id,
           now.basis, now.explanation, now.amount_minor, now.currency, now.form)  # fmt: skip
    held = _BY_IDENTITY.get(key)
    if held is not None and held[0] is now.facts:
        return held[1]
    plain = _plain_facts(now.facts)
    entry = remember(now, plain)
    found = {**plain, "paid_for": event_type, "by_event": {event_type: entry}}
    if len(_BY_IDENTITY) >= 4096:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[key] = (now.facts, found)  # the dict held, so its id is not reused meanwhile
    return found


def merge_pay(
    claim_key: str,
    event_type: str,
    now: Owed | None,
    memory: Mapping[str, Mapping[str, Any]],
    *,
    passenger_id: uuid.UUID,
    booking_id: uuid.UUID | None,
) -> Owed | None:
    """A journey's payment under one policy and group is owed once, whatever events disrupted it.

    A flight delayed and then cancelled, or a delay on one leg and a cancellation of the next, is one
    disruption of the passenger's journey: the claim is worth the most any one of its events owes now, not
    their sum. `memory` holds what each event type owed when it was last settled (the claim's facts keep it);
    `now` is what `event_type` owes now (None: nothing, as when a cancelled flight is reinstated). Returns
    the claim as it stands, or None when no event owes it any more. Ties go to the event type first in
    alphabetical order, so the result does not depend on the order events arrived in.
    """
    if now is not None and all(t == event_type for t in memory):  # this event alone (most claims): the same, faster
        alone = _alone(event_type, now.rule_id, now.amount_minor, now.currency, now.form)
        # As `replace(now, facts=..., memory=alone)`, without its look at the fields (a storm makes many).
        return Owed(now.claim_key, now.passenger_id, now.flight_id, now.booking_id, now.kind, now.regime, now.policy_id,
                    now.policy_version, now.rule_id, now.basis, now.explanation, now.amount_minor, now.currency,
                    now.form, now.care, _alone_facts(event_type, now), alone)  # fmt: skip
    by_event = {t: dict(m) for t, m in memory.items() if t != event_type}
    if now is not None:
        by_event[event_type] = remember(now)
    if not by_event:
        return None
    winner = max(sorted(by_event), key=lambda t: by_event[t]["amount_minor"] or 0)
    m = by_event[winner]
    fingerprint = _fingerprint(by_event)
    return Owed(
        claim_key,
        passenger_id,
        uuid.UUID(m["flight_id"]),
        booking_id,
        "compensation",
        m["regime"],
        m["policy_id"],
        m["policy_version"],
        m["rule_id"],
        m["basis"],
        m["explanation"],
        m["amount_minor"],
        m["currency"],
        m["form"],
        facts={**m["facts"], "paid_for": winner, "by_event": by_event},
        memory=fingerprint,
    )


@dataclass(frozen=True)
class Entry:
    """An unreversed ledger entry that granted value for a claim (an issue or a cash payout)."""

    id: uuid.UUID
    entry_type: str
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class Granted:
    """A claim's entitlement row as stored, with what the ledger shows was granted for it."""

    entitlement_id: uuid.UUID
    claim_key: str
    digest: str
    status: str  # granted, withdrawn
    revision: int
    form: str | None
    currency: str | None
    granted_minor: int  # value granted: issues and payouts less their reversals
    open_entries: tuple[Entry, ...] = ()  # oldest first
    voucher_id: uuid.UUID | None = None
    voucher_balance_minor: int | None = None
    memory: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # a payment claim's, per event type


@dataclass(frozen=True)
class Move:
    """One ledger entry to append."""

    key: str
    claim_key: str
    entry_type: str  # issue, cash_payout, reversal
    amount_minor: int
    currency: str
    form: str | None = None  # voucher or credit for an issue; the claim's form for a reversal
    new_voucher: bool = False  # an issue that creates the claim's voucher
    voucher_id: uuid.UUID | None = None
    reverses_id: uuid.UUID | None = None
    memo: str = ""


@dataclass
class Settlement:
    create: list[tuple[Owed, int]] = field(default_factory=list)  # new entitlement rows (revision 1)
    revise: list[tuple[uuid.UUID, Owed, int]] = field(default_factory=list)  # rows whose decision changed
    withdraw: list[tuple[uuid.UUID, int]] = field(default_factory=list)  # rows no longer owed
    moves: list[Move] = field(default_factory=list)
    written_off: list[tuple[str, int, str]] = field(default_factory=list)  # claim, minor units, currency
    unchanged: int = 0


def _grant(moves: list[Move], owed: Owed, amount: int, key: str, granted: Granted | None, memo: str) -> None:
    currency = owed.currency or ""
    if owed.form in ("voucher", "credit"):
        voucher = granted.voucher_id if granted is not None else None
        moves.append(
            Move(
                key,
                owed.claim_key,
                "issue",
                amount,
                currency,
                form=owed.form,
                new_voucher=voucher is None,
                voucher_id=voucher,
                memo=memo,
            )
        )
    else:
        moves.append(Move(key, owed.claim_key, "cash_payout", amount, currency, memo=memo))


def _take_back(moves: list[Move], granted: Granted, amount: int, prefix: str) -> int:
    """Reverse open entries newest first until `amount` is covered; returns what was reversed."""
    reversed_total = 0
    spendable = granted.voucher_balance_minor if granted.voucher_id is not None else None
    for index, entry in enumerate(reversed(granted.open_entries)):
        if reversed_total >= amount:
            break
        if spendable is not None and entry.amount_minor > spendable - reversed_total:
            break  # value already redeemed or expired is never taken back
        moves.append(
            Move(
                f"{prefix}:rev{index}",
                granted.claim_key,
                "reversal",
                -entry.amount_minor,
                entry.currency,
                form=granted.form,
                voucher_id=granted.voucher_id,
                reverses_id=entry.id,
                memo="no longer owed in full",
            )
        )
        reversed_total += entry.amount_minor
    return reversed_total


def settle(owed: Iterable[Owed], granted: Mapping[str, Granted], in_scope: Iterable[str]) -> Settlement:
    """The moves that bring the claims in `in_scope` (and every owed one) to what is owed now.

    `granted` holds the stored claims of the passengers and flight concerned; `in_scope` the claim keys
    this decision covers (the stored ones of the same flight and event type): those no longer owed are
    withdrawn and their money taken back.
    """
    result = Settlement()
    wanted = {o.claim_key: o for o in owed}
    for key, o in wanted.items():
        before = granted.get(key)
        if before is not None and before.status == "granted" and before.digest == o.digest:
            result.unchanged += 1
            continue
        revision = 1 if before is None else before.revision + 1
        if before is None:
            result.create.append((o, revision))
        else:
            result.revise.append((before.entitlement_id, o, revision))
        _move_money(result, o, before, revision)
    for key in in_scope:
        before = granted.get(key)
        if key in wanted or before is None or before.status != "granted":
            continue
        revision = before.revision + 1
        result.withdraw.append((before.entitlement_id, revision))
        if before.granted_minor:
            prefix = f"{key}|r{revision}"
            reversed_total = _take_back(result.moves, before, before.granted_minor, prefix)
            if reversed_total < before.granted_minor:
                result.written_off.append((key, before.granted_minor - reversed_total, before.currency or ""))
    return result


def _move_money(result: Settlement, owed: Owed, before: Granted | None, revision: int) -> None:
    prefix = f"{owed.claim_key}|r{revision}"
    target = owed.amount_minor or 0
    granted_minor = before.granted_minor if before is not None else 0
    changed_terms = (
        before is not None
        and granted_minor
        and (before.currency != owed.currency or (before.form or None) != (owed.form or None))
    )
    if changed_terms and before is not None:
        # Another currency or form: take back what was granted, then grant the new terms afresh.
        reversed_total = _take_back(result.moves, before, granted_minor, prefix)
        if reversed_total < granted_minor:
            result.written_off.append((owed.claim_key, granted_minor - reversed_total, before.currency or ""))
        if target:
            fresh = Granted(before.entitlement_id, before.claim_key, "", "granted", revision, None, None, 0)
            _grant(result.moves, owed, target, f"{prefix}:grant", fresh, "owed under new terms")
        return
    if target == granted_minor:
        return
    if target > granted_minor:
        memo = "owed" if granted_minor == 0 else "owed more: the difference"
        _grant(result.moves, owed, target - granted_minor, f"{prefix}:grant", before, memo)
        return
    if before is None:  # granted_minor > target >= 0 means something was granted before
        raise ValueError(f"{owed.claim_key}: less owed than granted, but nothing granted")
    excess = granted_minor - target
    reversed_total = _take_back(result.moves, before, excess, prefix)
    if reversed_total < excess:
        result.written_off.append((owed.claim_key, excess - reversed_total, before.currency or ""))
    if reversed_total > excess:
        _grant(result.moves, owed, reversed_total - excess, f"{prefix}:regrant", before, "owed less: the remainder")
