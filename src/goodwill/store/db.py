"""Engine creation with the SQLite pragmas we rely on, and the unit of work: the only place that commits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

# Execution option of a SQLite connection whose next transaction is a bulk load: foreign keys are not
# enforced row by row but checked, all at once, when it commits (see `_configure_sqlite`).
BULK_LOAD = "goodwill_bulk_load"
_FOREIGN_KEYS_OFF = "goodwill_foreign_keys_off"  # in the pooled connection's info while they are
# In the pooled connection's info during a bulk load: table → its indexes dropped until the commit (`defer_indexes`).
_DEFERRED_INDEXES = "goodwill_deferred_indexes"
# SQLite's page cache per connection, in KiB; a bulk load's transaction may use up to BULK_CACHE_KIB, so the
# pages it writes stay in memory until its commit instead of being spilled to the WAL and read back. SQLite
# allocates the cache as pages are used, and gives it back when the connection returns to the pool.
CACHE_KIB = 65_536
BULK_CACHE_KIB = 2_097_152


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; on SQLite: foreign keys on, WAL, a busy timeout, and BEGIN IMMEDIATE writes."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from pysqlite so BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(BULK_LOAD):
            # Only possible outside a transaction, hence here. Until the connection goes back to the pool
            # (`_on_checkin`), every commit is preceded by a check of the whole database (`_on_commit`).
            connection.info[_FOREIGN_KEYS_OFF] = True
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "commit")
    def _on_commit(connection: Any) -> None:
        if connection.info.get(_FOREIGN_KEYS_OFF):
            driver = connection.connection.driver_connection
            deferred = connection.info.pop(_DEFERRED_INDEXES, {})
            restore_indexes(driver, [index for indexes in deferred.values() for index in indexes])
            check_foreign_keys(driver)

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Any) -> None:
        connection.info.pop(_DEFERRED_INDEXES, None)  # the rollback brought them back

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        record.info.pop(_DEFERRED_INDEXES, None)
        if not record.info.pop(_FOREIGN_KEYS_OFF, False) or dbapi_connection is None:
            return
        dbapi_connection.rollback()  # the pool has already reset it; a PRAGMA needs no open transaction
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        if dbapi_connection.execute("PRAGMA foreign_keys").fetchone() != (1,):  # pragma: no cover - defensive
            record.invalidate()  # never hand out a connection without foreign keys: a new one replaces it


def defer_indexes(connection: Connection, table: str) -> None:
    """In a bulk load on SQLite, drop `table`'s plain (non-unique) indexes until the commit, which builds them
    again, in the same transaction, before it checks the foreign keys: one sort per index instead of a
    lookup per row written. Unique indexes and primary keys stay, so every constraint and ON CONFLICT
    clause works as always; a query meanwhile still finds the same rows, only without those indexes. A
    rollback brings the indexes back with everything else. Outside a bulk load (or on PostgreSQL) nothing
    changes.
    """
    info = connection.info
    if not info.get(_FOREIGN_KEYS_OFF) or connection.dialect.name != "sqlite":
        return
    deferred: dict[str, list[tuple[str, str, str]]] = info.setdefault(_DEFERRED_INDEXES, {})
    if table in deferred:
        return
    driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    listed = driver.execute(f'PRAGMA index_list("{table}")').fetchall()  # seq, name, unique, origin, partial
    plain = [row[1] for row in listed if not row[2] and row[3] == "c"]  # made by CREATE INDEX, not UNIQUE
    indexes = []
    for name in plain:
        (sql,) = driver.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
        first = driver.execute(f'PRAGMA index_info("{name}")').fetchone()[2]  # seqno, cid, column name
        indexes.append((name, sql, first))
        driver.execute(f'DROP INDEX "{name}"')
    deferred[table] = indexes


def need_indexes(connection: Connection, table: str, column: str) -> None:
    """Build again, now, the deferred indexes of `table` if one of them starts with `column`: a write that finds
    its rows by that column (a merge repointing a passenger's rows, say) would otherwise read the whole table
    for each. The table's indexes are then kept up to date for the rest of the transaction."""
    deferred = connection.info.get(_DEFERRED_INDEXES)
    if not deferred or not any(first == column for _n, _s, first in deferred.get(table, ())):
        return
    restore_indexes(connection.connection.driver_connection, deferred[table])  # type: ignore[arg-type]
    deferred[table] = []  # not deferred again in this transaction


def restore_indexes(dbapi_connection: sqlite3.Connection, indexes: list[tuple[str, str, str]]) -> None:
    """Create again the indexes `defer_indexes` dropped (those a savepoint's rollback has not already restored)."""
    for name, sql, _first in indexes:
        exists = dbapi_connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,))
        if exists.fetchone() is None:
            dbapi_connection.execute(sql)


def check_foreign_keys(dbapi_connection: sqlite3.Connection) -> None:
    """Raise IntegrityError (as SQLite does when it enforces them) if any row breaks a foreign key."""
    found = dbapi_connection.execute("PRAGMA foreign_key_check").fetchmany(10)
    if found:
        table, rowid, parent, _fk = found[0]
        reason = f"FOREIGN KEY constraint failed: {table} row {rowid} refers to a missing {parent} row"
        if len(found) > 1:
            reason += f" (and {len(found) - 1}{' or more' if len(found) == 10 else ''} more)"
        raise IntegrityError("PRAGMA foreign_key_check", None, sqlite3.IntegrityError(reason))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception. Services never commit."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
