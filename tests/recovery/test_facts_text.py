"""An entitlement's facts written as JSON text from shared parts (SQLite) are the very text of the whole dict."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from goodwill.recovery.service import _ENTITLEMENT_COLUMNS, _OWN_FACTS, FactsTexts, _entitlement_values
from goodwill.recovery.settle import Owed, _alone, _fingerprint, merge_pay
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
    texts = FactsTexts()
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
    """Two passengers paid alike on one journey share its facts dict (`_kept`), and so one payment facts dict
    (`merge_pay`); each row's text is its own dict's. Equal facts in another dict make equal facts."""
    kept = {"event": "delay", "arrival_delay_minutes": 240, "flight_date": "2026-02-14", "missed_connection": False}
    first, second, third = (
        merge_pay(o.claim_key, "delay", o, {}, passenger_id=o.passenger_id, booking_id=o.booking_id)
        for o in (_owed(kept), _owed(kept), _owed(dict(kept)))
    )
    assert first is not None
    assert second is not None
    assert third is not None
    assert first.facts is second.facts  # shared: serialised once
    assert third.facts == first.facts
    for o in (first, second, third):
        text, whole = _both(o, 2, (uuid.uuid4(), "D-301", 3), [{"revision": 1, "status": "granted"}])
        assert text == whole
        assert json.loads(text)["by_event"]["delay"]["amount_minor"] == 40_000


def test_facts_that_name_a_key_of_the_row_are_written_as_a_dict() -> None:
    o = _owed({"revision": 7, "band": "long"})
    assert isinstance(_entitlement_values(o, 1, (uuid.uuid4(), "E", 1), NOW, [], FactsTexts())[FACTS], dict)


@given(
    event_type=st.text(max_size=12),
    rule_id=st.text(max_size=20),
    amount=st.none() | st.integers(-(10**12), 10**12),
    currency=st.none() | st.text(max_size=4),
    form=st.none() | st.text(max_size=8),
)
def test_one_events_fingerprint_is_the_text_json_makes(
    event_type: str, rule_id: str, amount: int | None, currency: str | None, form: str | None
) -> None:
    """A payment's fingerprint is stored in its digest: the text built directly must be json's, to the byte
    (or a replay would see every claim changed)."""
    entry = {"rule_id": rule_id, "amount_minor": amount, "currency": currency, "form": form}
    assert _alone(event_type, rule_id, amount, currency, form) == _fingerprint({event_type: entry})


@given(amounts=st.lists(st.integers(0, 10**9), min_size=2, max_size=6), explanation=st.text(max_size=30))
def test_payments_that_differ_in_amount_alone_make_each_its_own_text(amounts: list[int], explanation: str) -> None:
    """A journey's passengers paid a share of different fares: one text made, each amount put in its place,
    each the very text of its own dict."""
    kept = {"event": "cancellation", "distance_km": 1_234.5, "flight_date": "2026-02-14", "note": explanation}
    texts = FactsTexts()
    event = (uuid.uuid4(), "C-1", 1)
    for amount in amounts:
        o = replace(_owed(kept, amount), explanation=explanation)
        paid = merge_pay(o.claim_key, "cancellation", o, {}, passenger_id=o.passenger_id, booking_id=o.booking_id)
        assert paid is not None
        text = _entitlement_values(paid, 1, event, NOW, [], texts)[FACTS]
        whole = _entitlement_values(paid, 1, event, NOW, [])[FACTS]
        assert type(text) is JSONText
        assert str(_json(text)) == str(_json(whole))
        assert json.loads(text)["by_event"]["cancellation"]["amount_minor"] == amount
