"""closed loop and spike alerts

feedback.looped_at: when the closed loop judged the feedback (None until then). spike_alerts: a topic or
negative sentiment well above its usual level on a route or at an airport, raised once per window.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import goodwill.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("looped_at", goodwill.store.types.UTCDateTime(), nullable=True))

    op.create_table(
        "spike_alerts",
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("window_start", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("window_end", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("baseline_windows", sa.Integer(), nullable=False),
        sa.Column(
            "feedback_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("raised_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spike_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_spike_alerts_dedupe_key")),
    )
    with op.batch_alter_table("spike_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_spike_alerts_raised_at", ["raised_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("spike_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_spike_alerts_raised_at")
    op.drop_table("spike_alerts")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("looped_at")
