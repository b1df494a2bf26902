"""Is a message spam? A first, explainable judge from signals, with a confidence an agent can overrule. Pure.

Comment spam under an airline's blog post (the seed's letter drew it in English, Italian and French) has
tells a person sees at once, and this module looks for the same:
- a commercial author: a brand, a shop, "cheap ...", "sales", a software product, an agency;
- praise of the blog or article itself ("good blog, thank you for sharing", "mi piace il tuo blog",
  "merci pour l'excellente information") with nothing about flying;
- no word about air travel at all in a long text (a bank's results, a fashion show);
- links and money words.
Each signal adds to a score; two or more make spam. The reasons come with the verdict, so an agent who
corrects it sees why; corrections become training data for a learned model (issue: listening models).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words of air travel, in the languages passengers write to us in (lower case; a plural's s is dropped).
_TRAVEL = """
    flight flights flew fly flying flyer airline airlines airport airports plane planes aircraft jet jetblue
    united delta american southwest usairways airways virgin alaska spirit frontier pilot pilots crew
    attendant attendants gate gates boarding board boarded seat seats luggage baggage bag bags suitcase
    delay delayed delays cancel cancelled canceled cancellation tarmac runway terminal ticket tickets fare
    fares refund voucher miles mileage upgrade standby rebook rebooked connection layover passenger passengers
    customer customers travel travelers traveller travellers trip storm weather ice snow apology sorry takeoff
    touchdown landing landed checkin check hotel lounge inflight wifi
    vol vols volo voli vuelo vuelos avion avión aereo aéreo aeropuerto aeroporto aéroport equipaje bagages
    bagaglio retraso ritardo retard annulé cancelado cancellato pasajero passeggero passager billet biglietto
"""
TRAVEL_WORDS = frozenset(_TRAVEL.split())
PRAISE = re.compile(
    r"(?i)\b(?:(?:good|great|nice|wonderful|excellent|informative|useful)\s+(?:b[lo]{1,2}g|article|post|posting|"
    r"site|website|blog\s+post|content|information|info)|thank(?:s|\s+you)?\s+for\s+(?:sharing|posting|the\s+post)|"
    r"tks\s+for\s+posting|read\s+your\s+(?:article|blog|post)|your\s+(?:blog|article)\s+really|"
    r"i\s+will\s+come\s+back|bookmark(?:ed)?|mi\s+piace\s+il\s+tuo\s+blog|tuo\s+blog|votre\s+blog|"
    r"articles?\s+du\s+blog|merci\s+pour\s+l[' ]excellente|me\s+gusta\s+tu\s+blog|premium\s+quality\s+content|"
    r"do\s+a\s+blog\s+with\s+me|searched\s+this\s+for\s+long)"
)
COMMERCIAL_AUTHOR = re.compile(
    r"(?i)\b(?:cheap|sale|sales|shop|shops|store|outlet|replica|discount|wholesale|agency|escort|casino|loan|"
    r"louboutin|prada|lancel|abercrombie|woolrich|woolirch|vibram\w*|gucci|chanel|ugg|nike|jordans?|office\s+20\d\d|"
    r"viagra|cialis|seo|forex|crypto)\b"
)
LINK = re.compile(r"(?i)https?://|www\.")
MONEY_TALK = re.compile(
    r"(?i)\b(?:wholesale|trimestre|quarter(?:ly)?\s+results|pct|dividend|milioni|million\s+dollars)\b"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class SpamVerdict:
    is_spam: bool
    confidence: float  # 0.5-1.0 for the verdict given
    reasons: tuple[str, ...]


def judge(text: str, *, author: str | None = None) -> SpamVerdict:
    """Spam or not, how sure, and why."""
    words = [w.lower() for w in _WORD.findall(text)]
    travel = any(w in TRAVEL_WORDS or w.rstrip("s") in TRAVEL_WORDS for w in words)
    reasons: list[str] = []
    score = 0.0
    if author and COMMERCIAL_AUTHOR.search(author):
        score += 0.6
        reasons.append("a commercial author name")
    if PRAISE.search(text) and not travel:
        score += 0.6
        reasons.append("praise of the blog or article, nothing about flying")
    if not travel and len(words) >= 12:
        score += 0.4
        reasons.append("no word about air travel")
    if LINK.search(text):
        score += 0.1
        reasons.append("a link")
    if MONEY_TALK.search(text) and not travel:
        score += 0.2
        reasons.append("money talk")
    is_spam = score >= 0.6
    confidence = min(0.99, 0.5 + abs(score - 0.6) / 2) if reasons else 0.9
    return SpamVerdict(is_spam, round(confidence, 2), tuple(reasons))
