"""What a message names that Goodwill can link: flight numbers, record locators (PNRs), airports, dates. Pure.

Passengers write "flight 1423", "B6 1423", "@JetBlue flt #1423", "conf# QX7P2K", "stuck at JFK", "on Feb 8".
`extract` finds these with patterns and a few words of context, conservatively: a three-letter word is an
airport only when written in capitals, known to airportsdata (the caller passes the codes) and not a common
capitalised word ("THE", "AND", "OMG"); a six-character code is a record locator when it mixes letters and
digits or follows a word such as "confirmation", "PNR" or "booking". What it finds is kept on the feedback
(`entities`), each with where it was found, so an agent sees why a message was linked to a flight.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from goodwill.flights.carriers import CARRIERS

# Airline names and handles as passengers write them, to the operating carrier's IATA code.
CARRIER_NAMES: Mapping[str, str] = {
    "jetblue": "B6",
    "jet blue": "B6",
    "united": "UA",
    "delta": "DL",
    "american": "AA",
    "americanair": "AA",
    "southwest": "WN",
    "southwestair": "WN",
    "usairways": "US",
    "us airways": "US",
    "virginamerica": "VX",
    "virgin america": "VX",
    "alaska": "AS",
    "alaskaair": "AS",
    "spirit": "NK",
    "frontier": "F9",
}
# Two-character airline designators Goodwill knows (so "OK 2" is not read as a flight).
# With designators passengers still write for airlines since merged (US Airways, Virgin America, AirTran).
_KNOWN_CODES = frozenset(CARRIERS) | {"US", "VX", "FL"}
# Letters-and-digits codes that are something else: a flight written without a space, an aircraft's tail.
_NOT_A_LOCATOR = re.compile(r"^(?:[A-Z0-9]{2}\d{1,4}|N\d{1,5}[A-Z]{0,2})$")
# Capitalised words that are also airport codes: never read as airports.
_CAPITALISED_WORDS = """
    THE AND FOR YOU ARE NOT BUT ALL ANY CAN HAD HER WAS ONE OUR OUT DAY GET HAS HIM HIS HOW MAN NEW NOW OLD
    SEE TWO WAY WHO BOY DID ITS LET PUT SAY SHE TOO USE OMG LOL WTF FYI BTW ASAP CEO USA TSA FAA DOT EUR USD
    GBP CAD AKA DIY ETA RIP SOS VIP WOW YES YET BAD SAD MAD FLY AIR BAG FEE GOD HUH ABC CBS NBC CNN ESPN TV
    APP NYC LAX PLZ THX TMI IMO OMW SMH IDK WHY OFF TOP HOT BIG ACT AGE AGO AID AIM ART ASK BED BIT BOX BUS
    BUY CAR CUT DOG EAR EAT END EYE FAR FEW FIT FUN GAS GUY HAT ICE JOB KEY KID LAW LAY LEG LIE LOT LOW MAP
    MOM DAD NET NOR ODD OIL OWN PAY PEN PET PIE POP RAN RED RUN SAT SET SIT SIX SKY SON SUN TAX TEA TEN TIE
    TIP TOY TRY VAN WAR WET WIN WON ZIP MAY JUN JUL AUG SEP OCT NOV DEC JAN FEB MAR APR MON TUE WED THU FRI
    SUN LUV
