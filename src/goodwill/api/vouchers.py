"""Vouchers over HTTP: agents look them up, integrations (points of sale, booking engines) redeem them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from goodwill.access.service import Principal
from goodwill.api.deps import AgentDep, IntegrationDep, SessionDep
from goodwill.audit import service as audit
from goodwill.errors import InvalidInput
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import LedgerEntry

router = APIRouter(tags=["vouchers"])


class MoneyRead(BaseModel):
    """An amount: exact decimal string in major units, integer minor units, ISO 4217 currency."""

    amount: str
    amount_minor: int
    currency: str


class VoucherRead(BaseModel):
    """A voucher or credit; every value is summed from the ledger at the time of the request."""

    code: str
    kind: str
    status: str
    face_value: MoneyRead
    redeemed: MoneyRead
    expired: MoneyRead
    balance: MoneyRead
    issued_at: datetime
    expires_at: datetime | None
    reason: str
    passenger_id: uuid.UUID
    entitlement_id: uuid.UUID | None
    case_id: uuid.UUID | None


class LedgerEntryRead(BaseModel):
    id: uuid.UUID
    created_at: datetime
    entry_type: str
    amount: MoneyRead
    reverses_id: uuid.UUID | None
    memo: str | None


class VoucherDetail(VoucherRead):
    entries: list[LedgerEntryRead]


class RedemptionCreate(BaseModel):
    amount: str = Field(
        description='Major units as a decimal string, e.g. "25.00"; parsed exactly, never as a float.',
        examples=["25.00"],
        max_length=24,
    )
    currency: str = Field(description="ISO 4217 code; must be the voucher's currency.", examples=["USD"])
    booking_reference: str | None = Field(None, description="The booking paid with it (PNR).", max_length=20)


class RedemptionRead(BaseModel):
    id: uuid.UUID
    code: str
    amount: MoneyRead
    balance: MoneyRead
    created_at: datetime
    memo: str | None


def money_read(value: Money) -> MoneyRead:
    return MoneyRead(amount=str(value.major), amount_minor=value.minor, currency=value.currency)


def voucher_read(view: vouchers.VoucherView) -> VoucherRead:
    return VoucherRead(
        code=view.code,
        kind=view.kind,
        status=view.status.value,
        face_value=money_read(view.face_value),
        redeemed=money_read(view.redeemed),
        expired=money_read(view.expired),
        balance=money_read(view.balance),
        issued_at=view.issued_at,
        expires_at=view.expires_at,
        reason=view.reason,
        passenger_id=view.passenger_id,
        entitlement_id=view.entitlement_id,
        case_id=view.case_id,
    )


def entry_read(entry: LedgerEntry) -> LedgerEntryRead:
    return LedgerEntryRead(
        id=entry.id,
        created_at=entry.created_at,
        entry_type=entry.entry_type,
        amount=money_read(Money(entry.amount_minor, entry.currency)),
        reverses_id=entry.reverses_id,
        memo=entry.memo,
    )


def _audit(
    session: Session, principal: Principal, action: str, entity_type: str, entity_id: str, **details: object
) -> None:
    audit.record(
        session,
        actor=principal.actor,
        role=principal.role.value,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=dict(details),
    )


@router.get(
    "/passengers/{passenger_id}/vouchers",
    response_model=list[VoucherRead],
    summary="A passenger's vouchers and credits, newest first",
    description="Face value, redeemed, expired and balance are sums over the ledger. Each read is audited. "
    "Needs the agent role.",
)
def list_passenger_vouchers(passenger_id: uuid.UUID, session: SessionDep, principal: AgentDep) -> list[VoucherRead]:
    views = vouchers.passenger_vouchers(session, passenger_id=passenger_id, now=utc_now())
    _audit(session, principal, "vouchers.listed", "passenger", str(passenger_id), vouchers=len(views))
    return [voucher_read(v) for v in views]


@router.get(
    "/vouchers/{code}",
    response_model=VoucherDetail,
    summary="One voucher with its ledger entries",
    description="The code may be given in any case, with or without dashes. Each read is audited. "
    "Needs the agent role.",
)
def get_voucher(code: str, session: SessionDep, principal: AgentDep) -> VoucherDetail:
    view = vouchers.voucher_view(session, code=code, now=utc_now())
    entries = vouchers.voucher_entries(session, voucher_id=view.id)
    _audit(session, principal, "voucher.viewed", "voucher", str(view.id))
    return VoucherDetail(**voucher_read(view).model_dump(), entries=[entry_read(e) for e in entries])


@router.post(
    "/vouchers/{code}/redemptions",
    response_model=RedemptionRead,
    status_code=201,
    summary="Redeem an amount from a voucher",
    description=(
        "Needs an `Idempotency-Key` header: a replay with the same key and body returns the first redemption "
        "with 200 and spends nothing; the same key with another amount or voucher is 409. Refused with 400 when "
        "the voucher has expired, is in another currency, or holds less than the amount. "
        "Needs the integration role."
    ),
    responses={200: {"model": RedemptionRead, "description": "A replay: the redemption made earlier with this key"}},
)
def redeem_voucher(
    code: str,
    body: RedemptionCreate,
    response: Response,
    session: SessionDep,
    principal: IntegrationDep,
    idempotency_key: Annotated[
        str, Header(alias="Idempotency-Key", min_length=1, max_length=150, description="Your key for this redemption.")
    ],
) -> RedemptionRead:
    try:
        amount = Money.parse(body.amount, body.currency)
    except ValueError as exc:
        raise InvalidInput("the amount is not valid", problems=[{"loc": ["body", "amount"], "msg": str(exc)}]) from exc
    now = utc_now()
    key = vouchers.redemption_key(idempotency_key)
    replay = vouchers.find_entry(session, idempotency_key=key) is not None
    entry = vouchers.redeem(
        session,
        code=code,
        amount=amount,
        idempotency_key=key,
        now=now,
        actor=principal.actor,
        booking_reference=body.booking_reference,
    )
    view = vouchers.voucher_view(session, code=code, now=now)
    if replay:
        response.status_code = 200
    else:
        _audit(session, principal, "voucher.redeemed", "voucher", str(view.id), entry_id=str(entry.id),
               amount_minor=amount.minor, currency=amount.currency)  # fmt: skip
    return RedemptionRead(
        id=entry.id,
        code=view.code,
        amount=money_read(-Money(entry.amount_minor, entry.currency)),
        balance=money_read(view.balance),
        created_at=entry.created_at,
        memo=entry.memo,
    )
