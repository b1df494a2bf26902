"""Normalisation of social text for the listening models: the same opinion, written the many ways people post it,
becomes the same tokens.

`normalise` is what every model sees, at training and at analysis, so a change here changes what a trained model
means: the model manifest records `NORMALISATION_VERSION`, and a model made with another version is refused.
"""

from __future__ import annotations

import html
import re

NORMALISATION_VERSION = 1

# Tokens that stand for what was replaced; words of their own, so the word and char models both see them.
URL_TOKEN = "xurlx"  # noqa: S105 - a placeholder word, not a secret
MENTION_TOKEN = "xuserx"  # noqa: S105 - a placeholder word, not a secret
NUMBER_TOKEN = "xnumx"  # noqa: S105 - a placeholder word, not a secret

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w{1,30}")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
# Three or more of the same letter: "soooo" is "soo", "!!!!" is "!!" (two keep the emphasis apart from the word).
_REPEATS = re.compile(r"(\w|[!?.])\1{2,}")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_SPACES = re.compile(r"\s+")

# Emoticons and emoji, written as words: their meaning survives tokenisers that drop symbols. A small table of the
# ones airline passengers use; an emoji not listed is left as it is (the char model still sees it).
_EMOTICONS = {
    ":)": " xsmilex ", ":-)": " xsmilex ", ":D": " xsmilex ", ":-D": " xsmilex ", "=)": " xsmilex ",
    ";)": " xwinkx ", ";-)": " xwinkx ", "<3": " xheartx ", ":(": " xfrownx ", ":-(": " xfrownx ",
    ":/": " xfrownx ", ":-/": " xfrownx ", ":'(": " xcryx ", ":P": " xtonguex ", ":p": " xtonguex ",
    ":@": " xangryx ", "D:": " xfrownx ",
}  # fmt: skip
_EMOJI = {
    "😊": "xsmilex", "😀": "xsmilex", "😃": "xsmilex", "😄": "xsmilex", "😁": "xsmilex", "🙂": "xsmilex",
    "😉": "xwinkx", "😍": "xheartx", "😘": "xheartx", "🥰": "xheartx", "❤": "xheartx", "♥": "xheartx",
    "💕": "xheartx", "💙": "xheartx", "💜": "xheartx", "💗": "xheartx", "👍": "xthumbsupx", "👏": "xclapx",
    "🙌": "xclapx", "🎉": "xpartyx", "✈": "xplanex", "😂": "xlaughx", "🤣": "xlaughx", "😅": "xlaughx",
    "😎": "xcoolx", "🙏": "xpleasex", "😢": "xcryx", "😭": "xcryx", "😞": "xfrownx", "😔": "xfrownx",
    "🙁": "xfrownx", "☹": "xfrownx", "😩": "xfrownx", "😫": "xfrownx", "😒": "xfrownx", "😕": "xfrownx",
    "😡": "xangryx", "😠": "xangryx", "🤬": "xangryx", "😤": "xangryx", "👎": "xthumbsdownx",
    "😱": "xshockx", "😳": "xshockx", "😮": "xshockx", "🙄": "xeyerollx", "😑": "xeyerollx",
    "😐": "xmehx", "😴": "xsleepx", "💩": "xangryx", "🤔": "xthinkx",
}  # fmt: skip
_EMOTICON = re.compile(
    r"(?:(?<=\s)|^)(?:" + "|".join(re.escape(e) for e in sorted(_EMOTICONS, key=len, reverse=True)) + r")(?=\s|$)"
)
_EMOJI_TABLE = str.maketrans({k: f" {v} " for k, v in _EMOJI.items()} | {"\ufe0f": None})


def normalise(text: str) -> str:
    """Lower-cased social text with HTML entities decoded, links, mentions and numbers as tokens, hashtags as
    words, emoticons and common emoji as words, and runs of a repeated letter shortened to two."""
    text = html.unescape(text)
    text = _URL.sub(f" {URL_TOKEN} ", text)
    text = _MENTION.sub(f" {MENTION_TOKEN} ", text)
    text = _EMOTICON.sub(lambda m: _EMOTICONS[m.group(0)], text)
    if not text.isascii():
        text = text.translate(_EMOJI_TABLE)
    text = _HASHTAG.sub(r" \1 ", text)
    text = _REPEATS.sub(r"\1\1", text)
    text = _NUMBER.sub(f" {NUMBER_TOKEN} ", text)
    return _SPACES.sub(" ", text).strip().lower()
