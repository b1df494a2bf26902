"""Who is this? Pure decisions on identities: which passenger a set of identity keys belongs to,
and when several records turn out to be one person, which one survives."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# Stronger evidence first: a loyalty number is issued by the airline, an email is the usual key.
MATCH_ORDER = ("loyalty", "email", "phone", "social")

P = TypeVar("P", bound=Hashable)


@dataclass(frozen=True, slots=True)
class IdentityKey:
    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Resolution(Generic[P]):
    """The passenger to use (None: create one), the others to merge into it, and the evidence."""

    passenger: P | None
    merge: tuple[P, ...] = ()
    matched_on: str | None = None
    new_keys: tuple[IdentityKey, ...] = field(default_factory=tuple)


def resolve(keys: Sequence[IdentityKey], owners: Mapping[IdentityKey, P], rank: Mapping[P, int]) -> Resolution[P]:
    """Decide which passenger `keys` describe.

    `owners` maps each already-known key to its passenger; `rank` orders passengers by age (lower = older).
    The survivor is the owner of the strongest matching key (loyalty, then email, phone, social); any other
    passenger owning one of the keys is the same person and is merged into it. Keys nobody owns are new.
    """
    ordered = sorted(keys, key=lambda k: MATCH_ORDER.index(k.kind) if k.kind in MATCH_ORDER else len(MATCH_ORDER))
    matched = [(k, owners[k]) for k in ordered if k in owners]
    new_keys = tuple(k for k in ordered if k not in owners)
    if not matched:
        return Resolution(passenger=None, new_keys=new_keys)
    survivor_key, survivor = matched[0]
    others: list[P] = []
    for _key, owner in matched[1:]:
        if owner != survivor and owner not in others:
            others.append(owner)
    # A loyalty match always wins; otherwise the oldest record survives so links to it stay stable.
    if survivor_key.kind != "loyalty" and others:
        everyone = [survivor, *others]
        everyone.sort(key=lambda p: rank.get(p, 0))
        survivor, others = everyone[0], everyone[1:]
    return Resolution(passenger=survivor, merge=tuple(others), matched_on=survivor_key.kind, new_keys=new_keys)
