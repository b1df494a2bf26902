"""Helpers for import tests: example files, CSV builders, and a census of every table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from goodwill.all_models import metadata
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind, columns
from goodwill.imports.service import ImportReport

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
NOW = datetime(2013, 3, 1, 12, 0, tzinfo=UTC)
EXAMPLE_FILES = {
    ImportKind.PASSENGERS: EXAMPLES / "passengers.csv",
    ImportKind.FLIGHTS: EXAMPLES / "flights.csv",
    ImportKind.BOOKINGS: EXAMPLES / "bookings.csv",
    ImportKind.EVENTS: EXAMPLES / "events.jsonl",
    ImportKind.FEEDBACK: EXAMPLES / "feedback.csv",
}


def csv_text(kind: ImportKind, rows: Iterable[Mapping[str, Any]], header: list[str] | None = None) -> str:
    """A CSV file of `kind` with the full header (or `header`) and `rows` (missing cells empty)."""
    names = header or [name for name, _required, _d in columns(kind)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def import_path(session: Session, kind: ImportKind, path: Path, **options: Any) -> ImportReport:
    return imports.import_file(session, kind=kind, path=path, now=options.pop("now", NOW), **options)


def import_examples(session: Session, *kinds: ImportKind) -> dict[ImportKind, ImportReport]:
    """Import the example files of `kinds` (default: all, in dependency order)."""
    return {kind: import_path(session, kind, EXAMPLE_FILES[kind]) for kind in kinds or tuple(ImportKind)}


def census(bind: Session | Engine | Connection) -> dict[str, int]:
    """Rows in every table, by table name."""

    def count(connection: Any) -> dict[str, int]:
        return {t.name: connection.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}

    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return count(connection)
    return count(bind)


def booking_row(**overrides: Any) -> dict[str, Any]:
    """One valid booking row (Ana on B6 1 JFK-FLL of 2013-02-08, the example flights), with overrides."""
    row = {
        "pnr": "TEST01",
        "booked_at": "2013-01-05T10:00:00-05:00",
        "currency": "USD",
        "fare_paid": "199.00",
        "passenger_loyalty_number": "B6-1000-0001",
        "passenger_email": "ana.lopez@example.com",
        "passenger_first_name": "Ana",
        "passenger_last_name": "López",
        "segment": 1,
        "journey": 1,
        "carrier": "B6",
        "flight_number": "1",
        "flight_date": "2013-02-08",
        "origin": "JFK",
        "destination": "FLL",
    }
    row.update(overrides)
    return row


def flight_row(**overrides: Any) -> dict[str, Any]:
    row = {
        "carrier": "B6",
        "number": "77",
        "operating_date": "2013-02-08",
        "origin": "JFK",
        "destination": "BOS",
        "scheduled_departure": "2013-02-08T08:00:00-05:00",
        "scheduled_arrival": "2013-02-08T09:15:00-05:00",
    }
    row.update(overrides)
    return row
