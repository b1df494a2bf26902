"""The recovery engine: from a disruption's facts and the policies, what the passenger is owed. Pure.

`decide(policy, facts)` applies one policy: is the journey in its scope (`scope`), which of its rules are
in force on the flight date and whose conditions hold, and what they grant. Within a policy, rules of the
same `group` do not add up: the highest compensation of the group is paid (JetBlue's departure-delay and
ground-delay credits for the same wait, say). Rights and care are the union of what the rules grant.

`assess(policies, facts)` applies them all and combines them so no one is paid twice for one disruption
(docs/adr/0009-recovery-rules-as-data.md):
- Statutory regimes (EU261, UK261, APPR, US DOT) pay one compensation per disruption. The regime that
  applies because the flight departs from its territory comes first, then one that applies because the
  flight arrives there. This follows EU261 Art 3(1)(b) (and UK261's copy of it), which withdraws the
  arrival-side protection from passengers who received compensation in the country of departure; we
  apply the same order between every statutory pair, with the order of `PRECEDENCE` as a tiebreak.
  The others are kept, marked `superseded`, so an agent sees them.
- Rights (refund, rebooking) and care are duties, not payments: the passenger gets the union.
- A carrier policy (a customer bill of rights, an airline's own goodwill) is the airline's promise on top
  of the law and is paid in addition, unless the policy's rules say otherwise in their conditions.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from goodwill.flights.geo import EU261_AREA, UK
from goodwill.kit.money import Money, exponent
from goodwill.recovery.facts import Facts
from goodwill.recovery.policy import Amount, Form, Policy, PolicyKind, Rule, Verification

PRECEDENCE = ("eu261", "uk261", "appr", "us_dot")


@dataclass(frozen=True)
class Scope:
    applies: bool
    by: str  # "departure", "arrival", "route", "carrier" or "" when it does not apply
    reason: str


def scope(policy: Policy, facts: Facts) -> Scope:
    """Does the policy cover this journey, and on what ground."""
    origin, leg_origin = facts["origin_country"], facts.get("leg_origin_country", facts["origin_country"])
    destination = facts["destination_country"]
    eu_carrier, uk_carrier = facts["carrier_eu"], facts["carrier_uk"]
    regime = policy.regime
    if regime == "eu261":
        if leg_origin in EU261_AREA or origin in EU261_AREA:
            return Scope(True, "departure", "the flight departs from the EU (Art 3(1)(a))")
        if destination in EU261_AREA and eu_carrier:
            return Scope(True, "arrival", "an EU carrier flying into the EU (Art 3(1)(b))")
        return Scope(False, "", "EU261 covers flights from the EU, and flights into it on an EU carrier (Art 3)")
    if regime == "uk261":
        if leg_origin == UK or origin == UK:
            return Scope(True, "departure", "the flight departs from the UK (UK261 Art 3(1)(a))")
        if destination == UK and (uk_carrier or eu_carrier):
            return Scope(True, "arrival", "a UK or EU carrier flying into the UK (UK261 Art 3(1)(b))")
        if destination in EU261_AREA and uk_carrier:
            return Scope(True, "arrival", "a UK carrier flying into the EU (UK261 Art 3(1)(b))")
        return Scope(False, "", "UK261 covers flights from the UK and into the UK or EU on UK/EU carriers")
    if regime == "appr":
        if origin == "CA" or leg_origin == "CA":
            return Scope(True, "departure", "a flight from Canada (APPR s.2)")
        if destination == "CA":
            return Scope(True, "arrival", "a flight to Canada (APPR s.2)")
        return Scope(False, "", "APPR covers flights to, from and within Canada")
    if regime == "us_dot":
        if origin == "US" or leg_origin == "US":
            return Scope(True, "departure", "a flight from the United States")
        if destination == "US":
            return Scope(True, "arrival", "a flight to the United States")
        return Scope(False, "", "US DOT rules cover flights to, from and within the United States")
    if regime == "montreal":
        if facts["international"]:
            return Scope(True, "route", "international carriage (Montreal Convention Art 1)")
        return Scope(False, "", "the Montreal Convention covers international carriage")
    if regime == "carrier":
        if facts["carrier"] in policy.carriers:
            return Scope(True, "carrier", f"{policy.name} covers flights operated by {', '.join(policy.carriers)}")
        return Scope(False, "", f"{policy.name} covers flights operated by {', '.join(policy.carriers)}")
    raise ValueError(f"policy {policy.id}: unknown regime {regime!r}")


# ---- conditions --------------------------------------------------------------------------------------------


def _compare(value: Any, op: str, expected: Any) -> bool:
    if op == "exists":
        return (value is not None) is bool(expected)
    if value is None:
        return False
    if op == "eq":
        return bool(value == expected)
    if op == "ne":
        return bool(value != expected)
    if op == "in":
        return value in expected
    if op == "not_in":
        return value not in expected
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if op == "gt":
        return bool(value > expected)
    if op == "gte":
        return bool(value >= expected)
    if op == "lt":
        return bool(value < expected)
    if op == "lte":
        return bool(value <= expected)
    raise ValueError(f"unknown operator {op!r}")


def holds(conditions: Mapping[str, Any], facts: Facts) -> bool:
    """Every condition holds (a condition on an unknown fact fails, except `exists = false`)."""
    for name, test in conditions.items():
        value = facts.get(name)
        if isinstance(test, dict):
            if not all(_compare(value, op, expected) for op, expected in test.items()):
                return False
        elif isinstance(test, list | tuple):
            if value is None or value not in test:
                return False
        elif value is None or value != test:
            return False
    return True


# ---- amounts -----------------------------------------------------------------------------------------------


class AmountUnknown(Exception):
    """The rule applies but a fact its amount needs (a fare, a fee) is not known."""


def _to_money(major: Decimal, currency: str) -> Money:
    quantum = Decimal(1).scaleb(-exponent(currency))
    return Money.parse(major.quantize(quantum, rounding=ROUND_HALF_UP), currency)


def amount_of(amount: Amount, facts: Facts, currency: str) -> Money:
    if amount.fixed is not None:
        return _to_money(amount.fixed, currency)
    if amount.values is not None:
        key = facts.get(amount.by or "")
        if key is None or str(key) not in amount.values:
            raise AmountUnknown(f"{amount.by} is not known")
        return _to_money(amount.values[str(key)], currency)
    if amount.steps is not None:
        value = facts.get(amount.by or "")
        if value is None:
            raise AmountUnknown(f"{amount.by} is not known")
        reached = [step_amount for threshold, step_amount in amount.steps if value >= threshold]
        if not reached:
            raise AmountUnknown(f"{amount.by} = {value} is below every step")
        return _to_money(reached[-1], currency)
    money = facts.get(amount.fact or "")
    if not isinstance(money, Money):
        if amount.fallback is not None:
            return amount_of(amount.fallback, facts, currency)
        raise AmountUnknown(f"{amount.fact} is not known")
    if money.currency != currency:
        raise AmountUnknown(f"{amount.fact} is in {money.currency}, the rule pays in {currency}")
    major = money.major * amount.percent / 100
    if amount.cap is not None:
        major = min(major, amount.cap)
    if amount.minimum is not None:
        major = max(major, amount.minimum)
    return _to_money(major, currency)


# ---- decisions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """What one rule grants one passenger, with its legal basis and a sentence they understand."""

    policy_id: str
    regime: str
    policy_version: str
    rule_id: str
    basis: str
    explanation: str
    verification: Verification
    compensation: Money | None = None
    form: Form | None = None
    reductions: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()
    care: tuple[str, ...] = ()
    amount_unknown: str = ""  # why the amount could not be computed
    limit: str = ""  # a cap on a claim for proven damage (Montreal Convention)
    superseded_by: str = ""  # another regime pays this disruption instead
    group: str = "compensation"


@dataclass(frozen=True)
class Decision:
    policy_id: str
    regime: str
    kind: PolicyKind
    scope: Scope
    grants: tuple[Grant, ...] = ()

    @property
    def compensation(self) -> Grant | None:
        """The compensation this policy pays (the highest of each group; groups add up)."""
        paid = [g for g in self.grants if g.compensation is not None and not g.superseded_by]
        return max(paid, key=lambda g: g.compensation.minor if g.compensation else 0) if paid else None

    @property
    def payments(self) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if g.compensation is not None and not g.superseded_by)

    @property
    def rights(self) -> frozenset[str]:
        return frozenset(r for g in self.grants for r in g.rights)

    @property
    def care(self) -> frozenset[str]:
        return frozenset(c for g in self.grants for c in g.care)


def _explain(rule: Rule, facts: Facts, money: Money | None) -> str:
    template = rule.explain or rule.summary or rule.basis
    values: dict[str, Any] = dict(facts)
    for name in ("arrival_delay_minutes", "departure_delay_minutes", "wait_minutes", "tarmac_minutes"):
        minutes = facts.get(name)
        if isinstance(minutes, int):
            values[name.removesuffix("_minutes")] = f"{minutes // 60} h {minutes % 60:02d} min"
    values["amount"] = str(money) if money is not None else ""
    values["basis"] = rule.basis
    try:
        return template.format_map(_Missing(values))
    except (ValueError, IndexError):
        return template


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _rule_grant(policy: Policy, rule: Rule, facts: Facts) -> Grant:
    money: Money | None = None
    unknown = ""
    reductions: list[str] = []
    if rule.compensation is not None:
        currency = rule.compensation.currency or policy.currency
        try:
            money = amount_of(rule.compensation.amount, facts, currency)
        except AmountUnknown as exc:
            unknown = str(exc)
        if money is not None:
            for reduction in rule.compensation.reductions:
                if holds(reduction.when, facts):
                    major = money.major * (100 - reduction.percent) / 100
                    money = _to_money(major, money.currency)
                    reductions.append(f"{reduction.percent.normalize()}% less: {reduction.basis}")
            if money.minor == 0:
                money = None
    return Grant(
        policy_id=policy.id,
        regime=policy.regime,
        policy_version=policy.version,
        rule_id=f"{policy.id}.{rule.id}",
        basis=rule.basis,
        explanation=_explain(rule, facts, money),
        verification=rule.verification,
        compensation=money,
        form=rule.compensation.form if money is not None and rule.compensation is not None else None,
        reductions=tuple(reductions),
        rights=rule.rights,
        care=rule.care,
        amount_unknown=unknown,
        limit=(
            f"up to {rule.limit.amount:,} {rule.limit.currency or policy.currency} for {rule.limit.what}"
            if rule.limit is not None
            else ""
        ),
        group=rule.group,
    )


def decide(policy: Policy, facts: Facts) -> Decision:
    """Apply one policy to one passenger's disruption."""
    path = rules_that_hold(policy, facts)
    if isinstance(path, Decision):
        return path
    found, rules = path
    return grant(policy, found, [_rule_grant(policy, rule, facts) for rule in rules])