"""
# LAX and NYC are written in capitals more often than not as the place.
NOT_AIRPORTS = frozenset(_CAPITALISED_WORDS.split()) - {"LAX", "NYC"}

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_CARRIER_WORDS = "|".join(sorted((re.escape(n).replace(r"\ ", r"\s?") for n in CARRIER_NAMES), key=len, reverse=True))
_FLIGHT = re.compile(
    rf"""(?ix)
    (?:
        (?P<code>\b[A-Z][A-Z0-9]|\b[0-9][A-Z])\s?(?P<n1>\d{{1,4}})\b          # B6 1423, B61423, UA 9
      | @?(?P<name>{_CARRIER_WORDS})\s*(?:flight|flt)?\s*\#?\s?(?P<n2>\d{{1,4}})\b   # JetBlue 1423, @united flt 9
      | \b(?:flight|flt|fl)\.?\s*(?:no\.?|number|\#)?\s*(?P<n3>\d{{1,4}})\b          # flight 1423, flt #1423
    )
    """
)
_DURATION = re.compile(r"(?i)\s*(?:/|hours?\b|hrs?\b|h\b|mins?\b|minutes?\b|days?\b|people\b|bags?\b)")
_LOCATOR_AFTER = re.compile(
    r"(?i)\b(?:confirmation|conf|pnr|record\s+locator|locator|booking|reservation|res)\b\.?\s*"
    r"(?:code|number|no\.?)?\s*(?P<mark>[:#]?)\s*(?P<code>[A-Z0-9]{6})\b"
)
# Six-letter words that follow "confirmation", "booking"... without being a locator.
NOT_LOCATORS = frozenset({"NUMBER", "ONLINE", "PLEASE", "ISSUES", "THANKS", "CHANGE", "SYSTEM", "CANNOT", "HELPED"})
_LOCATOR_MIXED = re.compile(r"\b(?=[A-Z0-9]{6}\b)(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])(?P<code>[A-Z0-9]{6})\b")
_AIRPORT = re.compile(r"(?<![\w@#$])(?P<code>[A-Z]{3})(?![\w])")
_DIGIT = re.compile(r"\d")
_ISO_DATE = re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")
_MONTH_DAY = re.compile(
    r"(?i)\b(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>20\d\d))?\b"
)
_DAY_MONTH = re.compile(
    r"(?i)\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?(?:,?\s+(?P<year>20\d\d))?\b"
)


@dataclass(frozen=True)
class Found:
    """One thing named in the text: its kind, its normal form, and where (character offsets)."""

    kind: str  # flight, pnr, airport, date
    value: str  # "B6 1423" (carrier unknown: "1423"), "QX7P2K", "JFK", "2013-02-08" or "--02-08" (no year)
    start: int
    end: int


@dataclass(frozen=True)
class Entities:
    found: tuple[Found, ...] = field(default_factory=tuple)

    def of(self, kind: str) -> list[str]:
        """The distinct values of one kind, in the order they first appear."""
        return list(dict.fromkeys(f.value for f in self.found if f.kind == kind))

    def as_dict(self) -> dict[str, list[str]]:
        """For the feedback's `entities` field."""
        return {kind: self.of(kind) for kind in ("flights", "pnrs", "airports", "dates") if self.of(kind)}


def extract(
    text: str, *, airports: Collection[str] = frozenset(), default_carrier: str | None = None, year: int | None = None
) -> Entities:
    """The flight numbers, record locators, airports and dates `text` names.

    `airports`: the IATA codes that exist (from airportsdata); `default_carrier`: the carrier a bare "flight
    1423" is read as (the airline listening, when the message was addressed to it); `year`: the year of a date
    written without one (the year the message was received), else such a date is "--MM-DD".
    """
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, value: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return  # inside something already found (the digits of a flight are not a date)
        taken.append((start, end))
        found.append(Found(kind, value, start, end))

    # Flight numbers, mixed locators and dates all have a digit: a text without one skips their patterns.
    digits = _DIGIT.search(text) is not None
    for m in _FLIGHT.finditer(text) if digits else ():
        number = str(int(m.group("n1") or m.group("n2") or m.group("n3")))
        if m.group("code"):
            code = m.group("code")
            if code != code.upper() or code not in _KNOWN_CODES:
                continue  # "as 5 hours" is not Alaska 5
            carrier: str | None = code
        elif m.group("name"):
            keyword = re.search(r"(?i)(flight|flt|#)", m.group(0))
            if not keyword and (len(m.group("n2")) < 2 or _DURATION.match(text, m.end())):
                continue  # "@SouthwestAir 2 1/2 hours late", "@united 45 minutes on hold": not flights
            carrier = CARRIER_NAMES[re.sub(r"\s+", " ", m.group("name").lower())]
        else:
            carrier = default_carrier
        add("flights", f"{carrier} {number}" if carrier else number, m.start(), m.end())
    for m in _LOCATOR_AFTER.finditer(text):
        written = m.group("code")
        code = written.upper()
        # After the word: a code with a digit, written in capitals, or set off by "#" or ":" ("conf #ggqzqd").
        plausible = any(c.isdigit() for c in code) or written.isupper() or bool(m.group("mark"))
        if plausible and not code.isdigit() and code not in NOT_LOCATORS:
            add("pnrs", code, m.start("code"), m.end("code"))
    for m in _LOCATOR_MIXED.finditer(text) if digits else ():
        if not _NOT_A_LOCATOR.match(m.group("code")):
            add("pnrs", m.group("code"), m.start("code"), m.end("code"))
    for m in _AIRPORT.finditer(text):
        code = m.group("code")
        if code in airports and code not in NOT_AIRPORTS:
            add("airports", code, m.start(), m.end())
    for pattern in (_ISO_DATE, _MONTH_DAY, _DAY_MONTH) if digits else ():
        for m in pattern.finditer(text):
            value = _date(m.groupdict(), year)
            if value is not None:
                add("dates", value, m.start(), m.end())
    return Entities(tuple(sorted(found, key=lambda f: f.start)))


def _date(parts: Mapping[str, str | None], year: int | None) -> str | None:
    month_text = parts.get("month") or parts.get("m") or ""
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower().rstrip("."), 0)
    day = int(parts.get("day") or parts.get("d") or 0)
    written = parts.get("year") or parts.get("y")
    chosen = int(written) if written else year
    try:
        date(chosen or 2000, month, day)  # 2000: a leap year, so 29 February without a year is a date
    except ValueError:
        return None
    return f"{chosen:04d}-{month:02d}-{day:02d}" if chosen else f"--{month:02d}-{day:02d}"
