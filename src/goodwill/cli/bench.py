"""`goodwill bench`: benchmarks that print JSON and compare against a floor measured in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodwill.cli.output import console, print_json, progress, table_rows

app = typer.Typer(help="Benchmarks that print JSON and compare against a floor measured in the same run.")


@app.command("import")
def import_bookings(
    rows: Annotated[
        int, typer.Option("--rows", min=10, help="Booking rows (passenger × segment) to import.")
    ] = 1_000_000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="A PostgreSQL server to run on (scratch databases are created and dropped); default: SQLite files.",
        ),
    ] = None,
    workdir: Annotated[
        Path | None, typer.Option("--workdir", help="Where the temporary files go (default: the system temp dir).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Time `goodwill import bookings` of N generated rows into a fresh database, end to end (read, validate,
    resolve, write, commit), and the floor: the same final rows written with plain executemany.

    Example:

        goodwill bench import --rows 1000000 --json
    """
    from goodwill.bench import imports as bench_imports

    if not as_json:
        console.print(f"generating and importing {rows:,} booking rows…")
    result = bench_imports.run(rows, database_url=database_url, workdir=workdir)
    if as_json:
        print_json(result)
        return
    table_rows(
        [
            ("rows", f"{result['rows']:,}"),
            ("seconds", result["seconds"]),
            ("rows per second", f"{result['rows_per_second']:,}"),
            ("floor seconds", result["floor_seconds"]),
            ("ratio to floor", result["ratio_to_floor"]),
            ("database", result["database"]),
            ("rows written", ", ".join(f"{k} {v:,}" for k, v in result["rows_written"].items())),
        ]
    )


