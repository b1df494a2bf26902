"""Policies as data: the passenger-rights rules of one regime (or one airline's goodwill), read from TOML.

A policy names its regime, currency and the dates it is in force, and lists rules. A rule says when it
applies (`when`: every condition must hold; `unless`: any one of these condition sets excludes it), the
dates it is in force, its legal basis, and what it grants: compensation (an amount and a form), rights
(refund, rebooking) and care. Pure: parsing and validation only (the files are read by
`goodwill.recovery.catalogue`).

Conditions compare a named fact (see `goodwill.recovery.facts`) with a value:
    event = "delay"                          equal
    cause = ["controllable", "unknown"]      one of
    arrival_delay_minutes = { gte = 180, lt = 360 }   comparisons: gt, gte, lt, lte, eq, ne, in, not_in
    notice_days = { exists = false }         the fact is not known
A condition on a fact that is not known fails (in `unless` too: an exception must be shown to apply).

Amounts are in major units of the policy's currency, written as strings or integers ("250", 250, "12.50"):
    amount = "400"
    amount = { by = "band", values = { a = "250", b = "400", c = "600" } }      a table keyed by a fact
    amount = { by = "arrival_delay_minutes", steps = [[180, "400"], [360, "700"]] }  the highest step reached
    amount = { fact = "fare_one_way", percent = 400, cap = "2150", minimum = "50" }  from a money fact
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CARE_CODES = (
    "meals",
    "hotel",
    "hotel_transport",
    "communication",
    "lavatory",
    "medical",
    "status_updates",
    "ventilation",
)
OPERATORS = ("gt", "gte", "lt", "lte", "eq", "ne", "in", "not_in", "exists")


class Form(StrEnum):
    CASH = "cash"
    VOUCHER = "voucher"
    CREDIT = "credit"


class Verification(StrEnum):
    VERIFIED = "verified"
    PARTIALLY_VERIFIED = "partially_verified"
    CONFLICTING_SOURCES = "conflicting_sources"
    UNVERIFIED = "unverified"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('an amount is a string or an integer of major units, such as "250" or "12.50"')
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not result.is_finite() or result < 0:
        raise ValueError(f"not an amount: {value!r}")
    return result


class InForce(Strict):
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")  # the last day in force

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def covers(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


class Amount(Strict):
    """How much: fixed, from a table keyed by a fact, by steps of a number, or a share of a money fact."""

    fixed: Decimal | None = None
    by: str | None = None
    values: dict[str, Decimal] | None = None
    steps: tuple[tuple[float, Decimal], ...] | None = None
    fact: str | None = None
    percent: Decimal = Decimal(100)
    cap: Decimal | None = None
    minimum: Decimal | None = None
    fallback: Amount | None = None  # when `fact` is not known

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str | int) and not isinstance(data, bool):
            return {"fixed": _decimal(data)}
        if isinstance(data, dict):
            data = dict(data)
            for key in ("cap", "minimum", "percent"):
                if key in data:
                    data[key] = _decimal(data[key])
            if isinstance(data.get("values"), dict):
                data["values"] = {k: _decimal(v) for k, v in data["values"].items()}
            if isinstance(data.get("steps"), list):
                steps = []
                for step in data["steps"]:
                    if not isinstance(step, list | tuple) or len(step) != 2:
                        raise ValueError("each step is [threshold, amount]")
                    steps.append((float(step[0]), _decimal(step[1])))
                data["steps"] = tuple(sorted(steps))
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> Amount:
        kinds = [self.fixed is not None, self.values is not None, self.steps is not None, self.fact is not None]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of: a fixed amount, `values` (with `by`), `steps` (with `by`), `fact`")
        if (self.values is not None or self.steps is not None) and not self.by:
            raise ValueError("`values` and `steps` need `by`: the fact they are keyed by")
        return self


class Reduction(Strict):
    percent: Decimal
    when: dict[str, Any] = Field(default_factory=dict)
    basis: str

    @field_validator("percent", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Decimal:
        return _decimal(value)


class Compensation(Strict):
    amount: Amount
    form: Form = Form.CASH
    currency: str | None = None  # default: the policy's
    reductions: tuple[Reduction, ...] = ()


class Limit(Strict):
    """A cap on what a passenger may claim for proven damage (Montreal Convention), not a payment."""

    amount: Decimal
    what: str
    currency: str | None = None  # default: the policy's

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        return _decimal(value)


class Rule(Strict):
    id: str
    basis: str
    summary: str = ""
    in_force: InForce = InForce()
    when: dict[str, Any] = Field(default_factory=dict)
    unless: tuple[dict[str, Any], ...] = ()
    compensation: Compensation | None = None
    group: str = "compensation"  # within a policy, only the highest compensation of a group is paid
    rights: tuple[Literal["refund", "rebooking"], ...] = ()
    care: tuple[str, ...] = ()
    limit: Limit | None = None
    explain: str = ""
    verification: Verification = Verification.VERIFIED
    note: str = ""

    @field_validator("care")
    @classmethod
    def _care(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if c not in CARE_CODES]
        if unknown:
            raise ValueError(f"unknown care code(s) {', '.join(unknown)}; known: {', '.join(CARE_CODES)}")
        return value

    @field_validator("when")
    @classmethod
    def _when(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_conditions(value)
        return value

    @field_validator("unless")
    @classmethod
    def _unless(cls, value: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
        for conditions in value:
            _check_conditions(conditions)
        return value

    @model_validator(mode="after")
    def _grants_something(self) -> Rule:
        if self.compensation is None and not self.rights and not self.care and self.limit is None:
            raise ValueError("a rule must grant compensation, rights, care or a limit")
        return self


def _check_conditions(conditions: dict[str, Any]) -> None:
    for name, test in conditions.items():
        if isinstance(test, dict):
            unknown = [op for op in test if op not in OPERATORS]
            if unknown:
                raise ValueError(f"{name}: unknown operator(s) {', '.join(unknown)}; known: {', '.join(OPERATORS)}")


class PolicyKind(StrEnum):
    STATUTORY = "statutory"  # a law: where several apply, one compensation per disruption
    CARRIER = "carrier"  # an airline's own commitment (customer bill of rights, goodwill): on top


class Policy(Strict):
    id: str
    name: str
    regime: str  # the scope it follows: eu261, uk261, appr, us_dot, montreal, or carrier
    kind: PolicyKind
    currency: str
    version: str
    in_force: InForce = InForce()
    carriers: tuple[str, ...] = ()  # a carrier policy: the operating carriers it covers
    sources: tuple[str, ...] = ()
    note: str = ""
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        if self.kind is PolicyKind.CARRIER and not self.carriers:
            raise ValueError('a carrier policy names the carriers it covers (`carriers = ["B6"]`)')
        return self


def parse_policy(data: dict[str, Any]) -> Policy:
    """Validate one policy document (the parsed TOML: a [policy] table and [[rule]] tables)."""
    if not isinstance(data.get("policy"), dict):
        raise ValueError("a policy file starts with a [policy] table")
    return Policy.model_validate({**data["policy"], "rules": data.get("rule", [])})
