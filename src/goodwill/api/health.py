"""Liveness and readiness for load balancers: the only API routes without a role; they reveal nothing."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from goodwill import __version__
from goodwill.api.deps import SessionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: Literal["ok"]


@router.get("/health", response_model=Health, summary="Is the service up and its database reachable")
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database="ok")
