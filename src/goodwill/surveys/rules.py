"""Who is invited to a post-flight survey, and why not. Pure: facts in, one decision per leg out.

A leg is one passenger on one segment of a flight that has arrived. The rules, in the order they are tried
(the first that holds is the reason a leg gets no invitation):

1. `not_flown`: the segment was cancelled or rebooked, or the flight was cancelled or has not arrived;
2. `passenger_inactive`: the passenger's record was erased or merged into another;
3. `already_invited`: this passenger was invited for this segment before (a rerun invites nobody twice);
4. `no_consent`: the passenger refused email for surveys (or, with no survey answer recorded, for service
   messages); with `Policy.require_consent`, not having said yes is enough;
5. `no_email`: there is no email address to send the link to;
6. `open_case`: the passenger has a recovery case that is new, open or waiting on them: we ask once the
   case is settled, not while we still owe them an answer;
7. `recently_invited`: the passenger was invited within `Policy.window` (earlier in this run counts too;
   the earliest arrival of a run is the one surveyed).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from goodwill.errors import InvalidInput

DEFAULT_WINDOW = timedelta(days=30)
DEFAULT_LINK_VALIDITY = timedelta(days=14)
FALLBACK_LANGUAGE = "en"
# A segment in one of these states was (or is being) flown; cancelled and rebooked ones were not.
FLOWN_SEGMENT_STATUSES = frozenset({"confirmed", "flown"})
OPEN_CASE_STATUSES = ("new", "open", "waiting_on_passenger")
TEXT_LIMIT = 5000


class Reason(StrEnum):
    """Why a leg gets no invitation."""

    NOT_FLOWN = "not_flown"
    PASSENGER_INACTIVE = "passenger_inactive"
    ALREADY_INVITED = "already_invited"
    NO_CONSENT = "no_consent"
    NO_EMAIL = "no_email"
    OPEN_CASE = "open_case"
    RECENTLY_INVITED = "recently_invited"


@dataclass(frozen=True)
class Policy:
    window: timedelta = DEFAULT_WINDOW
    link_valid_for: timedelta = DEFAULT_LINK_VALIDITY
    require_consent: bool = False


@dataclass(frozen=True)
class Leg:
    """One passenger on one segment of an arrived (or, for `not_flown`, a cancelled) flight."""

    segment_id: uuid.UUID
    passenger_id: uuid.UUID
    booking_id: uuid.UUID
    flight_id: uuid.UUID
    arrived_at: datetime
    segment_status: str
    flight_arrived: bool


@dataclass(frozen=True)
class PassengerFacts:
    status: str
    language: str | None
    has_email: bool
    # The passenger's answer for email: True, False, or None when never asked.
    email_consent: bool | None
    open_case: bool
    last_invited_at: datetime | None


@dataclass(frozen=True)
class Decision:
    leg: Leg
    reason: Reason | None
    language: str

    @property
    def invite(self) -> bool:
        return self.reason is None


def pick_language(language: str | None, available: Collection[str]) -> str:
    """The passenger's language if a survey text exists for it ("es-MX" takes "es"), else English."""
    if language:
        code = language.strip().lower().replace("_", "-")
        for candidate in (code, code.split("-")[0]):
            if candidate in available:
                return candidate
    return FALLBACK_LANGUAGE


def decide(
    legs: Iterable[Leg],
    passengers: Mapping[uuid.UUID, PassengerFacts],
    *,
    invited: Collection[tuple[uuid.UUID, uuid.UUID]],
    languages: Collection[str],
    policy: Policy,
    now: datetime,
) -> list[Decision]:
    """One decision per leg, in order of arrival. `invited` holds the (segment, passenger) pairs invited before."""
    last: dict[uuid.UUID, datetime | None] = {pid: p.last_invited_at for pid, p in passengers.items()}
    decisions: list[Decision] = []
    for leg in sorted(legs, key=lambda g: (g.arrived_at, g.segment_id, g.passenger_id)):
        facts = passengers[leg.passenger_id]
        reason = _reason(leg, facts, last.get(leg.passenger_id), invited=invited, policy=policy, now=now)
        if reason is None:
            last[leg.passenger_id] = now
        decisions.append(Decision(leg, reason, pick_language(facts.language, languages)))
    return decisions


def _reason(
    leg: Leg,
    facts: PassengerFacts,
    last_invited_at: datetime | None,
    *,
    invited: Collection[tuple[uuid.UUID, uuid.UUID]],
    policy: Policy,
    now: datetime,
) -> Reason | None:
    if not leg.flight_arrived or leg.segment_status not in FLOWN_SEGMENT_STATUSES:
        return Reason.NOT_FLOWN
    if facts.status != "active":
        return Reason.PASSENGER_INACTIVE
    if (leg.segment_id, leg.passenger_id) in invited:
        return Reason.ALREADY_INVITED
    if facts.email_consent is False or (policy.require_consent and facts.email_consent is None):
        return Reason.NO_CONSENT
    if not facts.has_email:
        return Reason.NO_EMAIL
    if facts.open_case:
        return Reason.OPEN_CASE
    if last_invited_at is not None and now - last_invited_at < policy.window:
        return Reason.RECENTLY_INVITED
    return None


@dataclass(frozen=True)
class Answers:
    nps: int | None
    csat: int | None
    what_went_wrong: str
    how_to_fix: str

    @property
    def text(self) -> str:
        """The feedback's text: both answers, a blank line apart (the questions stay out of the analysis)."""
        return "\n\n".join(part for part in (self.what_went_wrong, self.how_to_fix) if part)


def _score(field: str, value: object, low: int, high: int, problems: list[dict[str, object]]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        number = None
    if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
        problems.append(
            {"loc": [field], "msg": f"{field} must be a whole number from {low} to {high}", "type": "range"}
        )
        return None
    return number


def parse_answers(*, nps: object, csat: object, what_went_wrong: str | None, how_to_fix: str | None) -> Answers:
    """Check a response: NPS 0-10, CSAT 1-5, each text at most 5,000 characters, and at least one answer.

    Raises InvalidInput whose problems name each field at fault.
    """
    problems: list[dict[str, object]] = []
    score_nps = _score("nps", nps, 0, 10, problems)
    score_csat = _score("csat", csat, 1, 5, problems)
    texts = {"what_went_wrong": (what_went_wrong or "").strip(), "how_to_fix": (how_to_fix or "").strip()}
    for field, text in texts.items():
        if len(text) > TEXT_LIMIT:
            problems.append(
                {"loc": [field], "msg": f"{field} is longer than {TEXT_LIMIT:,} characters", "type": "too_long"}
            )
    if not problems and score_nps is None and score_csat is None and not any(texts.values()):
        problems.append({"loc": ["nps"], "msg": "answer at least one question", "type": "empty"})
    if problems:
        raise InvalidInput("the survey answers are not valid", problems=problems)
    return Answers(score_nps, score_csat, texts["what_went_wrong"], texts["how_to_fix"])
