"""`goodwill import`: passengers, flights, bookings, events and feedback from CSV or JSON Lines files."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.cli.context import state
from goodwill.cli.listening import analyse_stored
from goodwill.cli.output import console, err_console, print_json, progress
from goodwill.imports import service as imports
from goodwill.imports.rows import ImportKind, columns
from goodwill.listening import analysing
from goodwill.listening.language import LanguageMode

app = typer.Typer(
    help="Import passengers, flights, bookings, events and feedback from CSV or JSON Lines.",
    no_args_is_help=True,
)

# Files larger than this get a progress bar (unless --json).
PROGRESS_FROM_BYTES = 2_000_000

SUMMARIES = {
    ImportKind.PASSENGERS: "Import passengers with identities, consents and wishes; records of one person are merged.",
    ImportKind.FLIGHTS: "Import flights (schedule and actual times) by carrier, number and operating date.",
    ImportKind.BOOKINGS: "Import bookings: one row per passenger per segment; the rows of a PNR form one booking.",
    ImportKind.EVENTS: "Import flight events (delays, cancellations, diversions...); a higher revision updates one.",
    ImportKind.FEEDBACK: "Import feedback (surveys, emails, social posts...), linked to passenger, flight and booking.",
}
EXAMPLES = {
    ImportKind.PASSENGERS: "goodwill import passengers docs/examples/passengers.csv",
    ImportKind.FLIGHTS: "goodwill import flights docs/examples/flights.csv",
    ImportKind.BOOKINGS: "goodwill import bookings --skip-invalid docs/examples/bookings.csv",
    ImportKind.EVENTS: "goodwill import events --json docs/examples/events.jsonl",
    ImportKind.FEEDBACK: "goodwill import feedback docs/examples/feedback.csv",
}


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


def help_text(kind: ImportKind) -> str:
    """The command's help: what it does, the rules, every column, and an example."""
    column_lines = "\n".join(
        f"- **{name}**{' (required)' if required else ''}: {description}"
        for name, required, description in columns(kind)
    )
    return (
        f"{SUMMARIES[kind]}\n\n"
        "FILE is CSV (a header line, then one row per line) or JSON Lines (one object per line), in UTF-8; "
        "the format follows the extension (.csv, .jsonl, .ndjson) or --format. An empty cell means not given. "
        "Every row is checked first: one problem and nothing is imported (exit status 1, each problem named "
        "file:line, field and reason), unless --skip-invalid, which imports the good rows and writes the "
        "rejected ones with their reasons to a side file. Importing the same file again changes nothing.\n\n"
        f"Columns:\n\n{column_lines}\n\n"
        f"Example:\n\n    {EXAMPLES[kind]}\n"
    )


def _estimate_rows(path: Path) -> int:
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 1)


def _run(
    ctx: typer.Context,
    kind: ImportKind,
    file: Path,
    fmt: FileFormat | None,
    skip_invalid: bool,
    rejects: Path | None,
    as_json: bool,
    *,
    analyse: bool = False,
) -> None:
    show = not as_json and file.stat().st_size >= PROGRESS_FROM_BYTES
    rejects_path = rejects or file.with_name(file.name + ".rejected.csv")
    with progress(enabled=show) as bar:
        task = bar.add_task(f"import {kind.value}", total=_estimate_rows(file) if show else None)
        with state(ctx).unit_of_work() as session:
            report = imports.import_file(
                session,
                kind=kind,
                path=file,
                fmt=fmt.value if fmt else None,
                skip_invalid=skip_invalid,
                rejects_path=rejects_path,
                actor="cli",
                progress=(lambda n: bar.update(task, completed=n)) if show else None,
            )
    analysed = _analyse(ctx, show_progress=not as_json) if analyse else None
    if as_json:
        body: dict[str, Any] = report.as_dict(max_rejections=imports.MAX_PROBLEMS)
        body["rejects_file"] = str(rejects_path) if report.rejected else None
        if analyse:
            body["analysis"] = dataclasses.asdict(analysed) if analysed else None
        print_json(body)
        return
    console.print(f"[bold]import {kind.value}[/bold] {report.source}", highlight=False)
    table = Table(show_header=False)
    figures: list[tuple[str, Any]] = [
        ("rows", report.rows_total),
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ]
    if kind == ImportKind.EVENTS:
        figures.append(("stale (older revision, ignored)", report.stale))
    figures += [(name.replace("_", " "), value) for name, value in report.details.items()]
    figures += [("rejected rows", report.rejected_rows), ("seconds", f"{report.elapsed:.2f}")]
    if analysed is not None:
        figures += [("analysed", analysed.analysed), ("spam", analysed.spam), ("model", analysed.model)]
    for label, value in figures:
        table.add_row(label, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    if report.rejected:
        err_console.print(
            f"{report.rejected_rows} rows were not imported; they and their reasons are in {rejects_path}"
        )
        for rejection in report.rejected[:10]:
            where = f"{report.source}:{rejection.line}"
            field = f"{rejection.field}: " if rejection.field else ""
            err_console.print(f"  {where}: {field}{rejection.reason}", highlight=False, soft_wrap=True)


def _analyse(ctx: typer.Context, *, show_progress: bool) -> analysing.AnalyseReport:
    """After an import of feedback, in a transaction of its own: analyse what is not analysed yet, with the
    configured model (GOODWILL_LISTENING_MODEL) or the shipped one. The import stands if this fails;
    `goodwill listening analyse` finishes the work."""
    settings = state(ctx).settings
    at_hand = analysing.find_models(settings.listening_model)
    return analyse_stored(
        ctx, at_hand=at_hand, mode=LanguageMode(settings.listening_language_mode), show_progress=show_progress
    )


def _register(kind: ImportKind) -> None:
    def command(
        ctx: typer.Context,
        file: Annotated[
            Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV or JSON Lines file.")
        ],
        fmt: Annotated[
            FileFormat | None, typer.Option("--format", help="csv or jsonl (default: from the file name).")
        ] = None,
        skip_invalid: Annotated[
            bool, typer.Option("--skip-invalid", help="Import the good rows; write the rejected ones to a side file.")
        ] = False,
        rejects: Annotated[
            Path | None, typer.Option("--rejects", help="Where the rejected rows go (default: FILE.rejected.csv).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        _run(ctx, kind, file, fmt, skip_invalid, rejects, as_json)

    def feedback_command(
        ctx: typer.Context,
        file: Annotated[
            Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV or JSON Lines file.")
        ],
        fmt: Annotated[
            FileFormat | None, typer.Option("--format", help="csv or jsonl (default: from the file name).")
        ] = None,
        skip_invalid: Annotated[
            bool, typer.Option("--skip-invalid", help="Import the good rows; write the rejected ones to a side file.")
        ] = False,
        rejects: Annotated[
            Path | None, typer.Option("--rejects", help="Where the rejected rows go (default: FILE.rejected.csv).")
        ] = None,
        analyse: Annotated[
            bool,
            typer.Option(
                "--analyse/--no-analyse",
                help="Analyse the new feedback once stored (default), with the configured or shipped model.",
            ),
        ] = True,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        _run(ctx, kind, file, fmt, skip_invalid, rejects, as_json, analyse=analyse)

    chosen = feedback_command if kind == ImportKind.FEEDBACK else command
    chosen.__name__ = f"import_{kind.value}"
    app.command(kind.value, help=help_text(kind), short_help=SUMMARIES[kind].split(";")[0].rstrip("."))(chosen)


for _kind in ImportKind:
    _register(_kind)
