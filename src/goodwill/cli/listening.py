"""`goodwill listening`: train the listening models on an airline's labelled messages and evaluate them; analyse
stored feedback, correct its analysis and export the corrections as training data."""

from __future__ import annotations

import dataclasses
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.audit import service as audit
from goodwill.cli import listening_loop
from goodwill.cli.context import state
from goodwill.cli.output import console, print_json, progress, table_rows
from goodwill.flights import service as flights
from goodwill.kit.time import utc_now
from goodwill.listening import analysing
from goodwill.listening.language import LanguageMode
from goodwill.listening.taxonomy import SENTIMENTS
from goodwill.listening.urgency import URGENCY_CODES

app = typer.Typer(
    help="Listening: the sentiment and complaint-topic models, and the analysis stored on feedback.",
    no_args_is_help=True,
)
ACTOR = "cli"


class SpamAnswer(StrEnum):
    YES = "yes"
    NO = "no"


FileArgument = Annotated[Path, typer.Argument(help="A CSV file with a header line, UTF-8.")]
TextColumn = Annotated[str, typer.Option("--text-column", help="The column holding the message.")]
LabelColumn = Annotated[
    str, typer.Option("--label-column", help="The column holding the sentiment: negative, neutral or positive.")
]
TopicColumn = Annotated[
    str | None,
    typer.Option(
        "--topic-column",
        help="The column holding the complaint topics (a taxonomy topic such as late_flight, or a known alias such "
        "as 'Late Flight'; several separated by ';', e.g. 'late_flight;lost_baggage'; empty for none).",
    ),
]


@app.command("train")
def train(
    file: FileArgument,
    out: Annotated[Path, typer.Option("--out", help="The model directory to write (created if needed).")],
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    topic_column: TopicColumn = None,
    weight_column: Annotated[
        str | None,
        typer.Option("--weight-column", help="A column of row weights >= 0, e.g. the labellers' confidence."),
    ] = None,
    cv_folds: Annotated[
        int, typer.Option("--cv-folds", min=0, help="Folds of the cross-validation recorded in the manifest; 0: none.")
    ] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Train the sentiment (and, with --topic-column, complaint-topic) models on labelled messages.

    Writes a model directory: the fitted models (skops format) and manifest.json with the labels, topics, training
    rows, cross-validated figures and library versions. A file with a missing column, no rows or an unknown label
    is refused, naming the file, line and column.

    Example:

        goodwill listening train history.csv --label-column sentiment --topic-column reason --out models/ours
    """
    from goodwill.listening import learning  # scikit-learn: loaded when a model is trained

    manifest = learning.train_model(
        file,
        text_column=text_column,
        label_column=label_column,
        topic_column=topic_column,
        weight_column=weight_column,
        out=out,
        cv_folds=cv_folds,
    )
    if as_json:
        print_json(manifest)
        return
    trained = manifest["trained_on"]
    rows: list[tuple[str, Any]] = [
        ("model", str(out)),
        ("rows", trained["rows"]),
        ("sentiments", ", ".join(f"{k} {v}" for k, v in trained["sentiment_counts"].items())),
        ("topics", ", ".join(manifest["topics"]) or "none"),
        ("training seconds", trained["training_seconds"]),
    ]
    cv = manifest["cross_validation"]
    if cv:
        for name in ("sentiment_accuracy", "sentiment_macro_f1", "topic_macro_f1"):
            if name in cv:
                rows.append((f"cv {name}", f"{cv[name]['mean']} (mean of {cv['folds']} folds)"))
    table_rows(rows)


@app.command("evaluate")
def evaluate(
    file: FileArgument,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="A model directory written by `goodwill listening train`; without it, the default model shipped "
            "with Goodwill.",
        ),
    ] = None,
    text_column: TextColumn = "text",
    label_column: LabelColumn = "label",
    topic_column: TopicColumn = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score a model on labelled messages: accuracy, macro-F1 and per-class precision, recall and F1 for the
    sentiment and the topics, and the measured throughput (messages per second).

    Without --model, the default model shipped with Goodwill (trained on the team's own corpus) is scored.

    Example:

        goodwill listening evaluate held_out.csv --text-column text --label-column sentiment --model models/ours --json
        goodwill listening evaluate held_out.csv --label-column sentiment --topic-column reason
    """
    from goodwill.listening import learning

    result = learning.evaluate_model(
        file, text_column=text_column, label_column=label_column, topic_column=topic_column, model=model
    )
    if as_json:
        print_json(result)
        return
    for name in ("sentiment", "topics"):
        figures = result[name]
        if not figures or "per_class" not in figures:
            continue
        table = Table(title=f"{name}: accuracy {figures['accuracy']}, macro-F1 {figures['macro_f1']}")
        for column in ("class", "precision", "recall", "f1", "support"):
            table.add_column(column, justify="left" if column == "class" else "right")
        for label, c in figures["per_class"].items():
            table.add_row(label, str(c["precision"]), str(c["recall"]), str(c["f1"]), str(c["support"]))
        console.print(table)
    console.print(f"{result['throughput']['messages_per_second']} messages per second ({result['rows']} messages)")


# ---- the stored analysis: analyse, correct, export corrections ----------------------------------------------

ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="A model directory written by `goodwill listening train` (default: GOODWILL_LISTENING_MODEL, else the "
        "model Goodwill ships).",
    ),
]
LanguageModeOption = Annotated[
    LanguageMode | None,
    typer.Option(
        "--language-mode",
        help="Language detection: fast (default) or accurate (default: GOODWILL_LISTENING_LANGUAGE_MODE).",
    ),
]


