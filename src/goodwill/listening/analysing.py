"""Use cases of the stored analysis: analyse feedback in bulk, let an agent correct a field, read one feedback
with its analysis, and export the corrected feedback as training data.

The analysis lives in ordinary `Feedback` columns. An agent's correction of a field is kept in
`Feedback.corrections` as {field: {"value", "previous", "by", "at"}} and wins over every later analysis: a
re-analysis writes the other fields and leaves a corrected one as the agent set it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goodwill.errors import InvalidInput, NotFound
from goodwill.listening.language import LanguageMode, is_language_code
from goodwill.listening.models import Feedback
from goodwill.listening.taxonomy import SENTIMENTS, TOPICS, topic_of
from goodwill.listening.urgency import URGENCY_CODES
from goodwill.store.bulk import chunks, update_rows

if TYPE_CHECKING:  # scikit-learn and skops load only when a model is used: commands start fast
    from goodwill.listening.analysis import Models

# The fields an agent may correct, and the columns each one governs: a corrected field's columns are never
# written by an analysis again.
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "sentiment": ("sentiment", "sentiment_confidence", "sentiment_score"),
    "topics": ("topics",),
    "is_spam": ("is_spam", "spam_confidence"),
    "language": ("language", "language_confidence"),
    "urgency": ("urgency",),
}
ANALYSED = (
    "language",
    "language_confidence",
    "is_spam",
    "spam_confidence",
    "sentiment",
    "sentiment_score",
    "sentiment_confidence",
    "topics",
    "urgency",
    "entities",
)
BATCH = 2000
# The columns of the training CSV `export_corrections` writes (what `goodwill listening train` reads).
EXPORT_COLUMNS = ("feedback_id", "text", "sentiment", "topics", "language")
# The CLI option that sets each correctable field (named in a problem's `where`).
_OPTIONS = {"sentiment": "--sentiment", "topics": "--topics", "is_spam": "--spam", "language": "--language",
            "urgency": "--urgency", "by": "--by", "body": "options"}  # fmt: skip


class FeedbackNotFound(NotFound):
    """No feedback has this id."""


def model_label(name: str, manifest: dict[str, Any]) -> str:
    """What `Feedback.analysis_model` records: the model's name and a fingerprint of its manifest (which holds
    its training figures and library versions), so two models of one name are told apart; 40 characters."""
    fingerprint = hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{name[:31]}:{fingerprint}"


@dataclass(frozen=True)
class ModelAtHand:
    models: Models
    label: str  # what `Feedback.analysis_model` records
    where: str  # the directory, or the shipped default


@lru_cache(maxsize=4)
def _load(directory: Path, _changed: float) -> ModelAtHand:
    from goodwill.listening.modelfiles import load_model

    models, manifest = load_model(directory)
    return ModelAtHand(models, model_label(directory.name, manifest), str(directory))


def find_models(directory: Path | None) -> ModelAtHand:
    """The model in `directory`, else the default model Goodwill ships. A directory is read once per process
    while its manifest is unchanged."""
    from goodwill.listening.default import default_models
    from goodwill.listening.modelfiles import MANIFEST, load_model

    if directory is not None:
        manifest_path = directory / MANIFEST
        if not manifest_path.is_file():
            load_model(directory)  # raises InvalidInput naming what is missing
        return _load(directory.resolve(), manifest_path.stat().st_mtime)
    models, manifest = default_models()
    return ModelAtHand(models, model_label(str(manifest.get("name") or "default"), manifest), "default")


@dataclass(frozen=True)
class AnalyseReport:
    analysed: int
    spam: int
    corrected_fields_kept: int
    model: str
    language_mode: str


def _selection(ids: Collection[uuid.UUID] | None, *, everything: bool, limit: int | None = None) -> Any:
    query = select(Feedback.id).order_by(Feedback.received_at, Feedback.id)
    if ids is not None:
        return query.where(Feedback.id.in_(list(ids)))
    if everything:
        return query
    # The feedback not analysed yet, taken by this transaction: on PostgreSQL a row another analysis holds is
    # skipped (FOR UPDATE SKIP LOCKED), so two workers (or a worker and the command) never analyse one feedback
    # twice; SQLite's single writer does the same by taking turns.
    pending = query.where(Feedback.analysis_model.is_(None)).with_for_update(skip_locked=True)
    return pending if limit is None else pending.limit(limit)


def count_to_analyse(session: Session, *, ids: Collection[uuid.UUID] | None = None, everything: bool = False) -> int:
    """How many feedback records `analyse_feedback` would analyse (for a progress bar)."""
    if ids is not None:
        return len(set(ids))
    query = select(func.count()).select_from(Feedback)
    return int(session.scalar(query if everything else query.where(Feedback.analysis_model.is_(None))) or 0)


def analyse_feedback(
    session: Session,
    *,
    models: Models,
    model: str,
    ids: Collection[uuid.UUID] | None = None,
    everything: bool = False,
    airports: Collection[str] = frozenset(),
    mode: LanguageMode = LanguageMode.FAST,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    limit: int | None = None,
) -> AnalyseReport:
    """Analyse feedback and store the analysis in its fields: the given ids, else every feedback not analysed
    yet, oldest first, at most `limit` of it (`everything`: all of it again). A field an agent corrected keeps the
    agent's value."""
    from goodwill.listening.pipeline import Message, analyse_messages

    wanted = [row[0] for row in session.execute(_selection(ids, everything=everything, limit=limit))]
    analysed = spam = kept = 0
    for batch in chunks(wanted, BATCH):
        rows = session.execute(
            select(Feedback.id, Feedback.text, Feedback.author, Feedback.received_at, Feedback.corrections).where(
                Feedback.id.in_(batch)
            )
        ).all()
        messages = [
            Message(
                text,
                author,
                received_at.year,
                bool(corrections["is_spam"]["value"]) if "is_spam" in (corrections or {}) else None,
            )
            for _id, text, author, received_at, corrections in rows
        ]
        results = analyse_messages(messages, models, airports=airports, mode=mode)
        by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for (feedback_id, *_rest, corrections), result in zip(rows, results, strict=True):
            protected = {c for name in corrections or {} for c in CORRECTABLE.get(name, ())}
            kept += len(corrections or {})
            columns = tuple(c for c in ANALYSED if c not in protected)
            values = result.fields()
            by_columns.setdefault(columns, []).append((feedback_id, *(values[c] for c in columns), model, now))
            spam += result.is_spam
        for columns, updates in by_columns.items():
            update_rows(session, Feedback.__table__, (*columns, "analysis_model", "updated_at"), updates)
        analysed += len(rows)
        if progress is not None:
            progress(analysed)
    return AnalyseReport(analysed, spam, kept, model, mode.value)


