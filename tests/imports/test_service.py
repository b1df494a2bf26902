"""Importing files: whole or not at all, precise problems, --skip-invalid, re-import, merges, revisions."""

from __future__ import annotations

import csv
import gc
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.audit.models import AuditEntry
from goodwill.bookings.models import Bag, Booking, BookingPassenger, Segment
from goodwill.customers.models import Consent, Passenger, PassengerIdentity, PassengerMerge, Wish
from goodwill.errors import InvalidInput
from goodwill.flights.models import Flight, FlightEvent
from goodwill.imports import service as imports
from goodwill.imports.models import ImportRun
from goodwill.imports.rows import ImportKind
from goodwill.listening.models import Feedback
from goodwill.listening.service import content_hash
from tests.imports.helpers import (
    EXAMPLE_FILES,
    NOW,
    booking_row,
    census,
    csv_text,
    flight_row,
    import_examples,
    import_path,
    write,
)

BOOKINGS, FLIGHTS, PASSENGERS = ImportKind.BOOKINGS, ImportKind.FLIGHTS, ImportKind.PASSENGERS
EVENTS, FEEDBACK = ImportKind.EVENTS, ImportKind.FEEDBACK


def rejected(session: Session, kind: ImportKind, path: Path) -> InvalidInput:
    """Import `path` expecting it to be refused; the savepoint stands in for the caller's unit of work."""
    with pytest.raises(InvalidInput) as caught, session.begin_nested():
        import_path(session, kind, path)
    return caught.value


def messages(error: InvalidInput) -> list[tuple[str, str]]:
    return [(p["where"], p["msg"]) for p in error.problems]


def passenger_by(session: Session, kind: str, value: str) -> Passenger:
    owner = select(PassengerIdentity.passenger_id).where(
        PassengerIdentity.kind == kind, PassengerIdentity.value == value
    )
    return session.scalars(select(Passenger).where(Passenger.id == owner.scalar_subquery())).one()


class TestExamples:
    def test_every_example_file_imports_without_rejections(self, session: Session) -> None:
        reports = import_examples(session)
        assert all(r.rejected == () for r in reports.values())
        assert reports[BOOKINGS].created == 2  # two PNRs from five rows
        assert census(session)["booking_passengers"] == 3
        assert census(session)["segments"] == 3

    def test_reimporting_every_file_changes_nothing(self, session: Session) -> None:
        import_examples(session)
        before = census(session)
        stamps = dict(session.execute(select(Passenger.id, Passenger.updated_at)).all())
        again = import_examples(session)
        for kind, report in again.items():
            assert (report.created, report.updated) == (0, 0), kind
            assert report.unchanged > 0, kind
        after = census(session)
        assert after.pop("import_runs") == before.pop("import_runs") + 5
        assert after.pop("audit_entries") == before.pop("audit_entries") + 5
        assert after == before
        assert dict(session.execute(select(Passenger.id, Passenger.updated_at)).all()) == stamps