def rules_that_hold(policy: Policy, facts: Facts) -> Decision | tuple[Scope, tuple[Rule, ...]]:
    """The policy's scope and the rules whose conditions hold; a Decision when the policy does not apply."""
    found = scope(policy, facts)
    day = facts["flight_date"]
    if not found.applies or not policy.in_force.covers(day):
        reason = found.reason if not found.applies else f"{policy.name} is not in force on {day.isoformat()}"
        return Decision(policy.id, policy.regime, policy.kind, Scope(False, "", reason))
    rules = tuple(
        rule
        for rule in policy.rules
        if rule.in_force.covers(day)
        and holds(rule.when, facts)
        and not any(holds(conditions, facts) for conditions in rule.unless)
    )
    return found, rules


def grant(policy: Policy, found: Scope, grants: list[Grant]) -> Decision:
    """The decision from the grants of the rules that hold."""
    # Within a group, only the highest compensation is paid; the others stay visible as superseded.
    best: dict[str, Grant] = {}
    for g in grants:
        if g.compensation is None:
            continue
        current = best.get(g.group)
        if current is None or (current.compensation and g.compensation.minor > current.compensation.minor):
            best[g.group] = g
    kept = [
        g if g.compensation is None or best.get(g.group) is g else replace(g, superseded_by=best[g.group].rule_id)
        for g in grants
    ]
    return Decision(policy.id, policy.regime, policy.kind, found, tuple(kept))


