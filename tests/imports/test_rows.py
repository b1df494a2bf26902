"""The row schemas: what a valid row is, and the reason given for each kind of invalid one. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from goodwill.imports.rows import (
    ROW_SCHEMAS,
    BookingRow,
    EventRow,
    FeedbackRow,
    FlightRow,
    ImportKind,
    PassengerRow,
    columns,
    problems,
)
from tests.imports.helpers import booking_row, flight_row


def reasons(schema: type[Any], row: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        schema.model_validate(row)
    return dict(problems(caught.value, schema))


class TestTimes:
    def test_time_without_offset_is_refused_with_an_example_of_the_right_form(self) -> None:
        found = reasons(FlightRow, flight_row(scheduled_departure="2013-02-08T08:00:00"))
        assert set(found) == {"scheduled_departure"}
        assert "no UTC offset" in found["scheduled_departure"]
        assert "2013-02-08T06:00:00-05:00" in found["scheduled_departure"]

    def test_times_with_any_offset_are_the_same_instant(self) -> None:
        a = FlightRow.model_validate(flight_row(scheduled_departure="2013-02-08T08:00:00-05:00"))
        b = FlightRow.model_validate(flight_row(scheduled_departure="2013-02-08T13:00:00Z"))
        assert a.scheduled_departure == b.scheduled_departure == datetime(2013, 2, 8, 13, tzinfo=UTC)

    def test_bad_date_names_the_value_and_the_expected_form(self) -> None:
        found = reasons(BookingRow, booking_row(flight_date="2013-02-30"))
        assert "YYYY-MM-DD" in found["flight_date"]
        assert "2013-02-30" in found["flight_date"]


class TestNormalisation:
    def test_codes_are_upper_cased_and_flight_numbers_lose_leading_zeros(self) -> None:
        row = BookingRow.model_validate(
            booking_row(carrier="b6", origin="jfk", destination="fll", flight_number="0001")
        )
        assert (row.carrier, row.origin, row.destination, row.flight_number) == ("B6", "JFK", "FLL", "1")

    def test_loyalty_numbers_lose_spaces_and_dashes_and_emails_are_lower_cased(self) -> None:
        row = BookingRow.model_validate(
            booking_row(passenger_loyalty_number="b6 1000-0001", passenger_email=" Ana.Lopez@Example.COM ")
        )
        assert row.passenger_loyalty_number == "B610000001"
        assert row.passenger_email == "ana.lopez@example.com"

    def test_json_numbers_and_booleans_are_accepted_where_text_is_expected(self) -> None:
        row = BookingRow.model_validate(booking_row(flight_number=1, fare_paid=199.5, unaccompanied_minor="yes"))
        assert (row.flight_number, row.fare_minor, row.unaccompanied_minor) == ("1", 19950, True)

    def test_bag_tags_are_split_on_semicolons(self) -> None:
        row = BookingRow.model_validate(booking_row(bag_tags="B600000001; b600000002"))
        assert row.bag_tags == ("B600000001", "B600000002")


class TestRules:
    @pytest.mark.parametrize(
        ("overrides", "field", "words"),
        [
            ({"origin": "J1K"}, "origin", "3-letter IATA airport code"),
            ({"carrier": "B66"}, "carrier", "2-character IATA airline code"),
            ({"destination": "JFK"}, "destination", "same airport"),
            ({"booking_channel": "agency"}, "agency_code", "needs agency_code"),
            ({"cabin": "first"}, "cabin", "economy, premium or business"),
            ({"fare_paid": "12.345"}, "fare_paid", "more decimals"),
            ({"passenger_loyalty_number": None, "passenger_email": None}, "passenger_loyalty_number", "needs"),
            ({"bag_tags": "AB"}, "bag_tags", "6-12 letters or digits"),
            ({"segment": 0}, "segment", "greater than or equal to 1"),
            ({"surprise": "x"}, "surprise", "not a column"),
        ],
        ids=["airport", "carrier", "same-airports", "agency", "cabin", "fare", "no-key", "bag", "segment", "extra"],
    )
    def test_an_invalid_booking_row_names_the_field_and_the_reason(
        self, overrides: dict[str, Any], field: str, words: str
    ) -> None:
        row = {k: v for k, v in booking_row(**overrides).items() if v is not None}
        found = reasons(BookingRow, row)
        assert field in found, found
        assert words in found[field]

    def test_a_missing_required_field_is_required(self) -> None:
        row = booking_row()
        del row["pnr"]
        assert reasons(BookingRow, row) == {"pnr": "is required"}

    def test_a_delay_needs_its_minutes(self) -> None:
        event = {
            "event_id": "e1",
            "carrier": "B6",
            "flight_number": "1",
            "flight_date": "2013-02-08",
            "type": "delay",
            "occurred_at": "2013-02-08T05:00:00Z",
        }
        assert "departure_delay_minutes" in reasons(EventRow, event)
        assert EventRow.model_validate({**event, "departure_delay_minutes": 30}).departure_delay_minutes == 30

    def test_feedback_flight_needs_all_three_parts(self) -> None:
        found = reasons(
            FeedbackRow, {"channel": "survey", "received_at": "2013-02-09T10:00:00Z", "nps": 3, "carrier": "B6"}
        )
        assert "flight_number" in found

    def test_a_passenger_needs_a_loyalty_number_or_an_email(self) -> None:
        found = reasons(PassengerRow, {"first_name": "Ana", "last_name": "López", "phone": "+12125550101"})
        assert "loyalty_number" in found


def test_every_kind_documents_every_column() -> None:
    for kind in ImportKind:
        listed = columns(kind)
        assert [name for name, _r, _d in listed] == list(ROW_SCHEMAS[kind].model_fields)
        assert all(description for _n, _r, description in listed), kind


def test_the_import_formats_document_lists_every_column_of_every_kind() -> None:
    from tests.imports.helpers import ROOT

    doc = (ROOT / "docs" / "IMPORT_FORMATS.md").read_text(encoding="utf-8")
    sections = doc.split("\n### ")[1:]
    documented = {section.split("\n", 1)[0]: section for section in sections}
    assert set(documented) == {kind.value for kind in ImportKind}
    for kind in ImportKind:
        for name, required, _description in columns(kind):
            assert f"| `{name}` | {'yes' if required else ''} |" in documented[kind.value], (kind, name)
