"""Reading and validating a large file on every core, for phase one of an import.

The file is cut into pieces at line ends that are not inside a quoted CSV cell (an even number of quote
characters before them). Each worker process reads its own piece, parses and validates its rows exactly as
`RowReader` and the row schemas do, and sends back what the plan keeps of each row (`Plan.packer`) and the
problems.
The main process receives the pieces in file order and does what needs the whole file (duplicates, PNRs,
references), so the outcome is the same as reading the file in one process, only sooner. Nothing here
touches the database.
"""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
import json
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from goodwill.errors import InvalidInput
from goodwill.imports.plans import PLANS
from goodwill.imports.reader import RowProblem, check_header, csv_rows
from goodwill.imports.rows import ROW_SCHEMAS, ImportKind, clean, columns, problems
from goodwill.kit.processes import fork_is_safe

# A file at least this large is read by several processes (when there are several cores).
PARALLEL_FROM_BYTES = 16_000_000
PIECE_BYTES = 4_000_000


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    first_line: int


@dataclass
class PieceResult:
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)
    invalid: list[tuple[int, list[tuple[str, str]], dict[str, Any]]] = field(default_factory=list)
    unreadable: list[RowProblem] = field(default_factory=list)
    not_utf8_line: int | None = None


def worth_it(path: Path) -> bool:
    return (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_FROM_BYTES


def _header(data: bytes, name: str, kind: ImportKind) -> tuple[list[str], int, int]:
    """The CSV header, the offset just after it and the number of its line."""
    position, line = 0, 1
    if data.startswith(codecs.BOM_UTF8):
        position = len(codecs.BOM_UTF8)
    while True:
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end + 1
        raw = data[position:end]
        if raw.strip() or end >= len(data):
            break
        position, line = end, line + 1
    text = raw.decode("utf-8", errors="replace")
    header = next(csv.reader([text]), [])
    spec = columns(kind)
    if not any(c.strip() for c in header):
        raise InvalidInput(f"{name} is empty: the first line must be the header")
    header = [c.strip() for c in header]
    check_header(header, line, name=name, columns=[n for n, _r, _d in spec], required=[n for n, r, _d in spec if r])
    return header, end, line


def pieces(data: bytes, start: int, first_line: int, *, fmt: str, size: int = PIECE_BYTES) -> list[Piece]:
    """Cut `data[start:]` into pieces of about `size` bytes, at line ends outside quoted cells."""
    found: list[Piece] = []
    line, quotes = first_line, 0
    position = start
    while position < len(data):
        target = min(len(data), position + size)
        cut = data.find(b"\n", target)
        cut = len(data) if cut < 0 else cut + 1
        if fmt == "csv":
            quotes += data.count(b'"', position, cut)
            while quotes % 2 and cut < len(data):  # inside a quoted cell: go on to the next line end
                following = data.find(b"\n", cut)
                following = len(data) if following < 0 else following + 1
                quotes += data.count(b'"', cut, following)
                cut = following
        found.append(Piece(position, cut, line))
        line += data.count(b"\n", position, cut)
        position = cut
    return found


@dataclass(frozen=True)
class _Task:
    path: str
    kind: ImportKind
    fmt: str
    header: tuple[str, ...]
    piece: Piece


def _validate_piece(task: _Task) -> PieceResult:
    """Worker: parse and validate one piece of the file, without the cyclic garbage collector: the piece's
    rows make no cycles and stay until it is sent, so each collection would only walk them again (a
    quarter of the worker's time). It runs again once the piece is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate(task)
    finally:
        if enabled:
            gc.enable()


def _validate(task: _Task) -> PieceResult:
    with open(task.path, "rb") as stream:
        stream.seek(task.piece.start)
        data = stream.read(task.piece.end - task.piece.start)
    result = PieceResult()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.not_utf8_line = task.piece.first_line + data.count(b"\n", 0, exc.start)
        return result
    schema = ROW_SCHEMAS[task.kind]
    validate = schema.model_validate
    pack = PLANS[task.kind].packer()
    if task.fmt == "csv":
        records: Iterator[tuple[int, dict[str, Any]]] = csv_rows(
            csv.reader(io.StringIO(text, newline=""), strict=False),
            list(task.header),
            task.piece.first_line - 1,
            result.unreadable,
        )
    else:
        records = _json_rows(text, task.piece.first_line, result.unreadable)
    for line, raw in records:
        if task.fmt != "csv":
            raw = clean(raw)
        try:
            row = validate(raw)
        except ValidationError as exc:
            result.invalid.append((line, problems(exc, schema), raw))
        else:
            result.rows.append((line, pack(row)))
    return result


def _json_rows(text: str, first_line: int, unreadable: list[RowProblem]) -> Iterator[tuple[int, dict[str, Any]]]:
    decode = json.JSONDecoder().decode
    for line, raw in enumerate(text.split("\n"), start=first_line):
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            value = decode(stripped)
        except json.JSONDecodeError as exc:
            unreadable.append(RowProblem(line, "", f"malformed JSON: {exc.msg} at column {exc.colno}", {"_line": raw}))
            continue
        if not isinstance(value, dict):
            reason = f"expected a JSON object, got {type(value).__name__}"
            unreadable.append(RowProblem(line, "", reason, {"_line": raw}))
            continue
        yield line, value


def _start_method() -> str:
    """fork where it is safe (Linux, no other thread that could hold a lock at the fork, such as a progress
    bar's), else a fresh interpreter per worker (slower to start, which a large file pays back)."""
    if fork_is_safe():
        return "fork"
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@dataclass
class ParallelRead:
    """Phase one of an import on every core: iterate for (line, values or problems) per piece."""

    path: Path
    kind: ImportKind
    fmt: str
    name: str
    sha256: str = ""
    workers: int = 0

    def results(self) -> Iterator[PieceResult]:
        data = self.path.read_bytes()
        if self.fmt == "csv":
            header, start, header_line = _header(data, self.name, self.kind)
            first_line = header_line + 1
        else:
            header, start, first_line = [], 0, 1
            if not data.strip():
                raise InvalidInput(f"{self.name} is empty")
        cut = pieces(data, start, first_line, fmt=self.fmt)
        tasks = [_Task(str(self.path), self.kind, self.fmt, tuple(header), p) for p in cut]
        context = multiprocessing.get_context(_start_method())
        self.workers = max(1, min(os.cpu_count() or 1, len(tasks)))
        with context.Pool(self.workers) as pool:
            results = pool.imap(_validate_piece, tasks)
            self.sha256 = hashlib.sha256(data).hexdigest()  # while the workers read their first pieces
            del data
            for result in results:
                if result.not_utf8_line is not None:
                    raise InvalidInput(
                        f"{self.name} is not valid UTF-8 (line {result.not_utf8_line})",
                        problems=[
                            {
                                "where": f"{self.name}:{result.not_utf8_line}",
                                "loc": [result.not_utf8_line],
                                "msg": "not valid UTF-8: save the file as UTF-8",
                            }
                        ],
                    )
                yield result