def _models(ctx: typer.Context, model: Path | None) -> analysing.ModelAtHand:
    return analysing.find_models(model or state(ctx).settings.listening_model)


def _mode(ctx: typer.Context, mode: LanguageMode | None) -> LanguageMode:
    return mode or LanguageMode(state(ctx).settings.listening_language_mode)


def analyse_stored(
    ctx: typer.Context,
    *,
    at_hand: analysing.ModelAtHand,
    mode: LanguageMode,
    ids: list[uuid.UUID] | None = None,
    everything: bool = False,
    show_progress: bool = True,
) -> analysing.AnalyseReport:
    """Analyse stored feedback in one transaction, with a progress bar on a terminal; audited."""
    with state(ctx).unit_of_work() as session:
        total = analysing.count_to_analyse(session, ids=ids, everything=everything)
        with progress(enabled=show_progress and total > analysing.BATCH) as bar:
            task = bar.add_task("analyse feedback", total=total)
            report = analysing.analyse_feedback(
                session,
                models=at_hand.models,
                model=at_hand.label,
                ids=ids,
                everything=everything,
                airports=flights.known_airport_codes(),
                mode=mode,
                now=utc_now(),
                progress=lambda n: bar.update(task, completed=n),
            )
        audit.record(
            session,
            actor=ACTOR,
            action="feedback.analysed",
            entity_type="feedback",
            details={"analysed": report.analysed, "model": report.model, "language_mode": report.language_mode},
        )
    return report


