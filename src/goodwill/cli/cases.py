"""`goodwill cases`: show a case with its timeline, and answer the passenger on it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer
from sqlalchemy import select

from goodwill.audit import service as audit
from goodwill.cases import service as cases
from goodwill.cases.models import Case, CaseEvent, Interaction
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.kit.time import utc_now

app = typer.Typer(help="Cases: show one with its timeline, answer the passenger.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Reference = Annotated[str, typer.Argument(help="The case reference, e.g. C-0000042.")]


def case_json(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "type": case.type,
        "priority": case.priority,
        "status": case.status,
        "subject": case.subject,
        "passenger_id": case.passenger_id,
        "team": case.team,
        "opened_at": case.opened_at,
        "first_response_due_at": case.first_response_due_at,
        "resolution_due_at": case.resolution_due_at,
        "first_responded_at": case.first_responded_at,
        "origin": case.origin,
    }


@app.command("show")
def show(ctx: typer.Context, reference: Reference, as_json: JsonOption = False) -> None:
    """Show a case: its SLA due times, its events and what was said on it, oldest first.

    Example:

        goodwill cases show C-0000042 --json
    """
    with state(ctx).unit_of_work() as session:
        case = cases.get_case(session, reference=reference)
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at))
        said = session.scalars(
            select(Interaction).where(Interaction.case_id == case.id).order_by(Interaction.occurred_at)
        )
        result = {
            **case_json(case),
            "events": [{"at": e.at, "kind": e.kind, "actor": e.actor, "details": e.details} for e in events],
            "interactions": [
                {"at": i.occurred_at, "direction": i.direction, "channel": i.channel, "author": i.author,
                 "body": i.body, "message_id": i.message_id}
                for i in said
            ],
        }  # fmt: skip
        audit.record(session, actor="cli", action="case.viewed", entity_type="case", entity_id=str(case.id))
    if as_json:
        print_json(result)
        return
    table_rows(
        [
            ("case", f"{result['reference']} {result['type']} ({result['priority']}, {result['status']})"),
            ("subject", result["subject"]),
            ("opened", result["opened_at"].isoformat()),
            ("first response due", result["first_response_due_at"].isoformat()),
            ("resolution due", result["resolution_due_at"].isoformat()),
            ("first responded", result["first_responded_at"].isoformat() if result["first_responded_at"] else "-"),
        ]
    )
    for e in result["events"]:
        console.print(f"  {e['at'].isoformat()}  {e['kind']:<16} {e['actor'] or ''}", highlight=False)
    for i in result["interactions"]:
        arrow = "<-" if i["direction"] == "inbound" else "->"
        console.print(f"  {i['at'].isoformat()}  {arrow} {i['channel']:<7} {i['body'][:100]}", highlight=False)


@app.command("reply")
def reply(
    ctx: typer.Context,
    reference: Reference,
    body: Annotated[str, typer.Option("--body", help="The answer to the passenger.")],
    by: Annotated[str, typer.Option("--by", help="The agent answering (a name or id, kept on the timeline).")],
    key: Annotated[
        str | None,
        typer.Option("--key", help="Idempotency key: the same key again sends nothing more (default: a new one)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Answer the passenger on a case: on the case and their timeline, and in the outbox to be sent.

    Sets the case's first response time (and moves a new case to open). Refused (exit status 1) for an unknown
    case, or a case whose passenger is not identified yet.

    Example:

        goodwill cases reply C-0000042 --body "We found your bag; it arrives tonight." --by agent-7 --key r-1
    """
    with state(ctx).unit_of_work() as session:
        result = cases.reply_to_case(
            session, reference=reference, body=body, author=by, idempotency_key=key or str(uuid.uuid4()),
            now=utc_now(),
        )  # fmt: skip
        out = {
            "reference": result.case.reference,
            "interaction_id": result.interaction.id,
            "message_id": result.message.id,
            "first_responded_at": result.case.first_responded_at,
            "status": result.case.status,
            "replayed": result.replayed,
        }
    if as_json:
        print_json(out)
    else:
        verb = "already answered" if result.replayed else "answered"
        console.print(f"{verb} {out['reference']}: message {out['message_id']} queued", highlight=False)
