"""Large files are read and validated on every core; the outcome is exactly that of one process."""

from __future__ import annotations

import gc
import itertools
import json
import pickle
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.errors import InvalidInput
from goodwill.flights.models import Flight
from goodwill.imports import parallel
from goodwill.imports import service as imports
from goodwill.imports.plans import PLANS, BookingsPlan
from goodwill.imports.rows import BookingRow, ImportKind, clean
from tests.imports.helpers import (
    EXAMPLE_FILES,
    NOW,
    booking_row,
    census,
    csv_text,
    flight_row,
    import_examples,
    write,
)

FLIGHTS = ImportKind.FLIGHTS


@pytest.fixture
def everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large, and pieces are tiny, so boundaries fall everywhere."""
    monkeypatch.setattr(parallel, "worth_it", lambda _path: True)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 150)
    monkeypatch.setattr(imports, "worth_it", lambda _path: True)


def flights_csv(count: int) -> str:
    rows = [flight_row(number=str(n), aircraft='A3"2\n0' if n % 7 == 0 else "A320") for n in range(1, count + 1)]
    return csv_text(FLIGHTS, rows)


@pytest.mark.usefixtures("everywhere")
def test_pieces_never_cut_a_quoted_cell_and_lines_stay_right() -> None:
    data = flights_csv(40).encode()
    header_end = data.index(b"\n") + 1
    cut = parallel.pieces(data, header_end, 2, fmt="csv", size=100)
    assert len(cut) > 5
    assert cut[0].start == header_end
    assert all(a.end == b.start for a, b in itertools.pairwise(cut))
    assert cut[-1].end == len(data)
    for piece in cut:
        assert data[piece.start : piece.end].count(b'"') % 2 == 0
        assert piece.first_line == 1 + data.count(b"\n", 0, piece.start)


@pytest.mark.usefixtures("everywhere")
def test_a_large_file_imports_as_in_one_process(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path, "flights.csv", flights_csv(60))
    report = imports.import_file(session, kind=FLIGHTS, path=path, now=NOW)
    assert (report.rows_total, report.created, report.rejected) == (60, 60, ())
    assert session.scalar(select(Flight.aircraft).where(Flight.number == "7")) == 'A3"2\n0'
    again = imports.import_file(session, kind=FLIGHTS, path=path, now=NOW)
    assert (again.created, again.unchanged) == (0, 60)


def test_problems_are_the_same_as_in_one_process(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [flight_row(number=str(n)) for n in range(1, 40)]
    rows[20]["origin"] = "QQQ"
    rows[30]["scheduled_departure"] = "2013-02-08T08:00:00"
    rows.append(flight_row(number="3"))
    text = csv_text(FLIGHTS, rows) + "B6,99,2013-02-08\n"
    path = write(tmp_path, "f.csv", text)
    with pytest.raises(InvalidInput) as alone, session.begin_nested():
        imports.import_file(session, kind=FLIGHTS, path=path, now=NOW)
    monkeypatch.setattr(imports, "worth_it", lambda _path: True)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 200)
    with pytest.raises(InvalidInput) as together, session.begin_nested():
        imports.import_file(session, kind=FLIGHTS, path=path, now=NOW)
    assert together.value.message == alone.value.message
    assert together.value.problems == alone.value.problems
    assert len(together.value.problems) == 4


@pytest.mark.usefixtures("everywhere")
def test_a_piece_that_is_not_utf8_names_its_line(session: Session, tmp_path: Path) -> None:
    data = flights_csv(30).encode().replace(b"A320", b"A3\xe920", 1)
    line = 1 + data[: data.index(b"\xe9")].count(b"\n")
    with pytest.raises(InvalidInput) as caught, session.begin_nested():
        imports.import_file(session, kind=FLIGHTS, path=write(tmp_path, "f.csv", data), now=NOW)
    assert caught.value.problems[0]["loc"] == [line]


@pytest.mark.usefixtures("everywhere")
def test_json_lines_and_bookings_import_in_pieces(session: Session, tmp_path: Path) -> None:
    import_examples(session, ImportKind.PASSENGERS, ImportKind.FLIGHTS)
    before = census(session)
    reports = import_examples(session, ImportKind.BOOKINGS, ImportKind.EVENTS)
    assert reports[ImportKind.BOOKINGS].created == 2
    assert (reports[ImportKind.EVENTS].created, reports[ImportKind.EVENTS].stale) == (2, 1)
    assert census(session)["segments"] == before["segments"] + 3
    lines = [json.dumps(flight_row(number=str(n))) for n in range(100, 140)]
    path = write(tmp_path, "f.jsonl", "\n\n".join(lines) + "\n")
    assert imports.import_file(session, kind=FLIGHTS, path=path, now=NOW).created == 40
    assert EXAMPLE_FILES[ImportKind.EVENTS].suffix == ".jsonl"


@pytest.mark.slow
def test_workers_started_afresh_give_the_same_outcome(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fork is not safe (another thread runs, or not Linux) workers start a fresh interpreter."""
    monkeypatch.setattr(imports, "worth_it", lambda _path: True)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 2000)
    monkeypatch.setattr(parallel, "_start_method", lambda: "spawn")
    path = write(tmp_path, "flights.csv", flights_csv(30))
    report = imports.import_file(session, kind=FLIGHTS, path=path, now=NOW)
    assert (report.rows_total, report.created) == (30, 30)


def test_a_worker_validates_its_piece_without_the_cyclic_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However it was started (a fresh interpreter has it on), and it is on again afterwards."""
    seen: list[bool] = []
    real = parallel._validate

    def validate(task: parallel._Task) -> parallel.PieceResult:
        seen.append(gc.isenabled())
        return real(task)

    monkeypatch.setattr(parallel, "_validate", validate)
    path = write(tmp_path, "flights.csv", flights_csv(3))
    data = path.read_bytes()
    header, start, line = parallel._header(data, path.name, FLIGHTS)
    (piece,) = parallel.pieces(data, start, line + 1, fmt="csv")
    assert gc.isenabled()
    result = parallel._validate_piece(parallel._Task(str(path), FLIGHTS, "csv", tuple(header), piece))
    assert (seen, len(result.rows), gc.isenabled()) == ([False], 3, True)


def test_a_piece_sends_each_equal_part_of_its_booking_rows_once() -> None:
    pack = PLANS[ImportKind.BOOKINGS].packer()
    rows = [
        BookingRow.model_validate(clean(booking_row(**changes)))
        for changes in (
            {},  # Ana on segment 1
            {"segment": 2, "journey": 2, "flight_number": "2", "origin": "FLL", "destination": "JFK"},
            {"passenger_loyalty_number": "B6-1000-0002", "passenger_email": "bo@example.com"},  # Bo on segment 1
        )
    ]
    ana_out, ana_back, bo_out = (pack(row) for row in rows)
    assert [ana_out, ana_back, bo_out] == [BookingsPlan.pack(row) for row in rows]  # the same values as one by one
    assert ana_out[1] is ana_back[1] is bo_out[1]  # the PNR's booking, once
    assert ana_out[4] is ana_back[4]  # Ana, once for both her segments
    assert ana_out[5] is bo_out[5]  # segment 1, once for both passengers
    assert ana_out[5] is not ana_back[5]
    once = pickle.loads(pickle.dumps([ana_out, ana_back, bo_out]))  # noqa: S301 - our own bytes
    assert once[0][1] is once[2][1]  # and so they arrive
