"""The commands: import analyses feedback (or not), analyse, correct, and the corrections as a training file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from goodwill.audit.models import AuditEntry
from goodwill.cli import app
from goodwill.listening.models import Feedback
from tests.listening.analysis_helpers import PEOPLE, tiny_model_dir

runner = CliRunner()

FEEDBACK = [
    ("t1", "social", "flight delayed again at JFK and the crew gave no update", "@ana"),
    ("t2", "social", "my bag is lost and nobody can find my luggage", "@bo"),
    ("t3", "survey", "the crew was wonderful, thank you so much", ""),
    ("c1", "blog", "Good bolg, thank you for sharing! I will come back.", "cheap christian louboutin"),
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("model") / "tiny")


def feedback_file(directory: Path) -> Path:
    path = directory / "feedback.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "channel", "received_at", "text", "author"])
        writer.writerows((e, c, "2013-02-09T18:00:00Z", t, a) for e, c, t, a in FEEDBACK)
    return path


def invoke(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--database-url", db_url, *args])
    return result.exit_code, result.output


def stored(engine: Engine) -> dict[str, Feedback]:
    with engine.connect() as connection:
        return {row.external_id: row for row in connection.execute(select(Feedback))}  # type: ignore[misc]


def test_import_analyses_the_feedback_it_stored(db_url: str, url_engine: Engine, model_dir: Path,
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("GOODWILL_LISTENING_MODEL", str(model_dir))
    code, output = invoke(db_url, "import", "feedback", str(feedback_file(tmp_path)), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert (report["created"], report["analysis"]["analysed"], report["analysis"]["spam"]) == (4, 4, 1)
    rows = stored(url_engine)
    assert rows["t1"].sentiment == "negative"
    assert rows["t3"].sentiment == "positive"
    assert rows["c1"].is_spam
    assert {r.analysis_model for r in rows.values()} == {report["analysis"]["model"]}


def test_no_analyse_leaves_it_pending_for_the_analyse_command(
    db_url: str, url_engine: Engine, model_dir: Path, tmp_path: Path
) -> None:
    code, output = invoke(db_url, "import", "feedback", str(feedback_file(tmp_path)), "--no-analyse", "--json")
    assert code == 0, output
    assert "analysis" not in json.loads(output)
    assert {r.analysis_model for r in stored(url_engine).values()} == {None}
    code, output = invoke(db_url, "listening", "analyse", "--pending", "--model", str(model_dir), "--json")
    assert code == 0, output
    assert json.loads(output)["analysed"] == 4
    assert stored(url_engine)["t2"].topics[:1] == ["lost_baggage"]
    code, output = invoke(db_url, "listening", "analyse", "--model", str(model_dir), "--json")
    assert json.loads(output)["analysed"] == 0
    code, output = invoke(db_url, "listening", "analyse", "--all", "--model", str(model_dir), "--json")
    assert json.loads(output)["analysed"] == 4


def test_correct_then_reanalyse_keeps_the_correction_and_exports_a_file_train_accepts(
    db_url: str, url_engine: Engine, model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOODWILL_LISTENING_MODEL", str(model_dir))
    assert invoke(db_url, "import", "feedback", str(feedback_file(tmp_path)))[0] == 0
    ids = {key: str(row.id) for key, row in stored(url_engine).items()}
    code, output = invoke(db_url, "listening", "correct", ids["t1"], "--sentiment", "neutral", "--by", "ana", "--json")
    assert code == 0, output
    assert json.loads(output)["corrections"]["sentiment"]["previous"] == "negative"
    code, output = invoke(db_url, "listening", "correct", ids["t3"], "--topics", "food", "--sentiment", "negative",
                          "--by", "ana")  # fmt: skip
    assert code == 0, output
    code, output = invoke(db_url, "listening", "correct", ids["c1"], "--spam", "no", "--by", "bo", "--json")
    assert code == 0, output
    assert json.loads(output)["sentiment"] is not None  # analysed again as a genuine message
    assert invoke(db_url, "listening", "analyse", "--all")[0] == 0
    rows = stored(url_engine)
    assert (rows["t1"].sentiment, rows["t3"].sentiment, rows["t3"].topics) == ("neutral", "negative", ["food"])
    assert rows["c1"].is_spam is False
    with url_engine.connect() as connection:
        actions = [a for (a,) in connection.execute(select(AuditEntry.action).where(AuditEntry.entity_id == ids["t1"]))]
    assert "feedback.corrected" in actions

    out = tmp_path / "corrected.csv"
    code, output = invoke(db_url, "listening", "corrections", "--out", str(out), "--json")
    assert code == 0, output
    assert json.loads(output)["rows"] == 2
    with out.open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert {(r["feedback_id"], r["sentiment"]) for r in exported} == {(ids["t1"], "neutral"), (ids["t3"], "negative")}

    # Round trip: the export, with more rows of its own kind, trains a model.
    with out.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for person in PEOPLE:
            writer.writerow(["", f"{person} was wonderful, thank you", "positive", "", "en"])
            writer.writerow(["", f"when does {person} start boarding", "neutral", "", "en"])
            writer.writerow(["", f"{person} lost my bag and my luggage", "negative", "lost_baggage", "en"])
            writer.writerow(["", f"{person} served cold food, the meal was awful", "negative", "food", "en"])
    code, output = invoke(db_url, "listening", "train", str(out), "--text-column", "text", "--label-column",
                          "sentiment", "--topic-column", "topics", "--out", str(tmp_path / "ours"), "--cv-folds", "0",
                          "--json")  # fmt: skip
    assert code == 0, output
    manifest = json.loads(output)
    assert manifest["trained_on"]["rows"] == 2 + 4 * len(PEOPLE)
    assert "food" in manifest["topics"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sentiment", "furious"], "--sentiment: unknown sentiment 'furious'"),
        (["--topics", "late_flight,parking"], "--topics: unknown topics ['parking']"),
        (["--language", "english"], "--language: 'english' is not an ISO 639-1 code"),
        (["--urgency", "birthday"], "--urgency: unknown urgency ['birthday']"),
        ([], "give at least one of"),
    ],
)
def test_a_bad_correction_names_the_option_and_changes_nothing(
    db_url: str, url_engine: Engine, model_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    assert invoke(db_url, "import", "feedback", str(feedback_file(tmp_path)), "--no-analyse")[0] == 0
    feedback_id = str(stored(url_engine)["t1"].id)
    result = runner.invoke(app, ["--database-url", db_url, "listening", "correct", feedback_id, *args, "--by", "ana"])
    assert result.exit_code == 1
    assert message in result.output
    assert stored(url_engine)["t1"].corrections == {}


def test_analyse_without_a_model_says_so(db_url: str, tmp_path: Path) -> None:
    code, output = invoke(db_url, "listening", "analyse", "--model", str(tmp_path / "nowhere"))
    assert code == 1
    assert "no such model directory" in output
