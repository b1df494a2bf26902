"""`goodwill privacy`: a passenger's data exported or erased, and free text kept no longer than the airline says."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

import typer

from goodwill.all_models import metadata
from goodwill.audit import service as audit
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.customers import privacy
from goodwill.errors import InvalidInput
from goodwill.kit.time import utc_now

app = typer.Typer(
    help="Export or erase a passenger's data; keep free text only as long as the policy says.", no_args_is_help=True
)

ACTOR = "cli"
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(f"PASSENGER_ID: {value!r} is not a passenger id") from None


@app.command("export")
def export(
    ctx: typer.Context,
    passenger_id: Annotated[str, typer.Argument(help="The passenger's id.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here (default: standard output).")] = None,
) -> None:
    """Everything stored about a passenger, table by table, as JSON (a subject access request).

    Example:

        goodwill privacy export 6f1c0b4e-... --out ana.json
    """
    with state(ctx).unit_of_work() as session:
        data = privacy.export_passenger(session, passenger_id=_id(passenger_id), tables=metadata.sorted_tables)
        audit.record(
            session,
            actor=ACTOR,
            action="passenger.exported",
            entity_type="passenger",
            entity_id=data["passenger_id"],
            details={"tables": {name: len(rows) for name, rows in data["tables"].items()}},
        )
    if out is None:
        print_json(data)
        return
    try:
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{out}: cannot be written ({exc.strerror})") from exc
    console.print(
        f"wrote {sum(len(r) for r in data['tables'].values())} rows from {len(data['tables'])} tables to {out}"
    )


@app.command("erase")
def erase(
    ctx: typer.Context,
    passenger_id: Annotated[str, typer.Argument(help="The passenger's id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Erase a passenger: names, identities, consents, wishes and free text removed; the ledger, vouchers,
    entitlements, fares and case facts kept as compensation evidence.

    Example:

        goodwill privacy erase 6f1c0b4e-... --yes
    """
    if not yes:
        raise InvalidInput("erasure cannot be undone: add --yes to confirm")
    with state(ctx).unit_of_work() as session:
        done = privacy.erase_passenger(
            session, passenger_id=_id(passenger_id), tables=metadata.sorted_tables, now=utc_now()
        )
        audit.record(
            session,
            actor=ACTOR,
            action="passenger.erased",
            entity_type="passenger",
            entity_id=str(done.passenger_id),
            details={"anonymised": done.anonymised, "deleted": done.deleted, "already_erased": done.already_erased},
        )
    data = {
        "passenger_id": done.passenger_id,
        "records": done.records,
        "already_erased": done.already_erased,
        "anonymised": done.anonymised,
        "deleted": done.deleted,
    }
    if as_json:
        print_json(data)
    else:
        table_rows([(k.replace("_", " "), v) for k, v in data.items()])


@app.command("retention")
def retention(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Keep free text this many days after it came.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be removed; change nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Remove free text older than --days: feedback text, timeline bodies, survey answers. Scores, analysis and
    links stay, so trends keep their numbers. Run it daily from the scheduler.

    Example:

        goodwill privacy retention --days 730 --dry-run
    """
    with state(ctx).unit_of_work() as session:
        done = privacy.apply_retention(
            session, tables=metadata.sorted_tables, days=days, now=utc_now(), dry_run=dry_run
        )
        if not dry_run:
            audit.record(
                session,
                actor=ACTOR,
                action="free_text.retention",
                entity_type="feedback",
                details={
                    "days": days,
                    "feedback": done.feedback,
                    "interactions": done.interactions,
                    "survey_answers": done.survey_answers,
                },
            )
    data = {
        "cutoff": done.cutoff,
        "dry_run": dry_run,
        "feedback": done.feedback,
        "interactions": done.interactions,
        "survey_answers": done.survey_answers,
    }
    if as_json:
        print_json(data)
    else:
        table_rows([(k.replace("_", " "), v) for k, v in data.items()])