@dataclass(frozen=True)
class Assessment:
    decisions: tuple[Decision, ...]
    paid_by: str = ""  # the statutory regime that pays compensation, if any
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def payments(self) -> tuple[Grant, ...]:
        return tuple(g for d in self.decisions for g in d.payments)

    @property
    def rights(self) -> frozenset[str]:
        return frozenset(r for d in self.decisions for r in d.rights)

    @property
    def care(self) -> frozenset[str]:
        return frozenset(c for d in self.decisions for c in d.care)


def _order(decision: Decision) -> tuple[int, int]:
    ground = 0 if decision.scope.by == "departure" else 1
    rank = PRECEDENCE.index(decision.regime) if decision.regime in PRECEDENCE else len(PRECEDENCE)
    return ground, rank


def assess(policies: Iterable[Policy], facts: Facts) -> Assessment:
    """Apply every policy and combine: one statutory compensation per disruption, carrier policies on top."""
    return combine([decide(policy, facts) for policy in policies])


def combine(decisions: list[Decision]) -> Assessment:
    """The policies' decisions for one disruption, combined so no one is paid twice for it."""
    statutory = sorted(
        (d for d in decisions if d.kind is PolicyKind.STATUTORY and d.scope.applies and d.payments), key=_order
    )
    paid_by = statutory[0].regime if statutory else ""
    notes: list[str] = []
    combined: list[Decision] = []
    for decision in decisions:
        if decision.kind is PolicyKind.STATUTORY and paid_by and decision.regime != paid_by and decision.payments:
            winner = statutory[0].payments[0].rule_id
            grants = tuple(
                replace(g, superseded_by=winner) if g.compensation is not None and not g.superseded_by else g
                for g in decision.grants
            )
            decision = replace(decision, grants=grants)
            notes.append(
                f"{decision.regime} would also pay for this disruption; {paid_by} pays it, once "
                f"({statutory[0].scope.reason})"
            )
        combined.append(decision)
    return Assessment(tuple(combined), paid_by, tuple(notes))


