"""survey invitations

survey_invitations: one post-flight survey per passenger and flown segment, with its status (invited,
responded, expired), the sha256 of its link's token (never the token), the outbox message that carried it
and the feedback its response became.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import goodwill.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_invitations",
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("segment_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("responded_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("feedback_id", sa.Uuid(), nullable=True),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_survey_invitations_booking_id_bookings")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_survey_invitations_feedback_id_feedback")
        ),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_survey_invitations_flight_id_flights")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbound_messages.id"], name=op.f("fk_survey_invitations_message_id_outbound_messages")
        ),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_survey_invitations_passenger_id_passengers")
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segments.id"], name=op.f("fk_survey_invitations_segment_id_segments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitations")),
        sa.UniqueConstraint("segment_id", "passenger_id", name=op.f("uq_survey_invitations_segment_id_passenger_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_invitations_token_hash")),
    )
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_invitations_flight_id"), ["flight_id"], unique=False)
        batch_op.create_index("ix_survey_invitations_passenger_invited", ["passenger_id", "invited_at"], unique=False)
        batch_op.create_index("ix_survey_invitations_status_expires", ["status", "expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_invitations_status_expires")
        batch_op.drop_index("ix_survey_invitations_passenger_invited")
        batch_op.drop_index(batch_op.f("ix_survey_invitations_flight_id"))

    op.drop_table("survey_invitations")
