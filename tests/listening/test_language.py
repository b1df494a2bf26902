"""Language detection: the seed's comments in English, Italian and French, the airline's languages, both modes."""

from __future__ import annotations

import pytest

from goodwill.listening.language import LANGUAGES, LanguageMode, detect_languages, is_language_code
from tests.listening.analysis_helpers import seed_comments

# What a reader of the seed's blog page sees: the comments by their authors, in their order.
SEED_LANGUAGES = {
    "louboutin sales": "en",
    "cheap christian louboutin": "en",
    "vibramstore": "en",
    "Office 2007": "en",
    "christian louboutin shops": "en",
    "prada": "it",
    "Lancel": "fr",
    "Abercrombie": "it",  # Italian with English words mixed in
    "Woolirch": "it",
    "la escort agency": "en",
}

OURS = [
    ("My flight was cancelled and nobody at the gate could help me", "en"),
    ("Mi vuelo fue cancelado y nadie me ayudó en el aeropuerto", "es"),
    ("Mon vol a été annulé et personne ne m'a aidé à l'aéroport", "fr"),
    ("Mein Flug wurde gestrichen und niemand am Flughafen hat mir geholfen", "de"),
    ("Il mio volo è stato cancellato e nessuno mi ha aiutato in aeroporto", "it"),
    ("O meu voo foi cancelado e ninguém me ajudou no aeroporto", "pt"),
    ("Mijn vlucht is geannuleerd en niemand op het vliegveld hielp mij", "nl"),
    ("フライトがキャンセルされ、空港で誰も助けてくれませんでした", "ja"),
    ("Мой рейс отменили, и никто в аэропорту мне не помог", "ru"),
]


@pytest.mark.parametrize("mode", list(LanguageMode))
def test_the_seed_comments_are_read_in_their_languages(mode: LanguageMode) -> None:
    comments = seed_comments()
    assert {author for _t, author in comments} == set(SEED_LANGUAGES)
    found = detect_languages([text for text, _a in comments], mode=mode)
    assert {author: f.code if f else None for (_t, author), f in zip(comments, found, strict=True)} == SEED_LANGUAGES
    assert all(f is not None and 0.5 <= f.confidence <= 1.0 for f in found)


@pytest.mark.parametrize("mode", list(LanguageMode))
def test_the_airline_s_languages(mode: LanguageMode) -> None:
    found = detect_languages([text for text, _code in OURS], mode=mode)
    assert [f.code if f else None for f in found] == [code for _t, code in OURS]


def test_too_short_or_only_handles_and_links_is_none() -> None:
    found = detect_languages(["ok", "Thanks!", "@JetBlue @united https://t.co/x1y2z3 ", "", "👍👍👍"])
    assert found == [None] * 5


def test_handles_and_links_are_not_read_as_words() -> None:
    text = "@VirginAmerica @dhepburn @jetblue https://t.co/abcdef merci beaucoup pour le vol de ce matin"
    (found,) = detect_languages([text], mode=LanguageMode.ACCURATE)
    assert found is not None
    assert found.code == "fr"


def test_every_language_code_is_one_lingua_knows() -> None:
    assert all(is_language_code(code) for code in LANGUAGES)
    assert not is_language_code("xx")
    assert not is_language_code("EN")
