"""`goodwill recovery`: apply the passenger-rights rules (evaluate worked cases, list the policies)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.cli.output import console, print_json
from goodwill.errors import InvalidInput
from goodwill.recovery import catalogue
from goodwill.recovery.golden import CaseError, compare, evaluate_case, expected_care

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
