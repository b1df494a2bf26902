"""Bulk writes and chunked reads, for imports and fan-outs: executemany, never one ORM object per row.

On SQLite the rows go straight to the DBAPI cursor (sqlite3 `executemany`), with each value converted the
way SQLAlchemy's own column types would store it (UUID as 32 hex digits, instants as naive UTC text with
microseconds, dates as ISO text, booleans as 0/1, JSON as `json.dumps` text), so a row written here reads
back through the ORM like any other. On PostgreSQL the same rows go through SQLAlchemy Core, whose
executemany batches them ("insertmanyvalues"). Either way they join the session's transaction: the unit of
work still decides whether they are committed.
"""

from __future__ import annotations

import json
import multiprocessing
import pickle
import queue
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Engine,
    FromClause,
    String,
    TableClause,
    Uuid,
    bindparam,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from goodwill.kit.processes import fork_is_safe
from goodwill.store.db import BULK_LOAD, defer_indexes, need_indexes
from goodwill.store.types import UTCDateTime

# Values per IN list: far below SQLite's and PostgreSQL's parameter limits, large enough to be few queries.
IN_CHUNK = 500
SCAN_FROM = 20 * IN_CHUNK
BATCH = 20_000
# A write of at least this many rows may be a bulk load (`load_in_bulk`).
BULK_LOAD_FROM = 100_000
# Rows per batch a helper process makes for `insert_rows(pure=True)`; fewer rows are all made in place.
HELPER_BATCH = 10_000

T = TypeVar("T")