def get_feedback(session: Session, *, feedback_id: uuid.UUID) -> Feedback:
    """One feedback record with its analysis and corrections."""
    feedback = session.get(Feedback, feedback_id, populate_existing=True)
    if feedback is None:
        raise FeedbackNotFound(f"no feedback {feedback_id}", feedback_id=str(feedback_id))
    return feedback


def feedback_analysis(feedback: Feedback) -> dict[str, Any]:
    """A feedback's analysis as plain values: each field with its confidence, the model, the corrections."""
    return {
        "id": feedback.id,
        "language": feedback.language,
        "language_confidence": feedback.language_confidence,
        "is_spam": feedback.is_spam,
        "spam_confidence": feedback.spam_confidence,
        "sentiment": feedback.sentiment,
        "sentiment_score": feedback.sentiment_score,
        "sentiment_confidence": feedback.sentiment_confidence,
        "topics": list(feedback.topics or []),
        "urgency": list(feedback.urgency or []),
        "entities": dict(feedback.entities or {}),
        "analysis_model": feedback.analysis_model,
        "corrections": dict(feedback.corrections or {}),
    }


@dataclass(frozen=True)
class Correction:
    """What an agent says a field should be (None: not corrected)."""

    sentiment: str | None = None
    topics: Sequence[str] | None = None
    is_spam: bool | None = None
    language: str | None = None
    urgency: Sequence[str] | None = None


