"""The closed loop's rule, pure: which feedback needs a person, why, how soon, and which kind of case.

A feedback needs a person for any of these reasons (never when it is spam):

- `detractor`: an NPS answer of 0 to 6;
- `angry`: judged negative with strong intensity: `sentiment_score` (P(positive) − P(negative), −1 ... +1)
  at or below −0.7 and the sentiment's confidence at least 0.7. A model that gives no score makes no one angry;
- `urgent`: the analysis found an urgency (a wedding, a funeral, a medical need, a child alone...);
- `top_tier_negative`: any negative message, however mild, from a passenger of a top tier (gold, platinum).

Priority: `urgent` for a medical need, a disability, a child travelling alone or a stranded passenger, `high` for
another urgency or an angry message, else `normal`; a top-tier passenger's case is raised one step.
The kind of case follows the topics: a lost or damaged bag is a `baggage` case, a refund or compensation a
`compensation_claim`, anything else a `complaint`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goodwill.cases.sla import PRIORITIES

DETRACTOR_MAX_NPS = 6
ANGRY_SCORE = -0.7
ANGRY_CONFIDENCE = 0.7
TOP_TIERS = frozenset({"gold", "platinum"})
PRESSING_URGENCIES = frozenset({"medical", "disability", "unaccompanied_minor", "stranded"})
BAGGAGE_TOPICS = frozenset({"lost_baggage", "damaged_baggage"})
MONEY_TOPICS = frozenset({"refunds_compensation"})

REASONS = ("detractor", "angry", "urgent", "top_tier_negative")


@dataclass(frozen=True)
class FeedbackFacts:
    """What the loop reads of one analysed feedback and its passenger."""

    nps: int | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    sentiment_confidence: float | None = None
    urgency: Sequence[str] = ()
    topics: Sequence[str] = ()
    is_spam: bool | None = None
    tier: str | None = None


@dataclass(frozen=True)
class LoopDecision:
    reasons: tuple[str, ...]
    priority: str | None
    case_type: str | None

    @property
    def needs_person(self) -> bool:
        return bool(self.reasons)


NO_ONE = LoopDecision((), None, None)


def is_angry(facts: FeedbackFacts) -> bool:
    """Negative with strong intensity, as the module's docstring defines it."""
    return (
        facts.sentiment == "negative"
        and facts.sentiment_score is not None
        and facts.sentiment_score <= ANGRY_SCORE
        and (facts.sentiment_confidence or 0.0) >= ANGRY_CONFIDENCE
    )


def case_type_for(topics: Sequence[str]) -> str:
    """The kind of case the topics call for."""
    if BAGGAGE_TOPICS.intersection(topics):
        return "baggage"
    if MONEY_TOPICS.intersection(topics):
        return "compensation_claim"
    return "complaint"


def decide(facts: FeedbackFacts) -> LoopDecision:
    """Whether this feedback needs a person, with the reasons, the priority and the kind of case."""
    if facts.is_spam:
        return NO_ONE
    reasons: list[str] = []
    if facts.nps is not None and 0 <= facts.nps <= DETRACTOR_MAX_NPS:
        reasons.append("detractor")
    if is_angry(facts):
        reasons.append("angry")
    if facts.urgency:
        reasons.append("urgent")
    top_tier = (facts.tier or "none") in TOP_TIERS
    if top_tier and facts.sentiment == "negative":
        reasons.append("top_tier_negative")
    if not reasons:
        return NO_ONE
    if PRESSING_URGENCIES.intersection(facts.urgency):
        priority = "urgent"
    elif "urgent" in reasons or "angry" in reasons:
        priority = "high"
    else:
        priority = "normal"
    if top_tier:
        priority = PRIORITIES[min(PRIORITIES.index(priority) + 1, len(PRIORITIES) - 1)]
    return LoopDecision(tuple(reasons), priority, case_type_for(facts.topics))
