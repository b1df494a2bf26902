"""The default listening model shipped inside the package: it loads offline, refuses a damaged file, reads the
direction of messages it never saw, and is what `goodwill listening evaluate` scores without --model."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.errors import InvalidInput
from goodwill.listening import analysis, default, learning, modelfiles

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
# Measured on ../shared/data/airline_tweets/tweets_dev.csv (docs/BENCHMARKS.md), floors set a little under.
SENTIMENT_MACRO_F1_FLOOR = 0.66
SENTIMENT_ACCURACY_FLOOR = 0.71
TOPIC_MACRO_F1_FLOOR = 0.42

# Written for this test, not in the corpus (checked below): the model must generalise to them.
UNSEEN = {
    "negative": [
        "@GoodwillAir four hours stuck at the gate and not one announcement, I am livid",
        "Your agent in Denver hung up on me twice. Disgraceful.",
        "Dear team, my suitcase still has not arrived after six days. Nobody replies to my emails.",
        "the seat was broken and the toilet smelled the whole way, never again",
    ],
    "neutral": [
        "@GoodwillAir does the 7am flight from Boston to Denver have wifi?",
        "How many bags can I check on a flight to Miami?",
        "@GoodwillAir what terminal do you leave from at Newark",
    ],
    "positive": [
        "@GoodwillAir thank you to the crew on the Denver flight, you were wonderful!",
        "Lovely flight, friendly staff and we landed early. Thanks!",
        "Huge thanks to the agent who found us two seats together, you saved our holiday",
    ],
}


def corpus_texts() -> set[str]:
    with default.DEFAULT_CORPUS.open(encoding="utf-8", newline="") as handle:
        return {row["text"] for row in csv.DictReader(handle)}


class TestDefaultModel:
    def test_loads_from_the_package_once(self) -> None:
        models, manifest = default.default_models()
        assert default.default_models()[0] is models
        assert manifest["trained_on"]["file"] == "corpus.csv"
        assert manifest["sentiments"] == ["negative", "neutral", "positive"]
        assert {"late_flight", "cancellation", "lost_baggage", "customer_service"} <= set(manifest["topics"])

    def test_the_examples_are_not_in_its_corpus(self) -> None:
        texts = {t.lower() for t in corpus_texts()}
        assert not [t for examples in UNSEEN.values() for t in examples if t.lower() in texts]

    @pytest.mark.parametrize("sentiment", sorted(UNSEEN))
    def test_reads_the_direction_of_unseen_messages(self, sentiment: str) -> None:
        models, _ = default.default_models()
        analyses = models.analyse(UNSEEN[sentiment])
        assert [a.sentiment for a in analyses] == [sentiment] * len(UNSEEN[sentiment])

    def test_the_intensity_runs_from_angry_to_delighted(self) -> None:
        models, _ = default.default_models()
        angry, happy = models.analyse([UNSEEN["negative"][1], UNSEEN["positive"][0]])
        assert angry.sentiment_score < -0.5
        assert happy.sentiment_score > 0.5

    def test_a_damaged_copy_is_refused(self, tmp_path: Path) -> None:
        copy = tmp_path / "model"
        shutil.copytree(default.DEFAULT_MODEL_DIR, copy)
        data = (copy / "models.skops").read_bytes()
        (copy / "models.skops").write_bytes(data[: len(data) // 2])
        with pytest.raises(InvalidInput, match=r"models\.skops: not a readable model file"):
            modelfiles.load_model(copy)


class TestEvaluateWithoutModel:
    def test_scores_the_default_model(self, tmp_path: Path) -> None:
        path = tmp_path / "unseen.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows((text, label) for label, texts in UNSEEN.items() for text in texts)
        result = runner.invoke(app, ["listening", "evaluate", str(path), "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["model"] == default.DEFAULT_MODEL_NAME
        assert report["model_trained_on"] == "corpus.csv"
        assert report["rows"] == sum(len(t) for t in UNSEEN.values())
        assert report["sentiment"]["accuracy"] == 1.0


@pytest.mark.slow
def test_the_corpus_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "corpus.csv"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_listening_corpus.py"), "--out", str(out)], check=True)
    assert out.read_bytes() == default.DEFAULT_CORPUS.read_bytes()


class TestTopics:
    def test_a_late_flight_and_a_lost_bag_get_both(self) -> None:
        models, _ = default.default_models()
        (both,) = models.analyse(
            ["@GoodwillAir we landed five hours late and then my suitcase never came off the plane"]
        )
        assert both.sentiment == "negative"
        assert set(both.topics[:2]) == {"late_flight", "lost_baggage"}
        assert both.topic == both.topics[0]
        assert list(both.topic_confidences) == sorted(both.topic_confidences, reverse=True)
        assert min(both.topic_confidences) >= analysis.TOPIC_THRESHOLD

    def test_a_message_about_one_thing_gets_one_topic(self) -> None:
        models, _ = default.default_models()
        analyses = models.analyse(
            ["Six hours late again, this flight never leaves on time", "They lost my suitcase on a direct flight"]
        )
        assert [a.topics for a in analyses] == [("late_flight",), ("lost_baggage",)]

    def test_praise_has_no_topic(self) -> None:
        models, _ = default.default_models()
        (happy,) = models.analyse([UNSEEN["positive"][1]])
        assert (happy.topic, happy.topics, happy.topic_confidences) == (None, (), ())


@pytest.mark.shared_data
@pytest.mark.slow
def test_the_default_model_on_the_airline_tweets_stays_above_its_floor(shared_data: Path) -> None:
    """The default model never saw these tweets; its figures are in docs/BENCHMARKS.md. A regression below these
    floors (a little under what was measured) fails."""
    report = learning.evaluate_model(
        shared_data / "airline_tweets" / "tweets_dev.csv",
        text_column="text",
        label_column="airline_sentiment",
        topic_column="negativereason",
        model=None,
    )
    assert report["sentiment"]["macro_f1"] >= SENTIMENT_MACRO_F1_FLOOR
    assert report["sentiment"]["accuracy"] >= SENTIMENT_ACCURACY_FLOOR
    assert report["topics"]["macro_f1"] >= TOPIC_MACRO_F1_FLOOR


def test_the_topic_probabilities_are_each_calibrated_model_s_own() -> None:
    """TopicClassifier computes all topics' SVM scores in one product; the result must be what each topic's
    calibrated model gives alone."""
    models, _ = default.default_models()
    x = models.features.transform([t for texts in UNSEEN.values() for t in texts])
    alone = np.column_stack([e.predict_proba(x)[:, 1] for e in models.topic.estimators_])
    assert np.allclose(models.topic.predict_proba(x), alone, atol=1e-12)
    assert list(models.topic.predict(x)) == [models.topics[k] for k in alone.argmax(axis=1)]
