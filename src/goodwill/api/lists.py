"""Collections over HTTP: every kind of record listed the same way, a page at a time.

- **Cursor pagination**: `limit` (1-200, default 50) and `cursor` (opaque; the `next_cursor` of the previous
  page). Pages follow a key, not an offset, so a deep page costs what the first does and rows added meanwhile
  are neither skipped nor repeated.
- **Sorting**: `sort` names one of the resource's sort keys, `-` in front for descending. Every key ends with
  the record id (ids are time-ordered), so the order is total.
- **Filters**: query parameters named after fields; each is served by an index holding its rows in the list's
  order (ADR 0018; `bench.plans` checks every one). A filter on a closed vocabulary (a status, a type, a kind) is
  typed by it: an unknown value is a 422 naming the parameter and the values allowed, never an empty page.
- One error body (`api.errors`): a bad cursor or sort key is a 400 naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from goodwill.api.deps import AgentDep, SessionDep, SupervisorDep
from goodwill.audit import service as audit
from goodwill.bookings.models import Booking, BookingPassenger
from goodwill.cases.models import Case, CasePriority, CaseStatus, CaseType, Interaction
from goodwill.errors import InvalidInput
from goodwill.flights.models import EventType, Flight, FlightEvent, FlightStatus
from goodwill.kit.time import require_aware
from goodwill.listening.models import Feedback, FeedbackChannel
from goodwill.notifications.models import MessageStatus, OutboundMessage
from goodwill.recovery.models import Entitlement, EntitlementKind
from goodwill.vouchers.models import Voucher, VoucherKind

router = APIRouter(tags=["collections"])

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page")]
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page")]
# Filters on a closed vocabulary are typed by it: an unknown value is a 422 naming the parameter and the values
# allowed (never an empty page that looks like "none found").
Sentiment = Literal["negative", "neutral", "positive"]  # listening.taxonomy.SENTIMENTS
EntitlementStatus = Literal["granted", "withdrawn"]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


def _encode(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime | date) else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        values = None
    if not isinstance(values, list) or len(values) != 3 or values[0] != sort:
        raise InvalidInput(
            "cursor: not a cursor of this list and sort order",
            problems=[{"loc": ["query", "cursor"], "msg": "not a cursor of this list and sort order"}],
        )
    return [str(v) for v in values[1:]]


def _coerce(column: InstrumentedAttribute[Any], text: str) -> Any:
    kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator: the type it stores
    if kind is datetime:
        return require_aware(datetime.fromisoformat(text), "cursor")  # a naive instant is a damaged cursor
    if kind is date:
        return date.fromisoformat(text)
    if kind is uuid.UUID:
        return uuid.UUID(text)
    if kind is int:
        return int(text)
    return text


def paginate(
    session: Session,
    query: Select[Any],
    *,
    id_column: InstrumentedAttribute[Any],
    sorts: dict[str, InstrumentedAttribute[Any]],
    sort: str,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """One page of `query`'s entities ordered by (sort key, id), after `cursor`."""
    name = sort.lstrip("-")
    if name not in sorts:
        raise InvalidInput(
            f"sort: one of {', '.join(sorted(sorts))}, with - in front for descending",
            problems=[{"loc": ["query", "sort"], "msg": f"unknown sort key {name!r}"}],
        )
    key = sorts[name]
    descending = sort.startswith("-")
    if cursor:
        after_key, after_id = _decode(cursor, sort)
        try:
            value, last = _coerce(key, after_key), uuid.UUID(after_id)
        except ValueError:
            raise InvalidInput(
                "cursor: damaged", problems=[{"loc": ["query", "cursor"], "msg": "damaged cursor"}]
            ) from None
        if key is id_column:
            query = query.where(id_column < last if descending else id_column > last)
        elif descending:
            query = query.where(or_(key < value, and_(key == value, id_column < last)))
        else:
            query = query.where(or_(key > value, and_(key == value, id_column > last)))
    order = [key.desc(), id_column.desc()] if descending else [key.asc(), id_column.asc()]
    if key is id_column:
        order = order[:1]
    rows = list(session.scalars(query.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last_row = rows[-1]
    return rows, _encode([sort, getattr(last_row, key.key), last_row.id])


def _page(
    session: Session,
    query: Select[Any],
    model: Any,
    read: Callable[[Any], T],
    *,
    sorts: dict[str, InstrumentedAttribute[Any]],
    sort: str,
    limit: int,
    cursor: str | None,
    principal: Any,
    what: str,
    filters: dict[str, Any],
) -> Page[T]:
    """A page, and an audit entry saying who listed what (how many rows, with which filters)."""
    rows, after = paginate(session, query, id_column=model.id, sorts=sorts, sort=sort, limit=limit, cursor=cursor)
    _audit_list(session, principal, what, len(rows), filters)
    return Page[T](items=[read(r) for r in rows], next_cursor=after)


def _audit_list(session: Session, principal: Any, what: str, shown: int, filters: dict[str, Any]) -> None:
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action=f"{what}.listed",
        entity_type=what,
        details={"shown": shown, "filters": {k: str(v) for k, v in filters.items() if v is not None}},
    )


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---- flights and their events ----------------------------------------------------------------------------------


class FlightRead(_Read):
    id: uuid.UUID
    carrier: str
    number: str
    operating_date: date
    origin: str
    destination: str
    scheduled_departure: datetime
    scheduled_arrival: datetime
    actual_departure: datetime | None
    actual_arrival: datetime | None
    status: str


@router.get("/flights", response_model=Page[FlightRead], summary="Flights, by date and airport")
def list_flights(
    session: SessionDep,
    principal: AgentDep,
    operating_date: date | None = None,
    origin: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    carrier: str | None = None,
    number: str | None = None,
    status: FlightStatus | None = None,
    sort: Annotated[str, Query(description="operating_date or created, - for descending")] = "operating_date",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[FlightRead]:
    query = select(Flight)
    if operating_date is not None:
        query = query.where(Flight.operating_date == operating_date)
    if origin is not None:
        query = query.where(Flight.origin == origin.upper())
    if carrier is not None:
        query = query.where(Flight.carrier == carrier.upper())
    if number is not None:
        query = query.where(Flight.number == number)
    if status is not None:
        query = query.where(Flight.status == status.value)
    return _page(
        session,
        query,
        Flight,
        FlightRead.model_validate,
        sorts={"operating_date": Flight.operating_date, "created": Flight.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="flights",
        filters={
            "operating_date": operating_date,
            "origin": origin,
            "carrier": carrier,
            "number": number,
            "status": status,
        },
    )


class FlightEventRead(_Read):
    id: uuid.UUID
    flight_id: uuid.UUID
    external_id: str
    revision: int
    type: str
    cause: str
    occurred_at: datetime
    departure_delay_minutes: int | None
    arrival_delay_minutes: int | None
    notice_given_at: datetime | None
    note: str | None


@router.get("/flight-events", response_model=Page[FlightEventRead], summary="Flight events, newest first")
def list_flight_events(
    session: SessionDep,
    principal: AgentDep,
    flight_id: uuid.UUID | None = None,
    type: EventType | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[FlightEventRead]:
    query = select(FlightEvent)
    if flight_id is not None:
        query = query.where(FlightEvent.flight_id == flight_id)
    if type is not None:
        query = query.where(FlightEvent.type == type.value)
    return _page(
        session,
        query,
        FlightEvent,
        FlightEventRead.model_validate,
        sorts={"created": FlightEvent.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="flight_events",
        filters={"flight_id": flight_id, "type": type},
    )


# ---- bookings ---------------------------------------------------------------------------------------------------


class BookingRead(_Read):
    id: uuid.UUID
    pnr: str
    channel: str
    booked_at: datetime
    fare_total_minor: int
    currency: str
    status: str


@router.get("/bookings", response_model=Page[BookingRead], summary="Bookings, by record locator or passenger")
def list_bookings(
    session: SessionDep,
    principal: AgentDep,
    pnr: str | None = None,
    passenger_id: uuid.UUID | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[BookingRead]:
    query = select(Booking)
    if pnr is not None:
        query = query.where(Booking.pnr == pnr.upper())
    if passenger_id is not None:
        query = query.where(
            Booking.id.in_(select(BookingPassenger.booking_id).where(BookingPassenger.passenger_id == passenger_id))
        )
    return _page(
        session,
        query,
        Booking,
        BookingRead.model_validate,
        sorts={"created": Booking.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="bookings",
        filters={"pnr": pnr, "passenger_id": passenger_id},
    )


# ---- feedback, cases, interactions ------------------------------------------------------------------------------


class FeedbackItem(_Read):
    id: uuid.UUID
    channel: str
    received_at: datetime
    passenger_id: uuid.UUID | None
    flight_id: uuid.UUID | None
    case_id: uuid.UUID | None
    text: str
    nps: int | None
    csat: int | None
    language: str | None
    is_spam: bool | None
    sentiment: str | None
    sentiment_score: float | None
    topics: list[str]
    urgency: list[str]


@router.get("/feedback", response_model=Page[FeedbackItem], summary="Feedback from every channel, with analysis")
def list_feedback(
    session: SessionDep,
    principal: AgentDep,
    passenger_id: uuid.UUID | None = None,
    flight_id: uuid.UUID | None = None,
    channel: FeedbackChannel | None = None,
    sentiment: Sentiment | None = None,
    is_spam: bool | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[FeedbackItem]:
    query = select(Feedback)
    for column, value in (
        (Feedback.passenger_id, passenger_id),
        (Feedback.flight_id, flight_id),
        (Feedback.channel, channel and channel.value),
        (Feedback.sentiment, sentiment),
        (Feedback.is_spam, is_spam),
    ):
        if value is not None:
            query = query.where(column == value)
    return _page(
        session,
        query,
        Feedback,
        FeedbackItem.model_validate,
        sorts={"created": Feedback.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="feedback",
        filters={"passenger_id": passenger_id},
    )


class CaseItem(_Read):
    id: uuid.UUID
    reference: str
    passenger_id: uuid.UUID | None
    type: str
    priority: str
    status: str
    subject: str
    team: str | None
    assignee: str | None
    opened_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    resolution_code: str | None


@router.get("/cases", response_model=Page[CaseItem], summary="Cases, by status, priority, team or assignee")
def list_cases(
    session: SessionDep,
    principal: AgentDep,
    status: CaseStatus | None = None,
    priority: CasePriority | None = None,
    team: str | None = None,
    assignee: str | None = None,
    passenger_id: uuid.UUID | None = None,
    type: CaseType | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CaseItem]:
    query = select(Case)
    for column, value in (
        (Case.status, status and status.value),
        (Case.priority, priority and priority.value),
        (Case.team, team),
        (Case.assignee, assignee),
        (Case.passenger_id, passenger_id),
        (Case.type, type and type.value),
    ):
        if value is not None:
            query = query.where(column == value)
    return _page(
        session,
        query,
        Case,
        CaseItem.model_validate,
        sorts={"created": Case.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="cases",
        filters={
            "status": status,
            "priority": priority,
            "team": team,
            "assignee": assignee,
            "passenger_id": passenger_id,
            "type": type,
        },
    )


class InteractionItem(_Read):
    id: uuid.UUID
    passenger_id: uuid.UUID | None
    case_id: uuid.UUID | None
    channel: str
    direction: str
    occurred_at: datetime
    subject: str | None
    body: str
    internal: bool
    author: str | None


@router.get(
    "/interactions",
    response_model=Page[InteractionItem],
    summary="A passenger's or a case's interactions (one of the two is required)",
)
def list_interactions(
    session: SessionDep,
    principal: AgentDep,
    passenger_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    sort: Annotated[str, Query(description="occurred_at or created, - for descending")] = "-occurred_at",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[InteractionItem]:
    if passenger_id is None and case_id is None:
        raise InvalidInput(
            "passenger_id or case_id: give one (the timeline of everyone is not a list)",
            problems=[{"loc": ["query", "passenger_id"], "msg": "passenger_id or case_id is required"}],
        )
    query = select(Interaction)
    if passenger_id is not None:
        query = query.where(Interaction.passenger_id == passenger_id)
    if case_id is not None:
        query = query.where(Interaction.case_id == case_id)
    return _page(
        session,
        query,
        Interaction,
        InteractionItem.model_validate,
        sorts={"occurred_at": Interaction.occurred_at, "created": Interaction.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="interactions",
        filters={"passenger_id": passenger_id, "case_id": case_id},
    )


# ---- what was owed, paid and sent -------------------------------------------------------------------------------


class EntitlementItem(_Read):
    id: uuid.UUID
    passenger_id: uuid.UUID
    flight_id: uuid.UUID
    kind: str
    status: str
    regime: str
    rule_id: str
    legal_basis: str
    amount_minor: int | None
    currency: str | None
    form: str | None
    care: list[str]
    decided_at: datetime


@router.get("/entitlements", response_model=Page[EntitlementItem], summary="Entitlements, by flight or passenger")
def list_entitlements(
    session: SessionDep,
    principal: SupervisorDep,
    flight_id: uuid.UUID | None = None,
    passenger_id: uuid.UUID | None = None,
    regime: str | None = None,
    kind: EntitlementKind | None = None,
    status: EntitlementStatus | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[EntitlementItem]:
    query = select(Entitlement)
    for column, value in (
        (Entitlement.flight_id, flight_id),
        (Entitlement.passenger_id, passenger_id),
        (Entitlement.regime, regime),
        (Entitlement.kind, kind and kind.value),
        (Entitlement.status, status),
    ):
        if value is not None:
            query = query.where(column == value)
    return _page(
        session,
        query,
        Entitlement,
        EntitlementItem.model_validate,
        sorts={"created": Entitlement.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="entitlements",
        filters={
            "flight_id": flight_id,
            "passenger_id": passenger_id,
            "regime": regime,
            "kind": kind,
            "status": status,
        },
    )


class VoucherItem(_Read):
    id: uuid.UUID
    code: str
    passenger_id: uuid.UUID
    kind: str
    currency: str
    face_value_minor: int
    issued_at: datetime
    expires_at: datetime | None
    reason: str
    entitlement_id: uuid.UUID | None
    case_id: uuid.UUID | None


@router.get(
    "/vouchers",
    response_model=Page[VoucherItem],
    summary="Vouchers and credits issued (balances: GET /vouchers/{code})",
)
def list_vouchers(
    session: SessionDep,
    principal: SupervisorDep,
    passenger_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    kind: VoucherKind | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[VoucherItem]:
    query = select(Voucher)
    for column, value in (
        (Voucher.passenger_id, passenger_id),
        (Voucher.case_id, case_id),
        (Voucher.kind, kind and kind.value),
    ):
        if value is not None:
            query = query.where(column == value)
    return _page(
        session,
        query,
        Voucher,
        VoucherItem.model_validate,
        sorts={"created": Voucher.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="vouchers",
        filters={"passenger_id": passenger_id, "case_id": case_id, "kind": kind},
    )


class MessageItem(_Read):
    id: uuid.UUID
    passenger_id: uuid.UUID
    channel: str
    kind: str
    language: str
    subject: str | None
    status: str
    flight_event_id: uuid.UUID | None
    case_id: uuid.UUID | None
    scheduled_at: datetime | None
    sent_at: datetime | None
    attempts: int
    last_error: str | None


@router.get("/messages", response_model=Page[MessageItem], summary="Outbound messages and their delivery status")
def list_messages(
    session: SessionDep,
    principal: SupervisorDep,
    status: MessageStatus | None = None,
    passenger_id: uuid.UUID | None = None,
    flight_event_id: uuid.UUID | None = None,
    kind: str | None = None,
    sort: Annotated[str, Query(description="created, - for descending")] = "-created",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[MessageItem]:
    query = select(OutboundMessage)
    for column, value in (
        (OutboundMessage.status, status and status.value),
        (OutboundMessage.passenger_id, passenger_id),
        (OutboundMessage.flight_event_id, flight_event_id),
        (OutboundMessage.kind, kind),
    ):
        if value is not None:
            query = query.where(column == value)
    return _page(
        session,
        query,
        OutboundMessage,
        MessageItem.model_validate,
        sorts={"created": OutboundMessage.id},
        sort=sort,
        limit=limit,
        cursor=cursor,
        principal=principal,
        what="messages",
        filters={"status": status, "passenger_id": passenger_id, "flight_event_id": flight_event_id, "kind": kind},
    )
