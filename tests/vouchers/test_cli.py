"""`goodwill vouchers`: show, list, redeem (exact amounts, idempotent by --key) and expire."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from goodwill.audit.models import AuditEntry
from goodwill.cli import app
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.vouchers.models import LedgerEntry
from tests.vouchers.helpers import make_passenger, make_voucher, usd

runner = CliRunner()
ISSUED = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Seed:
    url: str
    passenger: uuid.UUID
    code: str
    expiring_code: str


@pytest.fixture
def seed(db_url: str, url_engine: Engine) -> Seed:
    with unit_of_work(make_session_factory(url_engine)) as session:
        passenger = make_passenger(session)
        code = make_voucher(session, passenger_id=passenger, amount=usd("100.00"), now=ISSUED, expires_at=None).code
        expiring = make_voucher(
            session, passenger_id=passenger, amount=usd("40.00"), now=ISSUED, expires_at=ISSUED.replace(year=2021)
        ).code
    url_engine.dispose()
    return Seed(db_url, passenger, code, expiring)


def run(seed: Seed, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", seed.url, "vouchers", *args])
    return result.exit_code, result.output


def redemptions(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.entry_type == "redeem")
            ).scalar_one()
        )


def test_redeem_twice_with_one_key_redeems_once(seed: Seed, url_engine: Engine) -> None:
    code, output = run(seed, "redeem", seed.code.lower(), "25.10", "--currency", "usd", "--key", "pos-1", "--json")
    assert code == 0, output
    first = json.loads(output)
    assert (first["code"], first["amount"]["amount_minor"], first["balance"]["amount"], first["replayed"]) == (
        seed.code, -2510, "74.90", False
    )  # fmt: skip
    code, output = run(seed, "redeem", seed.code, "25.10", "--currency", "USD", "--key", "pos-1", "--json")
    again = json.loads(output)
    assert (code, again["id"], again["replayed"]) == (0, first["id"], True)
    assert redemptions(url_engine) == 1
    code, output = run(seed, "redeem", seed.code, "1", "--currency", "USD", "--key", "pos-2")
    assert (code, output.strip()) == (0, f"redeemed 1.00 USD from {seed.code}; 73.90 USD left")


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("0", "USD", "must be a positive amount"),
        ("100.01", "USD", "has 100.00 USD left"),
        ("1.005", "USD", "more decimals than USD allows"),
        ("5", "EUR", "is in USD; it cannot pay EUR"),
        ("ten", "USD", "AMOUNT: not an amount"),
    ],
)
def test_a_refused_redemption_exits_1_with_the_reason(
    seed: Seed, url_engine: Engine, amount: str, currency: str, message: str
) -> None:
    code, output = run(seed, "redeem", seed.code, amount, "--currency", currency, "--key", "pos-1")
    assert code == 1
    assert message in " ".join(output.split())
    assert "Traceback" not in output
    assert redemptions(url_engine) == 0


def test_show_gives_the_values_and_every_entry(seed: Seed) -> None:
    run(seed, "redeem", seed.code, "30", "--currency", "USD", "--key", "pos-1")
    code, output = run(seed, "show", seed.code, "--json")
    assert code == 0, output
    shown = json.loads(output)
    values = [shown["status"], *(shown[f]["amount"] for f in ("face_value", "redeemed", "balance"))]
    assert values == ["active", "100.00", "30.00", "70.00"]
    assert [e["entry_type"] for e in shown["entries"]] == ["issue", "redeem"]
    code, output = run(seed, "show", seed.code)
    assert code == 0
    assert "70.00 USD" in output


def test_list_shows_a_passengers_vouchers_and_audits_the_read(seed: Seed, url_engine: Engine) -> None:
    code, output = run(seed, "list", "--passenger", str(seed.passenger), "--json")
    assert code == 0, output
    assert {v["code"]: v["status"] for v in json.loads(output)} == {seed.code: "active", seed.expiring_code: "expired"}
    with url_engine.connect() as connection:
        audited = connection.execute(
            select(AuditEntry.actor, AuditEntry.entity_id).where(AuditEntry.action == "vouchers.listed")
        ).all()
    assert [tuple(a) for a in audited] == [("cli", str(seed.passenger))]


def test_expire_expires_what_is_due_once(seed: Seed) -> None:
    code, output = run(seed, "expire", "--json")
    assert (code, json.loads(output)) == (0, {"expired": 1})
    code, output = run(seed, "expire")
    assert (code, output.strip()) == (0, "expired 0 vouchers")
    shown = json.loads(run(seed, "show", seed.expiring_code, "--json")[1])
    assert (shown["expired"]["amount"], shown["balance"]["amount"]) == ("40.00", "0.00")


def test_an_unknown_code_exits_1(seed: Seed) -> None:
    code, output = run(seed, "show", "GW-2222-2222")
    assert (code, "no voucher GW-2222-2222" in output) == (1, True)
