"""Ranking help articles against what a customer types: pure Python and numpy, no database.

Two sparse TF-IDF channels over the same normalised text, fused by a weighted sum of their cosines:

* characters: 3- to 5-grams inside word boundaries. They carry typos, inflection and partial words;
* words: Snowball stems (Russian, English, Polish), one term per word. They carry exact vocabulary.

Before either channel sees it, text is *folded*: lower case, ``ё`` read as ``е``, diacritics dropped (Polish
``ł`` becomes ``l``), and Cyrillic transliterated to Latin, so "ne prishel bilet" written in Latin letters meets
the Russian article "Билет не пришёл". Stems are taken before transliteration (Russian words are stemmed in
Cyrillic) and a query word in Latin letters of a Russian query is read back into Cyrillic first.

Titles and tags count more than the body (their term frequencies are multiplied). Nothing here knows any
article or topic: no synonyms, no rules per article.

``Index.rank`` returns hits best first with a ``score`` in [0, 1] (the fused cosine); ``CONFIDENT`` is the one
display threshold for "show this suggestion to the customer", fixed for every language and index size.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer

# Field weights: a term in the title counts as this many occurrences in the body.
TITLE_WEIGHT = 3.0
TAGS_WEIGHT = 2.0
# Share of the character channel in the fused score (the word channel gets the rest).
CHAR_SHARE = 0.7
CHAR_SIZES = (3, 4, 5)
# A suggestion is shown to the customer only when its fused score reaches this.
CONFIDENT = 0.13

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"^[a-z]+$")

_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u",
}  # fmt: skip
_TRANSLIT = str.maketrans(_TO_LATIN)
_FOLD_EXTRA = str.maketrans({"ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ı": "i"})

# Latin letters back to Cyrillic for a Russian query typed without a Russian keyboard; longest first.
_TO_CYRILLIC = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"),
    ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"), ("yo", "е"), ("jo", "е"), ("ye", "е"),
    ("a", "а"), ("b", "б"), ("c", "ц"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"),
    ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"),
    ("y", "ы"), ("z", "з"),
]  # fmt: skip
_BACK = re.compile("|".join(latin for latin, _ in _TO_CYRILLIC))
_BACK_MAP = dict(_TO_CYRILLIC)

_STEMMERS = {"ru": "russian", "en": "english", "pl": "polish"}


def fold(text: str) -> str:
    """Lower case, ``ё`` as ``е``, no diacritics, Cyrillic in Latin letters."""
    text = text.lower().translate(_FOLD_EXTRA)
    text = unicodedata.normalize("NFKD", text.replace("ё", "е").replace("й", "\0"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("\0", "й")
    return text.translate(_TRANSLIT)


def words(text: str) -> list[str]:
    """The words of ``text`` in lower case, ``ё`` read as ``е``, diacritics kept (stemmers need them)."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def to_cyrillic(word: str) -> str:
    """A Russian word typed in Latin letters, read back into Cyrillic (``pochtu`` → ``почту``)."""
    return _BACK.sub(lambda match: _BACK_MAP[match.group(0)], word)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Any:
    name = _STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    if language == "ru" and _LATIN_WORD.match(word) and len(word) > 2:
        word = to_cyrillic(word)
    stemmer = _stemmer("ru" if _CYRILLIC.search(word) else language)
    stem = stemmer.stemWord(word) if stemmer else word
    return fold(stem)


def stems(text: str, language: str) -> list[str]:
    """One folded stem per word, stemmed in the given language (Cyrillic words always as Russian)."""
    return [_stem(word, language) for word in words(text)]


def char_grams(text: str) -> list[str]:
    """Character 3- to 5-grams of each folded word, the word padded with a space on each side."""
    grams: list[str] = []
    for word in _WORD.findall(fold(text)):
        padded = f" {word} "
        for size in CHAR_SIZES:
            if len(padded) < size:
                continue
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


@dataclass(frozen=True)
class Document:
    """One article in one language, as the ranking sees it."""

    id: Hashable
    language: str
    title: str
    body: str
    tags: Sequence[str] = ()


@dataclass(frozen=True)
class Hit:
    id: Hashable
    score: float
    confident: bool


def _weighted(fields: Iterable[tuple[list[str], float]]) -> dict[str, float]:
    counts: dict[str, float] = {}
    for terms, weight in fields:
        for term in terms:
            counts[term] = counts.get(term, 0.0) + weight
    return counts


