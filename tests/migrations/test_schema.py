"""The schema comes from the migrations, on SQLite and PostgreSQL, and the models do not drift from it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from goodwill.all_models import metadata
from goodwill.migrations import runner


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_database_is_at_the_single_head(engine: Engine) -> None:
    heads = ScriptDirectory.from_config(runner.alembic_config()).get_heads()
    assert len(heads) == 1
    assert runner.current(engine) == heads[0]


def test_downgrade_to_base_and_upgrade_again(url_engine: Engine) -> None:
    assert "passengers" in inspect(url_engine).get_table_names()
    runner.downgrade(url_engine, "base")
    assert set(inspect(url_engine).get_table_names()) <= {"alembic_version"}
    runner.upgrade(url_engine)
    assert set(metadata.tables) <= set(inspect(url_engine).get_table_names())
