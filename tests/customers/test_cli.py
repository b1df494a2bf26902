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


def test_privacy_commands_export_erase_and_keep_free_text_for_a_period(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert runner.invoke(app, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        import_examples(session)
        ana = session.scalars(
            select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "ana.lopez@example.com")
        ).one()
    engine.dispose()
    out = tmp_path / "ana.json"
    exported = runner.invoke(app, ["--database-url", url, "privacy", "export", str(ana), "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text(encoding="utf-8"))["tables"]["passengers"][0]["last_name"] == "López"
    nowhere = runner.invoke(
        app, ["--database-url", url, "privacy", "export", str(ana), "--out", str(tmp_path / "no" / "such" / "a.json")]
    )
    assert nowhere.exit_code != 0
    assert "cannot be written" in nowhere.output
    dry = runner.invoke(app, ["--database-url", url, "privacy", "retention", "--days", "1", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["feedback"] == 2  # the example feedback with words, from 2013
    refused = runner.invoke(app, ["--database-url", url, "privacy", "erase", str(ana)])
    assert refused.exit_code != 0
    assert "--yes" in refused.output
    erased = runner.invoke(app, ["--database-url", url, "privacy", "erase", str(ana), "--yes", "--json"])
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.output)["deleted"]["passenger_identities"] == 4
    found = runner.invoke(app, ["--database-url", url, "passengers", "search", "ana.lopez@example.com", "--json"])
    assert json.loads(found.output) == []
    after = runner.invoke(app, ["--database-url", url, "privacy", "retention", "--days", "1", "--dry-run", "--json"])
    assert json.loads(after.output)["feedback"] == 0  # her words were erased: nothing left to remove
