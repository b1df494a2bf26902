"""What a message names: flights, record locators, airports and dates, found conservatively."""

from __future__ import annotations

import pytest

from goodwill.listening.entities import extract

AIRPORTS = frozenset({"JFK", "BOS", "MCO", "LAX", "SJU", "FLL", "THE", "AND", "ORD", "LUV", "SMF"})


@pytest.mark.parametrize(
    ("text", "flights"),
    [
        ("@JetBlue flight 1423 has been sitting here 3 hours", ["B6 1423"]),
        ("B6 1423 from JFK, again late", ["B6 1423"]),
        ("stuck on B61423", ["B6 1423"]),
        ("@united flt #9 cancelled", ["UA 9"]),
        ("JetBlue 0302 to San Juan", ["B6 302"]),
        ("Delta 88 and then UA 9", ["DL 88", "UA 9"]),
        ("I waited as 5 hours for nothing", []),  # not Alaska 5: a designator is written in capitals
        ("OK 2 more hours", []),  # OK is no carrier Goodwill knows
        ("@SouthwestAir 2 1/2 hours Late Flight", []),  # a small number after the name is not a flight
        ("@JetBlue 162, SMF to JFK!", ["B6 162"]),
        ("@united 45 minutes on hold", []),
        ("left my stuff on US4551 from PHL", ["US 4551"]),
    ],
)
def test_flight_numbers(text: str, flights: list[str]) -> None:
    assert extract(text, airports=AIRPORTS).of("flights") == flights


def test_a_bare_flight_number_is_the_listening_airlines_when_told() -> None:
    assert extract("flight 1423 is a mess", default_carrier="B6").of("flights") == ["B6 1423"]


@pytest.mark.parametrize(
    ("text", "pnrs"),
    [
        ("confirmation # QXPTKA please help", ["QXPTKA"]),
        ("my PNR: abc123", ["ABC123"]),
        ("booking QX7P2K was cancelled", ["QX7P2K"]),
        ("code QX7P2K in the app", ["QX7P2K"]),  # letters and digits: a locator even without a keyword
        ("SORRY! THANKS for nothing", []),  # six capitals are words, not locators
        ("call 555123 now", []),
        ("thank you for resolving my problem", []),  # "res" inside a word
        ("can I DM a confirmation number", []),
        ("Never got tickets. Conf #ggqzqd", ["GGQZQD"]),
        ("can't bring up my reservation online", []),
        ("left my stuff on US4551 from PHL", []),  # a flight written without a space
        ("757 N33103 taxies", []),  # an aircraft's registration
    ],
)
def test_record_locators(text: str, pnrs: list[str]) -> None:
    assert extract(text, airports=AIRPORTS).of("pnrs") == pnrs


@pytest.mark.parametrize(
    ("text", "airports"),
    [
        ("Stuck at JFK, connecting to SJU via MCO", ["JFK", "SJU", "MCO"]),
        ("THE worst AND slowest", []),  # capitalised words that are also codes
        ("jfk in lower case is not enough", []),
        ("#JFK @BOS $ORD are tags and handles", []),
        ("XYZ is no airport", []),
        ("LAX again", ["LAX"]),
        ("I LUV y'all", []),
    ],
)
def test_airports(text: str, airports: list[str]) -> None:
    assert extract(text, airports=AIRPORTS).of("airports") == airports


@pytest.mark.parametrize(
    ("text", "year", "dates"),
    [
        ("on Feb 8 we were told", 2013, ["2013-02-08"]),
        ("8th February 2013, never again", None, ["2013-02-08"]),
        ("flying 2026-02-14 with my daughter", None, ["2026-02-14"]),
        ("since Feb. 30", 2013, []),  # no such day
        ("on March 3", None, ["--03-03"]),  # no year known
    ],
)
def test_dates(text: str, year: int | None, dates: list[str]) -> None:
    assert extract(text, airports=AIRPORTS, year=year).of("dates") == dates


def test_a_whole_message_and_where_each_thing_was_found() -> None:
    text = "@JetBlue B6 1423 JFK-BOS on Feb 8, conf QX7P2K: 5 hours on the tarmac"
    found = extract(text, airports=AIRPORTS, year=2013)
    assert found.as_dict() == {
        "flights": ["B6 1423"],
        "pnrs": ["QX7P2K"],
        "airports": ["JFK", "BOS"],
        "dates": ["2013-02-08"],
    }
    first = found.found[0]
    assert text[first.start : first.end] == "B6 1423"
