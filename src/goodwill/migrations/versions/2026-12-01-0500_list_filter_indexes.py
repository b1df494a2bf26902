"""list filter indexes

Every filter of a collection (api/lists.py) gets an index that holds its rows in the list's sort order (the filter's
column, then the id; flights also by operating date), so no page walks a whole table or sorts every row a status
or type matches (tests/api/test_list_plans.py; ADR 0018).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: list[tuple[str, str, list[str]]] = [
    *((f"ix_flights_{c}_id", "flights", [c, "id"]) for c in ("carrier", "number", "origin", "status")),
    *(
        (f"ix_flights_{c}_date", "flights", [c, "operating_date", "id"])
        for c in ("carrier", "number", "origin", "status")
    ),
    ("ix_flight_events_type_id", "flight_events", ["type", "id"]),
    *((f"ix_feedback_{c}_id", "feedback", [c, "id"]) for c in ("channel", "sentiment", "is_spam")),
    *((f"ix_cases_{c}_id", "cases", [c, "id"]) for c in ("status", "priority", "team", "assignee", "type")),
    *((f"ix_entitlements_{c}_id", "entitlements", [c, "id"]) for c in ("regime", "kind", "status")),
    *((f"ix_vouchers_{c}_id", "vouchers", [c, "id"]) for c in ("case_id", "kind")),
    *((f"ix_outbound_messages_{c}_id", "outbound_messages", [c, "id"]) for c in ("status", "kind", "flight_event_id")),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