def check_correction(correction: Correction) -> dict[str, Any]:
    """The corrected fields with their normal values; InvalidInput naming every field that is wrong."""
    problems: list[dict[str, Any]] = []
    values: dict[str, Any] = {}
    if correction.sentiment is not None:
        sentiment = correction.sentiment.strip().lower()
        if sentiment in SENTIMENTS:
            values["sentiment"] = sentiment
        else:
            problems.append(
                {
                    "loc": ["sentiment"],
                    "msg": f"unknown sentiment {correction.sentiment!r}; one of {', '.join(SENTIMENTS)}",
                }
            )
    if correction.topics is not None:
        topics = [topic_of(t) for t in correction.topics if t.strip()]
        unknown = [t for t, found in zip(correction.topics, topics, strict=False) if t.strip() and found is None]
        if unknown:
            problems.append({"loc": ["topics"], "msg": f"unknown topics {unknown}; topics are {', '.join(TOPICS)}"})
        else:
            values["topics"] = list(dict.fromkeys(t for t in topics if t))
    if correction.is_spam is not None:
        values["is_spam"] = correction.is_spam
    if correction.language is not None:
        language = correction.language.strip().lower()
        if is_language_code(language):
            values["language"] = language
        else:
            problems.append(
                {"loc": ["language"], "msg": f"{correction.language!r} is not an ISO 639-1 code (two letters, e.g. fr)"}
            )
    if correction.urgency is not None:
        codes = [u.strip().lower() for u in correction.urgency if u.strip()]
        unknown = [u for u in codes if u not in URGENCY_CODES]
        if unknown:
            problems.append(
                {"loc": ["urgency"], "msg": f"unknown urgency {unknown}; one of {', '.join(URGENCY_CODES)}"}
            )
        else:
            values["urgency"] = [u for u in URGENCY_CODES if u in codes]
    if not values and not problems:
        problems.append({"loc": ["body"], "msg": "give at least one of sentiment, topics, is_spam, language, urgency"})
    if problems:
        for problem in problems:
            problem["where"] = _OPTIONS[problem["loc"][0]]
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise InvalidInput(f"the correction is not valid ({count}); nothing was changed", problems=problems)
    return values


def correct_feedback(
    session: Session, *, feedback_id: uuid.UUID, correction: Correction, by: str, now: datetime
) -> tuple[Feedback, dict[str, Any]]:
    """An agent corrects fields of a feedback's analysis; returns the feedback and what changed
    {field: {"value", "previous"}}. The agent's value wins over every later analysis.

    A spam verdict corrected marks the feedback to be analysed again (`analysis_model` cleared), since a
    message that is not spam gets a sentiment and topics, and one that is gets none.
    """
    values = check_correction(correction)
    if not by.strip():
        raise InvalidInput(
            "who corrects must be named", problems=[{"loc": ["by"], "msg": "empty", "where": _OPTIONS["by"]}]
        )
    feedback = get_feedback(session, feedback_id=feedback_id)
    corrections = dict(feedback.corrections or {})
    changed: dict[str, Any] = {}
    at = now.isoformat()
    for name, value in values.items():
        previous = getattr(feedback, name)
        previous = list(previous) if isinstance(previous, list) else previous
        corrections[name] = {"value": value, "previous": previous, "by": by.strip(), "at": at}
        changed[name] = {"value": value, "previous": previous}
        setattr(feedback, name, value)
    if "sentiment" in values:
        feedback.sentiment_confidence = 1.0
        feedback.sentiment_score = None  # the model's intensity no longer belongs to the label
    if "language" in values:
        feedback.language_confidence = 1.0
    if "is_spam" in values:
        feedback.spam_confidence = 1.0
        feedback.analysis_model = None
    feedback.corrections = corrections
    feedback.updated_at = now
    session.flush()
    return feedback, changed


def corrected_rows(session: Session) -> Iterable[dict[str, str]]:
    """The feedback whose sentiment or topics an agent corrected, as training rows: its text and each field's
    final value (the agent's where corrected). Spam and feedback without a sentiment are left out; so is feedback
    where only other fields were corrected (its sentiment is the model's own guess, no lesson for a model)."""
    query = select(
        Feedback.id,
        Feedback.text,
        Feedback.sentiment,
        Feedback.topics,
        Feedback.language,
        Feedback.is_spam,
        Feedback.corrections,
    ).order_by(Feedback.received_at, Feedback.id)  # fmt: skip
    for feedback_id, text, sentiment, topics, language, is_spam, corrections in session.execute(query):
        taught = "sentiment" in (corrections or {}) or "topics" in (corrections or {})
        if not taught or not text.strip() or sentiment is None or is_spam:
            continue
        yield {
            "feedback_id": str(feedback_id),
            "text": text,
            "sentiment": sentiment,
            # Complaint topics belong to complaints: a message an agent called neutral keeps none of the model's.
            "topics": ";".join(topics or []) if sentiment == "negative" else "",
            "language": language or "",
        }


def export_corrections(session: Session, *, out: Path) -> int:
    """Write the corrected feedback to a CSV `goodwill listening train` reads (text, sentiment, topics); the
    number of rows written."""
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in corrected_rows(session):
            writer.writerow(row)
            count += 1
    return count
