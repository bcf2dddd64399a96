"""Sentiment of a short public comment (a mention, a post under a brand's page) in Russian, English or Polish.

``classify(text, language=None)`` returns a ``Sentiment``: ``label`` (positive, neutral or negative), ``score`` in
[-1, 1] (rounded to four places) and the ``language`` it was read in. Everything it needs ships inside this package: the lexicons in
``lexicons/`` (written for this project), Snowball stemmers and py3langid's model; nothing is downloaded, and
one call takes well under a millisecond after the first, which loads the lexicons. Method, limits and measured
accuracy: docs/sentiment.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontdesk.core.language import guess_language

from .classifier import THRESHOLD, raw_score
from .lexicon import LANGUAGES

__all__ = ["LANGUAGES", "NEGATIVE", "NEUTRAL", "POSITIVE", "Sentiment", "classify", "detect_language"]

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_POLISH = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")


@dataclass(frozen=True)
class Sentiment:
    label: str  # POSITIVE, NEUTRAL or NEGATIVE
    score: float  # in [-1, 1]; the sign is the direction, the size the strength
    language: str  # the language the text was read in: en, ru or pl


def _candidates(text: str) -> tuple[str, ...]:
    """The languages ``text`` may be in, likeliest first: Cyrillic means Russian; otherwise py3langid chooses
    between English and Polish, and when it is not sure both stay, Polish first if there are Polish letters."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic > latin:
        return ("ru",)
    guess = guess_language(text, ("en", "pl"))
    if guess:
        return (guess,)
    return ("pl", "en") if _POLISH.search(text) else ("en", "pl")


def detect_language(text: str) -> str:
    """en, ru or pl: the likeliest language of ``text`` (see ``_candidates``)."""
    return _candidates(text)[0]


def classify(text: str, language: str | None = None) -> Sentiment:
    """The sentiment of ``text``; ``language`` (en, ru, pl, or a tag like "ru-RU") skips detection.

    Raises ``ValueError`` for a language other than those three; empty text is neutral.
    """
    if language:
        language = language.strip().lower().replace("_", "-").split("-")[0]
        if language not in LANGUAGES:
            raise ValueError(f"sentiment is read in {', '.join(LANGUAGES)}, not {language!r}")
        score = raw_score(text or "", language)
    else:
        # A short Latin text py3langid cannot place is read in both languages; the stronger reading wins.
        readings = [(raw_score(text or "", candidate), candidate) for candidate in _candidates(text or "")]
        score, language = max(readings, key=lambda reading: abs(reading[0]))
    label = POSITIVE if score >= THRESHOLD else NEGATIVE if score <= -THRESHOLD else NEUTRAL
    return Sentiment(label=label, score=round(score, 4), language=language)
