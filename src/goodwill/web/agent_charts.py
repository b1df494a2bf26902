"""Small charts for the agent's pages, drawn by the server as inline SVG: the geometry is computed here, the
templates only place it. Colours are the console's (WCAG AA on white); every chart has a text equivalent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from goodwill.kit.time import spoken_span

GOOD, WARN, BAD, NEUTRAL, ACCENT = "#1b7f3b", "#9a5b00", "#b3261e", "#6b7a90", "#0b6e99"
SENTIMENT_COLOURS = {"positive": GOOD, "negative": BAD, "neutral": NEUTRAL}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str


@dataclass(frozen=True)
class Strip:
    width: int
    height: int
    mid: float
    bars: list[Bar]
    summary: str


def _score(sentiment: str | None, score: float | None) -> float:
    if score is not None:
        return max(-1.0, min(1.0, score))
    return {"positive": 0.6, "negative": -0.6}.get(sentiment or "", 0.1)


def sentiment_strip(feedback: Sequence[Any], *, width: int = 480, height: int = 64) -> Strip:
    """One bar per feedback, oldest on the left: up and green when positive, down and red when negative, its
    length the sentiment's strength. `feedback` is newest first (as the 360 holds it)."""
    items = [f for f in reversed(list(feedback)) if not getattr(f, "is_spam", False)]
    mid = height / 2
    if not items:
        return Strip(width, height, mid, [], "no feedback yet")
    step = width / max(len(items), 12)
    bars = []
    for i, f in enumerate(items):
        value = _score(f.sentiment, f.sentiment_score)
        length = max(2.0, abs(value) * (mid - 2))
        y = mid - length if value >= 0 else mid
        label = f"{f.received_at.date().isoformat()}: {f.sentiment or 'not analysed'}"
        if f.nps is not None:
            label += f", NPS {f.nps}"
        bars.append(
            Bar(
                round(i * step + 1, 1),
                round(y, 1),
                round(max(step - 2, 2), 1),
                round(length, 1),
                SENTIMENT_COLOURS.get(f.sentiment or "", NEUTRAL),
                label,
            )
        )
    counts = {s: sum(1 for f in items if f.sentiment == s) for s in ("positive", "neutral", "negative")}
    summary = f"{len(items)} pieces of feedback: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    return Strip(width, height, mid, bars, summary)


@dataclass(frozen=True)
class Clock:
    """A case's SLA as a bar: time gone from opening to the resolution target, with the first-answer mark."""

    state: str  # good, warn, bad, paused, done
    percent: float  # of the resolution window gone, 0-100
    first_mark: float | None  # where the first answer is due, in percent of the window
    headline: str
    detail: str


def sla_clock(case: Any, now: datetime) -> Clock:
    """The case's clock: what is due next, how long is left (or how late it is), and how much of the window is
    gone. A case waiting on the passenger has its clock paused; a resolved or closed one is done."""
    opened, resolution = case.opened_at, case.resolution_due_at
    first = case.first_response_due_at if case.first_responded_at is None else None
    window = (resolution - opened).total_seconds() if resolution else 0
    gone = (now - opened).total_seconds()
    percent = max(0.0, min(100.0, 100 * gone / window)) if window > 0 else 100.0
    first_mark = None
    if case.first_response_due_at and window > 0:
        first_mark = max(0.0, min(100.0, 100 * (case.first_response_due_at - opened).total_seconds() / window))
    if case.status in ("resolved", "closed", "merged"):
        ended = case.resolved_at or case.closed_at or now
        met = resolution is None or ended <= resolution
        return Clock(
            "done",
            percent if not resolution else max(0.0, min(100.0, 100 * (ended - opened).total_seconds() / window)),
            first_mark,
            f"{case.status.replace('_', ' ').capitalize()}" + (" within target" if met else " after the target"),
            f"Took {spoken_span(ended - opened)}",
        )
    if case.status == "waiting_on_passenger":
        return Clock(
            "paused",
            percent,
            first_mark,
            "Clock paused",
            "Waiting on the passenger: the time waited is added to the due times when they answer.",
        )
    due = first if first is not None else resolution
    what = "First answer" if first is not None else "Resolution"
    if due is None:
        return Clock("good", percent, first_mark, "No target", "This case has no service level.")
    if due <= now:
        return Clock(
            "bad", percent, first_mark, f"{what} {spoken_span(now - due)} overdue", f"Was due {due:%d %b %H:%M} UTC"
        )
    state = "warn" if due - now <= timedelta(hours=4) else "good"
    return Clock(state, percent, first_mark, f"{what} due in {spoken_span(due - now)}", f"Due {due:%d %b %H:%M} UTC")


def state_colour(state: str) -> str:
    return {"good": GOOD, "warn": WARN, "bad": BAD, "paused": NEUTRAL, "done": ACCENT}.get(state, NEUTRAL)
