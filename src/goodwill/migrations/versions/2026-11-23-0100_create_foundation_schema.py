"""create foundation schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 01:00:14.578989
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import goodwill.store.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "airports",
        sa.Column("iata", sa.String(length=3), nullable=False),
        sa.Column("icao", sa.String(length=4), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("tz", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("iata", name=op.f("pk_airports")),
    )
    op.create_table(
        "api_keys",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=80), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entries_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "bookings",
        sa.Column("pnr", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("agency_code", sa.String(length=20), nullable=True),
        sa.Column("booked_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("fare_total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("pnr", name=op.f("uq_bookings_pnr")),
    )
    op.create_table(
        "carriers",
        sa.Column("iata", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("size", sa.String(length=6), nullable=False),
        sa.PrimaryKeyConstraint("iata", name=op.f("pk_carriers")),
    )
    op.create_table(
        "case_counters",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_case_counters")),
    )
    op.create_table(
        "import_runs",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("started_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_runs_file_sha256"), ["file_sha256"], unique=False)

    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("locked_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("locked_by", sa.String(length=80), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("finished_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_jobs_dedupe_key")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_run_after", ["status", "run_after"], unique=False)

    op.create_table(
        "passengers",
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=201), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("tier_since", sa.Date(), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("home_airport", sa.String(length=3), nullable=True),
        sa.Column(
            "preferences", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("lifetime_revenue_minor", sa.BigInteger(), nullable=False),
        sa.Column("revenue_currency", sa.String(length=3), nullable=False),
        sa.Column("value_rank", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["passengers.id"], name=op.f("fk_passengers_merged_into_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passengers")),
    )
    with op.batch_alter_table("passengers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passengers_name_key"), ["name_key"], unique=False)
        batch_op.create_index("ix_passengers_value_rank", ["value_rank"], unique=False)

    op.create_table(
        "bags",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=12), nullable=False),
        sa.Column("destination", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("weight_kg", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_bags_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["destination"], ["airports.iata"], name=op.f("fk_bags_destination_airports")),
        sa.ForeignKeyConstraint(["passenger_id"], ["passengers.id"], name=op.f("fk_bags_passenger_id_passengers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bags")),
        sa.UniqueConstraint("tag", name=op.f("uq_bags_tag")),
    )
    with op.batch_alter_table("bags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bags_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bags_passenger_id"), ["passenger_id"], unique=False)

    op.create_table(
        "booking_passengers",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("fare_minor", sa.BigInteger(), nullable=False),
        sa.Column("ticket_number", sa.String(length=20), nullable=True),
        sa.Column("passenger_type", sa.String(length=8), nullable=False),
        sa.Column("unaccompanied_minor", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_passengers_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_booking_passengers_passenger_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_passengers")),
        sa.UniqueConstraint("booking_id", "passenger_id", name=op.f("uq_booking_passengers_booking_id_passenger_id")),
    )
    with op.batch_alter_table("booking_passengers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_passengers_passenger_id"), ["passenger_id"], unique=False)

    op.create_table(
        "consents",
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_consents_passenger_id_passengers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        sa.UniqueConstraint(
            "passenger_id", "channel", "purpose", name=op.f("uq_consents_passenger_id_channel_purpose")
        ),
    )
    op.create_table(
        "flights",
        sa.Column("carrier", sa.String(length=3), nullable=False),
        sa.Column("number", sa.String(length=5), nullable=False),
        sa.Column("operating_date", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(length=3), nullable=False),
        sa.Column("destination", sa.String(length=3), nullable=False),
        sa.Column("scheduled_departure", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("scheduled_arrival", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("estimated_departure", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("estimated_arrival", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("actual_departure", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("actual_arrival", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("aircraft", sa.String(length=10), nullable=True),
        sa.Column("tail_number", sa.String(length=10), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["carrier"], ["carriers.iata"], name=op.f("fk_flights_carrier_carriers")),
        sa.ForeignKeyConstraint(["destination"], ["airports.iata"], name=op.f("fk_flights_destination_airports")),
        sa.ForeignKeyConstraint(["origin"], ["airports.iata"], name=op.f("fk_flights_origin_airports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flights")),
        sa.UniqueConstraint(
            "carrier", "number", "operating_date", name=op.f("uq_flights_carrier_number_operating_date")
        ),
    )
    with op.batch_alter_table("flights", schema=None) as batch_op:
        batch_op.create_index("ix_flights_operating_date_origin", ["operating_date", "origin"], unique=False)

    op.create_table(
        "passenger_identities",
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["passenger_id"],
            ["passengers.id"],
            name=op.f("fk_passenger_identities_passenger_id_passengers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passenger_identities")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_passenger_identities_kind_value")),
    )
    with op.batch_alter_table("passenger_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passenger_identities_passenger_id"), ["passenger_id"], unique=False)

    op.create_table(
        "passenger_merges",
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("merged_id", sa.Uuid(), nullable=False),
        sa.Column("matched_on", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["passengers.id"], name=op.f("fk_passenger_merges_merged_id_passengers")
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["passengers.id"], name=op.f("fk_passenger_merges_survivor_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passenger_merges")),
        sa.UniqueConstraint("merged_id", name=op.f("uq_passenger_merges_merged_id")),
    )
    with op.batch_alter_table("passenger_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passenger_merges_survivor_id"), ["survivor_id"], unique=False)

    op.create_table(
        "wishes",
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("occasion", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("travel_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_wishes_booking_id_bookings"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_wishes_passenger_id_passengers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wishes")),
    )
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wishes_passenger_id"), ["passenger_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("passenger_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=40), nullable=True),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("flight_id", sa.Uuid(), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("opened_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("first_response_due_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("resolution_due_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("first_responded_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("closed_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("resolution_code", sa.String(length=40), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column(
            "origin", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_cases_booking_id_bookings")),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_cases_flight_id_flights")),
        sa.ForeignKeyConstraint(["merged_into_id"], ["cases.id"], name=op.f("fk_cases_merged_into_id_cases")),
        sa.ForeignKeyConstraint(["passenger_id"], ["passengers.id"], name=op.f("fk_cases_passenger_id_passengers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_cases_dedupe_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_passenger_id"), ["passenger_id"], unique=False)
        batch_op.create_index("ix_cases_status_priority", ["status", "priority"], unique=False)

    op.create_table(
        "flight_events",
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("cause_detail", sa.String(length=200), nullable=True),
        sa.Column("external_id", sa.String(length=80), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("occurred_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("reported_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("departure_delay_minutes", sa.Integer(), nullable=True),
        sa.Column("arrival_delay_minutes", sa.Integer(), nullable=True),
        sa.Column("notice_given_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("tarmac_minutes", sa.Integer(), nullable=True),
        sa.Column("diverted_to", sa.String(length=3), nullable=True),
        sa.Column("passenger_id", sa.Uuid(), nullable=True),
        sa.Column("bag_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bag_id"], ["bags.id"], name=op.f("fk_flight_events_bag_id_bags")),
        sa.ForeignKeyConstraint(["diverted_to"], ["airports.iata"], name=op.f("fk_flight_events_diverted_to_airports")),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_flight_events_flight_id_flights")),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_flight_events_passenger_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flight_events")),
        sa.UniqueConstraint("external_id", name=op.f("uq_flight_events_external_id")),
    )
    with op.batch_alter_table("flight_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flight_events_flight_id"), ["flight_id"], unique=False)

    op.create_table(
        "segments",
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("journey", sa.Integer(), nullable=False),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("cabin", sa.String(length=10), nullable=False),
        sa.Column("fare_class", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_segments_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_segments_flight_id_flights")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("booking_id", "sequence", name=op.f("uq_segments_booking_id_sequence")),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index("ix_segments_flight_id", ["flight_id"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "entitlements",
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("flight_id", sa.Uuid(), nullable=False),
        sa.Column("flight_event_id", sa.Uuid(), nullable=True),
        sa.Column("regime", sa.String(length=30), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("form", sa.String(length=10), nullable=True),
        sa.Column(
            "care", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column(
            "facts", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("policy_version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_entitlements_booking_id_bookings")),
        sa.ForeignKeyConstraint(
            ["flight_event_id"], ["flight_events.id"], name=op.f("fk_entitlements_flight_event_id_flight_events")
        ),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_entitlements_flight_id_flights")),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_entitlements_passenger_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlements")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_entitlements_idempotency_key")),
    )
    with op.batch_alter_table("entitlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entitlements_flight_id"), ["flight_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entitlements_passenger_id"), ["passenger_id"], unique=False)
        batch_op.create_index("ix_entitlements_regime_kind", ["regime", "kind"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("passenger_id", sa.Uuid(), nullable=True),
        sa.Column("flight_id", sa.Uuid(), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("language_confidence", sa.Float(), nullable=True),
        sa.Column("is_spam", sa.Boolean(), nullable=True),
        sa.Column("spam_confidence", sa.Float(), nullable=True),
        sa.Column("sentiment", sa.String(length=8), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column("sentiment_confidence", sa.Float(), nullable=True),
        sa.Column(
            "topics", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "urgency", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "entities", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("analysis_model", sa.String(length=40), nullable=True),
        sa.Column(
            "corrections", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_feedback_booking_id_bookings")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_feedback_case_id_cases")),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_feedback_flight_id_flights")),
        sa.ForeignKeyConstraint(["passenger_id"], ["passengers.id"], name=op.f("fk_feedback_passenger_id_passengers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_feedback_channel_external_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_flight_id"), ["flight_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_passenger_id"), ["passenger_id"], unique=False)
        batch_op.create_index("ix_feedback_received_at", ["received_at"], unique=False)

    op.create_table(
        "outbound_messages",
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=60), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("flight_event_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("scheduled_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("sent_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("provider_message_id", sa.String(length=120), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_outbound_messages_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["flight_event_id"], ["flight_events.id"], name=op.f("fk_outbound_messages_flight_event_id_flight_events")
        ),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_outbound_messages_passenger_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbound_messages_idempotency_key")),
    )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbound_messages_passenger_id"), ["passenger_id"], unique=False)
        batch_op.create_index("ix_outbound_messages_status_next", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "interactions",
        sa.Column("passenger_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("occurred_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=True),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("flight_id", sa.Uuid(), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_interactions_case_id_cases")),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name=op.f("fk_interactions_flight_id_flights")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbound_messages.id"], name=op.f("fk_interactions_message_id_outbound_messages")
        ),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_interactions_passenger_id_passengers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint("external_id", name=op.f("uq_interactions_external_id")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interactions_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_interactions_passenger_occurred", ["passenger_id", "occurred_at"], unique=False)

    op.create_table(
        "vouchers",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("face_value_minor", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", goodwill.store.types.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("entitlement_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_vouchers_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["entitlement_id"], ["entitlements.id"], name=op.f("fk_vouchers_entitlement_id_entitlements")
        ),
        sa.ForeignKeyConstraint(["passenger_id"], ["passengers.id"], name=op.f("fk_vouchers_passenger_id_passengers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
        sa.UniqueConstraint("code", name=op.f("uq_vouchers_code")),
    )
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vouchers_passenger_id"), ["passenger_id"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", goodwill.store.types.UTCDateTime(), nullable=False),
        sa.Column("passenger_id", sa.Uuid(), nullable=False),
        sa.Column("voucher_id", sa.Uuid(), nullable=True),
        sa.Column("entitlement_id", sa.Uuid(), nullable=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("entry_type", sa.String(length=12), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ledger_entries_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["entitlement_id"], ["entitlements.id"], name=op.f("fk_ledger_entries_entitlement_id_entitlements")
        ),
        sa.ForeignKeyConstraint(
            ["passenger_id"], ["passengers.id"], name=op.f("fk_ledger_entries_passenger_id_passengers")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["ledger_entries.id"], name=op.f("fk_ledger_entries_reverses_id_ledger_entries")
        ),
        sa.ForeignKeyConstraint(["voucher_id"], ["vouchers.id"], name=op.f("fk_ledger_entries_voucher_id_vouchers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_entries_idempotency_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_ledger_entries_reverses_id")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entries_entitlement_id"), ["entitlement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entries_passenger_id"), ["passenger_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entries_voucher_id"), ["voucher_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_voucher_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_passenger_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_entitlement_id"))

    op.drop_table("ledger_entries")
    with op.batch_alter_table("vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vouchers_passenger_id"))

    op.drop_table("vouchers")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_passenger_occurred")
        batch_op.drop_index(batch_op.f("ix_interactions_case_id"))

    op.drop_table("interactions")
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_messages_status_next")
        batch_op.drop_index(batch_op.f("ix_outbound_messages_passenger_id"))

    op.drop_table("outbound_messages")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_received_at")
        batch_op.drop_index(batch_op.f("ix_feedback_passenger_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_flight_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_content_hash"))

    op.drop_table("feedback")
    with op.batch_alter_table("entitlements", schema=None) as batch_op:
        batch_op.drop_index("ix_entitlements_regime_kind")
        batch_op.drop_index(batch_op.f("ix_entitlements_passenger_id"))
        batch_op.drop_index(batch_op.f("ix_entitlements_flight_id"))

    op.drop_table("entitlements")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_flight_id")

    op.drop_table("segments")
    with op.batch_alter_table("flight_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flight_events_flight_id"))

    op.drop_table("flight_events")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status_priority")
        batch_op.drop_index(batch_op.f("ix_cases_passenger_id"))

    op.drop_table("cases")
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wishes_passenger_id"))

    op.drop_table("wishes")
    with op.batch_alter_table("passenger_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passenger_merges_survivor_id"))

    op.drop_table("passenger_merges")
    with op.batch_alter_table("passenger_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passenger_identities_passenger_id"))

    op.drop_table("passenger_identities")
    with op.batch_alter_table("flights", schema=None) as batch_op:
        batch_op.drop_index("ix_flights_operating_date_origin")

    op.drop_table("flights")
    op.drop_table("consents")
    with op.batch_alter_table("booking_passengers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_passengers_passenger_id"))

    op.drop_table("booking_passengers")
    with op.batch_alter_table("bags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bags_passenger_id"))
        batch_op.drop_index(batch_op.f("ix_bags_booking_id"))

    op.drop_table("bags")
    with op.batch_alter_table("passengers", schema=None) as batch_op:
        batch_op.drop_index("ix_passengers_value_rank")
        batch_op.drop_index(batch_op.f("ix_passengers_name_key"))

    op.drop_table("passengers")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_run_after")

    op.drop_table("jobs")
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_runs_file_sha256"))

    op.drop_table("import_runs")
    op.drop_table("case_counters")
    op.drop_table("carriers")
    op.drop_table("bookings")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_entity")

    op.drop_table("audit_entries")
    op.drop_table("api_keys")
    op.drop_table("airports")
