"""`goodwill listening`: train the listening models on an airline's labelled messages, and evaluate them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from goodwill.cli.output import console, print_json, table_rows
from goodwill.listening import learning

app = typer.Typer(help="Listening: the sentiment and complaint-topic models.", no_args_is_help=True)

FileArgument = Annotated[Path, typer.Argument(help="A CSV file with a header line, UTF-8.")]
TextColumn = Annotated[str, typer.Option("--text-column", help="The column holding the message.")]
LabelColumn = Annotated[
    str, typer.Option("--label-column", help="The column holding the sentiment: negative, neutral or positive.")
]
TopicColumn = Annotated[
    str | None,
    typer.Option(
        "--topic-column",
        help="The column holding the complaint topic (a taxonomy topic such as late_flight, or a known alias such "
        "as 'Late Flight'; empty for none).",
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
