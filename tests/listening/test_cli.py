"""`goodwill listening loop | trends | spikes` and `goodwill cases show | reply` from the command line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.store.db import make_session_factory, unit_of_work
from tests.listening.loop_helpers import make_feedback, make_flight, make_passenger

runner = CliRunner()


def _run(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", db_url, *args])
    return result.exit_code, result.output


def test_from_a_detractor_to_an_answer(db_url: str, url_engine: Engine, tmp_path: Path) -> None:
    with unit_of_work(make_session_factory(url_engine)) as session:
        ana = make_passenger(session, tier="gold")
        flight = make_flight(session)
        make_feedback(session, passenger_id=ana, flight_id=flight, nps=2, text="my bag never came",
                      topics=["lost_baggage"], sentiment="negative", sentiment_score=-0.3)  # fmt: skip
    policy = tmp_path / "sla.toml"
    policy.write_text("[targets.high]\nfirst_response = 2\n")

    code, out = _run(db_url, "listening", "loop", "--sla", str(policy), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert (report["cases_opened"], report["timeline_entries"]) == (1, 1)
    [reference] = report["opened"]
    assert json.loads(_run(db_url, "listening", "loop", "--json")[1])["examined"] == 0

    code, out = _run(db_url, "cases", "show", reference, "--json")
    assert code == 0, out
    case = json.loads(out)
    # A gold detractor with a negative word: normal raised to high; the file's 2 h times gold's 0.75.
    assert (case["type"], case["priority"]) == ("baggage", "high")
    opened, due = (datetime.fromisoformat(case[k]) for k in ("opened_at", "first_response_due_at"))
    assert due - opened == timedelta(hours=1, minutes=30)
    assert [i["direction"] for i in case["interactions"]] == ["inbound"]

    args = ["cases", "reply", reference, "--body", "Your bag is on its way.", "--by", "agent-7", "--key", "k1"]
    code, out = _run(db_url, *args, "--json")
    assert code == 0, out
    assert json.loads(out)["replayed"] is False
    assert json.loads(_run(db_url, *args, "--json")[1])["replayed"] is True
    case = json.loads(_run(db_url, "cases", "show", reference, "--json")[1])
    assert [i["direction"] for i in case["interactions"]] == ["inbound", "outbound"]
    assert case["first_responded_at"] is not None


def test_a_bad_sla_file_and_an_unknown_case_are_clear_errors(db_url: str, tmp_path: Path) -> None:
    policy = tmp_path / "sla.toml"
    policy.write_text("[targets.critical]\nfirst_response = 2\n")
    code, out = _run(db_url, "listening", "loop", "--sla", str(policy))
    assert code == 1
    assert "sla.toml: targets.critical: unknown priority" in out
    code, out = _run(db_url, "cases", "reply", "C-0000999", "--body", "hi", "--by", "a")
    assert (code, "no case C-0000999" in out) == (1, True)


def test_trends_and_spikes(db_url: str, url_engine: Engine) -> None:
    with unit_of_work(make_session_factory(url_engine)) as session:
        flight = make_flight(session)
        for nps in (10, 9, 2):
            make_feedback(session, flight_id=flight, nps=nps, text=f"score {nps}")
    code, out = _run(db_url, "listening", "trends", "--metric", "nps", "--by", "week", "--group", "airport",
                     "--since", "2026-03-01", "--json")  # fmt: skip
    assert code == 0, out
    assert sorted((r["group"], r["nps"]) for r in json.loads(out)) == [("BOS", 33.3), ("JFK", 33.3)]
    code, out = _run(db_url, "listening", "trends", "--group", "route")
    assert code == 0, out
    assert "JFK-BOS" in out
    code, out = _run(db_url, "listening", "trends", "--since", "yesterday")
    assert code == 1
    assert "--since" in out
    code, out = _run(db_url, "listening", "spikes", "--window-hours", "24", "--baseline-days", "28", "--json")
    assert code == 0, out
    assert json.loads(out)["alerts"] == []


def test_analyse_runs_the_loop_unless_told_not_to(db_url: str, url_engine: Engine) -> None:
    with unit_of_work(make_session_factory(url_engine)) as session:
        for text in ("We will miss our daughter's wedding: the flight to Boston was cancelled.",
                     "My father had a heart attack and I need to get home to Chicago tonight."):  # fmt: skip
            make_feedback(session, text=text, sentiment=None, sentiment_score=None, sentiment_confidence=None,
                          is_spam=None)  # fmt: skip
    code, out = _run(db_url, "listening", "analyse", "--no-loop", "--json")
    assert code == 0, out
    assert "loop" not in json.loads(out)
    assert json.loads(_run(db_url, "listening", "loop", "--json")[1])["examined"] == 2  # analysed, not looped yet
    make = unit_of_work(make_session_factory(url_engine))
    with make as session:
        make_feedback(session, text="Stranded at JFK overnight with two small children and no hotel.", sentiment=None,
                      sentiment_score=None, sentiment_confidence=None, is_spam=None)  # fmt: skip
    code, out = _run(db_url, "listening", "analyse", "--json")
    assert code == 0, out
    looped = json.loads(out)["loop"]
    assert (looped["examined"], looped["cases_opened"]) == (1, 1)