class TestRejectedFile:
    def test_a_rejected_file_leaves_every_table_as_it_was(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, PASSENGERS, FLIGHTS)
        before = census(session)
        rows = [booking_row(), booking_row(pnr="TEST02", origin="XXX")]
        rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)))
        assert census(session) == before

    def test_problems_name_file_line_field_and_reason(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        rows = [booking_row(), booking_row(pnr="TEST02", flight_date="2013-02-31", booked_at="2013-01-05T10:00:00")]
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)))
        assert error.message == "b.csv: 2 problems in 1 of 2 rows; nothing was imported"
        where = {p["where"] for p in error.problems}
        assert where == {"b.csv:3"}
        fields = {p["loc"][1] for p in error.problems}
        assert fields == {"booked_at", "flight_date"}

    def test_unknown_airport_is_refused(self, session: Session, tmp_path: Path) -> None:
        error = rejected(session, FLIGHTS, write(tmp_path, "f.csv", csv_text(FLIGHTS, [flight_row(destination="QQQ")])))
        assert messages(error) == [("f.csv:2", "destination: unknown airport QQQ: not an IATA airport code")]

    def test_unknown_carrier_is_refused(self, session: Session, tmp_path: Path) -> None:
        error = rejected(session, FLIGHTS, write(tmp_path, "f.csv", csv_text(FLIGHTS, [flight_row(carrier="ZZ")])))
        assert messages(error) == [("f.csv:2", "carrier: unknown carrier ZZ: not in Goodwill's carrier table")]

    def test_duplicate_rows_name_both_lines(self, session: Session, tmp_path: Path) -> None:
        rows = [flight_row(), flight_row(number="78"), flight_row(number="0077")]
        error = rejected(session, FLIGHTS, write(tmp_path, "f.csv", csv_text(FLIGHTS, rows)))
        assert messages(error) == [("f.csv:4", "number: duplicate of line 2 (same flight B6 77 on 2013-02-08)")]

    def test_timezone_less_times_are_refused(self, session: Session, tmp_path: Path) -> None:
        rows = [flight_row(scheduled_arrival="2013-02-08 09:15")]
        error = rejected(session, FLIGHTS, write(tmp_path, "f.csv", csv_text(FLIGHTS, rows)))
        (where, msg), *_ = messages(error)
        assert where == "f.csv:2"
        assert msg.startswith("scheduled_arrival: has no UTC offset")

    def test_empty_file_is_refused(self, session: Session, tmp_path: Path) -> None:
        error = rejected(session, FLIGHTS, write(tmp_path, "f.csv", ""))
        assert "empty" in error.message

    def test_malformed_json_line_is_refused(self, session: Session, tmp_path: Path) -> None:
        text = json.dumps(flight_row()) + "\n" + json.dumps(flight_row(number="78"))[:-1] + "\n"
        error = rejected(session, FLIGHTS, write(tmp_path, "f.jsonl", text))
        assert messages(error)[0][0] == "f.jsonl:2"
        assert "malformed JSON" in messages(error)[0][1]

    def test_the_problem_list_is_capped_but_the_total_is_told(self, session: Session, tmp_path: Path) -> None:
        rows = [flight_row(number=str(n), origin="J1K") for n in range(1, 1203)]
        error = rejected(session, FLIGHTS, write(tmp_path, "f.csv", csv_text(FLIGHTS, rows)))
        assert len(error.problems) == imports.MAX_PROBLEMS
        assert error.message.startswith("f.csv: 1202 problems in 1202 of 1202 rows")

    def test_a_booking_for_an_unknown_flight_says_to_import_flights_first(
        self, session: Session, tmp_path: Path
    ) -> None:
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, [booking_row()])))
        assert messages(error) == [
            ("b.csv:2", "flight_number: unknown flight B6 1 on 2013-02-08: import flights first")
        ]

    def test_a_booking_route_must_be_its_flights(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        rows = [booking_row(destination="MCO")]
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)))
        assert messages(error) == [("b.csv:2", "destination: flight B6 1 on 2013-02-08 flies JFK-FLL, not JFK-MCO")]

    def test_a_passengers_fare_must_agree_across_the_pnr(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        rows = [
            booking_row(),
            booking_row(segment=2, journey=2, flight_number="2", flight_date="2013-02-12", origin="FLL",
                        destination="JFK", fare_paid="250"),
        ]  # fmt: skip
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)))
        assert messages(error) == [
            ("b.csv:3", "fare_paid: fare_paid differs from line 2 for the same passenger of this PNR")
        ]

    def test_every_passenger_needs_a_row_per_segment(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        rows = [
            booking_row(),
            booking_row(segment=2, journey=2, flight_number="2", flight_date="2013-02-12", origin="FLL",
                        destination="JFK"),
            booking_row(passenger_loyalty_number=None, passenger_email="diego@example.com",
                        passenger_first_name="Diego"),
        ]  # fmt: skip
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)))
        assert messages(error) == [
            ("b.csv:4", "segment: no row for segment 2 of this PNR: each passenger needs a row per segment")
        ]

    def test_the_same_row_twice_in_a_pnr_is_a_duplicate(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, [booking_row()] * 2)))
        assert messages(error) == [("b.csv:3", "segment: duplicate of line 2 (same PNR, passenger and segment)")]

    def test_a_bag_tag_of_another_booking_is_refused(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, PASSENGERS, FLIGHTS, BOOKINGS)
        rows = [booking_row(bag_tags="B600000001")]
        error = rejected(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)))
        assert messages(error) == [("b.csv:2", "bag_tags: bag tag B600000001 already belongs to another booking")]


