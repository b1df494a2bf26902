"""vouchers by entitlement

An index on vouchers.entitlement_id: the worker reads the vouchers of the entitlements its batch of messages
names (`notifications.outbox`), which walked the whole vouchers table once per batch.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_vouchers_entitlement_id"), "vouchers", ["entitlement_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vouchers_entitlement_id"), table_name="vouchers")
