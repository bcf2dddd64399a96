"""Scoring a short public comment: lexicon valences with VADER's rules, for Russian, English and Polish.

Each word's valence comes from the language's lexicon (as written, else by Snowball stem); a fixed phrase ("не
работает", "never again", "nie polecam") is read as one unit first. A valence is then

* raised or lowered by a booster among the two words before it ("очень", "very", "bardzo"; "slightly" lowers);
* flipped and damped (× -0.74, VADER's factor) by a negator among the three words before it in the same clause
  ("не", "not", "nie"), so "не очень хорошо" is mildly negative and "not bad" mildly positive;
* raised by a third when the word is written in capitals in a text that is not all capitals;
* if positive, cut to 0.3 in a sentence that ends with a question mark (a question asks rather than praises).

After a contrast word ("но", "but", "ale") valences count 1.5 times, before it half. Emoji, emoticons (":)",
":-(") and runs of brackets (")))" smiles, "(((" frowns, as Russian and Polish writers use them) add their own
valence. Exclamation marks (up to four) push the sum away from zero. The sum ``s`` is squashed into a score
``s / sqrt(s² + 15)`` in (-1, 1); at or above ``THRESHOLD`` it is positive, at or below minus it negative.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from .lexicon import WORD, Lexicon, expand, lexicon, normalize, symbols

# A score this far from zero is no longer neutral. Chosen on the labelled sets: 0.15 to 0.3 give the same labels
# there; the middle keeps single mild words ("fine", "дорого") neutral and single clear ones not.
THRESHOLD = 0.2
NEGATION = -0.74
NEGATION_WINDOW = 3
BOOSTER_WINDOW = 2
CAPS = 0.33
# A question asks rather than praises ("Какие места лучше?", "Is the matinee good for kids?"): its positive words
# count this much. Complaints asked as questions ("Why is the site down again?") keep their weight.
QUESTION = 0.3
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5
EXCLAMATION = 0.29
MAX_EXCLAMATIONS = 4
ALPHA = 15.0
MAX_CHARS = 5000

_SENTENCE_END = re.compile(r"([.!?;…]+)")
_CLAUSE_END = re.compile(r"[:,]\s*")
_BRACKETS = re.compile(r"(?<![:;=8xX])(\){2,}|\({2,})")


@dataclass(frozen=True)
class Token:
    text: str  # as written (for capitals)
    word: str  # normalized
    stem: str
    clause: int
    question: bool  # the sentence ends with a question mark


def _tokens(text: str, lex: Lexicon) -> list[Token]:
    tokens: list[Token] = []
    parts = _SENTENCE_END.split(text)
    clause = 0
    for sentence, end in zip(parts[::2], [*parts[1::2], ""], strict=True):
        for part in _CLAUSE_END.split(sentence):
            clause += 1
            for match in WORD.finditer(part):
                raw = match.group(0)
                word = normalize(raw)
                tokens.append(Token(raw, word, lex.stem(word), clause, "?" in end))
    return tokens


def _symbols_valence(text: str) -> tuple[float, str]:
    """The valence of the emoji, emoticons and bracket runs in ``text``, and the text without them."""
    emoji, emoticons, brackets = symbols()
    total = 0.0
    for emoticon in sorted(emoticons, key=len, reverse=True):
        pattern = re.compile(r"(?:(?<=\s)|^)" + re.escape(emoticon) + r"+(?=\s|$|[.,!?])")
        found = pattern.findall(text)
        if found:
            total += emoticons[emoticon] * len(found)
            text = pattern.sub(" ", text)
    for run in _BRACKETS.findall(text):
        total += brackets["smile"] if run[0] == ")" else brackets["frown"]
    text = _BRACKETS.sub(" ", text)
    seen = []
    for char in text.replace("\ufe0f", ""):
        if char in emoji:
            seen.append(emoji[char])
    # A row of the same emoji says it louder, not n times over: each repeat adds half of the one before.
    if seen:
        total += sum(
            value * (0.5 ** min(index, 3)) for index, value in enumerate(sorted(seen, key=abs, reverse=True))
        )
    return total, text


def _valences(tokens: list[Token], lex: Lexicon, shouting: bool) -> list[float]:
    """One valence per token (0 for most), boosters and negation applied, phrases counted at their first word."""
    values = [0.0] * len(tokens)
    covered = [False] * len(tokens)
    stems = [token.stem for token in tokens]
    for i, token in enumerate(tokens):
        if covered[i]:
            continue
        value, phrase = 0.0, False
        for size in range(min(lex.longest_phrase, len(tokens) - i), 1, -1):
            key = tuple(stems[i : i + size])
            if key in lex.phrases and len({t.clause for t in tokens[i : i + size]}) == 1:
                value, phrase = lex.phrases[key], True
                for j in range(i, i + size):
                    covered[j] = True
                break
        if phrase and not value:
            continue  # a neutral formula ("good morning"): its words say nothing
        if not phrase:
            if token.word in lex.boosters and _sentiment_follows(tokens, i, lex):
                continue
            if token.word in lex.negators:
                continue
            value = lex.valence(token.word, token.stem)
            if not value:
                continue
            value = _negated(tokens, i, lex, value)
        value = _boosted(tokens, i, lex, value)
        if not shouting and token.text.isupper() and len(token.text) > 2:
            value *= 1 + CAPS
        if token.question and value > 0:
            value *= QUESTION
        values[i] = value
    return values


def _sentiment_follows(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    return any(
        tokens[j].clause == tokens[i].clause and lex.valence(tokens[j].word, tokens[j].stem)
        for j in range(i + 1, min(len(tokens), i + 1 + BOOSTER_WINDOW))
    )


def _negated(tokens: list[Token], i: int, lex: Lexicon, value: float) -> float:
    for j in range(max(0, i - NEGATION_WINDOW), i):
        if tokens[j].clause == tokens[i].clause and tokens[j].word in lex.negators:
            return value * NEGATION
    return value


def _boosted(tokens: list[Token], i: int, lex: Lexicon, value: float) -> float:
    share = 0.0
    for j in range(max(0, i - BOOSTER_WINDOW), i):
        if tokens[j].clause == tokens[i].clause:
            share += lex.boosters.get(tokens[j].word, 0.0)
    return value * (1 + share)


def _contrasted(tokens: list[Token], values: list[float], lex: Lexicon) -> list[float]:
    turns = [i for i, token in enumerate(tokens) if token.word in lex.contrast]
    if not turns:
        return values
    turn = turns[-1]
    return [
        value * (BEFORE_CONTRAST if i < turn else AFTER_CONTRAST if i > turn else 1.0)
        for i, value in enumerate(values)
    ]


def raw_score(text: str, language: str) -> float:
    """The score of ``text`` in ``language`` (one of en, ru, pl), in (-1, 1)."""
    lex = lexicon(language)
    text = unicodedata.normalize("NFC", text or "")[:MAX_CHARS]
    total, text = _symbols_valence(text)
    text = expand(text, language)
    letters = [char for char in text if char.isalpha()]
    shouting = bool(letters) and all(char.isupper() for char in letters)
    tokens = _tokens(text, lex)
    total += sum(_contrasted(tokens, _valences(tokens, lex, shouting), lex))
    if total:
        bangs = min(text.count("!"), MAX_EXCLAMATIONS)
        total += math.copysign(bangs * EXCLAMATION, total)
    return total / math.sqrt(total * total + ALPHA)
