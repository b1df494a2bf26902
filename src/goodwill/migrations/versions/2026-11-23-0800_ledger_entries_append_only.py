"""ledger entries append only

The database refuses UPDATE and DELETE on ledger_entries (and TRUNCATE on PostgreSQL). The one change let
through is passenger_id: a ledger entry follows its passenger when two records of one person are merged
(customers.service.merge_passengers); amounts, types, vouchers, keys and references never change.

On SQLite a batch (copy-and-move) migration of ledger_entries drops these triggers: such a migration must
create them again (tests/vouchers/test_append_only.py checks they exist at head).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "ledger_entries is append-only"

# Every column but passenger_id, as of this revision. A later column must be added here by a new migration.
GUARDED_COLUMNS = (
    "id",
    "created_at",
    "voucher_id",
    "entitlement_id",
    "case_id",
    "entry_type",
    "amount_minor",
    "currency",
    "reverses_id",
    "idempotency_key",
    "memo",
    "actor",
)

SQLITE_UPGRADE = [
    f"""
    CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
    FOR EACH ROW WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in GUARDED_COLUMNS)}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
    FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS ledger_entries_no_delete",
    "DROP TRIGGER IF EXISTS ledger_entries_no_update",
]

# On PostgreSQL the row is compared as JSON without passenger_id, so every other column, present or future, is
# guarded.
POSTGRESQL_UPGRADE = [
    f"""
    CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND (to_jsonb(NEW) - 'passenger_id') IS NOT DISTINCT FROM (to_jsonb(OLD) - 'passenger_id') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation',
            DETAIL = format('%s refused on ledger_entries; record a reversing entry instead', TG_OP);
    END
    $$
    """,
    """
    CREATE TRIGGER ledger_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
    """,
    """
    CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()
    """,
]
POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS ledger_entries_no_truncate ON ledger_entries",
    "DROP TRIGGER IF EXISTS ledger_entries_no_update_or_delete ON ledger_entries",
    "DROP FUNCTION IF EXISTS ledger_entries_append_only()",
]


def _run(statements: dict[str, list[str]]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in statements:
        raise RuntimeError(f"no append-only triggers for {dialect}")
    for statement in statements[dialect]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRESQL_UPGRADE})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRESQL_DOWNGRADE})
