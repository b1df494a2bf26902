"""Alembic environment: runs on SQLite (batch mode) and PostgreSQL with the same scripts."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from goodwill.all_models import metadata
from goodwill.store.db import make_engine

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic (set GOODWILL_DATABASE_URL)")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run `goodwill db upgrade`")
run_migrations_online()