# ---- assessing many passengers -----------------------------------------------------------------------------


def _template_reads(template: str) -> set[str]:
    """The facts an explanation's placeholders name (`{arrival_delay}` is shown from arrival_delay_minutes)."""
    found: set[str] = set()
    for _text, name, _spec, _conversion in string.Formatter().parse(template):
        if name:
            base = name.split(".", 1)[0].split("[", 1)[0]
            found.update((base, f"{base}_minutes"))
    return found


def template_reads(policies: Iterable[Policy]) -> frozenset[str]:
    """Every fact the policies' explanations can show."""
    found: set[str] = set()
    for policy in policies:
        for rule in policy.rules:
            found |= _template_reads(rule.explain or rule.summary or rule.basis)
    return frozenset(found)


class _Noting(dict[str, Any]):
    """Facts that note which of them are read (by name: `facts[name]` and `facts.get(name)`)."""

    seen: set[str]

    def __getitem__(self, name: str) -> Any:
        self.seen.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self.seen.add(name)
        return super().get(name, default)


_Key = tuple[tuple[Any, ...], tuple[type, ...]]  # the facts a decision read, and their types


class _Memory:
    """Results remembered by the facts their computation read (noted as it ran, plus `shown`)."""

    def __init__(self, shown: frozenset[str] = frozenset()) -> None:
        self.shown = shown
        self.known: dict[tuple[str, ...], dict[_Key, Any]] = {}
        self.last: tuple[str, ...] = ()
        self.computed = 0

    def recall(self, facts: Facts, compute: Callable[[Facts], Any]) -> Any:
        get = facts.get
        known = self.known
        try:
            # The way the last passenger went first: the next one most often goes alike.
            names = self.last
            if names in known:
                values = tuple(map(get, names))
                found = known[names].get((values, tuple(map(type, values))))
                if found is not None:
                    return found
            for names, results in known.items():
                values = tuple(map(get, names))
                # With the types: 1, 1.0 and True are equal but are shown differently.
                found = results.get((values, tuple(map(type, values))))
                if found is not None:
                    self.last = names
                    return found
        except TypeError:  # a fact that cannot be a key (a list): compute without the memory
            return compute(facts)
        noting = _Noting(facts)
        noting.seen = set(self.shown)
        result = compute(noting)
        names = tuple(sorted(noting.seen))
        values = tuple(map(get, names))
        with contextlib.suppress(TypeError):  # a fact that cannot be a key: not remembered
            known.setdefault(names, {})[(values, tuple(map(type, values)))] = result
            self.last = names
        self.computed += 1
        return result


class Assessor:
    """`assess` with a memory, for the many passengers of one event.

    The engine is deterministic and reads facts only by name, so a computation repeated on facts that agree
    with an earlier one's on every fact it read (noted as it ran, plus what explanations can show) gives
    the same result, to the word. Each policy remembers which rules hold (`rules_that_hold`), and each rule
    what it grants (its amount, reductions and explanation): passengers of one flight take one path through
    a policy, and differ at most in the amount of a rule that pays a share of their fare.
    """

    def __init__(self, policies: Iterable[Policy]) -> None:
        self.policies = tuple(policies)
        self._paths = [_Memory() for _ in self.policies]
        self._grants = {
            id(rule): _Memory(frozenset(_template_reads(rule.explain or rule.summary or rule.basis)))
            for policy in self.policies
            for rule in policy.rules
        }
        self._decisions: dict[tuple[int, ...], tuple[Any, list[Grant], Decision]] = {}

    @property
    def paths(self) -> int:
        """How many paths through a policy (which rules hold) were computed rather than remembered."""
        return sum(m.computed for m in self._paths)

    @property
    def grants(self) -> int:
        """How many rules' grants were computed rather than remembered."""
        return sum(m.computed for m in self._grants.values())

    def __call__(self, facts: Facts) -> Assessment:
        return combine(
            [self._decide(policy, memory, facts) for policy, memory in zip(self.policies, self._paths, strict=True)]
        )

    def _decide(self, policy: Policy, memory: _Memory, facts: Facts) -> Decision:
        path = memory.recall(facts, partial(rules_that_hold, policy))
        if isinstance(path, Decision):
            return path
        found, rules = path
        grants: list[Grant] = [
            self._grants[id(rule)].recall(facts, partial(_rule_grant, policy, rule)) for rule in rules
        ]
        # The same path and grants (remembered objects) make the same decision.
        key = (id(path), *map(id, grants))
        seen = self._decisions.get(key)
        if seen is not None and seen[0] is path and all(a is b for a, b in zip(seen[1], grants, strict=True)):
            return seen[2]
        decision = grant(policy, found, grants)
        self._decisions[key] = (path, grants, decision)
        return decision
