"""Labelled messages from a CSV file (an airline's labelled history) for training and evaluating the models.

Every problem is named by file, line and column; a file with any problem is refused whole.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodwill.errors import InvalidInput
from goodwill.listening.taxonomy import SENTIMENTS, TOPICS, sentiment_of, topic_of

# Several topics in one cell: "late_flight;lost_baggage".
TOPIC_SEPARATOR = ";"
# Any text is accepted, even empty (an emoji alone normalises to a word); a cell is capped at the csv module's
# default 128 KiB. Reading stops after this many problems.
_MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class LabelledSet:
    path: Path
    texts: list[str]
    sentiments: list[str]
    # One per row when a topic column was given (the row's topics, first named first; empty when it has none),
    # else None.
    topics: list[tuple[str, ...]] | None
    weights: list[float] | None
    lines: list[int]


def _problem(path: Path, line: int, column: int | None, name: str | None, msg: str) -> dict[str, Any]:
    where = f"{path}:{line}" + (f":{column}" if column else "")
    message = f"column {column} ({name}): {msg}" if column else msg
    return {"where": where, "loc": [line, name] if name else [line], "msg": message}


def read_labelled(
    path: Path,
    *,
    text_column: str,
    label_column: str,
    topic_column: str | None = None,
    weight_column: str | None = None,
) -> LabelledSet:
    """Read texts with their sentiment (negative, neutral or positive), and optionally complaint topics (taxonomy
    topics or known aliases, several separated by ";", e.g. `late_flight;lost_baggage`; empty for none) and a
    weight per row (a number >= 0)."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a CSV file") from None
    texts: list[str] = []
    sentiments: list[str] = []
    topics: list[tuple[str, ...]] | None = [] if topic_column else None
    weights: list[float] | None = [] if weight_column else None
    lines: list[int] = []
    problems: list[dict[str, Any]] = []
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise InvalidInput(f"{path}: the file is empty (expected a header line and labelled rows)")
            wanted = {"--text-column": text_column, "--label-column": label_column}
            if topic_column:
                wanted["--topic-column"] = topic_column
            if weight_column:
                wanted["--weight-column"] = weight_column
            index: dict[str, int] = {}
            for option, name in wanted.items():
                if name not in header:
                    raise InvalidInput(
                        f"{path}: line 1: no column {name!r} ({option}); the columns are: {', '.join(header)}",
                        problems=[_problem(path, 1, None, name, f"no column {name!r}")],
                    )
                index[name] = header.index(name)
            width = len(header)
            line = reader.line_num + 1
            for row in reader:
                if not any(cell.strip() for cell in row):
                    line = reader.line_num + 1
                    continue
                if len(row) != width:
                    problems.append(_problem(path, line, None, None, f"{len(row)} cells, the header has {width}"))
                else:
                    bad = _read_row(path, line, row, index, label_column, topic_column, weight_column)
                    if bad:
                        problems.append(bad)
                    else:
                        texts.append(row[index[text_column]])
                        sentiments.append(str(sentiment_of(row[index[label_column]])))
                        if topics is not None and topic_column:
                            topics.append(topics_of(row[index[topic_column]]))
                        if weights is not None and weight_column:
                            weights.append(float(row[index[weight_column]]))
                        lines.append(line)
                if len(problems) >= _MAX_PROBLEMS:
                    break
                line = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{path}: line {reader.line_num + 1}: not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise InvalidInput(f"{path}: line {reader.line_num}: not a readable CSV line ({exc})") from None
    if problems:
        first = problems[0]
        count = f"{len(problems)} or more" if len(problems) >= _MAX_PROBLEMS else str(len(problems))
        raise InvalidInput(
            f"{path}: {count} row(s) cannot be used; the first, at {first['where']}: {first['msg']}",
            problems=problems,
        )
    if not texts:
        raise InvalidInput(f"{path}: no labelled rows after the header")
    return LabelledSet(path=path, texts=texts, sentiments=sentiments, topics=topics, weights=weights, lines=lines)


def topics_of(cell: str) -> tuple[str, ...]:
    """The taxonomy topics a checked topic cell names, in its order, each once (empty cell: none)."""
    if not cell.strip():
        return ()
    found = [topic_of(part) for part in cell.split(TOPIC_SEPARATOR)]
    return tuple(dict.fromkeys(t for t in found if t))


def _read_row(
    path: Path,
    line: int,
    row: list[str],
    index: dict[str, int],
    label_column: str,
    topic_column: str | None,
    weight_column: str | None,
) -> dict[str, Any] | None:
    label = row[index[label_column]]
    if sentiment_of(label) is None:
        what = "empty sentiment" if not label.strip() else f"unknown sentiment {label!r}"
        return _problem(
            path, line, index[label_column] + 1, label_column, f"{what}; expected one of {', '.join(SENTIMENTS)}"
        )
    if topic_column:
        cell = row[index[topic_column]]
        for part in cell.split(TOPIC_SEPARATOR) if cell.strip() else ():
            if topic_of(part) is None:
                what = "an empty topic between separators" if not part.strip() else f"unknown topic {part.strip()!r}"
                return _problem(
                    path,
                    line,
                    index[topic_column] + 1,
                    topic_column,
                    f"{what}; expected empty, or one or more of {', '.join(TOPICS)} or a known alias, "
                    f"separated by {TOPIC_SEPARATOR!r}",
                )
    if weight_column:
        cell = row[index[weight_column]]
        try:
            weight = float(cell)
        except ValueError:
            weight = -1.0
        if not math.isfinite(weight) or weight < 0:
            return _problem(
                path, line, index[weight_column] + 1, weight_column, f"weight {cell!r} is not a number >= 0"
            )
    return None