class Outcome(StrEnum):
    """What an upsert did to one record."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"  # an older revision than the stored one: ignored


def chunks(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def select_in(
    session: Session,
    query: Callable[[list[T]], Any],
    values: Iterable[T],
    *,
    scan: tuple[Any, FromClause] | None = None,
) -> Iterator[Any]:
    """Run `query(chunk)` for each chunk of `values` (an IN list) and yield every result row.

    With `scan` = (unfiltered query, its table): when there are many values and the table holds not many
    more rows than that, read the table once instead (the caller filters, as it must anyway for keys an IN
    list cannot express). An import into an empty database then costs one query, not hundreds.
    """
    wanted = list(dict.fromkeys(values))
    if scan is not None and len(wanted) > SCAN_FROM:
        unfiltered, source = scan
        stored = session.scalar(select(func.count()).select_from(source)) or 0
        if stored <= 4 * len(wanted):
            yield from session.execute(unfiltered)
            return
    for batch in chunks(wanted):
        yield from session.execute(query(batch))


def raw_ids(column: Any) -> Any:
    """`column` (a UUID column) read as the database gives it, for `IdReader` to turn into UUIDs: a read of
    many repeated ids (a storm's journeys: every leg names its booking and flight) then builds each once,
    where SQLAlchemy's own type builds a UUID per value read."""
    return type_coerce(column, String()).label(column.key)


class IdReader:
    """UUIDs from ids read by `raw_ids`: 32 hex digits on SQLite (built once per distinct value), UUIDs
    already on PostgreSQL (as they come)."""

    def __init__(self) -> None:
        self._known: dict[str, uuid.UUID] = {}

    def __call__(self, value: Any) -> uuid.UUID:
        if isinstance(value, uuid.UUID):
            return value
        found = self._known.get(value)
        if found is None:
            found = self._known[value] = uuid.UUID(hex=value)
        return found


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def load_in_bulk(session: Session, *, rows: int) -> bool:
    """Make the session's transaction, about to write about `rows` rows, a bulk load where that is cheaper;
    returns whether it is one.

    On SQLite a bulk load does not look up each row's foreign keys as it is written, but checks every foreign
    key of the database once, before the commit (`store.db`): a violation raises IntegrityError there and
    the unit of work rolls everything back, as it would have when the row was written. The check reads
    every table, so it is only cheaper when the rows are many and the database is not larger than them.
    It must be decided before the transaction begins: a session that has already begun is left as it is.
    """
    if rows < BULK_LOAD_FROM or session.in_transaction():
        return False
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite" or stored_rows(bind) > rows:
        return False
    session.connection(execution_options={BULK_LOAD: True})
    return True


def stored_rows(engine: Engine) -> int:
    """About how many rows a SQLite database holds (the largest rowid of each table), without a transaction."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        names = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        total = 0
        for name in names:
            if name.startswith("sqlite_"):
                continue
            try:
                total += cursor.execute(f'SELECT max(rowid) FROM "{name}"').fetchone()[0] or 0
            except sqlite3.OperationalError:  # a WITHOUT ROWID table: count it
                total += cursor.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        cursor.close()
        return total
    finally:
        raw.close()


# ---- SQLite value conversion --------------------------------------------------------------------------


class JSONText(str):
    """A JSON document already serialised, written by `insert_rows` on SQLite as it is: for a caller that makes
    many alike documents from shared parts. On PostgreSQL a JSON column takes the value itself, never this."""


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is JSONText:
        return str.__str__(value)
    if not value and isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value)


def _instant_converter() -> Callable[[datetime | None], str | None]:
    """Aware datetime → the naive-UTC text SQLAlchemy stores on SQLite; remembers recent values."""
    cache: dict[datetime, str] = {}
    last: object = object()  # the value converted last, and its text below: most rows repeat it (`now`)
    last_text = ""

    def convert(value: datetime | None) -> str | None:
        nonlocal last, last_text
        if value is None:
            return None
        if value is last:
            return last_text
        text = cache.get(value)
        if text is None:
            if value.tzinfo is UTC:  # already UTC: its text without the "+00:00"
                text = value.isoformat(" ", "microseconds")[:-6]
            elif value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
                raise ValueError(f"naive datetime refused: {value.isoformat()}")
            else:
                text = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
            if len(cache) >= 4096:
                cache.clear()
            cache[value] = text
        last, last_text = value, text
        return text

    return convert


def _sqlite_converter(
    table: FromClause, columns: Sequence[str], same: Mapping[str, Any] | None = None
) -> Callable[[Iterable[Sequence[Any]]], Iterator[tuple[Any, ...]]]:
    """A generator function turning rows of Python values into rows of SQLite values, compiled for the
    columns' types: one tuple per row and no per-value function call where none is needed. The values of
    `same`, columns after `columns` that are the same in every row, are converted once."""
    env: dict[str, Any] = {"to_json": _json}
    parts = []
    if same:
        fixed = next(_sqlite_converter(table, list(same))([tuple(same.values())]))
        for index, value in enumerate(fixed):
            env[f"same{index}"] = value
    suffix = "".join(f", same{index}" for index in range(len(same or ())))
    for index, name in enumerate(columns):
        col = table.c[name]
        kind, value = col.type, f"r[{index}]"
        nullable = not isinstance(col, Column) or bool(col.nullable)
        if isinstance(kind, Uuid):  # UUID.hex, without a property call per value
            text = f"'%032x' % {value}.int"
            parts.append(f"(None if {value} is None else {text})" if nullable else text)
        elif isinstance(kind, UTCDateTime):
            env[f"instant{index}"] = _instant_converter()  # one per column: each remembers its last value
            parts.append(f"instant{index}({value})")
        elif isinstance(kind, Date):
            parts.append(f"(None if {value} is None else {value}.isoformat())" if nullable else f"{value}.isoformat()")
        elif isinstance(kind, JSON):
            parts.append(f"to_json({value})")
        else:  # text, numbers and booleans (an int subclass) are stored as they are
            parts.append(value)
    source = f"def convert(rows):\n    for r in rows:\n        yield ({', '.join(parts)}{suffix},)\n"
    exec(compile(source, f"<bulk {_name(table)}>", "exec"), env)  # noqa: S102 - built from column indices only
    converter: Callable[[Iterable[Sequence[Any]]], Iterator[tuple[Any, ...]]] = env["convert"]
    return converter


def _name(table: FromClause) -> str:
    name: str = cast(TableClause, table).name
    return name


def _cursor(session: Session) -> Any:
    return session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]


# ---- a helper process for large writes ----------------------------------------------------------------


def _made_elsewhere(streams: Sequence[Iterator[tuple[Any, ...]]]) -> Iterator[tuple[int, Iterable[tuple[Any, ...]]]]:
    """The rows of each stream, in order, as (index of the stream, rows); those of the last stream (of all but
    the first, when there are several) past their first batch are made in a forked helper process.

    The helper is a copy of this process at the moment of the fork, so it goes on with the very same
    iterators (and whatever they read) without anything being sent to it. It makes the batches of one stream
    after another and sends each as one pickle; a thread here takes them off the pipe as they come. Meanwhile
    this process makes and writes the first stream itself, so the helper has a head start and this process
    seldom waits for it. The helper never touches the database connection it inherited, and ends with the
    rows, with an error, or killed (this process failed first). A problem the helper meets (a naive datetime,
    say) is raised here, as it would have been.
    """
    if not streams:
        return
    start = 1 if len(streams) > 1 else 0
    first = list(islice(streams[start], HELPER_BATCH))
    if len(first) < HELPER_BATCH or not fork_is_safe():  # small: not worth a process
        if start:
            yield 0, streams[0]
        yield start, first
        for index in range(start, len(streams)):
            yield index, streams[index]  # the rest of it
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    helper = context.Process(target=_send_rows, args=(streams, start, sender), name="goodwill-bulk-rows", daemon=True)
    helper.start()
    sender.close()
    arrived: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    reader = threading.Thread(target=_receive, args=(receiver, arrived), name="goodwill-bulk-rows", daemon=True)
    reader.start()
    finished = False
    try:
        if start:
            yield 0, streams[0]
        yield start, first
        while True:
            data = arrived.get()
            if data is None:
                raise RuntimeError("the helper process making rows ended early")
            message = pickle.loads(data)  # noqa: S301 - from our own helper
            if message[0] == "rows":
                yield message[1], message[2]
            elif message[0] == "done":
                finished = True
                return
            else:
                raise message[1]
    finally:
        if not finished:
            helper.kill()
        helper.join()
        reader.join()  # it ends when the helper's end of the pipe closes
        receiver.close()
        helper.close()


def _receive(receiver: Any, arrived: queue.SimpleQueue[bytes | None]) -> None:
    """In a thread of the writing process: each message of the helper as it comes, then None."""
    try:
        while True:
            arrived.put(receiver.recv_bytes())
    except (EOFError, OSError):
        arrived.put(None)


def _send_rows(streams: Sequence[Iterator[tuple[Any, ...]]], start: int, sender: Any) -> None:
    """In the helper: make the remaining rows of the streams from `start` on and send them, a batch at a time,
    then "done" or the error."""
    error: Exception | None = None
    try:
        for index in range(start, len(streams)):
            for batch in chunks(streams[index], HELPER_BATCH):
                sender.send_bytes(pickle.dumps(("rows", index, batch), protocol=pickle.HIGHEST_PROTOCOL))
    except BrokenPipeError:  # the writer has stopped (it failed): nobody to tell
        return
    except Exception as exc:  # every error goes to the writer, which raises it
        error = exc
    try:
        data = pickle.dumps(("done",) if error is None else ("error", error), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an error that does not pickle is sent as its text
        data = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    with suppress(BrokenPipeError):
        sender.send_bytes(data)
    sender.close()


# ---- writes ---------------------------------------------------------------------------------------------


class Rows(NamedTuple):
    """What `insert_many` writes into one table: as the arguments of `insert_rows`."""

    table: FromClause
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    same: Mapping[str, Any] | None = None


def insert_rows(
    session: Session,
    table: FromClause,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    same: Mapping[str, Any] | None = None,
    pure: bool = False,
) -> int:
    """INSERT every row (a sequence of values in `columns` order), with the values of `same` (column → value,
    for columns the same in every row, such as the creation instant); returns how many were written.

    `pure` says that going through `rows` has no effect the caller relies on afterwards (it only reads values
    already made). Then, on SQLite, rows beyond the first HELPER_BATCH are made and converted by a helper
    process (`_made_elsewhere`) while this one writes them: the second core does that work, and the writes stay
    in this session's transaction. Without it, or where forking is not safe, everything happens here.
    """
    if is_sqlite(session) and not pure:
        sql = _insert_sql(table, [*columns, *(same or ())])
        defer_indexes(session.connection(), _name(table))
        cursor = _cursor(session)
        try:
            # executemany takes the converted rows as they come: no list of a batch is built.
            cursor.executemany(sql, _sqlite_converter(table, columns, same)(rows))
            return int(cursor.rowcount)
        finally:
            cursor.close()
    return insert_many(session, [Rows(table, columns, rows, same)], pure=pure)[0]


def insert_many(session: Session, writes: Sequence[Rows], *, pure: bool = False) -> list[int]:
    """`insert_rows` for each of `writes`, in order; returns how many rows each wrote. With `pure` (every one
    of them is), on SQLite, one helper process makes the rows of all but the first (`_made_elsewhere`)
    while this process makes and writes the first, then writes theirs."""
    if not is_sqlite(session):
        totals = []
        for table, columns, rows, same in writes:
            statement = insert(cast(TableClause, table))
            fixed = dict(same or {})
            total = 0
            for batch in chunks(rows, BATCH):
                session.execute(statement, [{**dict(zip(columns, row, strict=True)), **fixed} for row in batch])
                total += len(batch)
            totals.append(total)
        return totals
    if not pure:
        return [insert_rows(session, w.table, w.columns, w.rows, same=w.same) for w in writes]
    for write in writes:
        defer_indexes(session.connection(), _name(write.table))
    sqls = [_insert_sql(w.table, [*w.columns, *(w.same or ())]) for w in writes]
    streams = [_sqlite_converter(w.table, w.columns, w.same)(w.rows) for w in writes]
    totals = [0] * len(writes)
    cursor = _cursor(session)
    try:
        for index, made in _made_elsewhere(streams):
            cursor.executemany(sqls[index], made)
            totals[index] += int(cursor.rowcount)
    finally:
        cursor.close()
    return totals


def _insert_sql(table: FromClause, names: Sequence[str]) -> str:
    return f"INSERT INTO {_name(table)} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _finding_by(session: Session, table: FromClause, column: str) -> None:
    """Rows of `table` are about to be found by `column`: in a bulk load, build its deferred indexes first."""
    if session.in_transaction() and is_sqlite(session):
        need_indexes(session.connection(), _name(table), column)


def update_rows(
    session: Session, table: FromClause, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, key: str = "id"
) -> int:
    """UPDATE rows by `key`: each row is (key value, *values in `columns` order)."""
    total = 0
    _finding_by(session, table, key)
    if is_sqlite(session):
        assignments = ", ".join(f"{name} = ?" for name in columns)
        sql = f"UPDATE {_name(table)} SET {assignments} WHERE {key} = ?"
        convert = _sqlite_converter(table, [*columns, key])
        cursor = _cursor(session)
        reordered = ((*row[1:], row[0]) for row in rows)
        for converted in chunks(convert(reordered), BATCH):
            cursor.executemany(sql, converted)
            total += len(converted)
        cursor.close()
        return total
    statement = (
        update(cast(TableClause, table))
        .where(table.c[key] == bindparam("_key"))
        .values({name: bindparam(f"_v_{name}") for name in columns})
        .execution_options(synchronize_session=False)
    )
    for batch in chunks(rows, BATCH):
        params = [{"_key": row[0], **{f"_v_{n}": v for n, v in zip(columns, row[1:], strict=True)}} for row in batch]
        session.connection().execute(statement, params)
        total += len(batch)
    return total


def delete_rows(session: Session, table: FromClause, ids: Iterable[Any], *, key: str = "id") -> int:
    """DELETE rows whose `key` is in `ids`."""
    total = 0
    _finding_by(session, table, key)
    for batch in chunks(ids):
        result = session.execute(delete(cast(TableClause, table)).where(table.c[key].in_(batch)))
        total += int(getattr(result, "rowcount", 0) or 0)
    return total