class TestSkipInvalid:
    def test_good_rows_are_imported_and_the_bad_ones_reported(self, session: Session, tmp_path: Path) -> None:
        rows = [flight_row(), flight_row(number="78", origin="QQQ"), flight_row(number="79")]
        report = import_path(session, FLIGHTS, write(tmp_path, "f.csv", csv_text(FLIGHTS, rows)), skip_invalid=True)
        assert (report.rows_total, report.created, report.rejected_rows) == (3, 2, 1)
        assert [(r.line, r.field) for r in report.rejected] == [(3, "origin")]
        numbers = set(session.scalars(select(Flight.number)))
        assert numbers == {"77", "79"}

    def test_a_bad_row_takes_the_rest_of_its_pnr_along(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        rows = [
            booking_row(),
            booking_row(segment=2, journey=2, flight_number="2", flight_date="2013-02-12", origin="FLL",
                        destination="QQQ"),
            booking_row(pnr="TEST02"),
        ]  # fmt: skip
        report = import_path(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, rows)), skip_invalid=True)
        assert report.created == 1
        assert {r.line for r in report.rejected} == {2, 3}
        assert ("pnr", "not imported: line 3 of the same PNR was rejected") in {
            (r.field, r.reason) for r in report.rejected if r.line == 2
        }
        assert list(session.scalars(select(Booking.pnr))) == ["TEST02"]

    def test_rejected_rows_go_to_a_side_file_with_their_reasons(self, session: Session, tmp_path: Path) -> None:
        rows = [flight_row(), flight_row(number="78", scheduled_departure="2013-02-08T08:00:00")]
        path = write(tmp_path, "f.csv", csv_text(FLIGHTS, rows))
        import_path(session, FLIGHTS, path, skip_invalid=True)
        with (tmp_path / "f.csv.rejected.csv").open(encoding="utf-8") as side:
            lines = list(csv.DictReader(side))
        assert len(lines) == 1
        assert lines[0]["line"] == "3"
        assert lines[0]["field"] == "scheduled_departure"
        assert "no UTC offset" in lines[0]["reason"]
        assert lines[0]["number"] == "78"
        assert lines[0]["scheduled_departure"] == "2013-02-08T08:00:00"

    def test_no_side_file_when_nothing_is_rejected(self, session: Session, tmp_path: Path) -> None:
        path = write(tmp_path, "f.csv", csv_text(FLIGHTS, [flight_row()]))
        import_path(session, FLIGHTS, path, skip_invalid=True, rejects_path=tmp_path / "r.csv")
        assert not (tmp_path / "r.csv").exists()


