"""`goodwill surveys invite`: counts invited and suppressed by reason; a rerun invites nobody twice."""

from __future__ import annotations

import json

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.store.db import make_session_factory, unit_of_work
from goodwill.surveys.models import SurveyInvitation
from tests.surveys.helpers import NOW, SINCE, build

runner = CliRunner()


def run(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", db_url, "surveys", "invite", *args])
    return result.exit_code, result.output


def test_invite_dry_run_then_for_real_then_again(db_url: str, url_engine: Engine) -> None:
    with unit_of_work(make_session_factory(url_engine)) as session:
        build(session)
    window = ["--since", SINCE.isoformat(), "--now", NOW.isoformat()]
    code, out = run(db_url, *window, "--dry-run", "--json")
    assert code == 0, out
    dry = json.loads(out)
    assert (dry["legs"], dry["invited"], dry["dry_run"]) == (5, 4, True)
    assert dry["suppressed"]["no_consent"] == 1
    assert dry["languages"] == {"en": 2, "es": 1, "fr": 1}
    with url_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SurveyInvitation)) == 0

    code, out = run(db_url, *window, "--json")
    assert code == 0, out
    assert json.loads(out)["invited"] == 4
    code, out = run(db_url, *window)
    assert code == 0, out
    assert "5 legs arrived; invited 0" in out
    assert "suppressed already_invited: 4" in out
    with url_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SurveyInvitation)) == 4


def test_a_time_without_offset_is_refused_naming_the_option(db_url: str) -> None:
    result = runner.invoke(app, ["--database-url", db_url, "surveys", "invite", "--since", "2026-02-14T00:00"])
    assert result.exit_code == 1
    assert "--since" in result.output
