"""Importing passengers, flights, bookings, events and feedback: a file is imported whole or not at all.

The import runs in two phases. First every row is validated (its schema, the other rows of the file, and
the references it makes to what is stored); only then is anything written, through the domain services,
in bulk. A file with a problem raises InvalidInput naming every problem (file:line, field, reason), and
the caller's unit of work rolls everything back. With `skip_invalid` the good rows are written and the
rejected ones returned with their reasons (and, for a file, written to a side file): nothing is silently
dropped. Importing the same file again changes nothing: rows are matched on their natural keys.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from goodwill.audit import service as audit
from goodwill.errors import InvalidInput
from goodwill.imports.models import ImportRun
from goodwill.imports.parallel import ParallelRead, worth_it
from goodwill.imports.plans import PLANS, Counts, Plan, Problems
from goodwill.imports.reader import RowProblem, RowReader, format_for
from goodwill.imports.rows import ROW_SCHEMAS, ImportKind, clean, columns, problems
from goodwill.kit.time import utc_now
from goodwill.store.bulk import load_in_bulk

# An error lists at most this many problems (the message gives the total); the CLI shows the first 50.
MAX_PROBLEMS = 1000
PROGRESS_EVERY = 10_000


@dataclass(frozen=True)
class Rejection:
    """One problem of a rejected row: its line, the field to fix ("" for the whole row), why, and the row."""

    line: int
    field: str
    reason: str
    row: Mapping[str, Any]


@dataclass(frozen=True)
class ImportReport:
    """What an import did. Counts are of records: a booking (PNR) is one record however many rows it has."""

    kind: ImportKind
    source: str
    rows_total: int
    created: int
    updated: int
    unchanged: int
    rejected: tuple[Rejection, ...]
    elapsed: float
    stale: int = 0
    sha256: str = ""
    run_id: str = ""
    details: Mapping[str, int] = field(default_factory=dict)

    @property
    def rejected_rows(self) -> int:
        return len({r.line for r in self.rejected})

    def as_dict(self, *, max_rejections: int | None = None) -> dict[str, Any]:
        rejected = self.rejected if max_rejections is None else self.rejected[:max_rejections]
        return {
            "kind": self.kind.value,
            "source": self.source,
            "rows_total": self.rows_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "rejected_rows": self.rejected_rows,
            "rejected": [{"line": r.line, "field": r.field, "reason": r.reason} for r in rejected],
            "details": dict(self.details),
            "elapsed": round(self.elapsed, 3),
            "sha256": self.sha256,
            "run_id": self.run_id,
        }


def import_rows(
    session: Session,
    *,
    kind: ImportKind,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    source: str,
    skip_invalid: bool = False,
    actor: str = "cli",
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import (line number, row) pairs of one kind, as if they were a file named `source`."""
    return _import(
        session,
        kind=kind,
        rows=rows,
        source=source,
        skip_invalid=skip_invalid,
        actor=actor,
        now=now,
        progress=progress,
    )


