"""Whether the collections of `api.lists` read only through indexes: each list, with each of its filters and each
sort key, first page and a page after a cursor, planned by SQLite (EXPLAIN QUERY PLAN).

What a page may do:

- never `SCAN t` without an index (the whole table);
- with a filter, look it up through an index (`SEARCH ... (filter=?)`): walking the primary key and testing each
  row reads the whole table when the value is rare;
- sort the filtered rows (`USE TEMP B-TREE FOR ORDER BY`) only when the filter names one record (a passenger, a
  flight, a case, an event, a day): a status, a type or a team can match most of a table, so its index must
  hold the rows in the sort key's order.

Used by tests/api/test_list_plans.py on a small database and by `goodwill bench customer360` at a million
passengers. SQLite only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from goodwill.access.roles import Role
from goodwill.access.service import Principal
from goodwill.api import lists
from goodwill.cases.models import CasePriority, CaseStatus, CaseType
from goodwill.flights.models import EventType, FlightStatus
from goodwill.listening.models import FeedbackChannel
from goodwill.notifications.models import MessageStatus
from goodwill.recovery.models import EntitlementKind
from goodwill.vouchers.models import VoucherKind

SOMEONE = uuid.UUID("01890000-0000-7000-8000-000000000001")  # any id: plans do not depend on values
DAY = date(2013, 2, 8)
# Filters that name one record: the rows they select are few, so sorting them is bounded.
ONE_RECORD = {"passenger_id", "flight_id", "case_id", "flight_event_id", "pnr", "operating_date"}

Endpoint = Callable[..., Any]
LISTS: dict[str, tuple[Endpoint, str, dict[str, Any], tuple[str, ...]]] = {
    "flights": (
        lists.list_flights,
        "flights",
        {
            "operating_date": DAY,
            "origin": "JFK",
            "carrier": "B6",
            "number": "1423",
            "status": FlightStatus.CANCELLED,
        },
        ("operating_date", "created"),
    ),
    "flight-events": (
        lists.list_flight_events,
        "flight_events",
        {"flight_id": SOMEONE, "type": EventType.CANCELLATION},
        ("created",),
    ),
    "bookings": (lists.list_bookings, "bookings", {"pnr": "HNY7QX", "passenger_id": SOMEONE}, ("created",)),
    "feedback": (
        lists.list_feedback,
        "feedback",
        {
            "passenger_id": SOMEONE,
            "flight_id": SOMEONE,
            "channel": FeedbackChannel.SURVEY,
            "sentiment": "negative",
            "is_spam": False,
        },
        ("created",),
    ),
    "cases": (
        lists.list_cases,
        "cases",
        {
            "status": CaseStatus.OPEN,
            "priority": CasePriority.URGENT,
            "team": "care",
            "assignee": "agent:ana",
            "passenger_id": SOMEONE,
            "type": CaseType.BAGGAGE,
        },
        ("created",),
    ),
    "interactions": (
        lists.list_interactions,
        "interactions",
        {"passenger_id": SOMEONE, "case_id": SOMEONE},
        ("occurred_at", "created"),
    ),
    "entitlements": (
        lists.list_entitlements,
        "entitlements",
        {
            "flight_id": SOMEONE,
            "passenger_id": SOMEONE,
            "regime": "eu261",
            "kind": EntitlementKind.COMPENSATION,
            "status": "granted",
        },
        ("created",),
    ),
    "vouchers": (
        lists.list_vouchers,
        "vouchers",
        {"passenger_id": SOMEONE, "case_id": SOMEONE, "kind": VoucherKind.CREDIT},
        ("created",),
    ),
    "messages": (
        lists.list_messages,
        "outbound_messages",
        {
            "status": MessageStatus.SENT,
            "passenger_id": SOMEONE,
            "flight_event_id": SOMEONE,
            "kind": "disruption.cancellation",
        },
        ("created",),
    ),
}
NEEDS_A_FILTER = {"interactions"}  # the timeline of everyone is not a list


def cases() -> Iterator[tuple[str, str | None, str, bool]]:
    """Every (list, filter or None, sort, after a cursor) to check."""
    for name, (_endpoint, _table, filters, sorts) in LISTS.items():
        for filter_name in ([] if name in NEEDS_A_FILTER else [None]) + list(filters):
            for key in sorts:
                for sort in (key, f"-{key}"):
                    for after in (False, True):
                        yield name, filter_name, sort, after


def _cursor(sort: str) -> str:
    key = sort.lstrip("-")
    value: Any = DAY if key == "operating_date" else "2013-02-08T12:00:00+00:00" if key == "occurred_at" else SOMEONE
    return lists._encode([sort, value, SOMEONE])


def statements(session: Session, action: Callable[[], Any], *, rollback: bool = True) -> list[tuple[str, Any]]:
    """The SELECT statements `action` runs (with their parameters), for EXPLAIN; rolled back after when asked."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not many:
            seen.append((statement, parameters))

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(bind, "before_cursor_execute", note)
        if rollback:
            session.rollback()  # the audit entry of the listing
    return seen


def plan_problems(plan: list[str], table: str, filter_name: str | None) -> list[str]:
    """What is wrong with a list page's plan (the rows of EXPLAIN QUERY PLAN's detail column)."""
    problems = []
    for detail in plan:
        if detail.startswith("SCAN") and "USING" not in detail:
            problems.append(f"reads a whole table: {detail}")
    if filter_name is not None:
        if not any(d.startswith("SEARCH") and f"{filter_name}=?" in d for d in plan):
            reach = [d for d in plan if d.split()[1:2] == [table]]
            problems.append(f"the filter {filter_name} is not looked up through an index: {reach}")
        if "USE TEMP B-TREE FOR ORDER BY" in plan and filter_name not in ONE_RECORD:
            problems.append(f"sorts every row matching {filter_name} (no index in the sort key's order)")
    elif any(d.startswith("USE TEMP B-TREE FOR ORDER BY") for d in plan):
        problems.append("sorts the whole table")
    return problems


def page_problems(session: Session, name: str, filter_name: str | None, sort: str, after: bool) -> list[str]:
    """What is wrong with the plans of the statements one page of a list runs (nothing: an empty list)."""
    endpoint, table, filters, _sorts = LISTS[name]
    principal = Principal(key_id="plans", name="plans", role=Role.SUPERVISOR)
    given = {filter_name: filters[filter_name]} if filter_name else {}
    cursor = _cursor(sort) if after else None
    seen = statements(
        session,
        lambda: endpoint(session=session, principal=principal, **given, sort=sort, limit=50, cursor=cursor),
    )
    if not seen:
        return ["no statement was run"]
    connection = session.connection().connection.driver_connection
    found = []
    for statement, parameters in seen:
        plan = [str(row[-1]) for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]  # type: ignore[union-attr]
        found += plan_problems(plan, table, filter_name)
    return found


def all_problems(session: Session) -> dict[str, list[str]]:
    """Every list page that does not read only through an index, with what is wrong."""
    found = {}
    for name, filter_name, sort, after in cases():
        problems = page_problems(session, name, filter_name, sort, after)
        if problems:
            found[f"{name} {filter_name or '-'} sort={sort}{' after a cursor' if after else ''}"] = problems
    return found
