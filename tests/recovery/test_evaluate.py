"""`goodwill recovery evaluate`: the worked-case format in and out, and --check against the shared cases."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from tests.conftest import shared_data_dir

runner = CliRunner()

CASE: dict[str, Any] = {
    "id": "T-1",
    "regime": "eu261",
    "carrier": {"iata": "LH", "name": "Lufthansa", "home": "DE", "eu_carrier": True, "uk_carrier": False,
                "canada_size": "large"},
    "origin": "FRA",
    "destination": "JFK",
    "scheduled_departure": "2025-05-01T10:00:00+02:00",
    "scheduled_arrival": "2025-05-01T12:40:00-04:00",
    "actual_departure": "2025-05-01T13:30:00+02:00",
    "actual_arrival": "2025-05-01T16:10:00-04:00",
    "departure_delay_minutes": 210,
    "arrival_delay_minutes": 210,
    "event": {"type": "delay"},
    "cause": "controllable",
    "fare_paid": None,
    "expected": {"compensation": {"amount": 300, "currency": "EUR", "form": "cash"}, "care": [],
                 "refund_right": False},
    "verification": "verified",
}  # fmt: skip


def _write(tmp_path: Path, cases: list[dict[str, Any]]) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": cases}), encoding="utf-8")
    return path


def test_evaluate_prints_one_result_per_case_in_the_evaluation_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["recovery", "evaluate", str(_write(tmp_path, [CASE]))])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "T-1",
            "compensation": {"amount": 300, "currency": "EUR", "form": "cash"},
            "refund_right": False,
            "rebooking_right": False,
            "care": [],
        }
    ]


def test_check_fails_with_the_field_that_differs(tmp_path: Path) -> None:
    wrong = {**CASE, "expected": {**CASE["expected"], "compensation": {"amount": 600, "currency": "EUR"}}}
    result = runner.invoke(app, ["recovery", "evaluate", str(_write(tmp_path, [CASE, wrong])), "--check", "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (summary["checked"], summary["passed"], summary["failed"]) == (2, 1, 1)
    assert summary["results"][1]["mismatches"][0]["field"] == "compensation.amount"


def test_conflicting_cases_are_skipped(tmp_path: Path) -> None:
    conflicting = {**CASE, "id": "T-2", "verification": "conflicting_sources", "expected": {"compensation": {}}}
    result = runner.invoke(app, ["recovery", "evaluate", str(_write(tmp_path, [conflicting])), "--check", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["skipped"] == 1


def test_an_unreadable_case_names_the_case_and_field(tmp_path: Path) -> None:
    bad = {**CASE, "origin": "QQQ"}
    result = runner.invoke(app, ["recovery", "evaluate", str(_write(tmp_path, [bad]))])
    assert result.exit_code == 1
    assert "case 1" in result.output
    assert "origin: unknown airport 'QQQ'" in result.output


def test_the_shared_worked_cases_all_match() -> None:
    cases = shared_data_dir().parent / "rules" / "golden_cases.json"
    if not cases.is_file():
        if os.environ.get("GOODWILL_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"GOODWILL_REQUIRE_SHARED_DATA=1 but {cases} does not exist")
        pytest.skip(f"no worked cases at {cases}")
    result = runner.invoke(app, ["recovery", "evaluate", str(cases), "--check", "--json"])
    summary = json.loads(result.stdout)
    failures = [r for r in summary["results"] if r["status"] == "failed"]
    assert failures == []
    assert result.exit_code == 0
    assert summary["checked"] >= 60


def test_policies_lists_each_regime() -> None:
    result = runner.invoke(app, ["recovery", "policies", "--json"])
    assert result.exit_code == 0
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert {"eu261", "uk261", "appr", "us_dot", "montreal1999"} <= ids
