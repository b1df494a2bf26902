"""`goodwill vouchers`: look up, redeem and expire vouchers; every value is summed from the ledger."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer

from goodwill.audit import service as audit
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, table_rows
from goodwill.errors import InvalidInput
from goodwill.kit.money import Money
from goodwill.kit.time import utc_now
from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import LedgerEntry

app = typer.Typer(help="Look up, redeem and expire vouchers and credits.", no_args_is_help=True)

ACTOR = "cli"
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def money_json(value: Money) -> dict[str, Any]:
    return {"amount": str(value.major), "amount_minor": value.minor, "currency": value.currency}


def view_json(view: vouchers.VoucherView) -> dict[str, Any]:
    return {
        "code": view.code,
        "kind": view.kind,
        "status": view.status.value,
        "face_value": money_json(view.face_value),
        "redeemed": money_json(view.redeemed),
        "expired": money_json(view.expired),
        "balance": money_json(view.balance),
        "issued_at": view.issued_at,
        "expires_at": view.expires_at,
        "reason": view.reason,
        "passenger_id": view.passenger_id,
        "entitlement_id": view.entitlement_id,
        "case_id": view.case_id,
    }


def entry_json(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": entry.created_at,
        "entry_type": entry.entry_type,
        "amount": money_json(Money(entry.amount_minor, entry.currency)),
        "reverses_id": entry.reverses_id,
        "memo": entry.memo,
        "actor": entry.actor,
    }


def _parse_money(amount: str, currency: str) -> Money:
    try:
        return Money.parse(amount, currency)
    except ValueError as exc:
        raise InvalidInput(f"AMOUNT: {exc}") from exc


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The voucher code, e.g. GW-7KQ4-MZ2P (case and dashes optional).")],
    as_json: JsonOption = False,
) -> None:
    """Show a voucher: face value, redeemed, expired, balance, status and every ledger entry.

    Example:

        goodwill vouchers show GW-7KQ4-MZ2P --json
    """
    with state(ctx).unit_of_work() as session:
        view = vouchers.voucher_view(session, code=code, now=utc_now())
        entries = [entry_json(e) for e in vouchers.voucher_entries(session, voucher_id=view.id)]
        audit.record(session, actor=ACTOR, action="voucher.viewed", entity_type="voucher", entity_id=str(view.id))
    if as_json:
        print_json({**view_json(view), "entries": entries})
        return
    table_rows(
        [
            ("code", f"{view.code} ({view.kind}, {view.status.value})"),
            ("face value", view.face_value),
            ("redeemed", view.redeemed),
            ("expired", view.expired),
            ("balance", view.balance),
            ("issued", view.issued_at.isoformat()),
            ("expires", view.expires_at.isoformat() if view.expires_at else "never"),
            ("reason", view.reason),
        ]
    )
    for e in entries:
        console.print(
            f"  {e['created_at'].isoformat()}  {e['entry_type']:<11} {e['amount']['amount']:>12} "
            f"{e['amount']['currency']}  {e['memo'] or ''}",
            highlight=False,
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    passenger: Annotated[uuid.UUID, typer.Option("--passenger", help="The passenger's id.")],
    as_json: JsonOption = False,
) -> None:
    """List a passenger's vouchers and credits, newest first, with what each is worth now.

    Example:

        goodwill vouchers list --passenger 0193a5c2-7f1e-7b21-9c4d-2f6e8a1b3c5d --json
    """
    with state(ctx).unit_of_work() as session:
        views = vouchers.passenger_vouchers(session, passenger_id=passenger, now=utc_now())
        audit.record(
            session, actor=ACTOR, action="vouchers.listed", entity_type="passenger", entity_id=str(passenger),
            details={"vouchers": len(views)},
        )  # fmt: skip
    if as_json:
        print_json([view_json(v) for v in views])
        return
    if not views:
        console.print("no vouchers")
    for v in views:
        console.print(f"{v.code}  {v.kind:<7} {v.status.value:<8} {v.balance!s:>14} of {v.face_value}", highlight=False)


@app.command("redeem")
def redeem(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The voucher code.")],
    amount: Annotated[str, typer.Argument(help="Amount in major units, e.g. 25.00 (parsed exactly, never a float).")],
    currency: Annotated[str, typer.Option("--currency", help="ISO 4217 currency of AMOUNT.")],
    key: Annotated[str, typer.Option("--key", help="Idempotency key: running again with it redeems once.")],
    booking: Annotated[str | None, typer.Option("--booking", help="The booking paid with it (PNR).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Redeem AMOUNT from a voucher; the same --key again returns the first redemption and spends nothing.

    Refused (exit status 1) when the voucher has expired, is in another currency, or holds less than AMOUNT.

    Example:

        goodwill vouchers redeem GW-7KQ4-MZ2P 25.00 --currency USD --key pos-4711
    """
    money = _parse_money(amount, currency)
    now = utc_now()
    with state(ctx).unit_of_work() as session:
        ledger_key = vouchers.redemption_key(key)
        replay = vouchers.find_entry(session, idempotency_key=ledger_key) is not None
        entry = vouchers.redeem(
            session, code=code, amount=money, idempotency_key=ledger_key, now=now, actor=ACTOR,
            booking_reference=booking,
        )  # fmt: skip
        view = vouchers.voucher_view(session, code=code, now=now)
        if not replay:
            audit.record(
                session, actor=ACTOR, action="voucher.redeemed", entity_type="voucher", entity_id=str(view.id),
                details={"entry_id": str(entry.id), "amount_minor": money.minor, "currency": money.currency},
            )  # fmt: skip
        result = {"code": view.code, **entry_json(entry), "balance": money_json(view.balance), "replayed": replay}
    if as_json:
        print_json(result)
    else:
        verb = "already redeemed" if replay else "redeemed"
        console.print(f"{verb} {money} from {view.code}; {view.balance} left", highlight=False)


@app.command("expire")
def expire(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Expire what is left on every voucher past its expiry (safe to run again: it expires nothing twice).

    Example:

        goodwill vouchers expire --json
    """
    with state(ctx).unit_of_work() as session:
        count = vouchers.expire_due(session, now=utc_now(), actor=ACTOR)
        if count:
            audit.record(
                session, actor=ACTOR, action="vouchers.expired", entity_type="voucher", details={"vouchers": count}
            )
    if as_json:
        print_json({"expired": count})
    else:
        console.print(f"expired {count} voucher{'s' if count != 1 else ''}")
