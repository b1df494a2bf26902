"""A bulk load on SQLite writes without per-row foreign key lookups, then checks every foreign key before it
commits: a violation is still refused and everything rolled back, and the pooled connection enforces
foreign keys again for its next user."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.bookings.models import Booking, BookingPassenger
from goodwill.customers.models import Passenger
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind
from goodwill.kit.ids import new_ids
from goodwill.store import bulk, db
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.imports.helpers import NOW, booking_row, csv_text, flight_row, write

NOW_UTC = datetime(2013, 3, 1, tzinfo=UTC)
BP_COLUMNS = ("id", "created_at", "updated_at", "booking_id", "passenger_id", "fare_minor", "ticket_number",
              "passenger_type", "unaccompanied_minor")  # fmt: skip
BOOKING_COLUMNS = ("id", "created_at", "updated_at", "pnr", "channel", "agency_code", "booked_at",
                   "fare_total_minor", "currency", "status")  # fmt: skip


@pytest.fixture
def one_connection(db_url: str) -> Iterator[Engine]:
    """An engine whose pool holds a single connection, so the next session gets the very same one."""
    if not db_url.startswith("sqlite"):
        pytest.skip("bulk loads change how SQLite enforces foreign keys; PostgreSQL is left as it is")
    engine = make_engine(db_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def small_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BULK_LOAD_FROM", 1)


def foreign_keys_on(session: Session) -> bool:
    return bool(session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1)


def orphan(session: Session) -> None:
    """A booking passenger of a booking and a passenger that do not exist."""
    row_id, booking_id, passenger_id = new_ids(3)
    bulk.insert_rows(session, BookingPassenger.__table__, BP_COLUMNS,
                     [(row_id, NOW_UTC, NOW_UTC, booking_id, passenger_id, 100, None, "adult", False)])  # fmt: skip


def a_booking(session: Session) -> None:
    (booking_id,) = new_ids(1)
    row = (booking_id, NOW_UTC, NOW_UTC, "ABC123", "direct", None, NOW_UTC, 0, "USD", "active")
    bulk.insert_rows(session, Booking.__table__, BOOKING_COLUMNS, [row])


@pytest.mark.usefixtures("small_bulk")
def test_a_violation_is_refused_at_commit_and_everything_rolled_back(one_connection: Engine) -> None:
    factory = make_session_factory(one_connection)
    refused = pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed: booking_passengers")
    with refused, unit_of_work(factory) as session:
        assert bulk.load_in_bulk(session, rows=10)
        assert not foreign_keys_on(session)
        a_booking(session)
        orphan(session)  # not refused here: foreign keys are checked once, before the commit
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 0  # the good row went too
        assert session.scalar(select(func.count()).select_from(BookingPassenger)) == 0


@pytest.mark.usefixtures("small_bulk")
def test_a_clean_bulk_load_commits(one_connection: Engine) -> None:
    factory = make_session_factory(one_connection)
    with unit_of_work(factory) as session:
        assert bulk.load_in_bulk(session, rows=10)
        a_booking(session)
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1


@pytest.mark.usefixtures("small_bulk")
@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_the_pooled_connection_enforces_foreign_keys_again(one_connection: Engine, outcome: str) -> None:
    factory = make_session_factory(one_connection)
    session = factory()
    assert bulk.load_in_bulk(session, rows=10)
    a_booking(session)
    used = session.connection().connection.driver_connection
    if outcome == "commit":
        session.commit()
    else:
        session.rollback()
    session.close()
    with unit_of_work(factory) as session:
        assert session.connection().connection.driver_connection is used  # the same connection, not a new one
        assert foreign_keys_on(session)
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            orphan(session)  # refused as it is written, as always


def test_only_large_loads_into_a_database_not_larger_than_them_are_bulk(
    one_connection: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_session_factory(one_connection)
    with unit_of_work(factory) as session:
        assert not bulk.load_in_bulk(session, rows=bulk.BULK_LOAD_FROM - 1)  # too few rows to be worth it
        assert foreign_keys_on(session)
    stored = bulk.stored_rows(one_connection)
    assert stored > 0  # the migrated database holds its version row at least
    monkeypatch.setattr(bulk, "BULK_LOAD_FROM", 1)
    with unit_of_work(factory) as session:
        assert not bulk.load_in_bulk(session, rows=stored - 1)  # the check would read more than is written
        assert foreign_keys_on(session)
    with unit_of_work(factory) as session:
        session.execute(text("SELECT 1"))  # the transaction has begun: too late to change how
        assert not bulk.load_in_bulk(session, rows=stored)
        assert foreign_keys_on(session)


def test_a_session_inside_someone_elses_transaction_is_never_bulk(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BULK_LOAD_FROM", 1)
    assert not bulk.load_in_bulk(session, rows=10**9)  # bound to a connection (tests, PostgreSQL: never)
    if bulk.is_sqlite(session):
        assert foreign_keys_on(session)


@pytest.mark.usefixtures("small_bulk")
def test_a_large_import_is_a_bulk_load_and_is_checked(
    one_connection: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[int] = []
    real_check = db.check_foreign_keys

    def counted(connection: object) -> None:
        checks.append(1)
        real_check(connection)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "check_foreign_keys", counted)
    monkeypatch.setattr(bulk, "stored_rows", lambda _engine: 0)  # as large as the database: worth a bulk load
    factory = make_session_factory(one_connection)
    flights = write(tmp_path, "flights.csv", csv_text(ImportKind.FLIGHTS, [flight_row(number="1", destination="FLL")]))
    bookings = write(tmp_path, "bookings.csv", csv_text(ImportKind.BOOKINGS, [booking_row()]))
    with unit_of_work(factory) as session:
        imports.import_file(session, kind=ImportKind.FLIGHTS, path=flights, now=NOW)
    with unit_of_work(factory) as session:
        report = imports.import_file(session, kind=ImportKind.BOOKINGS, path=bookings, now=NOW)
        assert not foreign_keys_on(session)
    assert report.created == 1
    assert checks == [1, 1]  # both imports were bulk loads, each checked once before its commit
    with unit_of_work(factory) as session:
        assert foreign_keys_on(session)
        assert session.scalar(select(func.count()).select_from(Passenger)) == 1
        assert session.scalar(select(func.count()).select_from(BookingPassenger)) == 1


def test_a_small_import_keeps_foreign_keys_on(one_connection: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(one_connection)
    flights = write(tmp_path, "flights.csv", csv_text(ImportKind.FLIGHTS, [flight_row(number="1", destination="FLL")]))
    bookings = write(tmp_path, "bookings.csv", csv_text(ImportKind.BOOKINGS, [booking_row()]))
    with unit_of_work(factory) as session:
        imports.import_file(session, kind=ImportKind.FLIGHTS, path=flights, now=NOW)
    with unit_of_work(factory) as session:
        report = imports.import_file(session, kind=ImportKind.BOOKINGS, path=bookings, now=NOW)
        assert foreign_keys_on(session)
    assert report.created == 1


def test_postgresql_is_left_as_it_is(url_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    if url_engine.dialect.name == "sqlite":
        pytest.skip("the other tests cover SQLite")
    monkeypatch.setattr(bulk, "BULK_LOAD_FROM", 1)
    with unit_of_work(make_session_factory(url_engine)) as session:
        assert not bulk.load_in_bulk(session, rows=10**9)


def plain_indexes(session: Session, table: str) -> dict[str, str]:
    rows = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"),
        {"t": table},
    )
    return {row[0]: row[1] for row in rows}


@pytest.mark.usefixtures("small_bulk")
@pytest.mark.parametrize("outcome", ["commit", "violation", "rollback"])
def test_a_bulk_load_builds_the_plain_indexes_of_what_it_writes_again_before_it_ends(
    one_connection: Engine, outcome: str
) -> None:
    factory = make_session_factory(one_connection)
    with unit_of_work(factory) as session:
        before = plain_indexes(session, "booking_passengers")
        untouched = plain_indexes(session, "passengers")
    assert "ix_booking_passengers_passenger_id" in before
    assert "ix_passengers_name_key" in untouched
    session = factory()
    assert bulk.load_in_bulk(session, rows=10)
    assert session.execute(text("PRAGMA cache_size")).scalar_one() == -db.BULK_CACHE_KIB
    a_booking(session)
    if outcome == "violation":
        orphan(session)
    else:
        passenger = Passenger(first_name="Ana", last_name="Lopez", name_key="lopez ana")
        session.add(passenger)
        session.flush()  # through the ORM: not a bulk write, so the passengers' indexes stay
        (bp_id,) = new_ids(1)
        booking = uuid.UUID(session.execute(text("SELECT id FROM bookings")).scalar_one())
        bulk.insert_rows(session, BookingPassenger.__table__, BP_COLUMNS,
                         [(bp_id, NOW_UTC, NOW_UTC, booking, passenger.id, 100, None, "adult", False)])  # fmt: skip
    assert plain_indexes(session, "booking_passengers") == {}  # dropped while the rows are written
    assert plain_indexes(session, "passengers") == untouched  # not written by insert_rows: kept
    if outcome == "rollback":
        session.rollback()
    elif outcome == "violation":
        with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
            session.commit()
        session.rollback()
    else:
        session.commit()
    session.close()
    with unit_of_work(factory) as session:
        assert plain_indexes(session, "booking_passengers") == before  # the same indexes, as they were defined
        assert plain_indexes(session, "passengers") == untouched
        assert session.execute(text("PRAGMA cache_size")).scalar_one() == -db.CACHE_KIB
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        rows = session.scalar(select(func.count()).select_from(BookingPassenger))
        assert rows == (1 if outcome == "commit" else 0)


def test_indexes_are_kept_outside_a_bulk_load(one_connection: Engine) -> None:
    factory = make_session_factory(one_connection)
    with unit_of_work(factory) as session:
        before = plain_indexes(session, "bookings")
        a_booking(session)
        assert plain_indexes(session, "bookings") == before
        assert session.execute(text("PRAGMA cache_size")).scalar_one() == -db.CACHE_KIB


@pytest.mark.usefixtures("small_bulk")
def test_a_write_that_finds_rows_by_a_deferred_index_builds_it_first(one_connection: Engine) -> None:
    factory = make_session_factory(one_connection)
    with unit_of_work(factory) as session:
        before = plain_indexes(session, "booking_passengers")
    with unit_of_work(factory) as session:
        assert bulk.load_in_bulk(session, rows=10)
        a_booking(session)
        passengers = [Passenger(first_name=n, last_name="Lopez", name_key=f"lopez {n}") for n in ("ana", "bo")]
        session.add_all(passengers)
        session.flush()
        booking = uuid.UUID(session.execute(text("SELECT id FROM bookings")).scalar_one())
        (bp_id,) = new_ids(1)
        bulk.insert_rows(session, BookingPassenger.__table__, BP_COLUMNS,
                         [(bp_id, NOW_UTC, NOW_UTC, booking, passengers[0].id, 100, None, "adult", False)])  # fmt: skip
        assert plain_indexes(session, "booking_passengers") == {}
        bulk.update_rows(session, BookingPassenger.__table__, ("fare_minor",), [(bp_id, 150)])  # by id: not needed
        assert plain_indexes(session, "booking_passengers") == {}
        # A merge finds a passenger's rows by passenger_id: the index on it comes back first, and stays.
        moved = bulk.update_rows(
            session, BookingPassenger.__table__, ("passenger_id",), [(passengers[0].id, passengers[1].id)],
            key="passenger_id",
        )  # fmt: skip
        assert moved == 1
        assert plain_indexes(session, "booking_passengers") == before
        (other,) = new_ids(1)
        bulk.insert_rows(session, BookingPassenger.__table__, BP_COLUMNS,
                         [(other, NOW_UTC, NOW_UTC, booking, passengers[0].id, 100, None, "adult", False)])  # fmt: skip
        assert plain_indexes(session, "booking_passengers") == before  # not dropped again in this transaction
    with unit_of_work(factory) as session:
        assert plain_indexes(session, "booking_passengers") == before
        assert session.scalar(select(func.count()).select_from(BookingPassenger)) == 2
