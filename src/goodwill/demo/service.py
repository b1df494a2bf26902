"""Seeding the demo airline: generate it (pure, deterministic) and write it through the importers, the same
write path as a file import, so seeding twice with the same seed changes nothing the second time."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from goodwill.demo.generator import FIRST_DAY, LAST_DAY, DemoAirline, Tally
from goodwill.demo.schedule import load_network
from goodwill.errors import InvalidInput
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind

MIN_PASSENGERS, MAX_PASSENGERS = 1_000, 1_000_000

# stage ("flights", "passengers" or "bookings"), rows done, rows expected (None when not known)
Progress = Callable[[str, int, int | None], None]


@dataclass
class _Clock:
    """Seconds spent producing rows, as opposed to writing them."""

    seconds: float = 0.0


def _timed(
    rows: Iterable[dict[str, Any]], clock: _Clock, stage: str, expected: int | None, progress: Progress | None
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Number the rows from 1 (as lines of a file), time their generation, and report progress."""
    iterator = iter(rows)
    line = 0
    while True:
        started = time.perf_counter()
        try:
            row = next(iterator)
        except StopIteration:
            clock.seconds += time.perf_counter() - started
            break
        clock.seconds += time.perf_counter() - started
        line += 1
        if progress is not None and line % 1000 == 0:
            progress(stage, line, expected)
        yield line, row
    if progress is not None:
        progress(stage, line, line)


@dataclass(frozen=True)
class SeedReport:
    """What was generated and what the importers did with it."""

    seed: int
    passengers: int
    households: int
    bookings: int
    booking_rows: int
    flights: int
    unplaced_trips: int
    connections: int
    agency_bookings: int
    revenue_minor: int
    currency: str
    top20_share: float
    tiers: dict[str, int]
    languages: dict[str, int]
    wishes: dict[str, int]
    start: date
    end: date
    imports: dict[str, dict[str, int]] = field(default_factory=dict)
    generation_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return self.generation_seconds + self.write_seconds

    @property
    def rows(self) -> int:
        return self.flights + self.passengers + self.booking_rows

    @property
    def changed(self) -> int:
        """Records the importers created or updated (none when the same airline was seeded before)."""
        return sum(r.get("created", 0) + r.get("updated", 0) for r in self.imports.values())


def seed_demo_airline(
    session: Session,
    *,
    seed: int,
    passengers: int,
    start: date = FIRST_DAY,
    end: date = LAST_DAY,
    outcomes: bool = True,
    actor: str = "cli",
    now: datetime | None = None,
    progress: Progress | None = None,
) -> SeedReport:
    """Build the deterministic demo airline and import it: flights, then passengers, then bookings."""
    if not MIN_PASSENGERS <= passengers <= MAX_PASSENGERS:
        raise InvalidInput(f"passengers must be between {MIN_PASSENGERS:,} and {MAX_PASSENGERS:,}")
    clock = _Clock()
    started = time.perf_counter()
    try:
        airline = DemoAirline(load_network(), seed=seed, passengers=passengers, start=start, end=end, outcomes=outcomes)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    clock.seconds += time.perf_counter() - started
    people, trips = Tally(), Tally()
    source = f"demo-airline seed={seed} passengers={passengers} {start}..{end}"
    stages: list[tuple[ImportKind, Callable[[], Iterable[dict[str, Any]]], Callable[[], int | None]]] = [
        (ImportKind.FLIGHTS, airline.flight_rows, lambda: len(airline.table.flights)),
        (ImportKind.PASSENGERS, lambda: airline.passenger_rows(people), lambda: passengers),
        (ImportKind.BOOKINGS, lambda: airline.booking_rows(trips), lambda: people.expected_booking_rows),
    ]
    reports: dict[str, dict[str, int]] = {}
    for kind, rows, expected in stages:
        report = imports.import_rows(
            session,
            kind=kind,
            rows=_timed(rows(), clock, kind.value, expected(), progress),
            source=f"{source} {kind.value}",
            actor=actor,
            now=now,
        )
        reports[kind.value] = _counts(report)
    total = time.perf_counter() - started
    return SeedReport(
        seed=seed,
        passengers=people.passengers,
        households=people.households,
        bookings=trips.bookings,
        booking_rows=trips.booking_rows,
        flights=len(airline.table.flights),
        unplaced_trips=trips.unplaced_trips,
        connections=trips.connections,
        agency_bookings=trips.agency_bookings,
        revenue_minor=sum(people.revenues),
        currency="USD",
        top20_share=round(people.top20_share, 4),
        tiers=dict(people.tiers.most_common()),
        languages=dict(people.languages.most_common()),
        wishes=dict(people.wishes.most_common()),
        start=start,
        end=end,
        imports=reports,
        generation_seconds=round(clock.seconds, 3),
        write_seconds=round(total - clock.seconds, 3),
    )


def _counts(report: imports.ImportReport) -> dict[str, int]:
    return {
        "rows_total": report.rows_total,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged + report.stale,
        "rejected": report.rejected_rows,
    }
