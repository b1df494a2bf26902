"""Voice of the customer: NPS and CSAT trends, sentiment and topics by route and station, spikes."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
