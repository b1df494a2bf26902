"""How good the listening models are: accuracy, macro-F1 and per-class figures, and k-fold cross-validation.

Pure: labels and predictions in, figures out; the clock (for throughput) is the caller's.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from goodwill.listening.analysis import TopicLabels, topic_tuple, train


def scores(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class precision, recall, F1 and support, over the labels of `truth` and
    `labels` (a label the model knows but the data lacks counts with zero support)."""
    classes = sorted(set(truth) | set(labels or ()))
    if not truth:
        return {"rows": 0, "accuracy": None, "macro_f1": None, "per_class": {}}
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=classes, zero_division=0.0
    )
    present = [c for c in classes if c in set(truth)]
    return {
        "rows": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        # Over the classes the data has: a class absent from the data cannot be recalled.
        "macro_f1": round(float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0.0)), 4),
        "per_class": {
            c: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
    }


def topic_truth(topics: Sequence[TopicLabels], predicted: Sequence[str]) -> list[str]:
    """The topic each row's best guess is judged against: the guess itself when the row names it among its
    topics, else the row's first topic (a row with one topic: that topic)."""
    truth = []
    for labels, guess in zip(topics, predicted, strict=True):
        row = topic_tuple(labels)
        truth.append(guess if guess in row else row[0])
    return truth


def cross_validate(
    texts: Sequence[str],
    sentiments: Sequence[str],
    *,
    topics: Sequence[TopicLabels] | None = None,
    weights: Sequence[float] | None = None,
    folds: int = 5,
    seed: int = 0,
) -> dict[str, Any] | None:
    """Train on k-1 folds, score the k-th, k times (folds stratified by sentiment): each fold's sentiment accuracy
    and macro-F1 and topic macro-F1 (on the fold's rows that have a topic), with their mean and median.

    Fewer folds when the rarest sentiment has fewer rows than `folds`; None when it has fewer than two.
    """
    k = min(folds, min(Counter(sentiments).values()))
    if k < 2:
        return None
    y = np.asarray(sentiments)
    per_fold: list[dict[str, float | None]] = []
    for train_rows, test_rows in StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        fold_topics = None if topics is None else [topic_tuple(topics[i]) for i in train_rows]
        if fold_topics is not None:
            usable = {t for t, n in Counter(t for row in fold_topics for t in row).items() if n >= 2}
            fold_topics = [tuple(t for t in row if t in usable) for row in fold_topics]
        models = train(
            [texts[i] for i in train_rows],
            [sentiments[i] for i in train_rows],
            topics=fold_topics,
            weights=None if weights is None else [weights[i] for i in train_rows],
        )
        test_texts = [texts[i] for i in test_rows]
        predicted = [a.sentiment for a in models.analyse(test_texts)]
        sentiment = scores([sentiments[i] for i in test_rows], predicted)
        fold: dict[str, float | None] = {
            "sentiment_accuracy": sentiment["accuracy"],
            "sentiment_macro_f1": sentiment["macro_f1"],
        }
        if topics is not None:
            topic_rows = [i for i in test_rows if topic_tuple(topics[i])]
            guessed = models.predict_topics([texts[i] for i in topic_rows])
            truth = topic_truth([topics[i] for i in topic_rows], guessed) if guessed else []
            fold["topic_macro_f1"] = scores(truth, guessed)["macro_f1"] if guessed else None
        per_fold.append(fold)
    summary: dict[str, Any] = {"folds": k, "seed": seed, "per_fold": per_fold}
    for name in per_fold[0]:
        values = [float(v) for f in per_fold if (v := f[name]) is not None]
        if values:
            summary[name] = {
                "mean": round(statistics.fmean(values), 4),
                "median": round(statistics.median(values), 4),
                "stdev": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
            }
    return summary
