"""Training and evaluating the listening models from CSV files, through the commands an airline runs."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
import skops.io
from sklearn.preprocessing import FunctionTransformer
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import InvalidInput
from goodwill.listening import analysis, modelfiles
from goodwill.listening.corpus import read_labelled
from goodwill.listening.evaluation import cross_validate

runner = CliRunner()

# Our own sentences: each sentiment (and each complaint topic) has its own words, so a model must separate them.
PEOPLE = ["the crew", "the agent at the gate", "the pilot", "your team", "the staff in Boston", "everyone on board"]
POSITIVE = ["{p} was wonderful, thank you", "loved the flight, {p} made my day", "great job by {p}, thanks so much"]
NEUTRAL = ["what time does boarding start for {p}", "is {p} on the morning flight to Denver",
           "does {p} know which terminal we use"]  # fmt: skip
LATE = ["flight delayed again and {p} gave no update", "three hours late, {p} said nothing about the delay"]
BAGS = ["my bag is lost and {p} cannot find my luggage", "luggage missing for two days, {p} has no idea where"]

TRAIN_PEOPLE, TEST_PEOPLE = PEOPLE[:4], PEOPLE[4:]


def rows(people: list[str]) -> list[dict[str, str]]:
    out = []
    for person in people:
        out += [{"message": t.format(p=person), "label": "positive", "reason": ""} for t in POSITIVE]
        out += [{"message": t.format(p=person), "label": "neutral", "reason": ""} for t in NEUTRAL]
        out += [{"message": t.format(p=person), "label": "negative", "reason": "Late Flight"} for t in LATE]
        out += [{"message": t.format(p=person), "label": "negative", "reason": "lost_baggage"} for t in BAGS]
    return out


def write(path: Path, data: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(data[0]) if data else ["message", "label", "reason"])
        writer.writeheader()
        writer.writerows(data)
    return path


COLUMNS = ["--text-column", "message", "--label-column", "label", "--topic-column", "reason"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("listening")
    train_file = write(tmp / "train.csv", rows(TRAIN_PEOPLE))
    result = runner.invoke(app, ["listening", "train", str(train_file), *COLUMNS, "--cv-folds", "3",
                                 "--out", str(tmp / "model"), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return tmp / "model"


class TestTrain:
    def test_writes_the_models_and_a_manifest(self, model_dir: Path) -> None:
        manifest = json.loads((model_dir / "manifest.json").read_text())
        assert (model_dir / "models.skops").is_file()
        assert manifest["format"] == "goodwill-listening-model"
        assert manifest["format_version"] == modelfiles.FORMAT_VERSION
        assert manifest["sentiments"] == ["negative", "neutral", "positive"]
        assert manifest["topics"] == ["late_flight", "lost_baggage"]
        assert manifest["trained_on"]["rows"] == len(rows(TRAIN_PEOPLE))
        assert manifest["trained_on"]["topic_rows"] == 4 * (len(LATE) + len(BAGS))
        assert set(manifest["versions"]) >= {"scikit-learn", "numpy", "scipy", "skops", "python", "goodwill"}
        cv = manifest["cross_validation"]
        assert cv["folds"] == 3
        assert len(cv["per_fold"]) == 3
        assert 0.0 <= cv["sentiment_macro_f1"]["mean"] <= 1.0
        assert "topic_macro_f1" in cv

    def test_a_model_loads_and_analyses(self, model_dir: Path) -> None:
        models, _ = modelfiles.load_model(model_dir)
        late, happy = models.analyse(
            ["the staff in Boston said nothing, flight delayed three hours", "thank you, wonderful crew"]
        )
        assert (late.sentiment, late.topic) == ("negative", "late_flight")
        assert late.sentiment_score < 0 < happy.sentiment_score
        assert happy.sentiment == "positive"
        assert happy.topic is None
        assert 0 < late.sentiment_confidence <= 1
        assert late.topic_confidence is not None


class TestEvaluate:
    def test_prints_figures_for_sentiment_topics_and_throughput(self, model_dir: Path, tmp_path: Path) -> None:
        test_file = write(tmp_path / "test.csv", rows(TEST_PEOPLE))
        result = runner.invoke(app, ["listening", "evaluate", str(test_file), *COLUMNS, "--model", str(model_dir),
                                     "--json"])  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["rows"] == len(rows(TEST_PEOPLE))
        sentiment = report["sentiment"]
        assert sentiment["accuracy"] == 1.0
        assert sentiment["macro_f1"] == 1.0
        assert set(sentiment["per_class"]) == {"negative", "neutral", "positive"}
        assert set(sentiment["per_class"]["neutral"]) == {"precision", "recall", "f1", "support"}
        topics = report["topics"]
        assert topics["macro_f1"] == 1.0
        assert topics["per_class"]["late_flight"]["support"] == 2 * len(LATE)
        assert report["throughput"]["messages"] == report["rows"]
        assert report["throughput"]["messages_per_second"] > 0

    def test_a_wrong_label_lowers_accuracy(self, model_dir: Path, tmp_path: Path) -> None:
        data = rows(TEST_PEOPLE)
        for row in data[:3]:
            row["label"] = "negative"  # they are positive
        test_file = write(tmp_path / "wrong.csv", data)
        result = runner.invoke(app, ["listening", "evaluate", str(test_file), *COLUMNS, "--model", str(model_dir),
                                     "--json"])  # fmt: skip
        report = json.loads(result.output)
        assert report["sentiment"]["accuracy"] == pytest.approx(1 - 3 / len(data), abs=1e-4)
        assert report["sentiment"]["per_class"]["negative"]["recall"] < 1.0
        assert report["sentiment"]["per_class"]["positive"]["precision"] < 1.0

    def test_human_output_has_a_table(self, model_dir: Path, tmp_path: Path) -> None:
        test_file = write(tmp_path / "test.csv", rows(TEST_PEOPLE))
        result = runner.invoke(app, ["listening", "evaluate", str(test_file), *COLUMNS, "--model", str(model_dir)])
        assert result.exit_code == 0, result.output
        assert "macro-F1 1.0" in result.output
        assert "messages per second" in result.output


class TestRefusals:
    def fails(self, args: list[str]) -> str:
        result = runner.invoke(app, ["listening", *args])
        assert result.exit_code == 1, result.output
        return result.output

    def test_a_missing_column_is_named(self, tmp_path: Path) -> None:
        path = write(tmp_path / "a.csv", rows(TRAIN_PEOPLE))
        out = self.fails(["train", str(path), "--text-column", "text", "--out", str(tmp_path / "m")])
        assert f"{path}: line 1: no column 'text' (--text-column)" in out
        assert "message, label, reason" in out

    def test_an_empty_file_is_refused(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        assert f"{empty}: the file is empty" in self.fails(["train", str(empty), "--out", str(tmp_path / "m")])
        header_only = write(tmp_path / "header.csv", [])
        out = self.fails(["train", str(header_only), *COLUMNS, "--out", str(tmp_path / "m")])
        assert f"{header_only}: no labelled rows" in out

    def test_an_unknown_label_is_named_by_line_and_column(self, tmp_path: Path) -> None:
        data = rows(TRAIN_PEOPLE)
        data[4]["label"] = "furious"
        path = write(tmp_path / "bad.csv", data)
        out = self.fails(["train", str(path), *COLUMNS, "--out", str(tmp_path / "m")])
        # Row 5 of the data is line 6 of the file; the label is its 2nd column.
        assert f"{path}:6:2: column 2 (label): unknown sentiment 'furious'" in out
        assert not (tmp_path / "m").exists()

    def test_an_unknown_topic_is_named(self, tmp_path: Path) -> None:
        data = rows(TRAIN_PEOPLE)
        data[-1]["reason"] = "weather"
        path = write(tmp_path / "bad.csv", data)
        out = self.fails(["train", str(path), *COLUMNS, "--out", str(tmp_path / "m")])
        assert f"{path}:{len(data) + 1}:3: column 3 (reason): unknown topic 'weather'" in out

    def test_a_missing_file_and_a_missing_model(self, tmp_path: Path, model_dir: Path) -> None:
        assert f"{tmp_path / 'nope.csv'}: no such file" in self.fails(
            ["evaluate", str(tmp_path / "nope.csv"), "--model", str(model_dir)]
        )
        path = write(tmp_path / "t.csv", rows(TEST_PEOPLE))
        assert f"{tmp_path / 'none'}: no such model directory" in self.fails(
            ["evaluate", str(path), *COLUMNS, "--model", str(tmp_path / "none")]
        )

    def test_one_label_is_not_enough(self, tmp_path: Path) -> None:
        data = [r for r in rows(TRAIN_PEOPLE) if r["label"] == "positive"]
        path = write(tmp_path / "one.csv", data)
        out = self.fails(["train", str(path), "--text-column", "message", "--out", str(tmp_path / "m")])
        assert "column 'label': a model needs two sentiments or more" in out

    def test_a_model_file_with_foreign_types_is_refused(self, tmp_path: Path, model_dir: Path) -> None:
        copy = tmp_path / "model"
        shutil.copytree(model_dir, copy)
        skops.io.dump({"features": FunctionTransformer(os.system), "sentiment": None}, copy / "models.skops")
        with pytest.raises(InvalidInput, match=r"holds types Goodwill does not load: posix\.system"):
            modelfiles.load_model(copy)


@pytest.mark.shared_data
@pytest.mark.slow
def test_cross_validated_model_beats_the_documented_baseline(shared_data: Path) -> None:
    """On the airline tweets (dev rows), 5-fold CV: the chosen model's sentiment macro-F1 beats the documented
    TF-IDF + logistic regression baseline (0.748) and its topic macro-F1 the baseline's lower bound (0.50)."""
    data = read_labelled(shared_data / "airline_tweets" / "tweets_dev.csv", text_column="text",
                         label_column="airline_sentiment", topic_column="negativereason")  # fmt: skip
    cv = cross_validate(data.texts, data.sentiments, topics=data.topics, folds=5)
    assert cv is not None
    assert cv["sentiment_macro_f1"]["mean"] > 0.748
    assert cv["sentiment_accuracy"]["mean"] > 0.80
    assert cv["topic_macro_f1"]["mean"] > 0.50
    assert analysis.SENTIMENT_C == 0.1  # the figures in docs/BENCHMARKS.md were measured with these settings


