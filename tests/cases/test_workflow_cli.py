"""`goodwill cases assign|note|status|merge|at-risk|sla-report` on a database file."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from goodwill.cases import service as cases
from goodwill.cli import app
from goodwill.kit.time import utc_now
from goodwill.store.db import make_engine, make_session_factory, unit_of_work

runner = CliRunner()


def test_an_agent_works_cases_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert runner.invoke(app, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        refs = [
            cases.open_case(
                session, type="baggage", priority="urgent", subject="Bag lost", passenger_id=None, tier=None,
                now=utc_now() - timedelta(minutes=50), actor="test", team="baggage",
            ).reference
            for _ in range(2)
        ]  # fmt: skip
    engine.dispose()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--database-url", url, "cases", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "agent-7" in run("assign", refs[0], "--agent", "agent-7")
    run("note", refs[0], "--body", "Traced to FLL")
    refused = runner.invoke(app, ["--database-url", url, "cases", "status", refs[0], "resolved"])
    assert refused.exit_code != 0
    assert "resolution_code" in refused.output
    risky = json.loads(run("at-risk", "--within", "30", "--json"))
    assert sorted(r["reference"] for r in risky) == sorted(refs)  # urgent: first answer due in 10 minutes
    assert "bag_delivered" in run("status", refs[0], "resolved", "--code", "bag_delivered")
    assert f"merged into {refs[0]}" in run("merge", refs[1], "--into", refs[0])
    report = json.loads(run("sla-report", "--json"))
    assert [(line["group"], line["cases"]) for line in report] == [("baggage", 1)]  # the merged one is not counted
