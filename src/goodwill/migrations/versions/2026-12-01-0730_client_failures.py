"""client failures

client_failures: one row per client (the HMAC of its address with the server secret, never the address) and
scope ("sign_in", "api_key"), counting its failed attempts in the current window, so that every server process
refuses a client that keeps failing (ADR 0022). Rows are deleted when their window is over.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import goodwill.store.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_failures",
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("window_start", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("window_ends", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("unknown_usernames", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "client_key", name=op.f("pk_client_failures")),
    )
    op.create_index("ix_client_failures_window_ends", "client_failures", ["window_ends"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_client_failures_window_ends", table_name="client_failures")
    op.drop_table("client_failures")
