"""Reading import files: CSV or JSON Lines, UTF-8 (a byte-order mark is tolerated), one row per record.

`RowReader` yields (line number, row) pairs, the line being where the record starts in the file (the CSV
header is line 1). A problem that makes the whole file unreadable (empty file, wrong header, not UTF-8)
raises InvalidInput; a problem with one record (wrong number of cells, malformed JSON) is collected in
`problems` and the record skipped, so the import can report every problem at once or, with
--skip-invalid, import the rest. Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Any, BinaryIO

from goodwill.errors import InvalidInput

FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_MEDIA_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/jsonlines": "jsonl",
}
csv.field_size_limit(1 << 20)


@dataclass(frozen=True)
class RowProblem:
    """A record that could not be read as a row: where it is, why, and what could be read of it."""

    line: int
    field: str
    reason: str
    row: dict[str, Any]


def format_for(name: str, fmt: str | None = None, media_type: str | None = None) -> str:
    """The file format: `fmt` if given, else from the media type, else from the file name's suffix."""
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown format {fmt!r}: use csv or jsonl")
        return fmt
    if media_type:
        found = _MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())
        if found:
            return found
    found = _SUFFIXES.get(Path(name).suffix.lower())
    if found is None:
        raise InvalidInput(
            f"{name}: cannot tell the format from the file name: name it .csv, .jsonl or .ndjson, or give --format"
        )
    return found


class _Hashing(io.RawIOBase):
    """A read-only stream that hashes what passes through it (the import records the file's sha256)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.bytes_read += n
        return n


@dataclass
class RowReader:
    """The rows of one file. Iterate once; afterwards `sha256` and `problems` are complete."""

    stream: BinaryIO
    name: str
    fmt: str
    columns: Sequence[str]
    required: Sequence[str]
    problems: list[RowProblem] = field(default_factory=list)
    _hashing: _Hashing | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        if self._hashing is None:
            raise RuntimeError("the file has not been read yet")
        return self._hashing.digest.hexdigest()

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        self._hashing = _Hashing(self.stream)
        buffered = io.BufferedReader(self._hashing, buffer_size=1 << 20)
        # CSV: any line end (the csv module handles quoted ones); JSON Lines: "\n" only, as its spec says.
        newline = "" if self.fmt == "csv" else "\n"
        text = io.TextIOWrapper(buffered, encoding="utf-8-sig", errors="strict", newline=newline)
        rows = self._csv(text) if self.fmt == "csv" else self._jsonl(text)
        try:
            yield from rows
        except UnicodeDecodeError:
            raise self._not_utf8() from None
        # Hash what a reader that stopped early (an error) left unread, so the digest is the whole file's.
        while buffered.read(1 << 20):
            pass

    # ---- CSV --------------------------------------------------------------------------------------------

    def _csv(self, text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
        reader = csv.reader(text, strict=False)
        header_line = 1
        header: list[str] | None = None
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
                break
            header_line = reader.line_num + 1
        if header is None:
            raise InvalidInput(
                f"{self.name} is empty: the first line must be the header",
                problems=[self._problem(1, "", "file is empty; expected header: " + ",".join(self.columns))],
            )
        check_header(header, header_line, name=self.name, columns=self.columns, required=self.required)
        yield from csv_rows(reader, header, 0, self.problems)

    # ---- JSON Lines -------------------------------------------------------------------------------------

    def _jsonl(self, text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
        decode = json.JSONDecoder().decode
        any_row = False
        for line, raw in enumerate(text, start=1):
            if not raw.strip():
                continue
            any_row = True
            try:
                value = decode(raw.strip())
            except json.JSONDecodeError as exc:
                reason = f"malformed JSON: {exc.msg} at column {exc.colno}"
                self.problems.append(RowProblem(line, "", reason, {"_line": raw.rstrip("\r\n")[:2000]}))
                continue
            if not isinstance(value, dict):
                reason = f"expected a JSON object, got {type(value).__name__}"
                self.problems.append(RowProblem(line, "", reason, {"_line": raw.rstrip("\r\n")[:2000]}))
                continue
            yield line, value
        if not any_row:
            raise InvalidInput(
                f"{self.name} is empty",
                problems=[self._problem(1, "", "file is empty; expected one JSON object per line")],
            )

    # ---- helpers ----------------------------------------------------------------------------------------

    def _problem(self, line: int, field_name: str, reason: str) -> dict[str, Any]:
        return {"where": f"{self.name}:{line}", "loc": [line, field_name] if field_name else [line], "msg": reason}

    def _not_utf8(self) -> InvalidInput:
        line = self._first_bad_line()
        where = "" if line is None else f" (line {line})"
        problem = self._problem(line or 1, "", "not valid UTF-8: save the file as UTF-8")
        return InvalidInput(f"{self.name} is not valid UTF-8{where}", problems=[problem])

    def _first_bad_line(self) -> int | None:
        """Find the first line that is not UTF-8, rereading the file when it can be rewound."""
        if not self.stream.seekable():
            return None
        self.stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        for number, raw in enumerate(self.stream, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return number
        return None


def check_header(header: list[str], line: int, *, name: str, columns: Sequence[str], required: Sequence[str]) -> None:
    """Refuse a header with missing required columns, unknown or repeated ones, naming them all."""
    known = set(columns)
    seen: set[str] = set()
    duplicates = sorted({c for c in header if c in seen or seen.add(c)})  # type: ignore[func-returns-value]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in known]
    if not (missing or unknown or duplicates):
        return
    parts = []
    if missing:
        parts.append("missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if unknown:
        parts.append("unknown column" + ("s " if len(unknown) > 1 else " ") + ", ".join(unknown))
    if duplicates:
        parts.append("repeated column" + ("s " if len(duplicates) > 1 else " ") + ", ".join(duplicates))
    reason = "wrong header: " + "; ".join(parts) + ". Expected header: " + ",".join(columns)
    problem = {"where": f"{name}:{line}", "loc": [line], "msg": reason}
    raise InvalidInput(f"{name} has the wrong header", problems=[problem])


def csv_rows(
    reader: Any, header: list[str], offset: int, problems: list[RowProblem]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a csv.reader after its header: (line, row without empty cells); a record with the wrong
    number of cells becomes a problem. `offset` is added to the reader's own line count."""
    width = len(header)
    previous = reader.line_num
    for cells in reader:
        line = offset + previous + 1
        previous = reader.line_num
        if len(cells) != width:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            row = dict(zip(header, cells, strict=False))
            if len(cells) > width:
                row["_extra_cells"] = ",".join(cells[width:])
            problems.append(RowProblem(line, "", f"has {len(cells)} cells but the header has {width}", row))
            continue
        if any(map(str.isspace, cells)):  # a cell of blanks only (rare): not given, like an empty one
            yield line, {k: v for k, v in zip(header, cells, strict=True) if v and not v.isspace()}
        else:  # the same, without a Python-level step per cell: the pairs whose cell is not empty
            yield line, dict(compress(zip(header, cells, strict=True), cells))
