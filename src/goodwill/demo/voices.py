"""The demo airline's voices: post-flight survey answers from its passengers around the 2013 blizzard, so the
console's Voice of the customer has something true-to-life to show.

Deterministic (`seed`). For a share of the passengers who flew in the window, an answer arrives a few hours after
landing: an NPS score and a CSAT score drawn from what happened to the flight (a flight with a recorded event,
cancelled or late, gets far more detractors, and its passengers answer far more often), and, for about half of
them, words from the packaged labelled corpus (listening/corpus_data) of the sentiment the score suggests. The
words then go through the real analysis (language, spam, sentiment, topics) with the shipped model, and the spike
detector runs for each day as a nightly job would. Stored through `listening.service.record_feedback`, keyed per
passenger and flight: running it again adds nothing.
"""

from __future__ import annotations

import csv
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.bookings.models import BookingPassenger, Segment
from goodwill.flights.models import Flight, FlightEvent
from goodwill.flights.service import known_airport_codes
from goodwill.listening import alerting, analysing
from goodwill.listening.models import Feedback
from goodwill.listening.service import FeedbackRecord, content_hash, record_feedback

CORPUS = Path(analysing.__file__).resolve().parent / "corpus_data" / "corpus.csv"
PREFIX = "demo-survey:"
WINDOW = (date(2013, 1, 14), date(2013, 3, 10))  # four weeks either side of the blizzard
DISRUPTED_SHARE = 0.85  # a passenger whose flight went wrong answers far more often
BASELINE_DAYS = 14  # spikes are looked for once the window has two weeks of history behind it


@dataclass(frozen=True)
class VoicesReport:
    answers: int
    with_words: int
    analysed: int
    spikes: int


def _corpus() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"positive": [], "neutral": [], "negative": []}
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["sentiment"] in found and 20 <= len(row["text"]) <= 240 and "@" not in row["text"][:1]:
                found[row["sentiment"]].append(row["text"])
    return found


def _scores(rng: random.Random, disrupted: bool) -> tuple[int, int, str]:
    """NPS, CSAT and the sentiment of the words that go with them."""
    roll = rng.random()
    detractor, passive = (0.62, 0.86) if disrupted else (0.14, 0.42)
    if roll < detractor:
        return rng.randint(0, 6), rng.choice((1, 1, 2, 2, 3)), "negative"
    if roll < passive:
        return rng.randint(7, 8), rng.choice((3, 4, 4)), "neutral"
    return rng.randint(9, 10), rng.choice((4, 5, 5)), "positive"


def already_there(session: Session) -> bool:
    query = select(Feedback.id).where(Feedback.external_id.startswith(PREFIX, autoescape=True)).limit(1)
    return session.scalar(query) is not None


def add_voices(
    session: Session,
    *,
    seed: int,
    now: datetime,
    share: float = 0.3,
    window: tuple[date, date] = WINDOW,
) -> VoicesReport:
    """Survey answers from `share` of the passengers who flew in `window`, analysed; spikes detected per day."""
    rng = random.Random(seed)
    texts = _corpus()
    for pool in texts.values():
        rng.shuffle(pool)
    disrupted = set(session.scalars(select(FlightEvent.flight_id).distinct()))
    rows = session.execute(
        select(BookingPassenger.passenger_id, BookingPassenger.booking_id, Flight.id, Flight.scheduled_arrival)
        .join(Segment, Segment.booking_id == BookingPassenger.booking_id)
        .join(Flight, Flight.id == Segment.flight_id)
        .where(Flight.operating_date >= window[0], Flight.operating_date <= window[1])
        .order_by(Flight.scheduled_arrival, BookingPassenger.passenger_id, Flight.id)
    ).all()
    items: list[FeedbackRecord] = []
    seen: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for passenger_id, booking_id, flight_id, arrival in rows:
        hit = flight_id in disrupted
        if (passenger_id, flight_id) in seen or rng.random() >= (DISRUPTED_SHARE if hit else share):
            continue
        seen.add((passenger_id, flight_id))
        nps, csat, mood = _scores(rng, hit)
        words = texts[mood].pop() if texts[mood] and rng.random() < 0.55 else ""
        received = arrival + timedelta(hours=rng.uniform(2, 30))
        items.append(
            FeedbackRecord(
                "survey",
                f"{PREFIX}{passenger_id}:{flight_id}",
                content_hash(words),
                "demo post-flight survey",
                received,
                words,
                nps,
                csat,
                None,
                passenger_id,
                flight_id,
                booking_id,
            )
        )
    record_feedback(session, items=items, now=now)
    session.flush()
    ids = list(
        session.scalars(
            select(Feedback.id).where(
                Feedback.external_id.startswith(PREFIX, autoescape=True), Feedback.analysis_model.is_(None)
            )
        )
    )
    at_hand = analysing.find_models(None)
    report = analysing.analyse_feedback(
        session, models=at_hand.models, model=at_hand.label, ids=ids, airports=known_airport_codes(), now=now
    )
    spikes = 0
    day = window[0] + timedelta(days=BASELINE_DAYS)
    while day <= window[1]:
        run = alerting.detect_spikes(session, now=datetime.combine(day, time(23, 0), UTC), actor="demo")
        spikes += len(run.raised)
        day += timedelta(days=1)
    return VoicesReport(len(items), sum(1 for i in items if i.text), report.analysed, spikes)
