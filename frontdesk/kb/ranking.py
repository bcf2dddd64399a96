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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer

# Field weights: a term in the title counts as this many occurrences in the body. The title names the topic in a
# few words, so it weighs most; tags count as body text, since an editor's tags mostly repeat title and body words
# and weighting them again would count those words twice. Chosen with the fusion share below by a coarse sweep on
# the labelled set (share 0.6-0.9, title 2-6, tags 1-2). Share 0.8 with title 4-6 and tags 1 is where every
# language reaches recall@3 0.90; it is a narrow ridge (share 0.75 or 0.85 leaves Polish one query short).
TITLE_WEIGHT = 5.0
TAGS_WEIGHT = 1.0
# Share of the character channel in the fused score (the word channel gets the rest).
CHAR_SHARE = 0.8
CHAR_SIZES = (3, 4, 5)
# A suggestion is shown to the customer only when its fused score reaches this: the lowest value on a 0.005 grid
# that shows at most 3 of the 24 out-of-scope queries of the labelled set in every candidate mode.
CONFIDENT = 0.125

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


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics to their base letters, then the extra letters, then Cyrillic."""
    table: dict[int, str] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        letter = chr(code)
        base = "".join(ch for ch in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(ch))
        if base != letter:
            table[code] = base.lower()
    table.update(_FOLD_EXTRA)
    table.update(_TRANSLIT)
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case, ``ё`` as ``е``, no diacritics, Cyrillic in Latin letters."""
    return text.lower().translate(_FOLD)


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


def word_grams(word: str) -> list[str]:
    """Character 3- to 5-grams of one folded word padded with a space on each side."""
    padded = f" {word} "
    return [padded[i : i + size] for size in CHAR_SIZES for i in range(len(padded) - size + 1)]


def char_grams(text: str) -> list[str]:
    """Character 3- to 5-grams of each folded word, never across words."""
    return [gram for word in _WORD.findall(fold(text)) for gram in word_grams(word)]


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


@dataclass
class _Channel:
    """A sparse TF-IDF matrix stored by term: for each term the documents it occurs in and its weights there."""

    vocabulary: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    @classmethod
    def build(
        cls, vocabulary: dict[str, int], n_docs: int, docs: np.ndarray, terms: np.ndarray, tfs: np.ndarray
    ) -> _Channel:
        """From one (document, term, weighted count) triple per occurrence; repeated pairs are summed."""
        n_terms = len(vocabulary)
        width = max(n_docs, 1)
        # 32-bit keys sort faster; 64 only for very large indexes.
        kind: type[np.signedinteger[Any]] = np.int32 if n_terms * width < 2**31 else np.int64
        keys = terms.astype(kind) * width + docs.astype(kind)
        pairs, where = np.unique(keys, return_inverse=True)
        pairs = pairs.astype(np.int64)
        tf = np.bincount(where.ravel(), weights=tfs, minlength=len(pairs))
        term_arr = pairs // width
        doc_arr = pairs % width
        df = np.bincount(term_arr, minlength=n_terms)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        weight = (1.0 + np.log(tf)) * idf[term_arr]
        norms = np.sqrt(np.bincount(doc_arr, weights=weight * weight, minlength=n_docs))
        weight /= np.where(norms > 0, norms, 1.0)[doc_arr]
        starts = np.zeros(n_terms + 1, dtype=np.int64)
        starts[1:] = np.cumsum(df)
        return cls(
            vocabulary=vocabulary,
            idf=idf.astype(np.float32),
            starts=starts,
            docs=doc_arr.astype(np.int32),
            weights=weight.astype(np.float32),
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
        n_docs = len(documents)
        # Each distinct (word, language) once: its folded form's grams and its stem.
        seen: dict[tuple[str, str], int] = {}
        pair_docs: list[int] = []
        pair_words: list[int] = []
        pair_counts: list[float] = []
        for number, doc in enumerate(documents):
            counts: dict[int, float] = {}
            for text, weight in (
                (doc.title, TITLE_WEIGHT),
                (" ".join(doc.tags), TAGS_WEIGHT),
                (doc.body, 1.0),
            ):
                for word, count in Counter(words(text)).items():
                    key = seen.setdefault((word, doc.language), len(seen))
                    counts[key] = counts.get(key, 0.0) + weight * count
            pair_docs.extend([number] * len(counts))
            pair_words.extend(counts)
            pair_counts.extend(counts.values())
        gram_vocabulary: dict[str, int] = {}
        stem_vocabulary: dict[str, int] = {}
        folded_ids: dict[str, int] = {}
        folded_grams: list[list[int]] = []
        word_folded = np.zeros(len(seen), dtype=np.int64)
        word_stem = np.zeros(len(seen), dtype=np.int64)
        for (word, language), key in seen.items():
            folded = fold(word)
            folded_id = folded_ids.get(folded)
            if folded_id is None:
                folded_id = folded_ids[folded] = len(folded_grams)
                folded_grams.append(
                    [gram_vocabulary.setdefault(g, len(gram_vocabulary)) for g in word_grams(folded)]
                    if folded
                    else []
                )
            word_folded[key] = folded_id
            word_stem[key] = stem_vocabulary.setdefault(_stem(word, language), len(stem_vocabulary))
        docs = np.asarray(pair_docs, dtype=np.int64)
        keys = np.asarray(pair_words, dtype=np.int64)
        tfs = np.asarray(pair_counts, dtype=np.float64)
        self._words = _Channel.build(stem_vocabulary, n_docs, docs, word_stem[keys], tfs)
        # Every (document, word) pair spread over the word's grams.
        lengths = np.asarray([len(g) for g in folded_grams], dtype=np.int64)
        offsets = np.zeros(len(folded_grams) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(lengths)
        flat = np.asarray([g for grams in folded_grams for g in grams], dtype=np.int64)
        per_pair = lengths[word_folded[keys]]
        firsts = offsets[word_folded[keys]]
        runs = np.cumsum(per_pair) - per_pair
        positions = np.repeat(firsts - runs, per_pair) + np.arange(int(per_pair.sum()), dtype=np.int64)
        self._chars = _Channel.build(
            gram_vocabulary, n_docs, np.repeat(docs, per_pair), flat[positions], np.repeat(tfs, per_pair)
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