@dataclass
class _Channel:
    """A sparse TF-IDF matrix stored by term: for each term the documents it occurs in and its weights there."""

    vocabulary: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @classmethod
    def build(cls, counts: list[dict[str, float]]) -> _Channel:
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        doc_ids: list[int] = []
        tfs: list[float] = []
        for doc, terms in enumerate(counts):
            for term, tf in terms.items():
                term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                doc_ids.append(doc)
                tfs.append(tf)
        n_docs = len(counts)
        term_arr = np.asarray(term_ids, dtype=np.int64)
        doc_arr = np.asarray(doc_ids, dtype=np.int32)
        df = np.bincount(term_arr, minlength=len(vocabulary)).astype(np.float64)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        weight = (1.0 + np.log(np.asarray(tfs, dtype=np.float64))) * idf[term_arr]
        norms = np.sqrt(np.bincount(doc_arr, weights=weight * weight, minlength=n_docs))
        weight /= np.where(norms > 0, norms, 1.0)[doc_arr]
        order = np.argsort(term_arr, kind="stable")
        starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        starts[1:] = np.cumsum(df.astype(np.int64))
        return cls(
            vocabulary=vocabulary,
            idf=idf.astype(np.float32),
            starts=starts,
            docs=doc_arr[order],
            weights=weight[order].astype(np.float32),
        )

    def scores(self, terms: list[str], n_docs: int) -> np.ndarray:
        """Cosine of the query terms against every document."""
        known: dict[int, float] = {}
        unknown = 0.0
        for term, tf in Counter(terms).items():
            term_id = self.vocabulary.get(term)
            # A term no document has gets the largest idf: it still counts in the query's length.
            if term_id is None:
                unknown += (1.0 + math.log(tf)) ** 2 * (math.log(1.0 + n_docs) + 1.0) ** 2
                continue
            known[term_id] = (1.0 + math.log(tf)) * float(self.idf[term_id])
        total = np.zeros(n_docs, dtype=np.float32)
        norm = math.sqrt(sum(w * w for w in known.values()) + unknown)
        if not known or norm == 0:
            return total
        parts_docs = []
        parts_weights = []
        for term_id, weight in known.items():
            start, end = self.starts[term_id], self.starts[term_id + 1]
            parts_docs.append(self.docs[start:end])
            parts_weights.append(self.weights[start:end] * np.float32(weight / norm))
        return np.bincount(
            np.concatenate(parts_docs), weights=np.concatenate(parts_weights), minlength=n_docs
        ).astype(np.float32)


class Index:
    """Documents ready to be ranked against queries; build once, rank many times, never changed."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.ids: list[Hashable] = [document.id for document in documents]
        self.languages: list[str] = [document.language for document in documents]
        self._chars = _Channel.build(
            [
                _weighted(
                    [
                        (char_grams(doc.title), TITLE_WEIGHT),
                        (char_grams(" ".join(doc.tags)), TAGS_WEIGHT),
                        (char_grams(doc.body), 1.0),
                    ]
                )
                for doc in documents
            ]
        )
        self._words = _Channel.build(
            [
                _weighted(
                    [
                        (stems(doc.title, doc.language), TITLE_WEIGHT),
                        (stems(" ".join(doc.tags), doc.language), TAGS_WEIGHT),
                        (stems(doc.body, doc.language), 1.0),
                    ]
                )
                for doc in documents
            ]
        )

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str, language: str) -> np.ndarray:
        """The fused score of every document, in index order."""
        n_docs = len(self.ids)
        if not n_docs:
            return np.zeros(0, dtype=np.float32)
        chars = self._chars.scores(char_grams(query), n_docs)
        stemmed = self._words.scores(stems(query, language), n_docs)
        return CHAR_SHARE * chars + (1.0 - CHAR_SHARE) * stemmed

    def rank(self, query: str, *, language: str, limit: int = 10) -> list[Hit]:
        """The best ``limit`` documents for ``query``, best first; documents sharing nothing are left out."""
        scores = self.scores(query, language)
        if not len(scores) or limit <= 0:
            return []
        top = np.argpartition(-scores, limit - 1)[:limit] if limit < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            Hit(id=self.ids[i], score=float(scores[i]), confident=bool(scores[i] >= CONFIDENT))
            for i in top
            if scores[i] > 0
        ]
