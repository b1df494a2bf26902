"""Value: the tier pyramid, the revenue Pareto curve, passengers at risk."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
