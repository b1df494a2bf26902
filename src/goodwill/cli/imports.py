"""`goodwill import` (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Import passengers, flights, bookings, events and feedback from CSV or JSON Lines.")
