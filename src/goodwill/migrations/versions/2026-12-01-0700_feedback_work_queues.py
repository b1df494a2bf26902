"""feedback work queues

Two partial indexes on feedback, each holding only the rows still to do, in the order the worker takes them
(received_at, id): the feedback not analysed yet (analysis_model IS NULL) and the feedback the closed loop has
not judged yet (looped_at IS NULL). `goodwill worker` polls both every few seconds; without them each poll
walked the whole feedback table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_QUEUES = {"ix_feedback_unanalysed": "analysis_model IS NULL", "ix_feedback_unlooped": "looped_at IS NULL"}


def upgrade() -> None:
    for name, where in _QUEUES.items():
        op.create_index(
            name, "feedback", ["received_at", "id"], unique=False,
            sqlite_where=sa.text(where), postgresql_where=sa.text(where),
        )  # fmt: skip


def downgrade() -> None:
    for name in _QUEUES:
        op.drop_index(name, table_name="feedback")