def import_stream(
    session: Session,
    *,
    kind: ImportKind,
    stream: BinaryIO,
    source: str,
    fmt: str,
    skip_invalid: bool = False,
    actor: str = "cli",
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV or JSON Lines file read from `stream` (the API's upload; `import_file` for a path)."""
    spec = columns(kind)
    reader = RowReader(
        stream,
        name=source,
        fmt=fmt,
        columns=[name for name, _required, _d in spec],
        required=[name for name, required, _d in spec if required],
    )
    return _import(
        session,
        kind=kind,
        rows=reader,
        source=source,
        skip_invalid=skip_invalid,
        actor=actor,
        now=now,
        progress=progress,
        reader=reader,
    )


def import_file(
    session: Session,
    *,
    kind: ImportKind,
    path: Path,
    fmt: str | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    actor: str = "cli",
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV or JSON Lines file. With `skip_invalid`, rejected rows and their reasons go to a side
    file (default `<file>.rejected.csv`) when there are any."""
    fmt = format_for(path.name, fmt)
    if not skip_invalid and worth_it(path):
        # Large files are read and validated on every core. (With --skip-invalid they are read in one
        # process, which keeps each rejected row's cells exactly as they were for the side file.)
        return _import(
            session,
            kind=kind,
            source=path.name,
            skip_invalid=False,
            actor=actor,
            now=now,
            progress=progress,
            parallel=ParallelRead(path, ImportKind(kind), fmt, path.name),
        )
    with path.open("rb") as stream:
        report = import_stream(
            session,
            kind=kind,
            stream=stream,
            source=path.name,
            fmt=fmt,
            skip_invalid=skip_invalid,
            actor=actor,
            now=now,
            progress=progress,
        )
    if report.rejected:
        write_rejects(report, rejects_path or path.with_name(path.name + ".rejected.csv"), kind=kind)
    return report


def write_rejects(report: ImportReport, path: Path, *, kind: ImportKind) -> None:
    """Write the rejected rows as CSV: line, field, reason, then the row's own columns as they were."""
    names = [name for name, _required, _d in columns(kind)]
    by_line: dict[int, list[Rejection]] = {}
    for rejection in report.rejected:
        by_line.setdefault(rejection.line, []).append(rejection)
    extra = sorted({k for rs in by_line.values() for k in rs[0].row if k not in names})
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "field", "reason", *names, *extra])
        for line, found in sorted(by_line.items()):
            row = found[0].row
            writer.writerow(
                [
                    line,
                    ";".join(dict.fromkeys(r.field for r in found)),
                    "; ".join(r.reason for r in found),
                    *(_cell(row.get(name)) for name in [*names, *extra]),
                ]
            )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Let the cyclic garbage collector run rarely: a million rows make millions of long-lived objects and
    no cycles, and each collection would walk them all again. It still runs, so a caller's row generator
    that makes cycles does not grow without bound; reference counting frees everything else as usual."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def _collector_off() -> Iterator[None]:
    """No cyclic garbage collection at all, where only our own code runs (it makes no cycles): each
    collection would walk again the millions of objects a large import makes and keeps until it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(
    session: Session,
    *,
    kind: ImportKind,
    rows: Iterable[tuple[int, Mapping[str, Any]]] | None = None,
    source: str,
    skip_invalid: bool,
    actor: str,
    now: datetime | None,
    progress: Callable[[int], None] | None,
    reader: RowReader | None = None,
    parallel: ParallelRead | None = None,
) -> ImportReport:
    started = time.perf_counter()
    now = now or utc_now()
    kind = ImportKind(kind)
    plan = PLANS[kind]()
    found = Problems()
    originals: dict[int, Mapping[str, Any]] = {}
    with _collector_paused(), ExitStack() as quiet:
        # Phase one: read and check every row; nothing is written.
        if parallel is not None:
            quiet.enter_context(_collector_off())  # the rows come from our own workers
            total = _read_in_parallel(parallel, plan, found, progress)
            sha256 = parallel.sha256
        else:
            digest = None if reader is not None else hashlib.sha256()
            total = _read(rows or (), kind, plan, found, originals if skip_invalid else None, digest, progress)
            if reader is not None:
                total += _add_reader_problems(reader.problems, found, originals)
            sha256 = reader.sha256 if reader is not None else digest.hexdigest() if digest is not None else ""
            quiet.enter_context(_collector_off())  # from here on only our own code runs
        if progress is not None:
            progress(total)
        load_in_bulk(session, rows=total)  # before the first query: it decides how the transaction begins
        plan.check(session, found)
        if found and not skip_invalid:
            raise _rejected(source, found, total)
        # Phase two: write what passed.
        if skip_invalid:
            plan.propagate(found)
        counts = plan.write(session, problems=found, now=now, source=source)
        # Free the plan's millions of objects while the collector is off: once it is on again, its first
        # collection would otherwise walk every one of them (they were all made since it last ran).
        del plan
    rejected = tuple(
        Rejection(line, field_name, reason, originals.get(line, {}))
        for line, items in sorted(found.by_line.items())
        for field_name, reason in items
    )
    elapsed = time.perf_counter() - started
    run_id = _record_run(
        session,
        kind=kind,
        source=source,
        sha256=sha256,
        total=total,
        counts=counts,
        rejected=rejected,
        actor=actor,
        now=now,
        finished=now + timedelta(seconds=elapsed),
    )
    return ImportReport(
        kind=kind,
        source=source,
        rows_total=total,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
        elapsed=elapsed,
        stale=counts.stale,
        sha256=sha256,
        run_id=run_id,
        details=counts.details,
    )


def _read(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    kind: ImportKind,
    plan: Plan,
    found: Problems,
    originals: dict[int, Mapping[str, Any]] | None,
    digest: Any,
    progress: Callable[[int], None] | None,
) -> int:
    """Validate each row and hand the valid ones to the plan; returns the number of rows."""
    schema = ROW_SCHEMAS[kind]
    validate = plan.parse
    pack = plan.packer()
    add = plan.add
    total = 0
    for line, raw in rows:
        total += 1
        if digest is not None:
            digest.update(repr(raw).encode())
        if originals is not None:
            originals[line] = raw
        values = raw.values()
        data = raw if type(raw) is dict and None not in values and "" not in values else clean(raw)
        try:
            row = validate(data)
        except ValidationError as exc:
            for field_name, reason in problems(exc, schema):
                found.add(line, field_name, reason)
        else:
            add(line, pack(row), found)
        if progress is not None and total % PROGRESS_EVERY == 0:
            progress(total)
    return total


def _read_in_parallel(
    parallel: ParallelRead, plan: Plan, found: Problems, progress: Callable[[int], None] | None
) -> int:
    """Phase one with the rows parsed and validated by worker processes, a piece of the file at a time."""
    add = plan.add
    total = 0
    for piece in parallel.results():
        for line, packed in piece.rows:
            add(line, packed, found)
        for line, reasons, _raw in piece.invalid:
            for field_name, reason in reasons:
                found.add(line, field_name, reason)
        for problem in piece.unreadable:
            found.add(problem.line, problem.field, problem.reason)
        total += len(piece.rows) + len(piece.invalid) + len(piece.unreadable)
        if progress is not None:
            progress(total)
    return total


def _add_reader_problems(
    found_in_file: list[RowProblem], found: Problems, originals: dict[int, Mapping[str, Any]]
) -> int:
    for problem in found_in_file:
        found.add(problem.line, problem.field, problem.reason)
        originals[problem.line] = problem.row
    return len(found_in_file)


def _rejected(source: str, found: Problems, total: int) -> InvalidInput:
    listed: list[dict[str, Any]] = []
    for line, items in sorted(found.by_line.items()):
        for field_name, reason in items:
            if len(listed) < MAX_PROBLEMS:
                listed.append(
                    {
                        "where": f"{source}:{line}",
                        "loc": [line, field_name] if field_name else [line],
                        "msg": f"{field_name}: {reason}" if field_name else reason,
                    }
                )
    count, rows = found.count, len(found.by_line)
    message = (
        f"{source}: {count} problem{'s' if count != 1 else ''} in {rows} of {total} row{'s' if total != 1 else ''}"
        "; nothing was imported"
    )
    if count > len(listed):
        message += f" (the first {len(listed)} are listed)"
    return InvalidInput(message, problems=listed, total=count)


def _record_run(
    session: Session,
    *,
    kind: ImportKind,
    source: str,
    sha256: str,
    total: int,
    counts: Counts,
    rejected: tuple[Rejection, ...],
    actor: str,
    now: datetime,
    finished: datetime,
) -> str:
    rejected_rows = len({r.line for r in rejected})
    run = ImportRun(
        kind=kind.value,
        file_name=source[:255],
        file_sha256=sha256,
        started_at=now,
        finished_at=finished,
        actor=actor[:80],
        rows_total=total,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged + counts.stale,
        rejected=rejected_rows,
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="import.completed",
        entity_type="import_run",
        entity_id=str(run.id),
        details={
            "kind": kind.value,
            "sha256": sha256,
            "rows_total": total,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "stale": counts.stale,
            "rejected_rows": rejected_rows,
            **counts.details,
        },
    )
    return str(run.id)
