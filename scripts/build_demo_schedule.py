"""Build the demo airline's schedule from the CC0 nycflights13 JetBlue (B6) departures.

Reads flights_B6_jetblue.csv (every 2013 JetBlue departure from JFK, LGA and EWR, with the real delays
and cancellations) and writes src/goodwill/demo/data/jetblue_2013.csv.gz: the same rows, sorted, with the
derivable columns (hour, minute, time_hour) dropped and whole numbers written as integers. The output is
byte-for-byte reproducible (gzip without a timestamp or file name), so a test can rebuild and compare it.

    .venv/bin/python scripts/build_demo_schedule.py [path/to/flights_B6_jetblue.csv]

Default input: $GOODWILL_SHARED_DATA/nycflights13/flights_B6_jetblue.csv, else ../shared/data/... .
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "goodwill" / "demo" / "data" / "jetblue_2013.csv.gz"
COLUMNS = [
    "year",
    "month",
    "day",
    "dep_time",
    "sched_dep_time",
    "dep_delay",
    "arr_time",
    "sched_arr_time",
    "arr_delay",
    "carrier",
    "flight",
    "tailnum",
    "origin",
    "dest",
    "air_time",
    "distance",
]
INTEGERS = {"year", "month", "day", "dep_time", "sched_dep_time", "dep_delay", "arr_time", "sched_arr_time"}
INTEGERS |= {"arr_delay", "flight", "air_time", "distance"}


def default_input() -> Path:
    shared = Path(os.environ.get("GOODWILL_SHARED_DATA", ROOT.parent / "shared" / "data"))
    return shared / "nycflights13" / "flights_B6_jetblue.csv"


def _cell(name: str, value: str) -> str:
    value = value.strip()
    if value in ("", "NA"):
        return ""
    if name in INTEGERS:
        number = float(value)
        if number != int(number):
            raise ValueError(f"{name}={value!r} is not a whole number")
        return str(int(number))
    return value


def build(source: Path) -> bytes:
    """The gzip-compressed schedule, identical for identical input."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [[_cell(c, r[c]) for c in COLUMNS] for r in csv.DictReader(handle)]
    if not rows:
        raise SystemExit(f"{source} has no rows")
    if {r[COLUMNS.index("carrier")] for r in rows} != {"B6"}:
        raise SystemExit(f"{source} holds carriers other than B6")
    key = [COLUMNS.index(c) for c in ("year", "month", "day", "sched_dep_time", "flight")]
    rows.sort(key=lambda r: tuple(int(r[i]) for i in key))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return raw.getvalue()


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else default_input()
    data = build(source)
    OUTPUT.write_bytes(data)
    sys.stdout.write(f"wrote {OUTPUT.relative_to(ROOT)} ({len(data):,} bytes) from {source}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