@app.command("analyse")
def analyse(
    ctx: typer.Context,
    pending: Annotated[
        bool, typer.Option("--pending/--all", help="Only feedback not analysed yet (default), or all of it again.")
    ] = True,
    model: ModelOption = None,
    language_mode: LanguageModeOption = None,
    loop: Annotated[
        bool,
        typer.Option("--loop/--no-loop", help="Then run the closed loop (`goodwill listening loop`) on what is ready."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Analyse stored feedback: language, spam, sentiment, topics, urgency and entities, written to its fields.

    A field an agent corrected keeps the agent's value. Spam gets a language but no sentiment, topics or urgency.
    Then, unless --no-loop, the closed loop opens or joins a case for the feedback that needs a person (in its
    own transaction: the analysis stays stored if the loop fails, and the loop can be run again).

    Example:

        goodwill listening analyse --all --model models/ours
    """
    at_hand = _models(ctx, model)
    report = analyse_stored(ctx, at_hand=at_hand, mode=_mode(ctx, language_mode), everything=not pending,
                            show_progress=not as_json)  # fmt: skip
    body: dict[str, Any] = {**dataclasses.asdict(report), "model_directory": at_hand.where}
    if loop:
        body["loop"] = listening_loop.run_loop(ctx).as_dict()
    if as_json:
        print_json(body)
        return
    looped = body.pop("loop", None)
    table_rows(body.items())
    if looped:
        table_rows((f"loop {k.replace('_', ' ')}", v) for k, v in looped.items() if k not in ("opened", "joined"))


def _csv(value: str | None) -> list[str] | None:
    return None if value is None else [part.strip() for part in value.split(",") if part.strip()]


@app.command("correct")
def correct(
    ctx: typer.Context,
    feedback_id: Annotated[uuid.UUID, typer.Argument(help="The feedback's id.")],
    by: Annotated[str, typer.Option("--by", help="Who corrects (an agent's name or id).")],
    sentiment: Annotated[str | None, typer.Option("--sentiment", help=f"One of {', '.join(SENTIMENTS)}.")] = None,
    topics: Annotated[
        str | None,
        typer.Option("--topics", help="Complaint topics, comma separated (e.g. late_flight,crew); '' for none."),
    ] = None,
    spam: Annotated[SpamAnswer | None, typer.Option("--spam", help="yes or no.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="ISO 639-1 code, e.g. fr.")] = None,
    urgency: Annotated[
        str | None, typer.Option("--urgency", help=f"Comma separated, of {', '.join(URGENCY_CODES)}; '' for none.")
    ] = None,
    model: ModelOption = None,
    language_mode: LanguageModeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the feedback's analysis as JSON.")] = False,
) -> None:
    """Correct a feedback's analysis; the correction wins over every later analysis and becomes training data.

    Correcting the spam verdict analyses the message again (a genuine message gets a sentiment and topics).

    Example:

        goodwill listening correct 0b6f6c1e-3f0a-4c8e-9d7e-2a1b5c9d8e7f --topics late_flight,crew --by ana
    """
    correction = analysing.Correction(
        sentiment=sentiment,
        topics=_csv(topics),
        is_spam=None if spam is None else spam is SpamAnswer.YES,
        language=language,
        urgency=_csv(urgency),
    )
    with state(ctx).unit_of_work() as session:
        _feedback, changed = analysing.correct_feedback(
            session, feedback_id=feedback_id, correction=correction, by=by, now=utc_now()
        )
        audit.record(
            session,
            actor=ACTOR,
            action="feedback.corrected",
            entity_type="feedback",
            entity_id=str(feedback_id),
            details={"by": by, "fields": changed},
        )
    if "is_spam" in changed:
        analyse_stored(ctx, at_hand=_models(ctx, model), mode=_mode(ctx, language_mode), ids=[feedback_id],
                       show_progress=False)  # fmt: skip
    with state(ctx).unit_of_work() as session:
        view = analysing.feedback_analysis(analysing.get_feedback(session, feedback_id=feedback_id))
        audit.record(session, actor=ACTOR, action="feedback.viewed", entity_type="feedback", entity_id=str(feedback_id))
    if as_json:
        print_json(view)
        return
    table_rows((name, value) for name, value in view.items() if name != "corrections")
    for name, change in view["corrections"].items():
        console.print(
            f"corrected {name}: {change['previous']!r} -> {change['value']!r} by {change['by']} at {change['at']}"
        )


@app.command("corrections")
def corrections(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the count as JSON.")] = False,
) -> None:
    """Export the feedback agents corrected as a training CSV (text, sentiment, topics, language).

    Spam and feedback without a sentiment are left out. Train on it with
    `goodwill listening train FILE --text-column text --label-column sentiment --topic-column topics`.

    Example:

        goodwill listening corrections --out corrected.csv
    """
    with state(ctx).unit_of_work() as session:
        rows = analysing.export_corrections(session, out=out)
        audit.record(session, actor=ACTOR, action="feedback.exported", entity_type="feedback", details={"rows": rows})
    if as_json:
        print_json({"file": str(out), "rows": rows})
        return
    console.print(f"{rows} corrected feedback written to {out}")
