"""Use cases of the listening models: train a model from a labelled file, evaluate one on a labelled file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from goodwill.errors import InvalidInput
from goodwill.listening.analysis import Models, train
from goodwill.listening.corpus import LabelledSet, read_labelled
from goodwill.listening.default import DEFAULT_MODEL_NAME, default_models
from goodwill.listening.evaluation import cross_validate, scores, topic_truth
from goodwill.listening.modelfiles import load_model, save_model


def _check_trainable(data: LabelledSet, label_column: str, topic_column: str | None) -> None:
    counts = {s: data.sentiments.count(s) for s in sorted(set(data.sentiments))}
    if len(counts) < 2 or min(counts.values()) < 2:
        raise InvalidInput(
            f"{data.path}: column {label_column!r}: a model needs two sentiments or more with two rows each, "
            f"found {counts}"
        )
    if data.topics is not None:
        topics: dict[str, int] = {}
        for row in data.topics:
            for t in row:
                topics[t] = topics.get(t, 0) + 1
        if len(topics) < 2 or min(topics.values()) < 2:
            raise InvalidInput(
                f"{data.path}: column {topic_column!r}: a topic model needs two topics or more with two rows each, "
                f"found {topics}"
            )


def train_model(
    path: Path,
    *,
    text_column: str,
    label_column: str,
    topic_column: str | None,
    weight_column: str | None,
    out: Path,
    cv_folds: int,
    with_lexicon: bool = False,
) -> dict[str, Any]:
    """Train the listening models on an airline's labelled messages and write them to `out`; return the manifest
    (with the k-fold cross-validated figures unless `cv_folds` is 0)."""
    data = read_labelled(
        path, text_column=text_column, label_column=label_column, topic_column=topic_column, weight_column=weight_column
    )
    _check_trainable(data, label_column, topic_column)
    started = time.perf_counter()
    models = train(data.texts, data.sentiments, topics=data.topics, weights=data.weights, with_lexicon=with_lexicon)
    seconds = time.perf_counter() - started
    cv = (
        cross_validate(data.texts, data.sentiments, topics=data.topics, weights=data.weights, folds=cv_folds)
        if cv_folds >= 2
        else None
    )
    manifest = {
        "trained_on": {
            "file": path.name,
            "text_column": text_column,
            "label_column": label_column,
            "topic_column": topic_column,
            "weight_column": weight_column,
            "rows": len(data.texts),
            "topic_rows": sum(1 for t in data.topics if t) if data.topics is not None else 0,
            "multi_topic_rows": sum(1 for t in data.topics if len(t) > 1) if data.topics is not None else 0,
            "with_lexicon": with_lexicon,
            "sentiment_counts": {s: data.sentiments.count(s) for s in models.sentiments},
            "training_seconds": round(seconds, 2),
        },
        "cross_validation": cv,
    }
    return save_model(out, models, manifest)


def evaluate_model(
    path: Path,
    *,
    text_column: str,
    label_column: str,
    topic_column: str | None,
    model: Path | None,
) -> dict[str, Any]:
    """Score a model (the shipped default when `model` is None) on labelled messages: sentiment accuracy,
    macro-F1 and per-class figures, the same for the topics of the rows that have one, and the measured
    throughput of the whole analysis."""
    models, manifest = default_models() if model is None else load_model(model)
    data = read_labelled(path, text_column=text_column, label_column=label_column, topic_column=topic_column)
    return evaluate_loaded(models, manifest, data, DEFAULT_MODEL_NAME if model is None else str(model))


def evaluate_loaded(models: Models, manifest: dict[str, Any], data: LabelledSet, model: str) -> dict[str, Any]:
    started = time.perf_counter()
    analyses = models.analyse(data.texts)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "file": str(data.path),
        "model": model,
        "model_trained_on": manifest.get("trained_on", {}).get("file"),
        "rows": len(data.texts),
        "sentiment": scores(data.sentiments, [a.sentiment for a in analyses], models.sentiments),
        "topics": None,
        "throughput": {
            "messages": len(data.texts),
            "seconds": round(seconds, 4),
            "messages_per_second": round(len(data.texts) / seconds) if seconds > 0 else None,
            "what": "the whole analysis (normalise, features, sentiment, topic of the negatives), one process",
        },
    }
    if data.topics is not None:
        rows = [i for i, t in enumerate(data.topics) if t]
        if models.topic is None:
            result["topics"] = {"rows": len(rows), "error": "the model has no topic head (trained without topics)"}
        else:
            predicted = models.predict_topics([data.texts[i] for i in rows])
            truth = topic_truth([data.topics[i] for i in rows], predicted)
            result["topics"] = {
                **scores(truth, predicted, models.topics),
                "scope": "rows with a topic, each given its most likely topic whatever its predicted sentiment "
                "(right when it is one of the row's topics)",
            }
    return result
