"""Ids made in bulk have the layout and order of one-at-a-time ids; fold's fast path changes nothing."""

from __future__ import annotations

import unicodedata
import uuid

import pytest

from goodwill.kit.ids import new_id, new_ids
from goodwill.kit.text import fold


def test_bulk_ids_are_version_7_unique_and_increasing() -> None:
    before = new_id()
    ids = new_ids(10_000)
    after = new_id()
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert len(set(ids)) == len(ids)
    assert [before, *ids, after] == sorted([before, *ids, after])


def test_bulk_ids_are_ordinary_uuids() -> None:
    (made,) = new_ids(1)
    again = uuid.UUID(str(made))
    assert made == again
    assert hash(made) == hash(again)
    assert made.hex == again.hex


@pytest.mark.parametrize("name", ["López Ana", "MARTIN chloé", "O'Brien  ", "Straße", "Ångström", "plain"])
def test_fold_fast_path_matches_the_full_form(name: str) -> None:
    decomposed = unicodedata.normalize("NFKD", name)
    slow = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
    assert fold(name) == slow
