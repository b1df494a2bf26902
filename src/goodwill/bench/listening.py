"""The listening benchmark: messages per second of the whole analysis in each language mode, against a floor.

Messages: the airline tweets of the shared evaluation data when present (read at run time, never shipped),
else the corpus the shipped default model was trained on, repeated to N messages.
Timed (each `repeats` times; the median is reported): the whole analysis of `pipeline.analyse_messages`
(language, spam, sentiment and topics, urgency, entities) in the fast and the accurate language mode, and each
step alone, so the cost of each is seen. The detectors are built and the models loaded before any timing.
The floor: `text.normalise` over the same messages, the first step the models take on every message (the
least any analysis of the words costs in Python on this machine).
"""

from __future__ import annotations

import csv
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goodwill.flights.service import known_airport_codes
from goodwill.listening import analysing
from goodwill.listening.default import DEFAULT_CORPUS
from goodwill.listening.entities import extract
from goodwill.listening.language import LanguageMode, detect_languages, detector
from goodwill.listening.pipeline import Message, analyse_messages
from goodwill.listening.spam import judge
from goodwill.listening.text import normalise
from goodwill.listening.urgency import urgency

TWEETS = Path("airline_tweets") / "tweets_dev.csv"


def read_messages(shared_data: Path, count: int) -> tuple[list[Message], str]:
    """`count` messages and where they came from."""
    source = shared_data / TWEETS
    if source.is_file():
        with source.open(encoding="utf-8") as handle:
            rows = [(row["text"], row["name"]) for row in csv.DictReader(handle)]
        where = f"{TWEETS} (shared evaluation data)"
    else:
        corpus = DEFAULT_CORPUS
        with corpus.open(encoding="utf-8") as handle:
            rows = [(row["text"], None) for row in csv.DictReader(handle)]
        where = f"{corpus.name} (the shipped model's corpus)"
    messages = [Message(text, f"@{author}" if author else None, 2015) for text, author in rows]
    repeated = (messages * (count // max(len(messages), 1) + 1))[:count]
    return repeated, where


def _median_rate(run: Callable[[], object], messages: int, repeats: int) -> dict[str, Any]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    return {
        "seconds_median": round(median, 4),
        "seconds_each": [round(s, 4) for s in seconds],
        "messages_per_second": round(messages / median),
    }


def run(*, messages: int, model: Path | None, shared_data: Path, repeats: int = 3) -> dict[str, Any]:
    """Time the whole analysis in each mode, each step alone, and the floor."""
    at_hand = analysing.find_models(model)
    batch, source = read_messages(shared_data, messages)
    texts = [m.text for m in batch]
    airports = known_airport_codes()
    started = time.perf_counter()
    for mode in LanguageMode:
        detector(mode)
        detect_languages(texts[:50], mode=mode)  # the accurate mode loads its models as texts need them
    setup = time.perf_counter() - started
    at_hand.models.analyse(texts[:50])
    n = len(batch)
    floor = _median_rate(lambda: [normalise(t) for t in texts], n, repeats)

    def whole_analysis(mode: LanguageMode) -> Callable[[], object]:
        return lambda: analyse_messages(batch, at_hand.models, airports=airports, mode=mode)

    whole = {mode.value: _median_rate(whole_analysis(mode), n, repeats) for mode in LanguageMode}
    for figures in whole.values():
        figures["ratio_to_floor"] = round(figures["seconds_median"] / floor["seconds_median"], 1)
    steps = {
        "language_fast": _median_rate(lambda: detect_languages(texts, mode=LanguageMode.FAST), n, repeats),
        "language_accurate": _median_rate(lambda: detect_languages(texts, mode=LanguageMode.ACCURATE), n, repeats),
        "spam": _median_rate(lambda: [judge(m.text, author=m.author) for m in batch], n, repeats),
        "sentiment_and_topics": _median_rate(lambda: at_hand.models.analyse(texts), n, repeats),
        "urgency": _median_rate(lambda: [urgency(t) for t in texts], n, repeats),
        "entities": _median_rate(lambda: [extract(t, airports=airports, year=2015) for t in texts], n, repeats),
    }
    return {
        "benchmark": "listening",
        "messages": n,
        "source": source,
        "model": at_hand.label,
        "repeats": repeats,
        "whole_analysis": whole,
        "goal_messages_per_second": 5000,
        "floor": {**floor, "what": "text.normalise alone over the same messages"},
        "steps": steps,
        "detector_setup_seconds": round(setup, 2),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
        },
    }
