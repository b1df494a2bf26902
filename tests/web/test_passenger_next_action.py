"""The suggested next action on a passenger: the rules in order, each with its reason (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from goodwill.customers.next_action import (
    Disruption,
    FeedbackFact,
    OpenCase,
    PassengerFacts,
    VoucherFact,
    WishFact,
    suggest,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def case(ref: str, *, due_in: timedelta, status: str = "new", responded: bool = False) -> OpenCase:
    return OpenCase(ref, "Lost bag", status, "high", responded, NOW + due_in, NOW + due_in + timedelta(days=2))


def blizzard(flight_id: str = "f1", **kw: object) -> Disruption:
    values: dict[str, object] = {
        "flight_id": flight_id,
        "flight": "B6 1423",
        "date": date(2013, 2, 8),
        "kinds": ("cancellation",),
        "delay_minutes": 0,
        "occurred_at": datetime(2013, 2, 8, 12, tzinfo=UTC),
    }
    values.update(kw)
    return Disruption(**values)  # type: ignore[arg-type]


def test_nothing_pressing_when_nothing_applies() -> None:
    [only] = suggest(PassengerFacts(now=NOW, tier="none"))
    assert only.kind == "none"


def test_an_overdue_case_comes_first_and_names_the_case() -> None:
    facts = PassengerFacts(
        now=NOW,
        tier="gold",
        open_cases=[case("C-2", due_in=timedelta(hours=3)), case("C-1", due_in=-timedelta(minutes=30))],
        disruptions=[blizzard()],
    )
    actions = suggest(facts)
    assert [a.kind for a in actions[:3]] == ["answer_case", "answer_case", "check_entitlement"]
    assert actions[0].case_reference == "C-1"
    assert actions[0].urgent
    assert "30 min overdue" in actions[0].why
    assert "due in 3 h 00 min" in actions[1].why


def test_a_case_waiting_on_the_passenger_is_not_pressing() -> None:
    facts = PassengerFacts(
        now=NOW, tier="none", open_cases=[case("C-1", due_in=-timedelta(hours=1), status="waiting_on_passenger")]
    )
    assert suggest(facts)[0].kind == "none"


def test_a_case_not_due_soon_is_moved_forward_after_what_is_owed() -> None:
    facts = PassengerFacts(now=NOW, tier="none", open_cases=[case("C-9", due_in=timedelta(days=3))])
    assert [a.kind for a in suggest(facts)] == ["progress_case"]


def test_a_disruption_with_an_entitlement_decided_owes_no_check() -> None:
    small = blizzard("f2", kinds=("delay",), delay_minutes=45)
    facts = PassengerFacts(
        now=NOW, tier="none", disruptions=[blizzard(), small], flights_with_entitlements=frozenset({"f1"})
    )
    assert suggest(facts)[0].kind == "none"  # f1 decided, f2 a short delay


def test_a_long_delay_is_serious() -> None:
    [action] = suggest(
        PassengerFacts(now=NOW, tier="none", disruptions=[blizzard(kinds=("delay",), delay_minutes=200)])
    )
    assert action.kind == "check_entitlement"
    assert "delayed 200 min" in action.why


def test_unanswered_negative_feedback_asks_to_reach_out_until_an_answer_follows() -> None:
    said = FeedbackFact(NOW - timedelta(days=2), "negative", 3, ("lost_baggage",), has_case=False)
    [action] = suggest(PassengerFacts(now=NOW, tier="none", feedback=[said]))
    assert action.kind == "reach_out"
    assert "NPS 3" in action.why
    assert "lost baggage" in action.why
    answered = PassengerFacts(now=NOW, tier="none", feedback=[said], last_outbound_at=NOW - timedelta(days=1))
    assert suggest(answered)[0].kind == "none"
    with_case = FeedbackFact(NOW, "negative", None, (), has_case=True)
    assert suggest(PassengerFacts(now=NOW, tier="none", feedback=[with_case]))[0].kind == "none"


def test_a_top_tier_passenger_disrupted_without_a_voucher_since_gets_a_gesture() -> None:
    facts = PassengerFacts(
        now=NOW, tier="platinum", disruptions=[blizzard()], flights_with_entitlements=frozenset({"f1"})
    )
    assert [a.kind for a in suggest(facts)] == ["gesture"]
    later = VoucherFact("V1", 5000, "USD", None, datetime(2013, 2, 10, tzinfo=UTC))
    facts = PassengerFacts(
        now=NOW,
        tier="platinum",
        disruptions=[blizzard()],
        flights_with_entitlements=frozenset({"f1"}),
        vouchers=[later],
    )
    assert suggest(facts)[0].kind == "none"


def test_a_wish_for_an_upcoming_trip_and_an_expiring_voucher() -> None:
    facts = PassengerFacts(
        now=NOW,
        tier="none",
        upcoming_dates=[date(2026, 12, 24)],
        wishes=[WishFact("birthday", date(2026, 12, 24)), WishFact("honeymoon", date(2027, 6, 1))],
        vouchers=[
            VoucherFact("V1", 2500, "USD", NOW + timedelta(days=10), NOW - timedelta(days=300)),
            VoucherFact("V2", 0, "USD", NOW + timedelta(days=10), NOW - timedelta(days=300)),
            VoucherFact("V3", 2500, "USD", NOW + timedelta(days=90), NOW),
        ],
    )
    actions = suggest(facts)
    assert [(a.kind, a.title) for a in actions] == [
        ("prepare_wish", "Prepare their birthday"),
        ("remind_voucher", "Remind them of voucher V1"),
    ]
