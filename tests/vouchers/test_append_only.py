"""The database itself refuses to change or delete a ledger entry (migration 0002), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from goodwill.vouchers import service as vouchers
from goodwill.vouchers.models import MUTABLE_LEDGER_COLUMNS, LedgerEntry
from tests.vouchers.helpers import make_passenger, make_voucher, usd


@pytest.fixture
def entry(session: Session) -> LedgerEntry:
    make_voucher(session, amount=usd("100.00"), key="comp:1")
    found = vouchers.find_entry(session, idempotency_key="comp:1")
    assert found is not None
    return found


def refused(session: Session, sql: str) -> None:
    with pytest.raises(DBAPIError, match="ledger_entries is append-only"), session.begin_nested():
        session.execute(text(sql))


@pytest.mark.parametrize(
    "assignment",
    [
        "amount_minor = amount_minor + 1",
        "amount_minor = -amount_minor",
        "entry_type = 'redeem'",
        "currency = 'EUR'",
        "idempotency_key = 'other'",
        "memo = 'edited'",
        "actor = 'someone'",
        "voucher_id = NULL",
    ],
)
def test_an_update_through_raw_sql_is_refused(session: Session, entry: LedgerEntry, assignment: str) -> None:
    refused(session, f"UPDATE ledger_entries SET {assignment} WHERE idempotency_key = 'comp:1'")
    session.expire_all()
    assert vouchers.balance(session, voucher_id=entry.voucher_id).minor == 10000  # type: ignore[arg-type]


def test_a_delete_through_raw_sql_is_refused(session: Session, entry: LedgerEntry) -> None:
    refused(session, "DELETE FROM ledger_entries WHERE idempotency_key = 'comp:1'")
    refused(session, "DELETE FROM ledger_entries")
    assert vouchers.find_entry(session, idempotency_key="comp:1") is not None


def test_truncate_is_refused_on_postgresql(session: Session, entry: LedgerEntry) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    refused(session, "TRUNCATE ledger_entries CASCADE")


def test_the_owner_may_follow_a_passenger_merge(session: Session, entry: LedgerEntry) -> None:
    survivor = make_passenger(session, first_name="Ann")
    statement = text("UPDATE ledger_entries SET passenger_id = :to WHERE idempotency_key = 'comp:1'")
    session.execute(statement.bindparams(bindparam("to", type_=Uuid())), {"to": survivor})
    session.expire_all()
    assert session.get(LedgerEntry, entry.id).passenger_id == survivor  # type: ignore[union-attr]


def test_an_update_that_changes_nothing_is_let_through(session: Session, entry: LedgerEntry) -> None:
    session.execute(text("UPDATE ledger_entries SET memo = memo, amount_minor = amount_minor"))
    assert vouchers.find_entry(session, idempotency_key=entry.idempotency_key) is not None


def test_the_sqlite_trigger_guards_every_column_but_the_owner(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL compares whole rows, so it guards new columns by itself")
    sql = session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'ledger_entries_no_update'")
    ).scalar_one()
    guarded = set(re.findall(r"NEW\.(\w+) IS NOT OLD\.", sql))
    assert guarded == set(LedgerEntry.__table__.columns.keys()) - MUTABLE_LEDGER_COLUMNS
