"""Survey invitations after flown segments, on the database: fatigue rules, idempotent reruns, the outbox,
expiry, responses stored once as feedback, and imported responses linked to their invitation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from goodwill.bookings.models import Segment
from goodwill.cases.models import Case
from goodwill.errors import InvalidInput
from goodwill.flights.models import Flight
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.listening.models import Feedback
from goodwill.notifications.models import OutboundMessage
from goodwill.store.bulk import Outcome
from goodwill.surveys import rules, tokens
from goodwill.surveys import service as surveys
from goodwill.surveys.errors import SurveyLinkExpired, SurveyLinkUnknown
from goodwill.surveys.models import SurveyInvitation
from tests.surveys.helpers import DAY, NOW, PEOPLE, build, crowd, invite, land, passenger, token_of


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def invited_names(session: Session) -> set[str]:
    ids = set(session.scalars(select(SurveyInvitation.passenger_id)))
    return {first for first in PEOPLE if passenger(session, first).id in ids}


def open_case(session: Session, first_name: str, status: str) -> None:
    session.add(
        Case(reference=f"C-{first_name}", passenger_id=passenger(session, first_name).id, type="disruption_recovery",
             status=status, subject="delay", opened_at=NOW - timedelta(days=1))
    )  # fmt: skip
    session.flush()


class TestInvite:
    def test_each_passenger_of_an_arrived_flight_is_invited_in_their_language(self, session: Session) -> None:
        build(session)
        report = invite(session)
        # Emil refused email (consent_email false); the other four are invited.
        assert (report.legs, report.invited) == (5, 4)
        assert report.as_dict()["suppressed"]["no_consent"] == 1
        assert invited_names(session) == {"Ana", "Ben", "Chloe", "Duda"}
        languages = dict(session.execute(select(SurveyInvitation.passenger_id, SurveyInvitation.language)).all())
        assert languages[passenger(session, "Ana").id] == "es"
        assert languages[passenger(session, "Chloe").id] == "fr"
        assert languages[passenger(session, "Duda").id] == "en"  # pt-BR: no Portuguese survey, English

    def test_the_outbox_carries_the_link_and_only_its_hash_is_stored(self, session: Session) -> None:
        build(session)
        invite(session)
        ana = passenger(session, "Ana")
        message = session.scalars(select(OutboundMessage).where(OutboundMessage.passenger_id == ana.id)).one()
        assert (message.kind, message.channel, message.language) == ("survey.invitation", "email", "es")
        assert message.recipient == "ana@example.com"
        assert message.subject == "¿Qué tal su vuelo B6 101?"
        assert "B6 101" in message.body
        assert "JFK" in message.body
        token = token_of(session, "Ana")
        invitation = session.scalars(select(SurveyInvitation).where(SurveyInvitation.passenger_id == ana.id)).one()
        assert invitation.token_hash == tokens.hash_token(token)
        assert token not in invitation.token_hash
        assert invitation.message_id == message.id
        assert (invitation.status, invitation.invited_at, invitation.expires_at) == (
            "invited", NOW, NOW + rules.DEFAULT_LINK_VALIDITY
        )  # fmt: skip

    def test_a_rerun_invites_nobody_twice(self, session: Session) -> None:
        build(session)
        first = invite(session)
        again = invite(session, now=NOW + timedelta(hours=1))
        assert first.invited == 4
        assert again.invited == 0
        assert again.suppressed["already_invited"] == 4
        assert count(session, SurveyInvitation) == count(session, OutboundMessage) == 4

    def test_a_dry_run_counts_and_writes_nothing(self, session: Session) -> None:
        build(session)
        report = invite(session, dry_run=True)
        assert report.invited == 4
        assert count(session, SurveyInvitation) == count(session, OutboundMessage) == 0

    def test_one_invitation_per_passenger_in_the_window(self, session: Session) -> None:
        build(session, trips={"Ana": ["101", "102"], "Ben": ["101"]})
        report = invite(session)
        # Ana flew two segments that day: the first one is surveyed.
        assert report.invited == 2
        assert report.suppressed["recently_invited"] == 1
        segment = session.scalars(
            select(Segment.sequence).join(SurveyInvitation, SurveyInvitation.segment_id == Segment.id)
            .where(SurveyInvitation.passenger_id == passenger(session, "Ana").id)
        ).one()  # fmt: skip
        assert segment == 1

    def test_a_later_flight_inside_the_window_is_not_surveyed_after_it_is(self, session: Session) -> None:
        build(session, trips={"Ana": ["101"]})
        invite(session)
        flight = session.scalars(select(Flight).where(Flight.number == "102")).one()
        # Ana flies again ten days later (a segment on another booking).
        session.add(Segment(booking_id=_booking_of(session, "Ana"), sequence=2, flight_id=flight.id))
        flight.operating_date += timedelta(days=10)
        flight.scheduled_arrival += timedelta(days=10)
        land(session, "102")
        later = NOW + timedelta(days=10)
        assert invite(session, now=later).suppressed["recently_invited"] == 1
        assert invite(session, now=later, window=timedelta(days=7)).invited == 1

    def test_no_invitation_while_a_recovery_case_is_open(self, session: Session) -> None:
        build(session)
        open_case(session, "Ana", "open")
        open_case(session, "Ben", "waiting_on_passenger")
        open_case(session, "Chloe", "resolved")
        report = invite(session)
        assert report.suppressed["open_case"] == 2
        assert invited_names(session) == {"Chloe", "Duda"}

    def test_consent_withdrawn_for_surveys_wins_over_consent_for_service(self, session: Session) -> None:
        from goodwill.customers.models import Consent

        build(session)
        ben = passenger(session, "Ben")
        session.add_all([
            Consent(passenger_id=ben.id, channel="email", purpose="service", granted=True, recorded_at=NOW),
            Consent(passenger_id=ben.id, channel="email", purpose="survey", granted=False, recorded_at=NOW),
        ])  # fmt: skip
        session.flush()
        report = invite(session)
        assert report.suppressed["no_consent"] == 2  # Ben and Emil
        assert "Ben" not in invited_names(session)

    def test_consent_can_be_required(self, session: Session) -> None:
        build(session)
        assert invite(session, dry_run=True, require_consent=True).suppressed["no_consent"] == 5

    def test_erased_and_merged_passengers_are_not_invited(self, session: Session) -> None:
        build(session)
        passenger(session, "Ana").status = "erased"
        passenger(session, "Ben").status = "merged"
        session.flush()
        report = invite(session)
        assert report.suppressed["passenger_inactive"] == 2
        assert invited_names(session) == {"Chloe", "Duda"}

    def test_legs_not_flown_are_not_invited(self, session: Session) -> None:
        build(session, trips={"Ana": ["101"], "Ben": ["301"], "Chloe": ["102"]})
        land(session, "301", status="cancelled")
        cancelled = session.scalars(
            select(Segment).join(Flight, Flight.id == Segment.flight_id).where(Flight.number == "102")
        ).one()
        cancelled.status = "cancelled"
        session.flush()
        report = invite(session)
        assert (report.invited, report.suppressed["not_flown"]) == (1, 2)
        assert invited_names(session) == {"Ana"}

    def test_flights_that_arrive_after_now_wait_for_a_later_run(self, session: Session) -> None:
        build(session)
        land(session, "101", late_minutes=24 * 60)  # lands on the 15th at 16:15 UTC, after NOW
        assert invite(session).legs == 0
        assert invite(session, now=NOW + timedelta(hours=12)).invited == 4

    def test_links_past_their_date_expire(self, session: Session) -> None:
        build(session)
        invite(session, link_valid_for=timedelta(days=3))
        report = invite(session, now=NOW + timedelta(days=3))
        assert report.expired == 4
        assert set(session.scalars(select(SurveyInvitation.status))) == {"expired"}

    def test_the_number_of_queries_does_not_grow_with_the_passengers(self, session: Session) -> None:
        """Set-based: deciding for 65 passengers costs the same queries as for 5 (the import's pending audit
        entry, flushed on the way, is not one of them)."""

        def statements() -> tuple[int, int]:
            executed: list[str] = []

            def listener(*args: object) -> None:
                executed.append(str(args[2]))

            connection = session.connection()
            event.listen(connection, "before_cursor_execute", listener)
            try:
                report = invite(session, dry_run=True)
            finally:
                event.remove(connection, "before_cursor_execute", listener)
            return report.legs, sum(1 for sql in executed if sql.startswith("SELECT"))

        build(session)
        small = statements()
        crowd(session, 60)
        large = statements()
        assert (small[0], large[0]) == (5, 65)
        assert large[1] == small[1] == 8


def _booking_of(session: Session, first_name: str) -> object:
    from goodwill.bookings.models import BookingPassenger

    return session.scalars(
        select(BookingPassenger.booking_id).where(BookingPassenger.passenger_id == passenger(session, first_name).id)
    ).first()


class TestResponses:
    def test_a_response_is_feedback_linked_to_passenger_flight_and_booking(self, session: Session) -> None:
        build(session)
        invite(session)
        token = token_of(session, "Ana")
        invitation = surveys.get_invitation(session, token=token, now=NOW)
        answers = rules.parse_answers(nps=2, csat=1, what_went_wrong="Lost my bag", how_to_fix="Call me")
        result = surveys.record_response(session, invitation=invitation, answers=answers, now=NOW)
        assert result.outcome is Outcome.CREATED
        feedback = session.get(Feedback, result.feedback_id)
        assert feedback is not None
        assert (feedback.channel, feedback.nps, feedback.csat) == ("survey", 2, 1)
        assert feedback.text == "Lost my bag\n\nCall me"
        assert feedback.passenger_id == passenger(session, "Ana").id
        assert (feedback.flight_id, feedback.booking_id) == (invitation.flight_id, invitation.booking_id)
        assert feedback.external_id == f"survey-invitation:{invitation.id}"
        assert (invitation.status, invitation.feedback_id) == ("responded", feedback.id)

    def test_a_resubmission_updates_the_same_feedback(self, session: Session) -> None:
        build(session)
        invite(session)
        invitation = surveys.get_invitation(session, token=token_of(session, "Ana"), now=NOW)
        first = rules.parse_answers(nps=2, csat=None, what_went_wrong="late", how_to_fix=None)
        second = rules.parse_answers(nps=6, csat=3, what_went_wrong="late, but they called", how_to_fix=None)
        created = surveys.record_response(session, invitation=invitation, answers=first, now=NOW)
        later = NOW + timedelta(hours=2)
        updated = surveys.record_response(session, invitation=invitation, answers=second, now=later)
        same = surveys.record_response(session, invitation=invitation, answers=second, now=later)
        assert [created.outcome, updated.outcome, same.outcome] == [Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED]
        assert created.feedback_id == updated.feedback_id
        assert count(session, Feedback) == 1
        assert session.scalar(select(Feedback.nps)) == 6
        assert invitation.responded_at == NOW  # the first response's instant

    def test_unknown_and_expired_links(self, session: Session) -> None:
        build(session)
        invite(session)
        token = token_of(session, "Ana")
        with pytest.raises(SurveyLinkUnknown):
            surveys.get_invitation(session, token=tokens.new_token(), now=NOW)
        with pytest.raises(SurveyLinkUnknown):
            surveys.get_invitation(session, token="short", now=NOW)
        with pytest.raises(SurveyLinkExpired):
            surveys.get_invitation(session, token=token, now=NOW + rules.DEFAULT_LINK_VALIDITY)


class TestImportedResponses:
    def test_a_survey_row_with_its_invitation_links_and_marks_it_responded(self, session: Session) -> None:
        build(session)
        invite(session)
        invitation = surveys.get_invitation(session, token=token_of(session, "Ben"), now=NOW)
        row = {"channel": "survey", "received_at": "2026-02-16T10:00:00Z", "nps": "9", "text": "Smooth flight",
               "survey_invitation": str(invitation.id)}  # fmt: skip
        report = imports.import_rows(session, kind=ImportKind.FEEDBACK, rows=enumerate([row], 2), source="s.csv",
                                     now=NOW)  # fmt: skip
        assert not report.rejected, report.rejected
        feedback = session.scalars(select(Feedback)).one()
        assert (feedback.passenger_id, feedback.flight_id, feedback.booking_id) == (
            invitation.passenger_id, invitation.flight_id, invitation.booking_id
        )  # fmt: skip
        session.refresh(invitation)
        assert (invitation.status, invitation.feedback_id) == ("responded", feedback.id)
        # The same answer through the link later updates that feedback rather than adding one.
        answers = rules.parse_answers(nps=10, csat=None, what_went_wrong=None, how_to_fix="Smooth flight")
        assert surveys.record_response(session, invitation=invitation, answers=answers, now=NOW).outcome is (
            Outcome.UPDATED
        )
        assert count(session, Feedback) == 1

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"survey_invitation": "00000000-0000-7000-8000-000000000000"}, "survey_invitation"),
            ({"survey_invitation": "not-a-uuid"}, "survey_invitation"),
            ({"channel": "email"}, "channel"),
            ({"external_id": "x-1"}, "external_id"),
            ({"nps": "11"}, "nps"),
            ({"csat": "0"}, "csat"),
            ({"passenger_email": "ana@example.com"}, "survey_invitation"),  # Ben's invitation
        ],
    )
    def test_bad_survey_rows_name_the_field(self, session: Session, extra: dict[str, str], field: str) -> None:
        build(session)
        invite(session)
        invitation = surveys.get_invitation(session, token=token_of(session, "Ben"), now=NOW)
        row = {"channel": "survey", "received_at": "2026-02-16T10:00:00Z", "nps": "9",
               "survey_invitation": str(invitation.id), **extra}  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            imports.import_rows(session, kind=ImportKind.FEEDBACK, rows=enumerate([row], 2), source="s.csv", now=NOW)
        assert [(p["where"], p["loc"]) for p in caught.value.problems] == [("s.csv:2", [2, field])]
        assert count(session, Feedback) == 0


def test_the_day_is_the_one_the_helpers_fly() -> None:
    assert DAY == "2026-02-14"
