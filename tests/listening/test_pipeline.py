"""The whole analysis of a batch: spam gets a language but no sentiment; genuine messages get everything."""

from __future__ import annotations

from goodwill.listening.pipeline import Message, analyse_messages
from tests.listening.analysis_helpers import seed_comments, tiny_models

AIRPORTS = frozenset({"JFK", "BOS", "FLL"})


def test_the_seed_comments_are_spam_with_a_language_and_no_sentiment() -> None:
    comments = seed_comments()
    results = analyse_messages([Message(text, author) for text, author in comments], tiny_models())
    assert len(results) == len(comments) == 10
    for (text, _author), result in zip(comments, results, strict=True):
        assert result.is_spam, text[:60]
        assert result.spam_reasons
        assert result.language in {"en", "it", "fr"}
        assert (result.sentiment, result.sentiment_confidence, result.topics, result.urgency) == (None, None, (), ())


def test_a_genuine_complaint_gets_sentiment_topic_urgency_and_entities() -> None:
    text = "flight delayed again at JFK and nobody gave an update, I will miss my sister's wedding on Feb 9"
    (result,) = analyse_messages([Message(text, "@ana_lopez", 2013)], tiny_models(), airports=AIRPORTS)
    assert not result.is_spam
    assert result.language == "en"
    assert result.sentiment == "negative"
    assert result.sentiment_score is not None
    assert result.sentiment_score < 0
    assert result.topics[:1] == ("late_flight",)
    assert len(result.topic_confidences) == len(result.topics)
    assert result.urgency == ("wedding",)
    assert result.entities == {"airports": ["JFK"], "dates": ["2013-02-09"]}
    fields = result.fields()
    assert fields["topics"] == list(result.topics)
    assert fields["is_spam"] is False


def test_praise_gets_no_topic() -> None:
    (result,) = analyse_messages([Message("the crew was wonderful, thank you so much")], tiny_models())
    assert (result.sentiment, result.topics) == ("positive", ())


def test_an_agent_s_spam_verdict_replaces_the_judge_s() -> None:
    spam = "Good bolg, thank you for sharing! I will come back and read the other article."
    genuine = "my bag is lost and the agent cannot find my luggage"
    judged, overruled, made_spam = analyse_messages(
        [Message(spam, "cheap christian louboutin"), Message(spam, "cheap christian louboutin", spam_corrected=False),
         Message(genuine, spam_corrected=True)],
        tiny_models(),
    )  # fmt: skip
    assert judged.is_spam
    assert judged.sentiment is None
    assert not overruled.is_spam
    assert overruled.spam_confidence == 1.0
    assert overruled.sentiment is not None
    assert made_spam.is_spam
    assert made_spam.sentiment is None


def test_an_empty_batch_and_an_empty_text() -> None:
    assert analyse_messages([], tiny_models()) == []
    (result,) = analyse_messages([Message("")], tiny_models())
    assert (result.language, result.sentiment, result.is_spam) == (None, None, False)
