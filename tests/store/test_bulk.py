"""Bulk writes read back through the ORM exactly as ORM writes do, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from goodwill.customers.models import Passenger, PassengerIdentity
from goodwill.kit.ids import new_ids
from goodwill.store import bulk
from goodwill.store.bulk import IN_CHUNK, delete_rows, insert_many, insert_rows, select_in, update_rows
from goodwill.store.db import make_session_factory, unit_of_work

COLUMNS = ("id", "created_at", "updated_at", "first_name", "last_name", "name_key", "language", "tier",
           "tier_since", "date_of_birth", "home_airport", "preferences", "lifetime_revenue_minor",
           "revenue_currency", "status", "merged_into_id")  # fmt: skip
NEW_YORK = timezone(timedelta(hours=-5))


def passenger(pid: uuid.UUID, *, born: date | None = date(1984, 3, 12), merged: uuid.UUID | None = None) -> tuple:
    at = datetime(2013, 2, 8, 6, 30, 15, 120, tzinfo=NEW_YORK)
    return (pid, at, at, "Ana", "López", "lópez ana", "es", "gold", None, born, "JFK",
            {"seat": "aisle", "meals": ["vgml"]}, 41250, "USD", "active", merged)  # fmt: skip


def test_inserted_rows_read_back_like_orm_rows(session: Session) -> None:
    first, second = new_ids(2)
    assert insert_rows(session, Passenger.__table__, COLUMNS, [passenger(first), passenger(second, born=None,
                       merged=first)]) == 2  # fmt: skip
    ana = session.get(Passenger, first)
    assert ana is not None
    assert ana.created_at == datetime(2013, 2, 8, 11, 30, 15, 120, tzinfo=UTC)
    assert ana.date_of_birth == date(1984, 3, 12)
    assert ana.preferences == {"seat": "aisle", "meals": ["vgml"]}
    assert (ana.first_name, ana.lifetime_revenue_minor, ana.merged_into_id) == ("Ana", 41250, None)
    other = session.get(Passenger, second)
    assert other is not None
    assert (other.date_of_birth, other.merged_into_id) == (None, first)
    # The stored form is the ORM's own: a filter by instant finds the row.
    found = session.scalars(select(Passenger.id).where(Passenger.created_at == ana.created_at)).all()
    assert set(found) == {first, second}


def test_values_the_same_in_every_row_are_given_once(session: Session) -> None:
    first, second = new_ids(2)
    rows = [row[:1] + row[3:] for row in (passenger(first), passenger(second, born=None))]
    at = datetime(2013, 2, 8, 6, 30, 15, 120, tzinfo=NEW_YORK)
    same = {"created_at": at, "updated_at": at + timedelta(hours=1)}
    assert insert_rows(session, Passenger.__table__, COLUMNS[:1] + COLUMNS[3:], rows, same=same) == 2
    found = session.execute(select(Passenger.id, Passenger.created_at, Passenger.updated_at, Passenger.date_of_birth))
    assert sorted(tuple(r) for r in found) == [
        (first, at, at + timedelta(hours=1), date(1984, 3, 12)),
        (second, at, at + timedelta(hours=1), None),
    ]
    # Stored as the ORM stores them: a filter by instant finds both rows.
    assert len(session.scalars(select(Passenger.id).where(Passenger.created_at == at)).all()) == 2


def test_updates_and_deletes_by_key(session: Session) -> None:
    first, second = new_ids(2)
    insert_rows(session, Passenger.__table__, COLUMNS, [passenger(first), passenger(second)])
    later = datetime(2013, 3, 1, tzinfo=UTC)
    assert update_rows(session, Passenger.__table__, ("tier", "updated_at"), [(first, "platinum", later)]) == 1
    assert delete_rows(session, Passenger.__table__, [second]) == 1
    session.expire_all()
    rows = session.execute(select(Passenger.id, Passenger.tier, Passenger.updated_at)).all()
    assert [tuple(r) for r in rows] == [(first, "platinum", later)]


def test_select_in_reads_past_one_in_list(session: Session) -> None:
    ids = new_ids(IN_CHUNK * 2 + 7)
    insert_rows(session, Passenger.__table__, COLUMNS, [passenger(i) for i in ids])
    found = [row[0] for row in select_in(session, lambda b: select(Passenger.id).where(Passenger.id.in_(b)), ids)]
    assert sorted(found) == ids


def test_select_in_reads_the_table_once_when_that_is_cheaper(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:

    ids = new_ids(30)
    insert_rows(session, Passenger.__table__, COLUMNS, [passenger(i) for i in ids])
    monkeypatch.setattr(bulk, "SCAN_FROM", 5)
    queries: list[object] = []
    everything = select(Passenger.id)

    def by_chunk(batch: list[object]) -> object:
        queries.append(batch)
        return everything.where(Passenger.id.in_(batch))

    found = {row[0] for row in select_in(session, by_chunk, ids[:10], scan=(everything, Passenger.__table__))}
    assert found == set(ids)  # the whole table: the caller filters
    assert queries == []
    found = {row[0] for row in select_in(session, by_chunk, ids[:3], scan=(everything, Passenger.__table__))}
    assert found == set(ids[:3])
    assert len(queries) == 1


# ---- rows made by a helper process (`insert_rows(pure=True)`) -----------------------------------------------


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "HELPER_BATCH", 3)


def made_by(ids: list[uuid.UUID], *, naive_at: int | None = None) -> Iterator[tuple]:
    """Passenger rows, each named after the process that made it; the row at `naive_at` has a naive instant."""
    for n, pid in enumerate(ids):
        row = passenger(pid)
        at = datetime(2013, 2, 8) if n == naive_at else row[1]  # noqa: DTZ001 - naive on purpose
        yield (pid, at, row[2], str(os.getpid()), *row[4:])


@pytest.mark.usefixtures("small_batches")
def test_rows_past_the_first_batch_are_made_by_a_helper_and_written_here(session: Session) -> None:
    ids = new_ids(11)
    assert insert_rows(session, Passenger.__table__, COLUMNS, made_by(ids), pure=True) == 11
    rows = session.execute(select(Passenger.id, Passenger.first_name, Passenger.created_at, Passenger.preferences))
    found = {pid: rest for pid, *rest in rows}
    assert set(found) == set(ids)
    makers = [found[pid][0] for pid in ids]
    here = str(os.getpid())
    if bulk.is_sqlite(session):
        assert makers[:3] == [here] * 3  # the first batch is made here, while the helper starts
        assert len(set(makers[3:])) == 1
        assert here not in makers[3:]
    else:
        assert makers == [here] * 11  # PostgreSQL: everything here
    assert all(
        rest[1:] == [datetime(2013, 2, 8, 11, 30, 15, 120, tzinfo=UTC), {"seat": "aisle", "meals": ["vgml"]}]
        for rest in found.values()
    )
    assert not multiprocessing.active_children()


@pytest.mark.usefixtures("small_batches")
def test_without_a_safe_fork_every_row_is_made_here(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "fork_is_safe", lambda: False)
    ids = new_ids(8)
    assert insert_rows(session, Passenger.__table__, COLUMNS, made_by(ids), pure=True) == 8
    assert set(session.scalars(select(Passenger.first_name))) == {str(os.getpid())}


@pytest.mark.usefixtures("small_batches")
def test_a_problem_the_helper_meets_late_is_raised_here_and_nothing_is_kept(url_engine: Engine) -> None:
    factory = make_session_factory(url_engine)
    refused = pytest.raises((ValueError, StatementError), match="naive datetime refused")
    with refused, unit_of_work(factory) as session:
        insert_rows(session, Passenger.__table__, COLUMNS, made_by(new_ids(20), naive_at=16), pure=True)
    assert not multiprocessing.active_children()
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Passenger)) == 0  # the batches written went too


@pytest.mark.usefixtures("small_batches")
def test_a_write_that_fails_here_stops_the_helper(url_engine: Engine) -> None:
    factory = make_session_factory(url_engine)
    ids = new_ids(30)
    ids[5] = ids[1]  # the second batch repeats a row of the first
    with pytest.raises((sqlite3.IntegrityError, IntegrityError)), unit_of_work(factory) as session:
        insert_rows(session, Passenger.__table__, COLUMNS, made_by(ids), pure=True)
    assert not multiprocessing.active_children()
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Passenger)) == 0


@pytest.mark.usefixtures("small_batches")
def test_several_tables_are_written_in_order_the_first_made_here_the_others_by_one_helper(session: Session) -> None:
    ids = new_ids(7)
    at = datetime(2013, 2, 8, tzinfo=UTC)
    pairs = enumerate(zip(new_ids(7), ids, strict=True))
    identities = ((identity_id, pid, "email", f"p{n}@example.com") for n, (identity_id, pid) in pairs)
    written = insert_many(
        session,
        [
            bulk.Rows(Passenger.__table__, COLUMNS, made_by(ids)),
            bulk.Rows(
                PassengerIdentity.__table__,
                ("id", "passenger_id", "kind", "value"),
                identities,
                {"created_at": at, "updated_at": at, "is_primary": True, "verified": False, "source": "test"},
            ),
        ],
        pure=True,
    )
    assert written == [7, 7]
    assert set(session.scalars(select(Passenger.first_name))) == {str(os.getpid())}  # the first table: made here
    stored = session.execute(select(PassengerIdentity.value, Passenger.id).join(Passenger)).all()
    assert sorted(tuple(p) for p in stored) == sorted((f"p{n}@example.com", pid) for n, pid in enumerate(ids))
    assert not multiprocessing.active_children()


def test_an_instant_is_stored_the_same_whatever_its_offset() -> None:
    convert = bulk._instant_converter()
    moment = datetime(2013, 2, 8, 11, 30, 15, 120, tzinfo=UTC)
    assert convert(moment) == convert(moment.astimezone(NEW_YORK)) == "2013-02-08 11:30:15.000120"
    assert convert(datetime(2013, 2, 8, tzinfo=UTC)) == "2013-02-08 00:00:00.000000"
    with pytest.raises(ValueError, match="naive"):
        convert(datetime(2013, 2, 8))  # noqa: DTZ001 - naive on purpose


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("bad", ["first table", "helper's table"])
def test_a_late_problem_in_either_table_is_raised_and_nothing_is_left_running(url_engine: Engine, bad: str) -> None:
    factory = make_session_factory(url_engine)
    first, second = new_ids(12), new_ids(12)
    threads_before = set(threading.enumerate())  # others' (a session's browser) may be running: none may be added
    refused = pytest.raises((ValueError, StatementError), match="naive datetime refused")
    with refused, unit_of_work(factory) as session:
        insert_many(
            session,
            [
                bulk.Rows(Passenger.__table__, COLUMNS, made_by(first, naive_at=10 if bad == "first table" else None)),
                bulk.Rows(Passenger.__table__, COLUMNS, made_by(second, naive_at=10 if bad != "first table" else None)),
            ],
            pure=True,
        )
    assert not multiprocessing.active_children()
    assert set(threading.enumerate()) <= threads_before
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Passenger)) == 0
