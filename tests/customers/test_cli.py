"""`goodwill passengers`: search, show and refresh-value on a database file, as an agent would run them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.customers.models import PassengerIdentity
from goodwill.store.db import make_engine, make_session_factory, unit_of_work
from tests.imports.helpers import import_examples

runner = CliRunner()


def test_an_agent_finds_ana_ranks_everyone_and_reads_her_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert runner.invoke(app, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        import_examples(session)
        ana = session.scalars(
            select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
        ).one()
    engine.dispose()
    ranked = runner.invoke(app, ["--database-url", url, "passengers", "refresh-value", "--json"])
    assert ranked.exit_code == 0, ranked.output
    assert json.loads(ranked.output)["passengers_ranked"] == 4
    found = runner.invoke(app, ["--database-url", url, "passengers", "search", "lopez", "--json"])
    assert found.exit_code == 0, found.output
    assert str(ana) in [m["id"] for m in json.loads(found.output)]
    shown = runner.invoke(app, ["--database-url", url, "passengers", "show", str(ana)])
    assert shown.exit_code == 0, shown.output
    assert "Ana López" in shown.output
    assert "412.60 USD, #" in shown.output
    assert "HNY7QX" in shown.output
    bad = runner.invoke(app, ["--database-url", url, "passengers", "show", "ana"])
    assert bad.exit_code != 0
    assert "is not a passenger id" in bad.output
