"""Spam: every comment under the seed's letter is spam; the letter and the post are not; airline tweets are not."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

from goodwill.listening.spam import judge

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _seed_002() -> tuple[list[str], list[tuple[str, str]]]:
    """(the post's paragraphs, the comments as (text, author)) of the seed's blog page."""
    found = sorted(SEEDS.glob("002_*.txt"))
    if not found:
        if os.environ.get("GOODWILL_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"GOODWILL_REQUIRE_SHARED_DATA=1 but no seed 002 in {SEEDS}")
        pytest.skip(f"seeds not found at {SEEDS}")
    lines = found[0].read_text(encoding="utf-8").splitlines()
    first_comment = next(i for i, line in enumerate(lines) if line.startswith("Posted by:")) - 1
    post = [line for line in lines[:first_comment] if len(line.split()) >= 6]
    comments = [
        (lines[i - 1], re.sub(r"^Posted by:\s*|\s*\|.*$", "", line))
        for i, line in enumerate(lines)
        if line.startswith("Posted by:")
    ]
    return post, comments


def test_every_comment_under_the_letter_is_spam_and_says_why() -> None:
    _post, comments = _seed_002()
    assert len(comments) >= 10
    for text, author in comments:
        verdict = judge(text, author=author)
        assert verdict.is_spam, (author, text[:60], verdict)
        assert verdict.reasons


def test_most_comments_are_spam_on_their_words_alone() -> None:
    """Without the author's name (a brand, a shop) the words still give away at least 8 of the 10."""
    _post, comments = _seed_002()
    assert sum(judge(text).is_spam for text, _author in comments) >= 8


def test_the_post_and_the_letter_are_not_spam() -> None:
    post, _comments = _seed_002()
    assert len(post) >= 10
    for paragraph in post:
        verdict = judge(paragraph, author="Customers Rock")
        assert not verdict.is_spam, (paragraph[:80], verdict)


@pytest.mark.parametrize(
    ("text", "author", "spam"),
    [
        ("Good bolg, thank you for sharing! I will come back.", "cheap christian louboutin", True),
        ("Thank you for sharing, the crew on flight 12 were wonderful", "Maria", False),  # about flying
        ("Mi piace il tuo blog così tanto. Felice ogni giorno!", "prada", True),
        ("@JetBlue my bag never arrived at BOS", "@ana_lopez", False),
        ("@united thanks!", None, False),  # short and friendly is not spam
    ],
)
def test_examples(text: str, author: str | None, spam: bool) -> None:
    assert judge(text, author=author).is_spam is spam


def test_few_airline_tweets_are_judged_spam(shared_data: Path) -> None:
    """A false-alarm check on 11,588 real tweets to airlines (almost none are spam)."""
    with (shared_data / "airline_tweets" / "tweets_dev.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    flagged = sum(judge(t).is_spam for t in texts)
    assert flagged / len(texts) < 0.005, flagged
