"""Domain errors, named for what happened. Each edge (API, web, CLI) maps the base classes once."""

from __future__ import annotations

from typing import Any


class GoodwillError(Exception):
    """Base of every expected error; carries a message safe to show to the user (no personal data)."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    @property
    def code(self) -> str:
        return type(self).__name__


class NotFound(GoodwillError):
    """A thing asked for by id or natural key does not exist."""


class Conflict(GoodwillError):
    """The request clashes with what is stored (duplicate key, wrong state)."""


class Expired(GoodwillError):
    """A thing that existed may no longer be used (an expired link)."""


class RuleViolation(GoodwillError):
    """The input is well formed but breaks a business rule."""


class PermissionDenied(GoodwillError):
    """The caller's role may not do this."""


class InvalidInput(RuleViolation):
    """Input failed validation; `problems` lists each one with its location."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None, **context: Any) -> None:
        super().__init__(message, **context)
        self.problems = problems or []
