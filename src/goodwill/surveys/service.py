"""Post-flight surveys: invite each passenger after a flown segment (fatigue rules in `rules`), expire old
links, and record a response as feedback linked to the passenger, flight and booking.

Invitations are made set-based: one query for the legs of the arrived flights, one query per fact the rules
need about all their travellers (a semi-join on those flights, never a list of passenger ids), then bulk
inserts of invitations and outbox messages.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from goodwill.bookings.models import BookingPassenger, Segment
from goodwill.cases.models import Case
from goodwill.customers.models import Consent, IdentityKind, Passenger, PassengerIdentity
from goodwill.flights.models import Flight, FlightStatus
from goodwill.kit.ids import new_ids
from goodwill.listening import service as listening
from goodwill.listening.models import Feedback, FeedbackChannel
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.store.bulk import Outcome, insert_rows, select_in, update_rows
from goodwill.surveys import rules, texts, tokens
from goodwill.surveys.errors import SurveyLinkExpired, SurveyLinkUnknown
from goodwill.surveys.models import InvitationStatus, SurveyInvitation

MESSAGE_KIND = "survey.invitation"
FEEDBACK_SOURCE = "goodwill-survey"
CONSENT_PURPOSE = "survey"


def invitation_key(invitation_id: uuid.UUID) -> str:
    """The feedback external id of an invitation's response: a resubmission updates the same feedback."""
    return f"survey-invitation:{invitation_id}"


def message_key(segment_id: uuid.UUID, passenger_id: uuid.UUID) -> str:
    return f"survey:{segment_id.hex}:{passenger_id.hex}"


def survey_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


@dataclass
class InviteReport:
    legs: int = 0
    invited: int = 0
    suppressed: Counter[str] = field(default_factory=Counter)
    expired: int = 0
    languages: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "legs": self.legs,
            "invited": self.invited,
            "suppressed": {r.value: self.suppressed.get(r.value, 0) for r in rules.Reason},
            "expired": self.expired,
            "languages": dict(sorted(self.languages.items())),
        }


def invite_after_flights(
    session: Session,
    *,
    since: datetime,
    now: datetime,
    policy: rules.Policy,
    base_url: str,
    dry_run: bool = False,
) -> InviteReport:
    """Invite every passenger whose segment arrived in [since, now) to a survey, once per segment, within the
    fatigue rules; expire links past their date. With `dry_run`, decide and count but write nothing."""
    report = InviteReport()
    flights = _arrived_flights(since=since, now=now)
    legs = _arrived_legs(session, flights)
    report.legs = len(legs)
    travellers = (
        select(BookingPassenger.passenger_id)
        .join(Segment, Segment.booking_id == BookingPassenger.booking_id)
        .where(Segment.flight_id.in_(flights))
    )
    facts, contact = _passenger_facts(session, travellers, window_start=now - policy.window)
    invited = _invited_pairs(session, flights)
    decisions = rules.decide(legs, facts, invited=invited, languages=texts.LANGUAGES, policy=policy, now=now)
    chosen = [d for d in decisions if d.invite]
    report.invited = len(chosen)
    report.suppressed.update(d.reason.value for d in decisions if d.reason is not None)
    report.languages.update(d.language for d in chosen)
    if dry_run:
        report.expired = _count_due_to_expire(session, now=now)
        return report
    report.expired = expire_invitations(session, now=now)
    _write_invitations(session, chosen, contact, now=now, policy=policy, base_url=base_url)
    return report


def _arrived_flights(*, since: datetime, now: datetime) -> Select[uuid.UUID]:
    """The flights whose arrival (actual, else scheduled) lies in [since, now): a few hundred a day."""
    arrival = func.coalesce(Flight.actual_arrival, Flight.scheduled_arrival)
    return select(Flight.id).where(
        # The operating date is local; days either side cover every time zone and overnight flight.
        Flight.operating_date >= (since - timedelta(days=2)).date(),
        Flight.operating_date <= (now + timedelta(days=1)).date(),
        arrival >= since,
        arrival < now,
    )


