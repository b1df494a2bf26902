"""Does a message need a person now? The life events and needs that make a disruption urgent. Pure.

A missed wedding, a funeral, a medical need, a child travelling alone, a wheelchair that did not come: the
seed's passengers wrote of "missed weddings", and these are the messages a recovery team must see first.
`urgency` returns the reasons found (codes an agent can filter on), each from phrases in English, Spanish
and French; a negation right before ("not a wedding") is not checked for: a false alarm costs a look, a
missed funeral costs a passenger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

URGENCY_CODES = ("wedding", "funeral", "medical", "unaccompanied_minor", "disability", "pregnancy", "stranded")

_PHRASES: Mapping[str, tuple[str, ...]] = {
    "wedding": (
        r"wedding",
        r"bride",
        r"groom",
        r"getting married",
        r"best man",
        r"maid of honou?r",
        r"honeymoon",
        r"boda",
        r"casamiento",
        r"luna de miel",
        r"mariage",
        r"lune de miel",
    ),
    "funeral": (
        r"funeral",
        r"memorial service",
        r"passed away",
        r"bereavement",
        r"died",
        r"dying",
        r"last goodbye",
        r"entierro",
        r"velorio",
        r"falleci\w*",
        r"funérailles",
        r"enterrement",
        r"décédé\w*",
        r"obsèques",
    ),
    "medical": (
        r"medical",
        r"medication",
        r"medicine",
        r"insulin",
        r"diabet\w*",
        r"hospital",
        r"surgery",
        r"chemo\w*",
        r"dialysis",
        r"seizure",
        r"heart attack",
        r"epipen",
        r"allerg\w* reaction",
        r"oxygen",
        r"doctor",
        r"emergency room",
        r"medicamento\w*",
        r"hospital",
        r"médico",
        r"cirugía",
        r"médicament\w*",
        r"hôpital",
        r"médecin",
    ),
    "unaccompanied_minor": (
        r"unaccompanied minor",
        r"my (?:son|daughter|kid|child)(?: is)? (?:flying|travell?ing) alone",
        r"child (?:flying|travell?ing) alone",
        r"(?:\d+|five|six|seven|eight|nine|ten|eleven|twelve)[- ]year[- ]old "
        r"(?:is )?(?:flying|travell?ing) alone",
        r"menor no acompañad[oa]",
        r"viaja sol[oa]",
        r"mineur non accompagné",
    ),
    "disability": (
        r"wheelchair",
        r"disabilit\w*",
        r"disabled",
        r"\bblind\b",
        r"\bdeaf\b",
        r"service (?:dog|animal)",
        r"mobility",
        r"autis\w*",
        r"silla de ruedas",
        r"discapacidad",
        r"fauteuil roulant",
        r"handicap\w*",
    ),
    "pregnancy": (r"pregnan\w*", r"weeks? along", r"embarazada", r"enceinte"),
    "stranded": (
        r"stranded",
        r"sleeping (?:at|in) the airport",
        r"slept (?:at|in) the airport",
        r"no hotel",
        r"nowhere to (?:sleep|stay)",
        r"stuck overnight",
        r"varad[oa]",
        r"bloqué\w* à l'aéroport",
    ),
}
# A phrase, or its plural ("weddings"), as words of their own.
_PATTERNS = {
    code: re.compile(r"(?i)(?<!\w)(?:" + "|".join(phrases) + r")s?(?!\w)") for code, phrases in _PHRASES.items()
}
# "UM", the airlines' code for an unaccompanied minor, only in capitals ("um" is a hesitation).
_UM = re.compile(r"(?<!\w)UMs?(?!\w)")


def urgency(text: str) -> list[str]:
    """The urgency codes the text gives reason for, in `URGENCY_CODES` order."""
    found = {code for code in URGENCY_CODES if _PATTERNS[code].search(text)}
    if _UM.search(text):
        found.add("unaccompanied_minor")
    return [code for code in URGENCY_CODES if code in found]
