"""The policy files: the regimes shipped with Goodwill, and an airline's own, read and validated.

Goodwill ships one TOML file per regime in `goodwill/recovery/policies/`. An airline adds its goodwill
policy as another file (`--policies DIR` or `GOODWILL_POLICY_DIR`): no code. A file with a mistake is
refused with its name, the rule and the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import airportsdata
from pydantic import ValidationError

from goodwill.errors import InvalidInput
from goodwill.recovery.facts import Place
from goodwill.recovery.policy import Policy, parse_policy


def _where(data: dict[str, object], loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location into words: rule 'art7.delay' field compensation.amount."""
    if loc and loc[0] == "rules" and len(loc) > 1 and isinstance(loc[1], int):
        rules = data.get("rule")
        rule_id = "?"
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = str(rules[loc[1]].get("id", "?"))
        rest = ".".join(str(p) for p in loc[2:])
        return f"rule {rule_id!r}" + (f" field {rest}" if rest else "")
    return "policy field " + ".".join(str(p) for p in loc)


def load_text(text: str, *, name: str) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{name}: not valid TOML: {exc}", problems=[{"where": name, "msg": str(exc)}]) from exc
    try:
        return parse_policy(data)
    except ValidationError as exc:
        problems = [
            {"where": name, "loc": list(e["loc"]), "msg": f"{_where(data, tuple(e['loc']))}: {e['msg']}"}
            for e in exc.errors()
        ]
        raise InvalidInput(f"{name}: {len(problems)} problem(s) in the policy", problems=problems) from exc
    except ValueError as exc:
        raise InvalidInput(f"{name}: {exc}", problems=[{"where": name, "msg": str(exc)}]) from exc


@cache
def builtin() -> tuple[Policy, ...]:
    """The policies shipped with Goodwill, by file name."""
    folder = resources.files("goodwill.recovery") / "policies"
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    return tuple(load_text(p.read_text(encoding="utf-8"), name=p.name) for p in found)


def load_dir(directory: Path) -> tuple[Policy, ...]:
    if not directory.is_dir():
        raise InvalidInput(f"{directory}: no such policy directory")
    return tuple(load_text(p.read_text(encoding="utf-8"), name=str(p)) for p in sorted(directory.glob("*.toml")))


def policies(extra: Iterable[Path] = ()) -> tuple[Policy, ...]:
    """The built-in policies and any airline policies from `extra` directories; ids must be unique."""
    found = list(builtin())
    for directory in extra:
        found.extend(load_dir(directory))
    seen: dict[str, str] = {}
    for policy in found:
        if policy.id in seen:
            raise InvalidInput(f"policy id {policy.id!r} is defined twice")
        seen[policy.id] = policy.name
    return tuple(found)


def by_id(policy_id: str, found: Iterable[Policy] | None = None) -> Policy:
    for policy in found if found is not None else builtin():
        if policy.id == policy_id:
            return policy
    raise InvalidInput(f"no policy {policy_id!r}")


@lru_cache(maxsize=1)
def _airports() -> dict[str, dict[str, Any]]:
    return cast(dict[str, dict[str, Any]], airportsdata.load("IATA"))


def place(code: str) -> Place | None:
    """An airport from the airportsdata package, as the engine sees it (None if the code is unknown)."""
    found = _airports().get(code.upper())
    if found is None:
        return None
    return Place(code.upper(), str(found["country"]), float(found["lat"]), float(found["lon"]), str(found["tz"]))
