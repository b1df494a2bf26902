"""The closed loop's rule: who needs a person, why, how soon, in which kind of case."""

from __future__ import annotations

import pytest

from goodwill.listening.loop import FeedbackFacts, case_type_for, decide

ANGRY = {"sentiment": "negative", "sentiment_score": -0.85, "sentiment_confidence": 0.9}


@pytest.mark.parametrize(
    ("facts", "reasons", "priority"),
    [
        pytest.param(FeedbackFacts(nps=6), ("detractor",), "normal", id="nps-6-is-a-detractor"),
        pytest.param(FeedbackFacts(nps=0), ("detractor",), "normal", id="nps-0-is-a-detractor"),
        pytest.param(FeedbackFacts(nps=7), (), None, id="nps-7-is-passive"),
        pytest.param(FeedbackFacts(**ANGRY), ("angry",), "high", id="strong-negative-is-angry"),
        pytest.param(
            FeedbackFacts(sentiment="negative", sentiment_score=-0.65, sentiment_confidence=0.9), (), None,
            id="mild-negative-is-not-angry",
        ),
        pytest.param(
            FeedbackFacts(sentiment="negative", sentiment_score=-0.9, sentiment_confidence=0.6), (), None,
            id="unsure-negative-is-not-angry",
        ),
        pytest.param(FeedbackFacts(sentiment="negative"), (), None, id="no-score-no-anger"),
        pytest.param(FeedbackFacts(urgency=("wedding",)), ("urgent",), "high", id="wedding-is-urgent-high"),
        pytest.param(FeedbackFacts(urgency=("medical",)), ("urgent",), "urgent", id="medical-is-urgent-urgent"),
        pytest.param(
            FeedbackFacts(sentiment="negative", sentiment_score=-0.2, sentiment_confidence=0.5, tier="gold"),
            ("top_tier_negative",), "high", id="gold-mild-negative-raised-one-step",
        ),
        pytest.param(FeedbackFacts(sentiment="negative", tier="silver"), (), None, id="silver-negative-no-person"),
        pytest.param(FeedbackFacts(sentiment="positive", tier="platinum"), (), None, id="platinum-positive-no-person"),
        pytest.param(
            FeedbackFacts(nps=2, urgency=("stranded",), tier="platinum", **ANGRY),
            ("detractor", "angry", "urgent", "top_tier_negative"), "urgent", id="everything-capped-at-urgent",
        ),
        pytest.param(FeedbackFacts(nps=1, is_spam=True, urgency=("medical",), **ANGRY), (), None, id="spam-never"),
    ],
)  # fmt: skip
def test_reasons_and_priority(facts: FeedbackFacts, reasons: tuple[str, ...], priority: str | None) -> None:
    decision = decide(facts)
    assert decision.reasons == reasons
    assert decision.priority == priority
    assert decision.needs_person == bool(reasons)


@pytest.mark.parametrize(
    ("topics", "kind"),
    [
        (("late_flight", "lost_baggage"), "baggage"),
        (("damaged_baggage", "refunds_compensation"), "baggage"),
        (("refunds_compensation",), "compensation_claim"),
        (("crew",), "complaint"),
        ((), "complaint"),
    ],
)
def test_the_topics_choose_the_kind_of_case(topics: tuple[str, ...], kind: str) -> None:
    assert case_type_for(topics) == kind
    assert decide(FeedbackFacts(nps=3, topics=topics)).case_type == kind
