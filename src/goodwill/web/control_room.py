"""The disruption control room: flights and their events, who is affected, what is owed and sent."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
