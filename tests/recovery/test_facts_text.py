"""An entitlement's facts written as JSON text from shared parts (SQLite) are the very text of the whole dict."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from goodwill.recovery.service import _ENTITLEMENT_COLUMNS, _OWN_FACTS, _entitlement_values
from goodwill.recovery.settle import Owed, merge_pay
from goodwill.store.bulk import JSONText, _json

NOW = datetime(2026, 2, 14, 12, 0, tzinfo=UTC)
FACTS = _ENTITLEMENT_COLUMNS.index("facts")
FLIGHT = uuid.uuid4()
plain = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.floats(allow_nan=False))


def _owed(facts: dict[str, Any], amount: int | None = 40_000) -> Owed:
    return Owed(
        f"{uuid.uuid4().hex}:{uuid.uuid4().hex}:1:pay:eu261:delay",
        uuid.uuid4(),
        FLIGHT,
        uuid.uuid4(),
        "compensation",
        "EU261",
        "eu261",
        "2024-1",
        "eu261.delay.long",
        "Art. 7",
        'Your flight arrived 4 hours late: \u20ac400 "a quote"',
        amount,
        "EUR",
        "cash",
        facts=facts,
    )


def _both(o: Owed, revision: int, event: tuple[uuid.UUID, str, int], history: list[Any]) -> tuple[str, str]:
    texts: dict[int, str] = {}
    as_text = _entitlement_values(o, revision, event, NOW, history, texts)[FACTS]
    assert type(as_text) is JSONText
    as_dict = _entitlement_values(o, revision, event, NOW, history)[FACTS]
    assert isinstance(as_dict, dict)
    return str(_json(as_text)), str(_json(as_dict))


@given(
    facts=st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in _OWN_FACTS), plain, max_size=6),
    revision=st.integers(1, 10),
    external_id=st.text(max_size=12),
    event_revision=st.integers(1, 10),
)
def test_the_facts_text_is_the_text_of_the_dict(
    facts: dict[str, Any], revision: int, external_id: str, event_revision: int
) -> None:
    o = _owed(facts)
    event = (uuid.uuid4(), external_id, event_revision)
    text, whole = _both(o, revision, event, [])
    assert text == whole
    assert json.loads(text) == json.loads(whole)


def test_a_payment_claims_shared_facts_make_the_same_text_as_before() -> None:
    """Two passengers paid alike share one facts dict (`merge_pay`); each row's text is its own dict's."""
    kept = {"event": "delay", "arrival_delay_minutes": 240, "flight_date": "2026-02-14", "missed_connection": False}
    first, second = (
        merge_pay(o.claim_key, "delay", o, {}, passenger_id=o.passenger_id, booking_id=o.booking_id)
        for o in (_owed(kept), _owed(dict(kept)))
    )
    assert first is not None
    assert second is not None
    assert first.facts is second.facts  # shared: serialised once
    for o in (first, second):
        text, whole = _both(o, 2, (uuid.uuid4(), "D-301", 3), [{"revision": 1, "status": "granted"}])
        assert text == whole
        assert json.loads(text)["by_event"]["delay"]["amount_minor"] == 40_000


def test_facts_that_name_a_key_of_the_row_are_written_as_a_dict() -> None:
    o = _owed({"revision": 7, "band": "long"})
    assert isinstance(_entitlement_values(o, 1, (uuid.uuid4(), "E", 1), NOW, [], {})[FACTS], dict)
