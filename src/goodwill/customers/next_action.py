"""The suggested next action on a passenger, pure: what the agent looking at the customer 360 should do first.

The rules read facts the 360 already holds, in this order (the first that applies is the suggestion; the next
two are shown as "then"):

1. an open case that is overdue, or due within `SOON`: answer or resolve it;
2. a disrupted flight (cancelled, diverted, denied boarding, a mishandled bag, or a delay of `LONG_DELAY`
   minutes or more) with no entitlement decided and no case: check what is owed;
3. negative feedback (or an NPS of 0-6) that no case took up and no answer followed: reach out;
4. a gold or platinum passenger with a disrupted flight and no voucher issued after it: consider a gesture;
5. an open case waiting on nobody in particular (new or open, not due soon): move it forward;
6. a wish for an upcoming trip: prepare it;
7. a voucher with a balance that expires within `EXPIRY_NOTICE`: remind them;

and when none applies, "nothing pressing". Each action says why, so the agent can judge it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from goodwill.kit.time import spoken_span

SOON = timedelta(hours=4)
LONG_DELAY = 180  # minutes: the delay after which compensation rules usually start to owe something
EXPIRY_NOTICE = timedelta(days=30)
TOP_TIERS = frozenset({"gold", "platinum"})
SERIOUS = frozenset({"cancellation", "diversion", "denied_boarding", "bag_mishandled", "tarmac_delay"})


@dataclass(frozen=True)
class OpenCase:
    reference: str
    subject: str
    status: str  # new, open or waiting_on_passenger
    priority: str
    first_responded: bool
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None


@dataclass(frozen=True)
class Disruption:
    flight_id: str
    flight: str  # "B6 1423"
    date: date
    kinds: tuple[str, ...]  # event types on the leg
    delay_minutes: int  # the longest arrival (or departure) delay recorded
    occurred_at: datetime


@dataclass(frozen=True)
class FeedbackFact:
    received_at: datetime
    sentiment: str | None
    nps: int | None
    topics: tuple[str, ...]
    has_case: bool


@dataclass(frozen=True)
class WishFact:
    occasion: str
    travel_date: date | None


@dataclass(frozen=True)
class VoucherFact:
    code: str
    balance_minor: int
    currency: str
    expires_at: datetime | None
    issued_at: datetime


@dataclass(frozen=True)
class PassengerFacts:
    now: datetime
    tier: str
    open_cases: Sequence[OpenCase] = ()
    disruptions: Sequence[Disruption] = ()
    flights_with_entitlements: frozenset[str] = frozenset()
    flights_with_cases: frozenset[str] = frozenset()
    feedback: Sequence[FeedbackFact] = ()
    last_outbound_at: datetime | None = None
    upcoming_dates: Sequence[date] = ()
    wishes: Sequence[WishFact] = ()
    vouchers: Sequence[VoucherFact] = ()


@dataclass(frozen=True)
class NextAction:
    kind: str  # answer_case, check_entitlement, reach_out, gesture, progress_case, prepare_wish, remind_voucher, none
    title: str
    why: str
    urgent: bool = False
    case_reference: str | None = None


def _due(case: OpenCase) -> tuple[str, datetime] | None:
    """What the case owes next and when: its first answer, else its resolution."""
    if not case.first_responded and case.first_response_due_at is not None:
        return "first answer", case.first_response_due_at
    if case.resolution_due_at is not None:
        return "resolution", case.resolution_due_at
    return None


def is_serious(d: Disruption) -> bool:
    return bool(SERIOUS.intersection(d.kinds)) or d.delay_minutes >= LONG_DELAY


def _describe(d: Disruption) -> str:
    kinds = [k.replace("_", " ") for k in d.kinds if k != "delay"]
    if d.delay_minutes:
        kinds.append(f"delayed {d.delay_minutes} min")
    return f"{d.flight} on {d.date.isoformat()} ({', '.join(kinds) or 'disrupted'})"


def suggest(facts: PassengerFacts) -> list[NextAction]:
    """The actions worth taking, most pressing first (at least one: "nothing pressing")."""
    actions: list[NextAction] = []
    now = facts.now
    pressing, other = [], []
    for case in facts.open_cases:
        due = _due(case)
        if case.status != "waiting_on_passenger" and due is not None and due[1] <= now + SOON:
            pressing.append((due[1], case, due[0]))
        elif case.status != "waiting_on_passenger":
            other.append(case)
    for at, case, what in sorted(pressing, key=lambda p: (p[0], p[1].reference)):
        late = at <= now
        when = f"{spoken_span(now - at)} overdue" if late else f"due in {spoken_span(at - now)}"
        verb = "Answer" if what == "first answer" else "Resolve"
        actions.append(
            NextAction(
                "answer_case",
                f"{verb} case {case.reference}",
                f"Its {what} is {when} ({case.priority} priority): {case.subject}",
                urgent=True,
                case_reference=case.reference,
            )
        )
    serious = [d for d in facts.disruptions if is_serious(d)]
    for d in sorted(serious, key=lambda d: d.occurred_at, reverse=True):
        if d.flight_id in facts.flights_with_entitlements or d.flight_id in facts.flights_with_cases:
            continue
        actions.append(
            NextAction(
                "check_entitlement",
                f"Check what is owed for {d.flight}",
                f"{_describe(d)}: no entitlement has been decided and no case is open for it.",
            )
        )
    unheard = [
        f
        for f in facts.feedback
        if not f.has_case
        and (f.sentiment == "negative" or (f.nps is not None and f.nps <= 6))
        and (facts.last_outbound_at is None or facts.last_outbound_at < f.received_at)
    ]
    if unheard:
        latest = max(unheard, key=lambda f: f.received_at)
        about = ", ".join(t.replace("_", " ") for t in latest.topics) or "their trip"
        score = f" (NPS {latest.nps})" if latest.nps is not None else ""
        actions.append(
            NextAction(
                "reach_out",
                "Reach out: they were unhappy",
                f"Feedback of {latest.received_at.date().isoformat()}{score} about {about} got no answer yet.",
            )
        )
    if facts.tier in TOP_TIERS and serious:
        last = max(serious, key=lambda d: d.occurred_at)
        if not any(v.issued_at >= last.occurred_at for v in facts.vouchers):
            actions.append(
                NextAction(
                    "gesture",
                    "Consider a goodwill gesture",
                    f"A {facts.tier} passenger whose {_describe(last)} was not followed by any voucher.",
                )
            )
    for case in sorted(other, key=lambda c: c.reference):
        actions.append(
            NextAction(
                "progress_case",
                f"Move case {case.reference} forward",
                f"Open, {case.priority} priority: {case.subject}",
                case_reference=case.reference,
            )
        )
    coming = sorted(facts.upcoming_dates)
    for wish in facts.wishes:
        if wish.travel_date is not None and wish.travel_date in coming:
            actions.append(
                NextAction(
                    "prepare_wish",
                    f"Prepare their {wish.occasion.replace('_', ' ')}",
                    f"They travel on {wish.travel_date.isoformat()} and asked for it.",
                )
            )
    for v in sorted(facts.vouchers, key=lambda v: v.expires_at or now):
        if v.balance_minor > 0 and v.expires_at is not None and now <= v.expires_at <= now + EXPIRY_NOTICE:
            actions.append(
                NextAction(
                    "remind_voucher",
                    f"Remind them of voucher {v.code}",
                    f"Its balance expires on {v.expires_at.date().isoformat()}.",
                )
            )
    if not actions:
        actions.append(NextAction("none", "Nothing pressing", "No open case is due, and nothing owed is undecided."))
    return actions
