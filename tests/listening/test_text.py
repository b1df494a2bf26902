"""Social text normalisation and the lexicon: the same opinion, however it is typed, gives the same tokens."""

from __future__ import annotations

import pytest

from goodwill.listening import lexicon
from goodwill.listening.taxonomy import sentiment_of, topic_of
from goodwill.listening.text import normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Bags &amp; seats &lt;3", "bags & seats xheartx", id="html-entities-decoded"),
        pytest.param("@JetBlue thanks @jane_doe!", "xuserx thanks xuserx !", id="mentions-are-one-token"),
        pytest.param("see https://t.co/abc and www.x.com/y", "see xurlx and xurlx", id="links-are-one-token"),
        pytest.param("Soooo late!!!!", "soo late!!", id="repeated-letters-shortened"),
        pytest.param("#fail again", "fail again", id="hashtag-is-a-word"),
        pytest.param("great :) awful :(", "great xsmilex awful xfrownx", id="emoticons-as-words"),
        pytest.param("thanks 😊😡", "thanks xsmilex xangryx", id="emoji-as-words"),
        pytest.param("flight 1234 at 10:30", "flight xnumx at xnumx", id="numbers-as-one-token"),
        pytest.param("mail me at ana@example.com", "mail me at ana@example.com", id="email-is-not-a-mention"),
        pytest.param("  Two\n lines  ", "two lines", id="spaces-collapsed"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_lexicon_counts_negated_words_apart() -> None:
    pos, neg, npos, nneg, bang, ask = lexicon.counts(normalise("Not happy, the crew was rude! Why?"))
    assert (pos, npos, bang, ask) == (0.0, pytest.approx(0.6931, abs=1e-4), pytest.approx(0.6931, abs=1e-4),
                                      pytest.approx(0.6931, abs=1e-4))  # fmt: skip
    assert neg > 0
    assert nneg == 0


@pytest.mark.parametrize(
    ("label", "topic"),
    [
        ("Late Flight", "late_flight"),
        ("longlines", "long_lines"),
        ("Can't Tell", "cant_tell"),
        ("Bad Flight", "comfort"),
        ("Flight Attendant Complaints", "crew"),
        ("lost_baggage", "lost_baggage"),
        ("Wifi", "wifi_entertainment"),
        ("weather", None),
    ],
)
def test_topics_map_to_the_taxonomy(label: str, topic: str | None) -> None:
    assert topic_of(label) == topic


def test_sentiments_are_three() -> None:
    assert [sentiment_of(v) for v in (" Negative", "neutral", "POSITIVE", "mixed")] == [
        "negative", "neutral", "positive", None,
    ]  # fmt: skip
