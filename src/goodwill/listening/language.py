"""Which language a message is written in: lingua's n-gram models over the languages an airline hears. Pure.

The detector knows the languages of the seed's comments (English, Italian, French) and those of the airline's
markets (Spanish, Portuguese, Dutch, German), plus languages with a script of their own (Japanese, Chinese,
Korean, Arabic, Hebrew, Greek, Russian, Hindi, Thai), which lingua's rules recognise from the script alone and
which cost next to nothing to add. Each Latin-script language added slows every message down (ADR 0015).

Two modes (ADR 0015, figures in docs/BENCHMARKS.md):
- `fast` (the default): lingua's low accuracy mode (trigrams only); on the airline tweets it reads 97% of them as
  English, against 99% for the accurate mode, at about three times the speed.
- `accurate`: lingua's high accuracy mode (1- to 5-grams), for short texts in languages that look alike.

Handles, links and e-mail addresses are taken out first (they are not words of any language). A text with
fewer than `MIN_LETTERS` letters left is too short to tell, and a verdict below `MIN_CONFIDENCE` is undecided:
both give None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

# ISO 639-1 codes; the first seven are the Latin-script languages the detector weighs against each other.
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "ja", "zh", "ko", "ar", "he", "el", "ru", "hi", "th")
MIN_LETTERS = 8
MIN_CONFIDENCE = 0.5

_NOT_WORDS = re.compile(r"(?:https?://\S+|www\.\S+|\S+@\S+\.\S+|@\w+)")


class LanguageMode(StrEnum):
    FAST = "fast"
    ACCURATE = "accurate"


@dataclass(frozen=True)
class DetectedLanguage:
    code: str  # ISO 639-1, e.g. "fr"
    confidence: float  # 0-1: lingua's probability of this language among `LANGUAGES`


@lru_cache(maxsize=2)
def detector(mode: LanguageMode = LanguageMode.FAST) -> LanguageDetector:
    """The detector of a mode, built once per process. The fast mode's small models are loaded at once (about a
    second); the accurate mode's large ones only as texts need them (loading all of them takes 10-15 s)."""
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(code) for code in LANGUAGES))
    if mode is LanguageMode.FAST:
        builder = builder.with_low_accuracy_mode().with_preloaded_language_models()
    return builder.build()


def words_of(text: str) -> str:
    """The text without handles, links and e-mail addresses."""
    return _NOT_WORDS.sub(" ", text)


def detect_languages(texts: Sequence[str], *, mode: LanguageMode = LanguageMode.FAST) -> list[DetectedLanguage | None]:
    """The language of each text with lingua's confidence; None where the text is too short or undecided.

    The texts are read in lingua's parallel call (on every core the machine lends it).
    """
    cleaned = [words_of(t) for t in texts]
    asked = [i for i, t in enumerate(cleaned) if sum(c.isalpha() for c in t) >= MIN_LETTERS]
    found: list[DetectedLanguage | None] = [None] * len(texts)
    if not asked:
        return found
    values = detector(mode).compute_language_confidence_values_in_parallel([cleaned[i] for i in asked])
    for i, ranked in zip(asked, values, strict=True):
        if ranked and ranked[0].value >= MIN_CONFIDENCE:
            code = ranked[0].language.iso_code_639_1.name.lower()
            found[i] = DetectedLanguage(code, round(ranked[0].value, 4))
    return found


def is_language_code(code: str) -> bool:
    """Whether `code` is an ISO 639-1 code lingua knows (an agent may correct to any of them)."""
    try:
        IsoCode639_1.from_str(code)
    except ValueError:
        return False
    return len(code) == 2 and code.isalpha() and code.islower()
