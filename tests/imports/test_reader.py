"""Reading CSV and JSON Lines: line numbers, and a precise reason for each way a file can be unreadable."""

from __future__ import annotations

import io
from typing import Any

import pytest

from goodwill.errors import InvalidInput
from goodwill.imports.reader import RowReader, format_for
from goodwill.imports.rows import ImportKind, columns


def reader(data: bytes, fmt: str = "csv", kind: ImportKind = ImportKind.FLIGHTS) -> RowReader:
    spec = columns(kind)
    return RowReader(
        io.BytesIO(data),
        name=f"test.{fmt}",
        fmt=fmt,
        columns=[n for n, _r, _d in spec],
        required=[n for n, r, _d in spec if r],
    )


def read(data: bytes, fmt: str = "csv") -> tuple[list[tuple[int, dict[str, Any]]], RowReader]:
    r = reader(data, fmt)
    return list(r), r


HEADER = b"carrier,number,operating_date,origin,destination,scheduled_departure,scheduled_arrival\n"
ROW = b"B6,1,2013-02-08,JFK,FLL,2013-02-08T07:00:00-05:00,2013-02-08T10:00:00-05:00\n"


class TestCsv:
    def test_rows_carry_their_line_and_leave_out_empty_cells(self) -> None:
        rows, r = read(HEADER + ROW + b"B6,2,2013-02-08,JFK,FLL,,\n")
        assert [line for line, _row in rows] == [2, 3]
        assert rows[1][1] == {"carrier": "B6", "number": "2", "operating_date": "2013-02-08", "origin": "JFK",
                              "destination": "FLL"}  # fmt: skip
        assert r.problems == []

    def test_a_cell_of_blanks_only_is_left_out_like_an_empty_one(self) -> None:
        rows, _r = read(HEADER + b"B6,2,2013-02-08,JFK,FLL,  ,\t\n" + b'B6,3 , 2013-02-08,JFK,FLL," ",\n')
        assert [row for _line, row in rows] == [
            {"carrier": "B6", "number": "2", "operating_date": "2013-02-08", "origin": "JFK", "destination": "FLL"},
            {"carrier": "B6", "number": "3 ", "operating_date": " 2013-02-08", "origin": "JFK", "destination": "FLL"},
        ]  # blanks around a value are the schema's to strip

    def test_a_quoted_cell_over_two_lines_keeps_the_next_row_on_its_own_line(self) -> None:
        header = b"carrier,number,operating_date,origin,destination,scheduled_departure,scheduled_arrival,aircraft\n"
        first = b'B6,1,2013-02-08,JFK,FLL,2013-02-08T07:00:00Z,2013-02-08T10:00:00Z,"A3\n20"\n'
        rows, _r = read(header + first + ROW.rstrip(b"\n") + b",E190\n")
        assert [line for line, _row in rows] == [2, 4]
        assert rows[0][1]["aircraft"] == "A3\n20"

    def test_a_byte_order_mark_is_tolerated(self) -> None:
        rows, _r = read(b"\xef\xbb\xbf" + HEADER + ROW)
        assert rows[0][1]["carrier"] == "B6"

    def test_an_empty_file_is_refused_with_the_expected_header(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            read(b"")
        assert "empty" in caught.value.message
        assert "carrier,number,operating_date" in caught.value.problems[0]["msg"]
        assert caught.value.problems[0]["where"] == "test.csv:1"

    def test_a_header_without_rows_is_an_empty_import(self) -> None:
        rows, r = read(HEADER)
        assert rows == []
        assert r.problems == []

    def test_wrong_header_names_missing_and_unknown_columns(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            read(b"carrier,number,flight_date,origin,destination,scheduled_departure,scheduled_arrival\n" + ROW)
        msg = caught.value.problems[0]["msg"]
        assert "missing required column operating_date" in msg
        assert "unknown column flight_date" in msg
        assert "Expected header: carrier,number,operating_date," in msg

    def test_a_repeated_column_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            read(HEADER.rstrip(b"\n") + b",origin\n" + ROW)
        assert "repeated column origin" in caught.value.problems[0]["msg"]

    def test_a_row_with_the_wrong_number_of_cells_is_a_row_problem(self) -> None:
        rows, r = read(HEADER + ROW + b"B6,2,2013-02-08\n" + ROW)
        assert [line for line, _row in rows] == [2, 4]
        assert [(p.line, p.reason) for p in r.problems] == [(3, "has 3 cells but the header has 7")]
        assert r.problems[0].row["number"] == "2"

    def test_not_utf8_names_the_line(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            read(HEADER + ROW + b"B6,2,2013-02-08,JFK,FLL,caf\xe9,x\n")
        assert "not valid UTF-8" in caught.value.message
        assert caught.value.problems[0]["loc"] == [3]

    def test_the_digest_is_of_the_whole_file(self) -> None:
        import hashlib

        data = HEADER + ROW
        _rows, r = read(data)
        assert r.sha256 == hashlib.sha256(data).hexdigest()


class TestJsonLines:
    def test_blank_lines_are_skipped_and_lines_are_counted(self) -> None:
        rows, r = read(b'{"carrier": "B6"}\n\n   \n{"carrier": "AA", "number": 7}\n', "jsonl")
        assert [(line, row) for line, row in rows] == [(1, {"carrier": "B6"}), (4, {"carrier": "AA", "number": 7})]
        assert r.problems == []

    def test_malformed_json_names_the_line_and_column(self) -> None:
        rows, r = read(b'{"carrier": "B6"}\n{"carrier": "B6",}\n', "jsonl")
        assert len(rows) == 1
        assert r.problems[0].line == 2
        assert r.problems[0].reason.startswith("malformed JSON:")
        assert "column 18" in r.problems[0].reason

    def test_a_line_that_is_not_an_object_is_a_row_problem(self) -> None:
        _rows, r = read(b'["B6", 1]\n', "jsonl")
        assert r.problems[0].reason == "expected a JSON object, got list"

    def test_a_file_of_blank_lines_is_empty(self) -> None:
        with pytest.raises(InvalidInput, match="empty"):
            read(b"\n\n", "jsonl")


class TestFormat:
    @pytest.mark.parametrize(
        ("name", "fmt", "media", "expected"),
        [
            ("a.csv", None, None, "csv"),
            ("a.CSV", None, None, "csv"),
            ("a.jsonl", None, None, "jsonl"),
            ("a.ndjson", None, None, "jsonl"),
            ("a.txt", "csv", None, "csv"),
            ("upload", None, "application/x-ndjson; charset=utf-8", "jsonl"),
            ("upload", None, "text/csv", "csv"),
        ],
    )
    def test_format_comes_from_option_media_type_or_extension(
        self, name: str, fmt: str | None, media: str | None, expected: str
    ) -> None:
        assert format_for(name, fmt, media) == expected

    def test_an_unknown_extension_asks_for_the_format(self) -> None:
        with pytest.raises(InvalidInput, match="--format"):
            format_for("bookings.txt")