def _arrived_legs(session: Session, flights: Select[uuid.UUID]) -> list[rules.Leg]:
    query = (
        select(
            Segment.id,
            BookingPassenger.passenger_id,
            Segment.booking_id,
            Segment.flight_id,
            Flight.actual_arrival,
            Flight.scheduled_arrival,
            Segment.status,
            Flight.status,
        )
        .join(Flight, Flight.id == Segment.flight_id)
        .join(BookingPassenger, BookingPassenger.booking_id == Segment.booking_id)
        .where(Segment.flight_id.in_(flights))
    )
    legs = []
    cancelled, landed = FlightStatus.CANCELLED.value, FlightStatus.ARRIVED.value
    for row in session.execute(query):
        segment_id, passenger_id, booking_id, flight_id, actual, scheduled, segment_status, flight_status = row
        arrived = flight_status != cancelled and (flight_status == landed or actual is not None)
        legs.append(
            rules.Leg(segment_id, passenger_id, booking_id, flight_id, actual or scheduled, segment_status, arrived)
        )
    return legs


@dataclass(frozen=True)
class _Contact:
    first_name: str
    email: str | None


def _passenger_facts(
    session: Session, travellers: Select[uuid.UUID], *, window_start: datetime
) -> tuple[dict[uuid.UUID, rules.PassengerFacts], dict[uuid.UUID, _Contact]]:
    """What the rules need about every traveller of the flights: one query per fact, whatever their number."""
    people = session.execute(
        select(Passenger.id, Passenger.status, Passenger.language, Passenger.first_name).where(
            Passenger.id.in_(travellers)
        )
    ).all()
    emails: dict[uuid.UUID, tuple[bool, str]] = {}
    for pid, value, primary in session.execute(
        select(PassengerIdentity.passenger_id, PassengerIdentity.value, PassengerIdentity.is_primary).where(
            PassengerIdentity.passenger_id.in_(travellers), PassengerIdentity.kind == IdentityKind.EMAIL.value
        )
    ):
        if pid not in emails or (primary and not emails[pid][0]):
            emails[pid] = (primary, value)
    consents: dict[uuid.UUID, dict[str, bool]] = {}
    for pid, purpose, granted in session.execute(
        select(Consent.passenger_id, Consent.purpose, Consent.granted).where(
            Consent.passenger_id.in_(travellers),
            Consent.channel == "email",
            Consent.purpose.in_([CONSENT_PURPOSE, "service"]),
        )
    ):
        consents.setdefault(pid, {})[purpose] = granted
    open_case_ids = set(
        session.scalars(
            select(Case.passenger_id)
            .where(Case.passenger_id.in_(travellers), Case.status.in_(rules.OPEN_CASE_STATUSES))
            .distinct()
        )
    )
    last_invited: dict[uuid.UUID, datetime] = {
        row[0]: row[1]
        for row in session.execute(
            select(SurveyInvitation.passenger_id, func.max(SurveyInvitation.invited_at))
            .where(SurveyInvitation.passenger_id.in_(travellers), SurveyInvitation.invited_at > window_start)
            .group_by(SurveyInvitation.passenger_id)
        )
    }
    facts: dict[uuid.UUID, rules.PassengerFacts] = {}
    contact: dict[uuid.UUID, _Contact] = {}
    for pid, status, language, first_name in people:
        answers = consents.get(pid, {})
        facts[pid] = rules.PassengerFacts(
            status=status,
            language=language,
            has_email=pid in emails,
            email_consent=answers.get(CONSENT_PURPOSE, answers.get("service")),
            open_case=pid in open_case_ids,
            last_invited_at=last_invited.get(pid),
        )
        contact[pid] = _Contact(first_name, emails[pid][1] if pid in emails else None)
    return facts, contact


