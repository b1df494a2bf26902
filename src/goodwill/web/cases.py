"""Cases: the queue, and the case page (thread, reply, notes, SLA clock, goodwill, resolve)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