@app.command("seed")
def seed(
    passengers: Annotated[
        int, typer.Option("--passengers", min=1_000, max=1_000_000, help="Passengers to seed (1,000 to 1,000,000).")
    ] = 100_000,
    seed_: Annotated[int, typer.Option("--seed", help="Seed of the demo airline.")] = 42,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Time `goodwill seed` on a fresh SQLite database, against a plain bulk insert of the same rows.

    Example:

        goodwill bench seed --passengers 100000 --json
    """
    import tempfile

    from goodwill.bench import seed as bench_seed

    with tempfile.TemporaryDirectory(prefix="goodwill-bench-seed-") as workdir:
        figures = bench_seed.run(passengers=passengers, seed=seed_, workdir=Path(workdir))
    if as_json:
        print_json(figures)
        return
    table_rows(
        [
            ("passengers", f"{figures['passengers']:,}"),
            ("bookings", f"{figures['bookings']:,} PNRs, {figures['booking_rows']:,} rows"),
            ("flights", f"{figures['flights']:,}"),
            ("seconds", figures["seconds"]),
            ("  generating / writing", f"{figures['generation_seconds']} / {figures['write_seconds']}"),
            ("rows per second", f"{figures['rows_per_second']:,}"),
            ("floor seconds", figures["floor_seconds"]),
            ("ratio to floor", figures["ratio_to_floor"]),
        ]
    )


@app.command("storm")
def storm_bench(
    passengers: Annotated[
        int, typer.Option("--passengers", min=10, help="Passenger journeys the storm strands (about).")
    ] = 150_000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="A PostgreSQL server to run on (scratch databases); default: SQLite files."
        ),
    ] = None,
    worker: Annotated[
        bool, typer.Option("--worker", help="Read and decide the next batch in a worker process (second core).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Time a storm end to end (events in; entitlements, ledger, vouchers, outbox and cases committed) for N
    stranded passengers, and the floor: the same rows written by a plain bulk insert in the same run. On
    SQLite also the engine floor: SQLite copying those very rows itself (INSERT … SELECT, no Python).

    Example:

        goodwill bench storm --passengers 150000 --json
    """
    from goodwill.bench import storm as bench_storm

    if not as_json:
        console.print(f"building a storm that strands about {passengers:,} passengers…")
    result = bench_storm.run(passengers, database_url=database_url, worker=worker)
    if as_json:
        print_json(result)
        return
    table_rows(
        [
            ("passengers affected", f"{result['passengers_affected']:,}"),
            ("flights cancelled", result["flights_cancelled"]),
            ("seconds", result["seconds"]),
            ("floor seconds", result["floor_seconds"]),
            ("ratio to floor", result["ratio_to_floor"]),
            ("SQLite copying the rows itself, seconds", result["engine_floor_seconds"] or "-"),
            ("rows written", ", ".join(f"{k} {v:,}" for k, v in result["rows_written"].items())),
        ]
    )


@app.command("notify")
def notify_bench(
    passengers: Annotated[
        int, typer.Option("--passengers", min=10, help="Passenger journeys the storm strands (about).")
    ] = 150_000,
    batch: Annotated[int, typer.Option("--batch", min=1, max=5000, help="Messages the worker claims at a time.")] = 500,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="A PostgreSQL server to run on (a scratch database); default: a SQLite file."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Time how long each stranded passenger waits to be told: a worker delivers while a storm for N passengers
    is written; prints event-to-sent p50/p90/p99/max and the share within 30 minutes.

    Example:

        goodwill bench notify --passengers 150000 --json
    """
    from goodwill.bench import notify as bench_notify

    if not as_json:
        console.print(f"building a storm that strands about {passengers:,} passengers, and a worker to tell them…")
    result = bench_notify.run(passengers, database_url=database_url, batch=batch)
    if as_json:
        print_json(result)
        return
    latency = result["event_to_sent_seconds"]
    table_rows(
        [
            ("passengers affected", f"{result['passengers_affected']:,}"),
            ("messages", ", ".join(f"{k} {v:,}" for k, v in result["messages"].items())),
            ("storm seconds", result["storm_seconds"]),
            ("all sent after (s)", result["all_sent_seconds"]),
            ("event to sent (s)", "p50 {p50}, p90 {p90}, p99 {p99}, max {max}".format(**latency)),
            ("within 30 minutes", f"{result['within_30_minutes']:.2%}"),
        ]
    )


@app.command("customer360")
def customer360(
    passengers: Annotated[
        int, typer.Option("--passengers", min=1_000, max=5_000_000, help="Passengers of the generated airline.")
    ] = 100_000,
    interactions: Annotated[
        int, typer.Option("--interactions", min=0, help="Timeline rows spread over them.")
    ] = 1_000_000,
    samples: Annotated[
        int, typer.Option("--samples", min=20, help="Passengers read, and searches of each kind.")
    ] = 1_000,
    runs: Annotated[int, typer.Option("--runs", min=1, max=9, help="Measurements; the medians are reported.")] = 1,
    seed_: Annotated[int, typer.Option("--seed", help="Seed of the generated airline.")] = 42,
    database: Annotated[
        Path | None,
        typer.Option(
            "--database",
            help="Keep the built database in this file; a later run with the same sizes only measures it.",
        ),
    ] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Build the --database file again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Time the customer 360, the searches and the collections at scale (p50/p95/p99), against a primary-key read
    of one passenger.

    Example:

        goodwill bench customer360 --passengers 1000000 --interactions 10000000 --database /tmp/c360.db --runs 3
    """
    import tempfile

    from goodwill.bench import customer360 as bench_360

    with tempfile.TemporaryDirectory(prefix="goodwill-bench-360-") as workdir, progress(not as_json) as bar:
        figures = bench_360.run(
            passengers=passengers,
            interactions=interactions,
            samples=samples,
            seed=seed_,
            database=database or Path(workdir) / "c360.db",
            rebuild=rebuild,
            runs=runs,
            progress=bar,
        )
    if as_json:
        print_json(figures)
        return
    medians = figures["median_of_runs"]
    line = "p50 {p50_ms} ms, p95 {p95_ms} ms, p99 {p99_ms} ms"
    table_rows(
        [
            ("passengers / interactions", f"{figures['passengers']:,} / {figures['interactions']:,}"),
            ("list pages not read through an index", len(figures["list_pages_not_through_an_index"])),
            *(
                (name, line.format(**medians[name]))
                for name in medians
                if name.startswith(("customer_360", "search_", "floor_"))
            ),
            *((f"list {name}, first page", line.format(**p)) for name, p in medians["lists_first_page"].items()),
            *((f"list {name}, deep page", line.format(**p)) for name, p in medians["lists_deep_page"].items()),
        ]
    )


@app.command("listening")
def listening(
    ctx: typer.Context,
    messages: Annotated[int, typer.Option("--messages", min=100, help="Messages to analyse per run.")] = 20_000,
    model: Annotated[
        Path | None, typer.Option("--model", help="A model directory (default: the configured or shipped model).")
    ] = None,
    repeats: Annotated[
        int, typer.Option("--repeats", min=1, max=9, help="Runs of each measure; the median counts.")
    ] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Messages per second of the whole analysis (language, spam, sentiment, topics, urgency, entities) in the
    fast and the accurate language mode, each step alone, and the floor: text normalisation alone.

    Example:

        goodwill bench listening --messages 20000 --json
    """
    from goodwill.bench import listening as bench_listening
    from goodwill.cli.context import state

    settings = state(ctx).settings
    result = bench_listening.run(
        messages=messages, model=model or settings.listening_model, shared_data=settings.shared_data, repeats=repeats
    )
    if as_json:
        print_json(result)
        return
    rows: list[tuple[str, object]] = [("messages", f"{result['messages']:,} from {result['source']}")]
    for mode, figures in result["whole_analysis"].items():
        rows.append(
            (
                f"whole analysis, {mode}",
                f"{figures['messages_per_second']:,}/s ({figures['ratio_to_floor']}x the floor)",
            )
        )
    rows.append(("floor (normalise)", f"{result['floor']['messages_per_second']:,}/s"))
    rows += [(f"step {name}", f"{figures['messages_per_second']:,}/s") for name, figures in result["steps"].items()]
    table_rows(rows)


@app.command("console")
def console_pages(
    passengers: Annotated[
        int, typer.Option("--passengers", min=1_000, max=1_000_000, help="Passengers of the demo airline.")
    ] = 5_000,
    samples: Annotated[int, typer.Option("--samples", min=5, help="Timed requests of each page.")] = 30,
    seed_: Annotated[int, typer.Option("--seed", help="Seed of the demo airline.")] = 42,
    database: Annotated[
        Path | None,
        typer.Option("--database", help="Keep the demo database (seeded, storm replayed) in this file and reuse it."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Time every console page (the navigation's, a passenger's 360, a case) on the demo airline with the 2013
    blizzard replayed, p50/p95 per page against the floor (/health and a static file in the same run).

    Example:

        goodwill bench console --passengers 5000 --database /tmp/console.db --json
    """
    import tempfile

    from goodwill.bench import console as bench_console

    def note(text: str) -> None:
        typer.echo(text, err=True)

    with tempfile.TemporaryDirectory(prefix="goodwill-bench-console-") as workdir:
        url = f"sqlite:///{database}" if database else bench_console.default_database(Path(workdir))
        result = bench_console.run(url=url, passengers=passengers, seed=seed_, samples=samples, note=note)
    if as_json:
        print_json(result)
        return
    rows: list[tuple[str, object]] = [
        ("floor /health", f"p50 {result['floor']['health']['p50_ms']} ms"),
        ("floor static file", f"p50 {result['floor']['static_file']['p50_ms']} ms"),
    ]
    rows += [
        (path, f"p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms ({m['status']})") for path, m in result["pages"].items()
    ]
    rows.append(("all under 300 ms", result["all_under_budget"]))
    table_rows(rows)
