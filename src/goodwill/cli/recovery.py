"""`goodwill recovery`: apply the passenger-rights rules (evaluate worked cases, list the policies)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.customers.models import Passenger
from goodwill.errors import InvalidInput, NotFound
from goodwill.flights.models import Flight, FlightEvent
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now
from goodwill.recovery import catalogue
from goodwill.recovery.golden import CaseError, compare, evaluate_case, expected_care
from goodwill.recovery.models import Entitlement
from goodwill.recovery.service import process_event

app = typer.Typer(help="Recovery: the passenger-rights rules and what they owe.", no_args_is_help=True)

PolicyDirs = Annotated[
    list[Path] | None,
    typer.Option("--policies", help="A directory of extra policy files (an airline's own); repeatable."),
]


def _read_cases(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: not a JSON file: {exc}") from None
    cases = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise InvalidInput(f"{path}: expected a list of cases, or an object with a `cases` list")
    return cases


@app.command("evaluate")
def evaluate(
    cases_file: Annotated[Path, typer.Argument(help="Cases in the format of ../shared/rules/golden_cases.json.")],
    check: Annotated[bool, typer.Option("--check", help="Compare with each case's `expected` and summarise.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --check: print the summary as JSON.")] = False,
    policies: PolicyDirs = None,
) -> None:
    """Evaluate worked cases, each under the regime it names, and print a JSON array of results.

    With --check, compare each result with the case's expected outcome (cases marked
    `conflicting_sources` are skipped) and exit 1 if any differs.

    Example:

        goodwill recovery evaluate ../shared/rules/golden_cases.json --check
    """
    cases = _read_cases(cases_file)
    known = {p.id: p for p in catalogue.policies(policies or ())}
    results: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    for index, case in enumerate(cases):
        try:
            results.append(evaluate_case(case, known, catalogue.place))
        except CaseError as exc:
            problems.append({"where": f"{cases_file}:case {index + 1}", "loc": [index], "msg": str(exc)})
    if problems:
        raise InvalidInput(f"{cases_file}: {len(problems)} case(s) cannot be read", problems=problems)
    if not check:
        print_json(results)
        return
    summary = _check(cases, results)
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)
    if summary["failed"]:
        raise typer.Exit(1)


def _check(cases: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    by_regime: Counter[str] = Counter()
    failed_by_regime: Counter[str] = Counter()
    not_asserted = 0
    for case, result in zip(cases, results, strict=True):
        regime = str(case.get("regime"))
        if case.get("verification") == "conflicting_sources":
            rows.append({"id": case.get("id"), "regime": regime, "status": "skipped", "why": "conflicting_sources"})
            continue
        by_regime[regime] += 1
        mismatches = compare(case, result)
        not_asserted += len(expected_care(case.get("expected") or {})[1])
        if mismatches:
            failed_by_regime[regime] += 1
        rows.append(
            {
                "id": case.get("id"),
                "regime": regime,
                "status": "failed" if mismatches else "passed",
                "mismatches": [{"field": m.field, "expected": m.expected, "got": m.got} for m in mismatches],
            }
        )
    failed = sum(failed_by_regime.values())
    checked = sum(by_regime.values())
    return {
        "cases": len(cases),
        "checked": checked,
        "passed": checked - failed,
        "failed": failed,
        "skipped": len(cases) - checked,
        "not_asserted_care_items": not_asserted,
        "by_regime": {r: {"checked": n, "failed": failed_by_regime[r]} for r, n in sorted(by_regime.items())},
        "results": rows,
    }


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title="Worked cases by regime")
    table.add_column("regime")
    table.add_column("checked", justify="right")
    table.add_column("failed", justify="right")
    for regime, counts in summary["by_regime"].items():
        table.add_row(regime, str(counts["checked"]), str(counts["failed"]))
    console.print(table)
    for row in summary["results"]:
        if row["status"] == "failed":
            for m in row["mismatches"]:
                console.print(f"[red]✗[/red] {row['id']}: {m['field']}: expected {m['expected']}, got {m['got']}")
        elif row["status"] == "skipped":
            console.print(f"[yellow]–[/yellow] {row['id']}: skipped ({row['why']})")
    console.print(
        f"{summary['passed']} of {summary['checked']} cases match; {summary['failed']} differ; "
        f"{summary['skipped']} skipped (conflicting sources); "
        f"{summary['not_asserted_care_items']} care item(s) the cases mark 'not verified' not asserted."
    )


@app.command("policies")
def list_policies(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policies: PolicyDirs = None,
) -> None:
    """List the policies (regimes and airline policies) with their versions and rule counts.

    Example:

        goodwill recovery policies --json
    """
    found = catalogue.policies(policies or ())
    rows: list[dict[str, Any]] = [
        {
            "id": p.id,
            "name": p.name,
            "regime": p.regime,
            "kind": p.kind.value,
            "currency": p.currency,
            "version": p.version,
            "in_force_from": p.in_force.start.isoformat() if p.in_force.start else None,
            "in_force_to": p.in_force.end.isoformat() if p.in_force.end else None,
            "rules": len(p.rules),
        }
        for p in found
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Policies")
    for column in ("id", "name", "kind", "currency", "version", "rules"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c]) for c in ("id", "name", "kind", "currency", "version", "rules")))
    console.print(table)


def _flight_events(session: Session, carrier: str, number: str, day: date) -> tuple[Flight, list[FlightEvent]]:
    flight = session.scalars(
        select(Flight).where(
            Flight.carrier == carrier.upper(), Flight.number == number.lstrip("0"), Flight.operating_date == day
        )
    ).first()
    if flight is None:
        raise NotFound(f"no flight {carrier.upper()} {number} on {day.isoformat()}")
    events = session.scalars(
        select(FlightEvent).where(FlightEvent.flight_id == flight.id).order_by(FlightEvent.occurred_at, FlightEvent.id)
    ).all()
    return flight, list(events)


def _owed_rows(session: Session, flight_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Entitlement, Passenger.first_name, Passenger.last_name)
        .join(Passenger, Passenger.id == Entitlement.passenger_id)
        .where(Entitlement.flight_id == flight_id, Entitlement.status == "granted")
        .order_by(Passenger.last_name, Passenger.first_name, Entitlement.kind)
    ).all()
    return [
        {
            "passenger_id": str(e.passenger_id),
            "passenger": f"{first} {last}",
            "kind": e.kind,
            "regime": e.regime,
            "rule": e.rule_id,
            "basis": e.legal_basis,
            "amount": str(Money(e.amount_minor, e.currency)) if e.amount_minor is not None and e.currency else None,
            "form": e.form,
            "care": list(e.care or []),
            "explanation": e.explanation,
        }
        for e, first, last in rows
    ]


FlightOption = Annotated[str, typer.Option("--flight", help="Carrier and number, e.g. 'B6 123' or B6123.")]
DateOption = Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="Operating date (YYYY-MM-DD).")]


def _split_flight(text: str) -> tuple[str, str]:
    compact = text.replace(" ", "").upper()
    if len(compact) < 3 or not compact[2:].isdigit():
        raise InvalidInput(f"--flight: expected a carrier and number such as 'B6 123', got {text!r}")
    return compact[:2], compact[2:]


@app.command("assess")
def assess_flight(
    ctx: typer.Context,
    flight: FlightOption,
    day: DateOption,
    apply: Annotated[bool, typer.Option("--apply", help="Write the result (otherwise nothing is stored).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policies: PolicyDirs = None,
) -> None:
    """What every passenger of a flight is owed for its events: amount, rule and legal basis per passenger.

    Without --apply nothing is written (the work is done in a transaction that is rolled back).

    Example:

        goodwill recovery assess --flight "B6 123" --date 2013-02-08
    """
    carrier, number = _split_flight(flight)
    st = state(ctx)
    found = catalogue.policies(policies or ())
    session = st.session_factory()
    try:
        the_flight, events = _flight_events(session, carrier, number, day.date())
        reports = [
            process_event(session, event_id=e.id, now=utc_now(), policies=found, actor="cli").as_dict() for e in events
        ]
        owed = _owed_rows(session, the_flight.id)
        if apply:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    if as_json:
        print_json({"flight": f"{carrier} {number} {day.date().isoformat()}", "applied": apply, "events": reports,
                    "owed": owed})  # fmt: skip
        return
    console.print(f"{carrier} {number} on {day.date().isoformat()}: {len(events)} event(s)")
    table = Table(title="Owed" + ("" if apply else " (not written: add --apply)"))
    for column in ("passenger", "kind", "amount", "form", "care", "rule"):
        table.add_column(column, overflow="fold")
    for row in owed:
        cells = (
            row["passenger"],
            row["kind"],
            row["amount"] or "",
            row["form"] or "",
            ", ".join(row["care"]),
            row["rule"],
        )
        table.add_row(*cells)
    console.print(table)


@app.command("process")
def process(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Option("--event", help="The event's id as its sender gave it (event_id).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policies: PolicyDirs = None,
) -> None:
    """Settle every passenger a stored flight event affects (idempotent: running it again changes nothing).

    Example:

        goodwill recovery process --event OPS-2013-02-08-B6-1
    """
    st = state(ctx)
    found = catalogue.policies(policies or ())
    with st.unit_of_work() as session:
        event = session.scalars(select(FlightEvent).where(FlightEvent.external_id == event_id)).first()
        if event is None:
            raise NotFound(f"no flight event {event_id!r}")
        report = process_event(session, event_id=event.id, now=utc_now(), policies=found, actor="cli").as_dict()
    if as_json:
        print_json(report)
        return
    table_rows(
        [
            ("flight", report["flight"]),
            ("passengers", report["passengers"]),
            ("entitlements", ", ".join(f"{k} {v}" for k, v in report["entitlements"].items())),
            ("ledger entries", report["ledger_entries"]),
            ("vouchers", report["vouchers"]),
            ("messages", report["messages"]),
            ("cases", report["cases"]),
            ("moved", ", ".join(f"{k}: {v}" for k, v in report["moved"].items()) or "nothing"),
        ]
    )
