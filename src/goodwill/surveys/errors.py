"""Errors of the survey link and responses."""

from __future__ import annotations

from goodwill.errors import Expired, NotFound


class SurveyLinkUnknown(NotFound):
    """No invitation has this token (or this id)."""


class SurveyLinkExpired(Expired):
    """The invitation's link has expired: its survey is closed."""
