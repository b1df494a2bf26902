"""`goodwill cases`: show a case with its timeline, answer the passenger, assign, note, move, merge; breach
warnings and the SLA report."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select

from goodwill.audit import service as audit
from goodwill.cases import service as cases
from goodwill.cases import sla, workflow
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


@app.command("assign")
def assign(
    ctx: typer.Context,
    reference: Reference,
    team: Annotated[str | None, typer.Option("--team")] = None,
    agent: Annotated[str | None, typer.Option("--agent")] = None,
    by: Annotated[str, typer.Option("--by", help="Who assigns.")] = "cli",
) -> None:
    """Give a case to a team and (or) an agent.

    Example:

        goodwill cases assign C-0000042 --team baggage --agent agent-7
    """
    with state(ctx).unit_of_work() as session:
        case = workflow.assign(session, reference=reference, team=team, assignee=agent, actor=by, now=utc_now())
        console.print(f"{case.reference}: team {case.team or '-'}, agent {case.assignee or '-'}")


@app.command("note")
def note(
    ctx: typer.Context,
    reference: Reference,
    body: Annotated[str, typer.Option("--body", help="The note (never sent to the passenger).")],
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Add an internal note to a case.

    Example:

        goodwill cases note C-0000042 --body "Bag traced to FLL" --by agent-7
    """
    with state(ctx).unit_of_work() as session:
        workflow.add_note(session, reference=reference, body=body, author=by, now=utc_now())
    console.print(f"{reference}: noted")


@app.command("status")
def status(
    ctx: typer.Context,
    reference: Reference,
    to: Annotated[str, typer.Argument(help="open, waiting_on_passenger, resolved or closed")],
    code: Annotated[
        str | None, typer.Option("--code", help=f"Resolution code: {', '.join(workflow.RESOLUTION_CODES)}")
    ] = None,
    by: Annotated[str, typer.Option("--by")] = "cli",
    sla_policy: Annotated[
        Path | None,
        typer.Option("--sla-policy", help="SLA policy file with business hours (default: GOODWILL_SLA_POLICY)."),
    ] = None,
) -> None:
    """Move a case. Waiting on the passenger pauses its SLA clock (in business hours); resolving needs --code.

    Example:

        goodwill cases status C-0000042 resolved --code bag_delivered --by agent-7
    """
    st = state(ctx)
    path = sla_policy or st.settings.sla_policy
    policy = cases.load_sla_policy(path) if path else sla.DEFAULT_POLICY
    with st.unit_of_work() as session:
        case = workflow.set_status(
            session, reference=reference, status=to, resolution_code=code, actor=by, now=utc_now(), hours=policy.hours
        )
        console.print(f"{case.reference}: {case.status}{f' ({case.resolution_code})' if case.resolution_code else ''}")


@app.command("merge")
def merge(
    ctx: typer.Context,
    duplicate: Annotated[str, typer.Argument(help="The duplicate case.")],
    into: Annotated[str, typer.Option("--into", help="The case that absorbs it.")],
    by: Annotated[str, typer.Option("--by")] = "cli",
) -> None:
    """Merge a duplicate case into another: its thread, feedback, messages and vouchers move.

    Example:

        goodwill cases merge C-0000043 --into C-0000042
    """
    with state(ctx).unit_of_work() as session:
        survivor = workflow.merge(session, duplicate=duplicate, into=into, actor=by, now=utc_now())
        console.print(f"{duplicate} merged into {survivor.reference}")


@app.command("at-risk")
def at_risk(
    ctx: typer.Context,
    within: Annotated[int, typer.Option("--within", min=0, help="Minutes ahead.")] = 120,
    team: Annotated[str | None, typer.Option("--team")] = None,
    agent: Annotated[str | None, typer.Option("--agent")] = None,
    as_json: JsonOption = False,
) -> None:
    """Open cases whose first answer or resolution is due within --within minutes, or overdue.

    Example:

        goodwill cases at-risk --within 60 --team care
    """
    with state(ctx).unit_of_work() as session:
        found = workflow.at_risk(session, now=utc_now(), within=timedelta(minutes=within), team=team, assignee=agent)
    if as_json:
        print_json([vars(r) for r in found])
        return
    for r in found:
        flag = "BREACHED" if r.breached else "due"
        console.print(
            f"{r.reference} {r.priority:<7} {r.what:<15} {flag} {r.due_at.isoformat(timespec='minutes')}"
            f" {r.team or '-'}/{r.assignee or '-'}",
            highlight=False,
        )


@app.command("sla-report")
def sla_report(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Cases opened in the last N days.")] = 30,
    by: Annotated[str, typer.Option("--by", help="team or agent")] = "team",
    as_json: JsonOption = False,
) -> None:
    """The share of cases that met their first-response and resolution targets, per team or agent.

    Example:

        goodwill cases sla-report --days 7 --by agent
    """
    now = utc_now()
    with state(ctx).unit_of_work() as session:
        lines = workflow.sla_report(
            session, since=now - timedelta(days=days), until=now, now=now, by="assignee" if by == "agent" else by
        )
    rows = [
        {**vars(line), "first_response_percent": line.first_response_percent,
         "resolution_percent": line.resolution_percent}
        for line in lines
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table(by, "cases", "first response met", "resolution met", "open breached")
    for r in rows:
        table.add_row(str(r["group"] or "-"), str(r["cases"]), f"{r['first_response_percent']}%",
                      f"{r['resolution_percent']}%", str(r["open_breached"]))  # fmt: skip
    console.print(table)