def test_a_model_with_the_lexicon_features_round_trips(tmp_path: Path) -> None:
    data = rows(TRAIN_PEOPLE)
    models = analysis.train([r["message"] for r in data], [r["label"] for r in data], with_lexicon=True)
    modelfiles.save_model(tmp_path / "m", models, {})
    loaded, _ = modelfiles.load_model(tmp_path / "m")
    assert [a.sentiment for a in loaded.analyse(["wonderful crew, thank you", "my luggage is lost"])] == [
        "positive", "negative",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def multi_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("multi")
    data = rows(TRAIN_PEOPLE)
    for person in TRAIN_PEOPLE:
        data += [
            {"message": f"{late.format(p=person)} and then {bag.format(p=person)}", "label": "negative",
             "reason": "Late Flight;lost_baggage"}
            for late, bag in zip(LATE, BAGS, strict=True)
        ]  # fmt: skip
    path = write(tmp / "train.csv", data)
    result = runner.invoke(app, ["listening", "train", str(path), *COLUMNS, "--cv-folds", "0",
                                 "--out", str(tmp / "model"), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert manifest["trained_on"]["multi_topic_rows"] == len(TRAIN_PEOPLE) * len(LATE)
    assert manifest["topics"] == ["late_flight", "lost_baggage"]
    return tmp / "model"


class TestSeveralTopics:
    """A training file may give a row several topics ("late_flight;lost_baggage"); a message about two things is
    given both, best first."""

    def test_a_message_about_both_gets_both(self, multi_model: Path) -> None:
        models, _ = modelfiles.load_model(multi_model)
        both, late, bag = models.analyse([
            "three hours late and my bag is lost",
            "three hours late, everyone on board said nothing about the delay",
            "my bag is lost and the staff in Boston cannot find my luggage",
        ])  # fmt: skip
        assert set(both.topics) == {"late_flight", "lost_baggage"}
        assert both.topic_confidences[0] >= both.topic_confidences[1] >= analysis.TOPIC_THRESHOLD
        assert late.topics == ("late_flight",)
        assert bag.topics == ("lost_baggage",)

    def test_a_lower_threshold_gives_more_topics(self, multi_model: Path) -> None:
        models, _ = modelfiles.load_model(multi_model)
        (late,) = models.analyse(["three hours late, everyone on board said nothing about the delay"])
        (everything,) = models.analyse(
            ["three hours late, everyone on board said nothing about the delay"], topic_threshold=0.0
        )
        assert everything.topics[0] == late.topic
        assert set(everything.topics) == {"late_flight", "lost_baggage"}

    def test_evaluation_counts_a_best_topic_among_the_row_s_topics_as_right(self, multi_model: Path,
                                                                             tmp_path: Path) -> None:  # fmt: skip
        data = [{"message": "my bag is lost and the staff in Boston cannot find my luggage", "label": "negative",
                 "reason": "late_flight;lost_baggage"},
                {"message": "three hours late, the staff in Boston said nothing about the delay", "label": "negative",
                 "reason": "lost_baggage;late_flight"}]  # fmt: skip
        path = write(tmp_path / "test.csv", data)
        result = runner.invoke(app, ["listening", "evaluate", str(path), *COLUMNS, "--model", str(multi_model),
                                     "--json"])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["topics"]["accuracy"] == 1.0

    def test_an_unknown_topic_among_several_is_named(self, tmp_path: Path) -> None:
        data = rows(TRAIN_PEOPLE)
        data[-1]["reason"] = "late_flight;weather"
        path = write(tmp_path / "bad.csv", data)
        result = runner.invoke(app, ["listening", "train", str(path), *COLUMNS, "--out", str(tmp_path / "m")])
        assert result.exit_code == 1
        assert f"{path}:{len(data) + 1}:3: column 3 (reason): unknown topic 'weather'" in result.output