class TestPassengers:
    def test_consents_wish_and_preferences_are_recorded(self, session: Session) -> None:
        import_examples(session, PASSENGERS)
        ana = passenger_by(session, "loyalty", "B610000001")
        assert (ana.first_name, ana.tier, ana.language, ana.home_airport) == ("Ana", "gold", "es", "JFK")
        assert ana.preferences == {"seat": "aisle"}
        consents = dict(
            session.execute(select(Consent.channel, Consent.granted).where(Consent.passenger_id == ana.id)).all()
        )
        assert consents == {"email": True, "sms": False}
        wish = session.scalars(select(Wish).where(Wish.passenger_id == ana.id)).one()
        assert (wish.occasion, wish.text) == ("honeymoon", "Our honeymoon in San Juan")

    def test_an_empty_cell_keeps_the_stored_value(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, PASSENGERS)
        row = {"loyalty_number": "B6-1000-0001", "first_name": "Ana", "last_name": "López", "consent_sms": "true"}
        report = import_path(session, PASSENGERS, write(tmp_path, "p.csv", csv_text(PASSENGERS, [row])))
        assert report.updated == 1
        ana = passenger_by(session, "loyalty", "B610000001")
        assert (ana.tier, ana.language, ana.home_airport) == ("gold", "es", "JFK")
        granted = session.scalar(
            select(Consent.granted).where(Consent.passenger_id == ana.id, Consent.channel == "sms")
        )
        assert granted is True

    def test_a_duplicate_loyalty_number_names_both_lines(self, session: Session, tmp_path: Path) -> None:
        rows = [
            {"loyalty_number": "L0000001", "first_name": "A", "last_name": "B"},
            {"loyalty_number": "l000-0001", "first_name": "C", "last_name": "D"},
        ]
        error = rejected(session, PASSENGERS, write(tmp_path, "p.csv", csv_text(PASSENGERS, rows)))
        assert messages(error) == [("p.csv:3", "loyalty_number: duplicate of line 2 (same loyalty_number)")]

    def test_two_rows_sharing_an_email_are_one_passenger(self, session: Session, tmp_path: Path) -> None:
        rows = [
            {"loyalty_number": "L0000001", "email": "one@example.com", "first_name": "Ana", "last_name": "L"},
            {"loyalty_number": "L0000002", "email": "one@example.com", "first_name": "Ana", "last_name": "L"},
        ]
        report = import_path(session, PASSENGERS, write(tmp_path, "p.csv", csv_text(PASSENGERS, rows)))
        assert (report.created, report.updated) == (1, 1)
        person = passenger_by(session, "loyalty", "L0000001")
        assert passenger_by(session, "loyalty", "L0000002").id == person.id

    def test_records_sharing_an_email_are_merged_keeping_every_identity_and_booking(
        self, session: Session, tmp_path: Path
    ) -> None:
        import_examples(session, PASSENGERS, FLIGHTS, BOOKINGS)
        ana = passenger_by(session, "loyalty", "B610000001")  # on HNY7QX
        ben = passenger_by(session, "loyalty", "B610000002")  # on BOS2JF
        # Ben's new email is Ana's: the same person, as far as the identities go.
        row = {
            "loyalty_number": "B6-1000-0002",
            "email": "ana.lopez@example.com",
            "first_name": "Ben",
            "last_name": "O",
        }
        report = import_path(session, PASSENGERS, write(tmp_path, "p.csv", csv_text(PASSENGERS, [row])))
        assert report.details["passengers_merged"] == 1
        session.expire_all()
        survivor, merged = (ben, ana)  # the loyalty number matched first, so its owner survives
        assert session.get(Passenger, merged.id).status == "merged"  # type: ignore[union-attr]
        assert session.get(Passenger, merged.id).merged_into_id == survivor.id  # type: ignore[union-attr]
        identities = set(
            session.execute(
                select(PassengerIdentity.kind, PassengerIdentity.value).where(
                    PassengerIdentity.passenger_id == survivor.id
                )
            ).all()
        )
        assert identities >= {
            ("loyalty", "B610000001"),
            ("loyalty", "B610000002"),
            ("email", "ana.lopez@example.com"),
            ("email", "ben.okafor@example.com"),
            ("phone", "+12125550101"),
            ("social", "@ana_lopez"),
        }
        pnrs = set(
            session.scalars(
                select(Booking.pnr).join(BookingPassenger).where(BookingPassenger.passenger_id == survivor.id)
            )
        )
        assert pnrs == {"HNY7QX", "BOS2JF"}
        assert session.scalar(select(Bag.passenger_id).where(Bag.tag == "B600000001")) == survivor.id
        evidence = session.scalars(select(PassengerMerge)).one()
        assert (evidence.survivor_id, evidence.merged_id, evidence.matched_on) == (survivor.id, merged.id, "loyalty")

    def test_records_sharing_a_phone_merge_into_the_oldest(self, session: Session, tmp_path: Path) -> None:
        first = [{"email": "old@example.com", "first_name": "A", "last_name": "B"}]
        second = [{"email": "new@example.com", "phone": "+1 617 555 0100", "first_name": "A", "last_name": "B"}]
        import_path(session, PASSENGERS, write(tmp_path, "p1.csv", csv_text(PASSENGERS, first)))
        import_path(session, PASSENGERS, write(tmp_path, "p2.csv", csv_text(PASSENGERS, second)))
        old, new = passenger_by(session, "email", "old@example.com"), passenger_by(session, "email", "new@example.com")
        assert old.id != new.id
        both = [{"email": "old@example.com", "phone": "+16175550100", "first_name": "A", "last_name": "B"}]
        import_path(session, PASSENGERS, write(tmp_path, "p3.csv", csv_text(PASSENGERS, both)))
        session.expire_all()
        assert passenger_by(session, "email", "new@example.com").id == old.id
        assert session.get(Passenger, new.id).status == "merged"  # type: ignore[union-attr]