def _invited_pairs(session: Session, flights: Select[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(segment, passenger) of every invitation already made for these flights."""
    return {
        (segment_id, passenger_id)
        for segment_id, passenger_id in session.execute(
            select(SurveyInvitation.segment_id, SurveyInvitation.passenger_id).where(
                SurveyInvitation.flight_id.in_(flights)
            )
        )
    }


def _write_invitations(
    session: Session,
    chosen: Sequence[rules.Decision],
    contact: dict[uuid.UUID, _Contact],
    *,
    now: datetime,
    policy: rules.Policy,
    base_url: str,
) -> None:
    if not chosen:
        return
    flights = {
        fid: (f"{carrier} {number}", origin, destination, day)
        for fid, carrier, number, origin, destination, day in select_in(
            session,
            lambda b: select(
                Flight.id, Flight.carrier, Flight.number, Flight.origin, Flight.destination, Flight.operating_date
            ).where(Flight.id.in_(b)),
            {d.leg.flight_id for d in chosen},
        )
    }
    expires = now + policy.link_valid_for
    invitations: list[tuple[Any, ...]] = []
    messages: list[tuple[Any, ...]] = []
    ids = new_ids(2 * len(chosen))
    for i, decision in enumerate(chosen):
        leg = decision.leg
        invitation_id, message_id = ids[2 * i], ids[2 * i + 1]
        token = tokens.new_token()
        flight, origin, destination, day = flights[leg.flight_id]
        person = contact[leg.passenger_id]
        subject, body = texts.invitation_email(
            decision.language,
            first_name=person.first_name,
            flight=flight,
            origin=origin,
            destination=destination,
            day=day.isoformat(),
            link=survey_link(base_url, token),
            expires=expires.date().isoformat(),
        )
        invitations.append(
            (invitation_id, leg.passenger_id, leg.segment_id, leg.booking_id, leg.flight_id, decision.language,
             tokens.hash_token(token), expires, message_id)
        )  # fmt: skip
        messages.append(
            (message_id, leg.passenger_id, decision.language, person.email, subject, body,
             message_key(leg.segment_id, leg.passenger_id))
        )  # fmt: skip
    insert_rows(
        session,
        OutboundMessage.__table__,
        ("id", "passenger_id", "language", "recipient", "subject", "body", "idempotency_key"),
        messages,
        same={
            "created_at": now,
            "updated_at": now,
            "channel": "email",
            "kind": MESSAGE_KIND,
            "template": "survey_invitation",
            "status": MessageStatus.PENDING.value,
            "scheduled_at": now,
            "attempts": 0,
        },
    )
    insert_rows(
        session,
        SurveyInvitation.__table__,
        ("id", "passenger_id", "segment_id", "booking_id", "flight_id", "language", "token_hash", "expires_at",
         "message_id"),
        invitations,
        same={
            "created_at": now,
            "updated_at": now,
            "status": InvitationStatus.INVITED.value,
            "invited_at": now,
            "answers": {},
        },
    )  # fmt: skip


def _due_to_expire(now: datetime) -> Any:
    return (SurveyInvitation.status == InvitationStatus.INVITED.value) & (SurveyInvitation.expires_at <= now)


def _count_due_to_expire(session: Session, *, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(SurveyInvitation).where(_due_to_expire(now))) or 0


def expire_invitations(session: Session, *, now: datetime) -> int:
    """Mark invitations whose link has expired unanswered as expired; returns how many."""
    result = session.execute(
        update(SurveyInvitation)
        .where(_due_to_expire(now))
        .values(status=InvitationStatus.EXPIRED.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# ---- the survey link and responses ---------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyView:
    """What the survey page shows: the flight asked about and any earlier answers (no other personal data)."""

    invitation_id: uuid.UUID
    passenger_id: uuid.UUID
    language: str
    status: str
    flight: str
    origin: str
    destination: str
    day: str
    answers: dict[str, Any]


def get_invitation(
    session: Session, *, now: datetime, token: str | None = None, invitation_id: uuid.UUID | None = None
) -> SurveyInvitation:
    """The open invitation a token (or an id) names. SurveyLinkUnknown when none, SurveyLinkExpired when its
    link has expired."""
    if token is not None:
        found = (
            session.scalar(select(SurveyInvitation).where(SurveyInvitation.token_hash == tokens.hash_token(token)))
            if tokens.looks_like_token(token)
            else None
        )
    elif invitation_id is not None:
        found = session.get(SurveyInvitation, invitation_id)
    else:
        raise SurveyLinkUnknown("give a survey token or an invitation id")
    if found is None:
        raise SurveyLinkUnknown("no survey invitation has this link")
    if found.status == InvitationStatus.EXPIRED.value or found.expires_at <= now:
        raise SurveyLinkExpired("this survey link has expired", invitation_id=found.id)
    return found


def survey_view(session: Session, invitation: SurveyInvitation) -> SurveyView:
    row = session.execute(
        select(Flight.carrier, Flight.number, Flight.origin, Flight.destination, Flight.operating_date).where(
            Flight.id == invitation.flight_id
        )
    ).one()
    return SurveyView(
        invitation.id,
        invitation.passenger_id,
        invitation.language,
        invitation.status,
        f"{row.carrier} {row.number}",
        row.origin,
        row.destination,
        row.operating_date.isoformat(),
        dict(invitation.answers),
    )


@dataclass(frozen=True)
class ResponseResult:
    invitation_id: uuid.UUID
    feedback_id: uuid.UUID
    outcome: Outcome


def record_response(
    session: Session, *, invitation: SurveyInvitation, answers: rules.Answers, now: datetime
) -> ResponseResult:
    """Store a survey answer as feedback (channel survey) tied to its invitation: the first response creates
    it, a resubmission updates the same feedback. The invitation becomes responded."""
    received_at = invitation.responded_at or now
    record = listening.FeedbackRecord(
        FeedbackChannel.SURVEY.value,
        invitation_key(invitation.id),
        listening.content_hash(answers.text),
        FEEDBACK_SOURCE,
        received_at,
        answers.text,
        answers.nps,
        answers.csat,
        None,
        invitation.passenger_id,
        invitation.flight_id,
        invitation.booking_id,
        {},
    )
    [outcome] = listening.record_feedback(session, items=[record], now=now)
    feedback_id = session.scalar(
        select(Feedback.id).where(
            Feedback.channel == FeedbackChannel.SURVEY.value, Feedback.external_id == invitation_key(invitation.id)
        )
    )
    if feedback_id is None:  # pragma: no cover - record_feedback has just written it
        raise RuntimeError("survey feedback missing after it was recorded")
    invitation.status = InvitationStatus.RESPONDED.value
    invitation.responded_at = received_at
    invitation.feedback_id = feedback_id
    invitation.answers = {
        "nps": answers.nps,
        "csat": answers.csat,
        "what_went_wrong": answers.what_went_wrong,
        "how_to_fix": answers.how_to_fix,
    }
    invitation.updated_at = now
    session.flush()
    return ResponseResult(invitation.id, feedback_id, outcome)


@dataclass(frozen=True)
class InvitationLink:
    """What an imported survey response takes from its invitation (an expired one too: the airline's survey
    tool may have collected the answer in time)."""

    invitation_id: uuid.UUID
    passenger_id: uuid.UUID
    flight_id: uuid.UUID
    booking_id: uuid.UUID


def find_invitations(session: Session, *, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, InvitationLink]:
    """The invitations among `ids` that exist, with what their response links to."""
    return {
        iid: InvitationLink(iid, pid, fid, bid)
        for iid, pid, fid, bid in select_in(
            session,
            lambda b: select(
                SurveyInvitation.id,
                SurveyInvitation.passenger_id,
                SurveyInvitation.flight_id,
                SurveyInvitation.booking_id,
            ).where(SurveyInvitation.id.in_(b)),
            ids,
        )
    }


def mark_responded(session: Session, *, invitation_ids: Collection[uuid.UUID], now: datetime) -> int:
    """After their responses were recorded as feedback (an import): each invitation becomes responded and
    points at its feedback. Returns how many were marked."""
    keys = {invitation_key(i): i for i in invitation_ids}
    feedback_of = {
        keys[external_id]: fid
        for fid, external_id in select_in(
            session,
            lambda b: select(Feedback.id, Feedback.external_id).where(
                Feedback.channel == FeedbackChannel.SURVEY.value, Feedback.external_id.in_(b)
            ),
            keys,
        )
    }
    responded_at: dict[uuid.UUID, datetime | None] = dict(
        select_in(
            session,
            lambda b: select(SurveyInvitation.id, SurveyInvitation.responded_at).where(SurveyInvitation.id.in_(b)),
            feedback_of,
        )
    )
    return update_rows(
        session,
        SurveyInvitation.__table__,
        ("status", "responded_at", "feedback_id", "updated_at"),
        [
            (iid, InvitationStatus.RESPONDED.value, responded_at[iid] or now, fid, now)
            for iid, fid in feedback_of.items()
            if iid in responded_at
        ],
    )
