"""The whole analysis of a batch of messages: language, spam, sentiment, topics, urgency, entities. Pure.

Messages in (text, author, the year they came), a fitted `analysis.Models` in, one `MessageAnalysis` per message
out. Each step is its own module (`language`, `spam`, `analysis`, `urgency`, `entities`); this one puts them
in order and decides what a spam message gets:

- every message gets a language and a spam verdict (a comment in Italian under a blog post is still Italian);
- a spam message gets no sentiment, topics or urgency: it is not about the airline, and counting it would put
  words of shoe shops into the trends and open recovery cases for them. Its entities are still read (what it
  names is harmless and cheap). When an agent says it is not spam, the message is analysed again as genuine
  (`spam_corrected`).

The sentiment model runs once over the genuine messages of the batch, so a batch costs one feature extraction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from goodwill.listening.analysis import Analysis, Models
from goodwill.listening.entities import extract
from goodwill.listening.language import DetectedLanguage, LanguageMode, detect_languages
from goodwill.listening.spam import SpamVerdict, judge
from goodwill.listening.urgency import urgency


@dataclass(frozen=True)
class Message:
    text: str
    author: str | None = None
    # The year the message came: a date written without one ("Feb 8") is read in it.
    year: int | None = None
    # An agent's verdict on spam, when there is one: it replaces the judge's, so the rest follows it.
    spam_corrected: bool | None = None


@dataclass(frozen=True)
class MessageAnalysis:
    language: str | None
    language_confidence: float | None
    is_spam: bool
    spam_confidence: float
    spam_reasons: tuple[str, ...]
    sentiment: str | None
    sentiment_score: float | None
    sentiment_confidence: float | None
    topics: tuple[str, ...]
    topic_confidences: tuple[float, ...]
    urgency: tuple[str, ...]
    entities: dict[str, list[str]] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """The values of the feedback's analysis fields (`Feedback` columns), by column name."""
        return {
            "language": self.language,
            "language_confidence": self.language_confidence,
            "is_spam": self.is_spam,
            "spam_confidence": self.spam_confidence,
            "sentiment": self.sentiment,
            "sentiment_score": self.sentiment_score,
            "sentiment_confidence": self.sentiment_confidence,
            "topics": list(self.topics),
            "urgency": list(self.urgency),
            "entities": self.entities,
        }


def analyse_messages(
    messages: Sequence[Message],
    models: Models,
    *,
    airports: Collection[str] = frozenset(),
    mode: LanguageMode = LanguageMode.FAST,
) -> list[MessageAnalysis]:
    """The whole analysis of each message, in order."""
    if not messages:
        return []
    languages: list[DetectedLanguage | None] = detect_languages([m.text for m in messages], mode=mode)
    verdicts: list[SpamVerdict] = []
    for m in messages:
        verdict = judge(m.text, author=m.author)
        if m.spam_corrected is not None and m.spam_corrected != verdict.is_spam:
            verdict = SpamVerdict(m.spam_corrected, 1.0, ("an agent's correction",))
        verdicts.append(verdict)
    genuine = [i for i, v in enumerate(verdicts) if not v.is_spam and messages[i].text.strip()]
    sentiments: dict[int, Analysis] = dict(
        zip(genuine, models.analyse([messages[i].text for i in genuine]), strict=True)
    )
    results: list[MessageAnalysis] = []
    for i, (m, language, verdict) in enumerate(zip(messages, languages, verdicts, strict=True)):
        found = sentiments.get(i)
        results.append(
            MessageAnalysis(
                language=language.code if language else None,
                language_confidence=language.confidence if language else None,
                is_spam=verdict.is_spam,
                spam_confidence=verdict.confidence,
                spam_reasons=verdict.reasons,
                sentiment=found.sentiment if found else None,
                sentiment_score=found.sentiment_score if found else None,
                sentiment_confidence=found.sentiment_confidence if found else None,
                topics=found.topics if found else (),
                topic_confidences=found.topic_confidences if found else (),
                urgency=tuple(urgency(m.text)) if not verdict.is_spam else (),
                entities=extract(m.text, airports=airports, year=m.year).as_dict(),
            )
        )
    return results
