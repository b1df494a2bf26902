"""The import benchmark runs end to end at a small size and reports what the lead puts in BENCHMARKS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.bench.imports import write_files
from goodwill.cli import app
from goodwill.imports.rows import ImportKind, columns


def test_generated_files_are_deterministic_and_have_the_rows_asked_for(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = write_files(tmp_path / "a", 500), write_files(tmp_path / "b", 500)
    assert first.rows >= 500
    assert first.bookings.read_bytes() == second.bookings.read_bytes()
    header = first.bookings.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == [name for name, _r, _d in columns(ImportKind.BOOKINGS)]


def test_bench_import_prints_json_with_the_floor(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "import", "--rows", "300", "--json", "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["rows"] >= 300
    assert figures["seconds"] > 0
    assert figures["floor_seconds"] > 0
    # The ratio is of the unrounded times; at this size the rounding of the floor alone is a few percent.
    assert figures["ratio_to_floor"] == pytest.approx(figures["seconds"] / figures["floor_seconds"], rel=0.15)
    assert figures["database"] == "sqlite"
    assert figures["machine"]["cpu_count"] >= 1
    assert figures["rejected_rows"] == 0
    assert figures["rows_written"]["segments"] > 0
