"""The word lists of one language, read once from ``lexicons/<language>.json`` and indexed for lookup.

A lexicon holds valences on VADER's scale (about -3.5 … +3.5): ``words`` (single words in any form; looked up as
written, then by their Snowball stem), ``exact`` (words of ``words`` looked up only as written, where the stem is a
neutral word: "helpful" stems to "help", "friendly" to "friend"), ``phrases`` (fixed sequences such as "не
работает" or "never again", which carry their own meaning, negation included), ``neutral`` (formulas that carry
none although their words do: "good morning", "dzień dobry", "заранее спасибо", "best regards"), ``negators``,
``boosters`` (a share added to or taken from the next valence, like "very" +0.3 or "slightly" -0.35) and
``contrast`` words ("but": what follows counts more).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import snowballstemmer

LANGUAGES = ("en", "ru", "pl")
_STEMMERS = {"en": "english", "ru": "russian", "pl": "polish"}
# Stems shorter than this are too ambiguous to look up (Polish "działa" stems to "dz").
MIN_STEM = 4
WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
_NOT_CONTRACTION = re.compile(r"(\w)n['’]t\b", re.IGNORECASE)


def normalize(word: str) -> str:
    return word.lower().replace("ё", "е").replace("’", "'")


def expand(text: str, language: str) -> str:
    """English "doesn't" as "does not", so the negator is a word of its own (in the text and in phrases alike)."""
    return _NOT_CONTRACTION.sub(r"\1 not", text) if language == "en" else text


class Stemmer:
    """Snowball for the language when this snowballstemmer has it, else the word unchanged."""

    def __init__(self, language: str) -> None:
        name = _STEMMERS[language]
        stemmer: Any = snowballstemmer.stemmer(name) if name in snowballstemmer.algorithms() else None
        # Stemming is most of a call's time and the same words come again and again: remembered per process.
        self._stem = lru_cache(maxsize=100_000)(lambda word: str(stemmer.stemWord(word)) if stemmer else word)
        self._lock = threading.Lock()

    def __call__(self, word: str) -> str:
        # Snowball stemmer objects keep state between calls: one word at a time per language.
        with self._lock:
            return str(self._stem(word))


@dataclass(frozen=True)
class Lexicon:
    language: str
    stem: Stemmer
    words: dict[str, float]
    stems: dict[str, float]
    phrases: dict[tuple[str, ...], float]
    longest_phrase: int
    negators: frozenset[str]
    boosters: dict[str, float]
    contrast: frozenset[str]

    def valence(self, word: str, stem: str | None = None) -> float:
        """The valence of one normalized word: its own entry, else its stem's, else 0."""
        if word in self.words:
            return self.words[word]
        stem = self.stem(word) if stem is None else stem
        return self.stems.get(stem, 0.0) if len(stem) >= MIN_STEM else 0.0


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("lexicons", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _phrase_key(text: str, language: str, stem: Stemmer) -> tuple[str, ...]:
    return tuple(stem(normalize(word)) for word in WORD.findall(expand(text, language)))


@cache
def lexicon(language: str) -> Lexicon:
    if language not in LANGUAGES:
        raise ValueError(f"no sentiment lexicon for language {language!r}; there are {', '.join(LANGUAGES)}")
    data = _read(f"{language}.json")
    stem = Stemmer(language)
    words: dict[str, float] = {}
    stems: dict[str, float] = {}
    phrases: dict[tuple[str, ...], float] = {}
    exact = {normalize(word) for word in data.get("exact", [])}
    entries = {**data["words"], **data["phrases"], **dict.fromkeys(data.get("neutral", []), 0.0)}
    for entry, value in entries.items():
        if " " in entry:
            phrases[_phrase_key(entry, language, stem)] = float(value)
            continue
        word = normalize(entry)
        words[word] = float(value)
        if word in exact:
            continue
        key = stem(word)
        # Two entries with one stem: the stronger valence wins, so the order of the file does not matter.
        if len(key) >= MIN_STEM and abs(value) > abs(stems.get(key, 0.0)):
            stems[key] = float(value)
    return Lexicon(
        language=language,
        stem=stem,
        words=words,
        stems=stems,
        phrases=phrases,
        longest_phrase=max((len(key) for key in phrases), default=1),
        negators=frozenset(normalize(word) for word in data["negators"] if " " not in word),
        boosters={normalize(word): float(share) for word, share in data["boosters"].items()},
        contrast=frozenset(normalize(word) for word in data["contrast"] if " " not in word),
    )


@cache
def symbols() -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Emoji, emoticons and the valence of a run of brackets (")))" smiles, "(((" frowns), as in the file."""
    data = _read("emoji.json")
    return (
        {key: float(value) for key, value in data["emoji"].items()},
        {key: float(value) for key, value in data["emoticons"].items()},
        {key: float(value) for key, value in data["brackets"].items()},
    )
