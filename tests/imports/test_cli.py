"""`goodwill import`: exit status, messages, --json, --skip-invalid, and the unit of work around it all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.flights.models import Flight
from goodwill.imports.rows import ImportKind
from tests.imports.helpers import EXAMPLE_FILES, booking_row, census, csv_text, flight_row, write

runner = CliRunner()


def goodwill(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", db_url, *args])
    return result.exit_code, result.output


def load_examples(db_url: str, *kinds: ImportKind) -> None:
    for kind in kinds:
        code, output = goodwill(db_url, "import", kind.value, str(EXAMPLE_FILES[kind]))
        assert code == 0, output


def test_importing_the_examples_prints_a_summary(db_url: str) -> None:
    code, output = goodwill(db_url, "import", "flights", str(EXAMPLE_FILES[ImportKind.FLIGHTS]))
    assert code == 0, output
    assert "created" in output
    assert "flights.csv" in output


def test_json_report_round_trips(db_url: str) -> None:
    load_examples(db_url, ImportKind.FLIGHTS)
    code, output = goodwill(db_url, "import", "flights", "--json", str(EXAMPLE_FILES[ImportKind.FLIGHTS]))
    assert code == 0, output
    report = json.loads(output)
    assert (report["kind"], report["rows_total"], report["created"], report["unchanged"]) == ("flights", 3, 0, 3)
    assert report["rejects_file"] is None


def test_a_rejected_file_exits_1_with_each_problem_and_leaves_the_database_as_it_was(
    db_url: str, url_engine: Engine, tmp_path: Path
) -> None:
    load_examples(db_url, ImportKind.PASSENGERS, ImportKind.FLIGHTS)
    before = census(url_engine)
    rows = [
        booking_row(),
        booking_row(pnr="TEST02", booked_at="2013-01-05 10:00"),
        booking_row(pnr="TEST03", origin="XXX"),
    ]
    path = write(tmp_path, "bookings.csv", csv_text(ImportKind.BOOKINGS, rows))
    code, output = goodwill(db_url, "import", "bookings", str(path))
    assert code == 1
    assert "error: bookings.csv: 2 problems in 2 of 3 rows; nothing was imported" in output
    assert "bookings.csv:3: booked_at: has no UTC offset" in output
    assert "bookings.csv:4: origin: unknown airport XXX" in output
    assert "Traceback" not in output
    assert census(url_engine) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "bookings.csv is empty"),
        ("pnr,flight\nAB1234,1\n", "missing required columns"),
    ],
    ids=["empty", "wrong-header"],
)
def test_an_unreadable_file_exits_1_and_says_why(db_url: str, tmp_path: Path, content: str, words: str) -> None:
    code, output = goodwill(db_url, "import", "bookings", str(write(tmp_path, "bookings.csv", content)))
    assert code == 1
    assert words in output


def test_skip_invalid_imports_the_good_rows_and_writes_the_side_file(
    db_url: str, url_engine: Engine, tmp_path: Path
) -> None:
    rows = [flight_row(), flight_row(number="78", origin="QQQ")]
    path = write(tmp_path, "flights.csv", csv_text(ImportKind.FLIGHTS, rows))
    side = tmp_path / "rejects.csv"
    code, output = goodwill(db_url, "import", "flights", "--skip-invalid", "--rejects", str(side), "--json", str(path))
    assert code == 0, output
    assert json.loads(output)["rejected_rows"] == 1
    assert "unknown airport QQQ" in side.read_text(encoding="utf-8")
    with url_engine.connect() as connection:
        assert connection.scalars(select(Flight.number)).all() == ["77"]


def test_format_option_reads_a_file_whatever_its_name(db_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, "feed.txt", json.dumps(flight_row()) + "\n")
    code, output = goodwill(db_url, "import", "flights", "--format", "jsonl", "--json", str(path))
    assert code == 0, output
    assert json.loads(output)["created"] == 1
