"""Passenger 360: search, then one page with everything about a passenger."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
