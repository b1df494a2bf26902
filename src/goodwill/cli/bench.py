"""`goodwill bench` (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Benchmarks that print JSON and compare against a floor measured in the same run.")
