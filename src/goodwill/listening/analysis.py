"""The listening models: what a message says about the airline (sentiment) and what it complains about (topic).

Pure: texts and labels in, fitted scikit-learn objects and analyses out; no files, no clock, no settings.
The choice of features and classifiers is ADR 0012, with the cross-validated figures in docs/BENCHMARKS.md.

One feature extraction serves both heads, so a message is normalised and vectorised once:
normalised text -> word 1-2-grams and char_wb 2-5-grams (TF-IDF, sublinear; `features.CharNgramTfidf`)
  (+ lexicon counts, when asked: they did not help on the tweets, see ADR 0012)
  -> sentiment: linear SVM, classes balanced, calibrated by temperature scaling
  -> topics (complaints only, several per message): one linear SVM per topic (about it or not), balanced,
     calibrated by a sigmoid (`TopicClassifier`); every topic whose probability reaches TOPIC_THRESHOLD is one
     of the message's topics, best first, and the best is `topic`

One mode only: the most accurate combination measured (an NB-LR + SVM ensemble) gained less than one point at half
the speed, see ADR 0012.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from goodwill.listening import lexicon
from goodwill.listening.features import CharNgramTfidf
from goodwill.listening.taxonomy import SENTIMENTS
from goodwill.listening.text import normalise

FloatArray = NDArray[np.float64]

# Chosen by 5-fold cross-validation on the airline tweets (docs/BENCHMARKS.md, "Listening models").
SENTIMENT_C = 0.1
TOPIC_C = 0.1
LEXICON_SCALE = 0.3
CALIBRATION_FOLDS = 3
# A message's topics: every topic with at least this calibrated probability (the best one always): each topic's
# probability is its own (one-vs-rest), so a message about two things can be sure of both (ADR 0016).
TOPIC_THRESHOLD = 0.5

TopicLabels = Sequence[str] | str | None


def topic_tuple(value: TopicLabels) -> tuple[str, ...]:
    """One row's topics as a tuple: a topic id alone, several, or none (None or empty)."""
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def normalise_all(texts: Sequence[str]) -> list[str]:
    """`text.normalise` over a batch (the first step of every feature pipeline)."""
    return [normalise(t) for t in texts]


def lexicon_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """The lexicon counts of normalised texts, scaled to sit beside TF-IDF values."""
    values = np.array([lexicon.counts(t) for t in texts], dtype=np.float64).reshape(len(texts), -1)
    return sparse.csr_matrix(values * LEXICON_SCALE)


def make_features(*, with_lexicon: bool = False) -> Pipeline:
    """Raw texts -> the sparse features both heads read."""
    parts: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, lowercase=False, dtype=np.float32)),
        ("chars", CharNgramTfidf(ngram_range=(2, 5), min_df=2)),
    ]
    if with_lexicon:
        parts.append(("lexicon", FunctionTransformer(lexicon_matrix)))
    return Pipeline([("normalise", FunctionTransformer(normalise_all)), ("features", FeatureUnion(parts))])


def _calibrated_svm(c: float, labels: Sequence[str]) -> CalibratedClassifierCV | LinearSVC:
    """A balanced linear SVM whose scores become probabilities by temperature scaling, fitted on out-of-fold
    scores (the SVM used to predict is the one fitted on all rows)."""
    smallest = min(Counter(labels).values())
    svm = LinearSVC(C=c, class_weight="balanced")
    return CalibratedClassifierCV(svm, method="temperature", cv=min(CALIBRATION_FOLDS, smallest), ensemble=False)


class TopicClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Complaint topics, several per message: for each topic, a linear SVM (classes balanced) that tells the
    messages about it from the others, its scores turned into a probability by a sigmoid fitted on out-of-fold
    scores. The probabilities are independent (they need not sum to 1); `predict` gives the most likely topic."""

    def __init__(self, c: float = TOPIC_C) -> None:
        self.c = c

    def fit(self, x: Any, y: Sequence[tuple[str, ...]]) -> TopicClassifier:
        self.classes_ = np.asarray(sorted({t for row in y for t in row}))
        self.estimators_ = []
        for topic in self.classes_:
            target = np.fromiter((topic in row for row in y), dtype=np.int64, count=len(y))
            about = int(target.sum())
            folds = min(CALIBRATION_FOLDS, about, len(target) - about)
            if folds < 2:
                raise ValueError(f"topic {topic!r} needs two rows with it and two without, got {about} of {len(y)}")
            svm = LinearSVC(C=self.c, class_weight="balanced")
            model = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
            self.estimators_.append(model.fit(x, target))
        return self

    def predict_proba(self, x: Any) -> FloatArray:
        """P(the message is about the topic), one column per topic of `classes_`: the same as each calibrated
        model's own predict_proba, with the SVMs' scores computed in one product instead of one per topic."""
        fitted = [e.calibrated_classifiers_[0] for e in self.estimators_]
        weights = np.vstack([f.estimator.coef_ for f in fitted])
        bias = np.concatenate([f.estimator.intercept_ for f in fitted])
        scores = np.asarray(x @ weights.T) + bias
        return np.column_stack([f.calibrators[0].predict(scores[:, k]) for k, f in enumerate(fitted)]).astype(
            np.float64
        )

    def predict(self, x: Any) -> NDArray[np.str_]:
        result: NDArray[np.str_] = self.classes_[self.predict_proba(x).argmax(axis=1)]
        return result


@dataclass(frozen=True)
class Analysis:
    sentiment: str
    sentiment_confidence: float
    # P(positive) - P(negative): -1 angry ... +1 delighted; the intensity beside the label.
    sentiment_score: float
    topic: str | None
    topic_confidence: float | None
    # Every topic whose calibrated probability reaches TOPIC_THRESHOLD, best first (`topic` is the first), with
    # their probabilities in the same order; empty when `topic` is None.
    topics: tuple[str, ...] = ()
    topic_confidences: tuple[float, ...] = ()


@dataclass
class Models:
    """The fitted models: the features both heads read, the sentiment head and, when trained, the topic head."""

    features: Pipeline
    sentiment: Any
    topic: Any | None = None

    @property
    def sentiments(self) -> list[str]:
        return [str(c) for c in self.sentiment.classes_]

    @property
    def topics(self) -> list[str]:
        return [] if self.topic is None else [str(c) for c in self.topic.classes_]

    def analyse(self, texts: Sequence[str], *, topic_threshold: float = TOPIC_THRESHOLD) -> list[Analysis]:
        """Sentiment with its confidence and intensity for each text, and the topics of each negative one."""
        if not texts:
            return []
        x = self.features.transform(texts)
        probabilities = self.sentiment.predict_proba(x)
        labels = self.sentiments
        best = probabilities.argmax(axis=1)
        zeros = np.zeros(len(texts))
        positive = probabilities[:, labels.index("positive")] if "positive" in labels else zeros
        negative = probabilities[:, labels.index("negative")] if "negative" in labels else zeros
        found: list[tuple[tuple[str, ...], tuple[float, ...]]] = [((), ())] * len(texts)
        negatives = np.flatnonzero(np.asarray(labels)[best] == "negative")
        if self.topic is not None and negatives.size:
            topic_probabilities = self.topic.predict_proba(x[negatives])
            topic_labels = self.topics
            for row, p in zip(negatives.tolist(), topic_probabilities, strict=True):
                order = np.argsort(-p, kind="stable")
                chosen = [int(k) for j, k in enumerate(order) if j == 0 or p[k] >= topic_threshold]
                found[row] = (tuple(topic_labels[k] for k in chosen), tuple(round(float(p[k]), 4) for k in chosen))
        return [
            Analysis(
                sentiment=labels[k],
                sentiment_confidence=round(float(probabilities[i, k]), 4),
                sentiment_score=round(float(positive[i] - negative[i]), 4) + 0.0,  # never -0.0
                topic=found[i][0][0] if found[i][0] else None,
                topic_confidence=found[i][1][0] if found[i][1] else None,
                topics=found[i][0],
                topic_confidences=found[i][1],
            )
            for i, k in enumerate(best.tolist())
        ]

    def predict_topics(self, texts: Sequence[str]) -> list[str]:
        """The most likely topic of each text, whatever its sentiment (to measure the topic head alone)."""
        if self.topic is None or not texts:
            return []
        return [str(t) for t in self.topic.predict(self.features.transform(texts))]


def train(
    texts: Sequence[str],
    sentiments: Sequence[str],
    *,
    topics: Sequence[TopicLabels] | None = None,
    weights: Sequence[float] | None = None,
    with_lexicon: bool = False,
) -> Models:
    """Fit the models on labelled texts: every text has a sentiment; a complaint may also have topics (a topic id,
    a sequence of them, or None). `weights` (one per text, e.g. the labellers' confidence) weigh the sentiment
    rows. A text with several topics is a topic example of each of them.

    Every label needs at least two rows (the calibration is cross-validated): the caller checks that with a message
    naming its file; here it is a ValueError.
    """
    unknown = sorted(set(sentiments) - set(SENTIMENTS))
    if unknown:
        raise ValueError(f"unknown sentiment labels: {unknown}")
    counts = Counter(sentiments)
    if len(counts) < 2 or min(counts.values()) < 2:
        raise ValueError(f"need two labels or more with two rows each, got {dict(counts)}")
    features = make_features(with_lexicon=with_lexicon)
    x = features.fit_transform(texts)
    sample_weight = None if weights is None else np.asarray(weights, dtype=np.float64)
    sentiment = _calibrated_svm(SENTIMENT_C, sentiments).fit(x, np.asarray(sentiments), sample_weight=sample_weight)
    topic = None
    if topics is not None:
        rows = [i for i, t in enumerate(topics) if topic_tuple(t)]
        labels = [topic_tuple(topics[i]) for i in rows]
        topic_counts = Counter(t for row in labels for t in row)
        if len(topic_counts) >= 2 and min(topic_counts.values()) >= 2:
            topic = TopicClassifier(TOPIC_C).fit(x[rows], labels)
        elif topic_counts:
            raise ValueError(f"need two topics or more with two rows each, got {dict(topic_counts)}")
    return Models(features=features, sentiment=sentiment, topic=topic)
