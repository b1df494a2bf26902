"""A small sentiment lexicon of our own for airline messages, and the few counts the models take from it.

The words were written by the Goodwill developers from what passengers say about flights (no published lexicon
was copied). The counts are features next to the n-grams: they help most on words that are rare in training data.
Input is text already passed through `text.normalise` (lower case, emoticons and emoji as `x...x` words).
"""

from __future__ import annotations

import math
import re

POSITIVE = frozenset(
    """
    amazing appreciate appreciated awesome best better brilliant comfortable congrats congratulations cool
    courteous delighted easy enjoy enjoyed excellent exceptional fabulous fantastic fast favorite favourite fine
    friendly fun glad good gracious grateful great happy helpful hero heroes impressed incredible kind kudos love
    loved lovely luv nice outstanding perfect pleasant pleasure polite professional quick recommend relaxing
    rock rocks safe smooth smoothly solved special superb sweet thank thanks thankful thx ty wonderful wow yay
    xsmilex xheartx xthumbsupx xclapx xpartyx xwinkx xlaughx xcoolx
    accommodating adore beautiful blessed bravo champ champion cheers classy comfy compliment compliments
    considerate efficient enjoyable enjoying excited exciting flawless gem glad happier happiest hooray
    hospitable impressive lifesaver loving lucky marvelous painless patient phenomenal pleased praise prompt
    props refreshing reliable responsive roomy seamless shoutout spacious stellar stoked terrific thoughtful
    thrilled timely welcoming woohoo yay appreciative beautifully delightful gorgeous superstar
    """.split()  # noqa: SIM905 - a word list reads best as words
)

NEGATIVE = frozenset(
    """
    absurd angry annoyed annoying appalling awful bad broke broken cancel canceled cancelled cancellation
    cancellations complain complaint crap cramped delay delayed delays dirty disappointed disappointing
    disappointment disaster disgrace disgraceful disgusted disgusting dumb embarrassing fail failed fails failure
    frustrated frustrating frustration furious hate hated hell helpless hold horrible horrendous hours idiots
    incompetent inconvenience insane joke lame late lied lies lost mess miserable missed missing nightmare
    outrageous pathetic poor poorly problem problems ridiculous rude sad screwed shame shameful sick stranded
    stuck sucks terrible unacceptable unfortunately unhappy unhelpful unprofessional upset useless waiting waste
    wasted worse worst wrong xfrownx xcryx xangryx xthumbsdownx xeyerollx
    abysmal aggravating atrocious careless chaos chaotic clueless crappy denied deplorable disrespectful
    disorganized dreadful fiasco filthy garbage gross ignored incompetence inexcusable infuriating irritated
    livid lousy mad mediocre mishandled misleading nasty negligent overbooked overcharged pissed ripoff
    robbed ruined ruin scam shocking sloppy smh stupid suck sucked trash unreliable unresponsive ugh wtf
    worthless yelled stinks fed hung sigh rude rudely dismissive hopeless ridiculously
    """.split()  # noqa: SIM905 - a word list reads best as words
)

NEGATORS = frozenset(
    """
    not no never nothing nobody none cannot cant dont didnt doesnt isnt wasnt wont without
    """.split()  # noqa: SIM905 - a word list reads best as words
)
_TOKEN = re.compile(r"[a-z']+")
# A negator turns the polarity of the next few words.
_SCOPE = 3

FEATURE_NAMES = ("positive", "negative", "negated_positive", "negated_negative", "exclamations", "questions")


def counts(text: str) -> tuple[float, ...]:
    """Positive and negative words (each also when negated), exclamation and question marks, of normalised text;
    damped as log(1 + n) so one long rant does not outweigh everything else."""
    pos = neg = npos = nneg = 0
    negated = 0
    for raw in _TOKEN.findall(text):
        word = raw.replace("'", "")
        if word in NEGATORS or raw.endswith("n't"):
            negated = _SCOPE
            continue
        if word in POSITIVE:
            if negated:
                npos += 1
            else:
                pos += 1
        elif word in NEGATIVE:
            if negated:
                nneg += 1
            else:
                neg += 1
        if negated:
            negated -= 1
    # xsmilex etc. are matched as words above; "!" and "?" are counted on the whole text.
    values = (pos, neg, npos, nneg, text.count("!"), text.count("?"))
    return tuple(_damp(v) for v in values)


_LOG1P = tuple(math.log1p(n) for n in range(64))


def _damp(n: int) -> float:
    return _LOG1P[n] if n < 64 else _LOG1P[63]