class TestBookings:
    def test_a_booking_totals_its_passengers_fares_and_routes_bags_to_the_journeys_end(self, session: Session) -> None:
        import_examples(session, PASSENGERS, FLIGHTS, BOOKINGS)
        booking = session.scalars(select(Booking).where(Booking.pnr == "HNY7QX")).one()
        assert (booking.fare_total_minor, booking.currency) == (82520, "USD")
        assert dict(session.execute(select(Bag.tag, Bag.destination)).all()) == {
            "B600000001": "FLL",
            "B600000002": "JFK",
        }
        sequences = session.scalars(select(Segment.sequence).where(Segment.booking_id == booking.id)).all()
        assert sorted(sequences) == [1, 2]

    def test_an_unknown_traveller_becomes_a_passenger(self, session: Session) -> None:
        reports = import_examples(session, PASSENGERS, FLIGHTS, BOOKINGS)
        assert reports[BOOKINGS].details["passengers_created"] == 1
        diego = passenger_by(session, "email", "diego.lopez@example.com")
        assert (diego.first_name, diego.language) == ("Diego", "es")

    def test_a_changed_booking_is_updated_and_a_dropped_segment_cancelled(
        self, session: Session, tmp_path: Path
    ) -> None:
        import_examples(session, PASSENGERS, FLIGHTS, BOOKINGS)
        with EXAMPLE_FILES[BOOKINGS].open(encoding="utf-8") as example:
            one_way = [
                {k: v for k, v in row.items() if v}
                for row in csv.DictReader(example)
                if row["pnr"] == "HNY7QX" and row["segment"] == "1"
            ]
        report = import_path(session, BOOKINGS, write(tmp_path, "b.csv", csv_text(BOOKINGS, one_way)))
        assert (report.created, report.updated) == (0, 1)
        statuses = dict(
            session.execute(select(Segment.sequence, Segment.status).join(Booking).where(Booking.pnr == "HNY7QX")).all()
        )
        assert statuses == {1: "confirmed", 2: "cancelled"}


class TestEvents:
    def test_a_higher_revision_updates_the_event_and_the_flight_follows(self, session: Session) -> None:
        import_examples(session, PASSENGERS, FLIGHTS, BOOKINGS)
        report = import_examples(session, EVENTS)[EVENTS]
        assert (report.created, report.stale) == (2, 1)  # revision 1 of the delay is superseded in the file
        delay = session.scalars(select(FlightEvent).where(FlightEvent.external_id == "ops-2013-0208-0001")).one()
        assert (delay.revision, delay.departure_delay_minutes) == (2, 185)
        flight = session.scalars(select(Flight).where(Flight.number == "1")).one()
        assert flight.status == "delayed"
        assert flight.estimated_departure is not None
        assert (flight.estimated_departure - flight.scheduled_departure).total_seconds() == 185 * 60

    def _event(self, **overrides: Any) -> dict[str, Any]:
        event = {"event_id": "ops-1", "carrier": "B6", "flight_number": "1", "flight_date": "2013-02-08",
                 "type": "cancellation", "occurred_at": "2013-02-07T20:00:00Z", "revision": 1}  # fmt: skip
        event.update(overrides)
        return event

    def _events(self, tmp_path: Path, name: str, *events: dict[str, Any]) -> Path:
        return write(tmp_path, name, "".join(json.dumps(e) + "\n" for e in events))

    def test_a_lower_revision_is_stale_and_ignored(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        import_path(session, EVENTS, self._events(tmp_path, "e1.jsonl", self._event(revision=3)))
        report = import_path(
            session, EVENTS, self._events(tmp_path, "e2.jsonl", self._event(revision=2, type="reinstatement"))
        )
        assert (report.created, report.updated, report.stale) == (0, 0, 1)
        assert session.scalar(select(FlightEvent.type)) == "cancellation"
        assert session.scalar(select(Flight.status).where(Flight.number == "1")) == "cancelled"

    def test_the_same_revision_with_other_data_is_refused(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        import_path(session, EVENTS, self._events(tmp_path, "e1.jsonl", self._event()))
        error = rejected(session, EVENTS, self._events(tmp_path, "e2.jsonl", self._event(cause="weather")))
        assert messages(error) == [
            ("e2.jsonl:1", "revision: event ops-1 revision 1 is already stored with other data: "
                           "send the change as revision 2")
        ]  # fmt: skip

    def test_a_reinstatement_undoes_a_cancellation(self, session: Session, tmp_path: Path) -> None:
        import_examples(session, FLIGHTS)
        path = self._events(
            tmp_path,
            "e.jsonl",
            self._event(),
            self._event(event_id="ops-2", type="reinstatement", occurred_at="2013-02-07T21:00:00Z"),
        )
        import_path(session, EVENTS, path)
        assert session.scalar(select(Flight.status).where(Flight.number == "1")) == "scheduled"

    def test_an_event_for_an_unknown_flight_is_refused(self, session: Session, tmp_path: Path) -> None:
        error = rejected(session, EVENTS, self._events(tmp_path, "e.jsonl", self._event()))
        assert messages(error) == [
            ("e.jsonl:1", "flight_number: unknown flight B6 1 on 2013-02-08: import flights first")
        ]


class TestFeedback:
    def test_feedback_is_linked_to_passenger_flight_and_booking(self, session: Session) -> None:
        import_examples(session)
        survey = session.scalars(select(Feedback).where(Feedback.external_id == "srv-88121")).one()
        ana = passenger_by(session, "loyalty", "B610000001")
        booking_id = session.scalar(select(Booking.id).where(Booking.pnr == "HNY7QX"))
        flight_id = session.scalar(select(Flight.id).where(Flight.number == "1"))
        assert (survey.passenger_id, survey.booking_id, survey.flight_id) == (ana.id, booking_id, flight_id)
        assert (survey.nps, survey.channel, survey.source) == (2, "survey", "medallia")

    def test_feedback_without_an_id_is_known_by_its_content(self, session: Session) -> None:
        import_examples(session)
        post = session.scalars(select(Feedback).where(Feedback.channel == "social")).one()
        assert post.external_id == post.content_hash == content_hash(post.text)

    def test_the_same_words_twice_are_one_feedback(self, session: Session, tmp_path: Path) -> None:
        rows = [
            {"channel": "social", "received_at": "2013-02-12T21:40:00Z", "text": "Lost my bag!"},
            {"channel": "social", "received_at": "2013-02-12T22:00:00Z", "text": "  lost MY bag! "},
        ]
        error = rejected(session, FEEDBACK, write(tmp_path, "f.csv", csv_text(FEEDBACK, rows)))
        assert messages(error) == [("f.csv:3", "external_id: duplicate of line 2 (same channel and content)")]

    def test_feedback_about_an_unknown_booking_is_refused(self, session: Session, tmp_path: Path) -> None:
        rows = [{"channel": "survey", "received_at": "2013-02-12T21:40:00Z", "nps": 8, "pnr": "NOPE99"}]
        error = rejected(session, FEEDBACK, write(tmp_path, "f.csv", csv_text(FEEDBACK, rows)))
        assert messages(error) == [("f.csv:2", "pnr: unknown booking NOPE99: import bookings first")]


class TestImportRows:
    def test_rows_from_code_may_use_none_and_native_types(self, session: Session) -> None:
        rows = [(1, {**flight_row(), "number": 77, "aircraft": None, "seats": 150, "status": ""})]
        report = imports.import_rows(session, kind=FLIGHTS, rows=rows, source="generator", now=NOW)
        assert (report.created, report.rejected) == (1, ())
        assert session.scalar(select(Flight.seats)) == 150

    def test_an_import_is_recorded_and_audited_with_counts_only(self, session: Session) -> None:
        report = import_examples(session, PASSENGERS)[PASSENGERS]
        run = session.scalars(select(ImportRun)).one()
        assert (run.kind, run.file_name, run.rows_total, run.created) == ("passengers", "passengers.csv", 3, 3)
        assert run.file_sha256 == report.sha256
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import.completed")).one()
        assert entry.entity_id == str(run.id)
        text = json.dumps(entry.details)
        assert "example.com" not in text
        assert "L\u00f3pez" not in text
        assert "López" not in text
        assert entry.details["created"] == 3


class TestGarbageCollector:
    def test_it_is_off_while_the_rows_are_written_and_as_it_was_after(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seen: list[bool] = []
        plan = imports.PLANS[FLIGHTS]
        real_write = plan.write

        def write(self: Any, session: Session, **options: Any) -> Any:
            seen.append(gc.isenabled())
            return real_write(self, session, **options)

        monkeypatch.setattr(plan, "write", write)
        assert gc.isenabled()
        import_path(session, FLIGHTS, EXAMPLE_FILES[FLIGHTS])
        assert seen == [False]
        assert gc.isenabled()
        gc.disable()
        try:
            import_path(session, FLIGHTS, EXAMPLE_FILES[FLIGHTS])
            assert not gc.isenabled()  # a caller that had it off finds it off
        finally:
            gc.enable()

    def test_it_is_on_again_after_a_rejected_file(self, session: Session, tmp_path: Path) -> None:
        path = write(tmp_path, "flights.csv", csv_text(FLIGHTS, [flight_row(origin="XXX")]))
        rejected(session, FLIGHTS, path)
        assert gc.isenabled()
