"""SQLite (the embedded default): FTS5 tables with external content, kept current by triggers.

* Words: ``unicode61 remove_diacritics 2`` (case and diacritics folded: "pieniedzy" finds "pieniędzy"); query
  words of three letters or more match as prefixes, Russian ones cut to their Snowball stem first, so
  "билетов" looks for "билет*" and finds "билеты". SQLite has no stemmer of its own.
* Names: an FTS5 ``trigram`` table finds the names sharing a trigram with the query, and
  ``frontdesk_similarity()`` (a Python function registered on the connection) keeps those close enough.
* Substrings: an FTS5 ``trigram`` table, matched with the piece as a phrase.

The triggers live on the searched table. Django rebuilds a SQLite table for some schema changes (altering a
column) and the triggers go with the old table: a test checks that they exist after all migrations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db.backends.base.base import BaseDatabaseWrapper

from frontdesk.core.search.base import (
    PREFIX_FROM,
    Kind,
    Match,
    SearchBackend,
    SearchQuery,
    Source,
    fold,
    select,
)

# How close a name must be: SequenceMatcher's ratio of "petorva" and "petrova" is 0.71, of "ivanova" 0.43.
NAME_THRESHOLD = 0.6
# Names sharing a trigram with the query, best BM25 first, that the similarity is computed for.
NAME_CANDIDATES = 500
MIN_PIECE = 3

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_RUSSIAN = snowballstemmer.stemmer("russian")

TOKENIZERS = {
    Kind.WORDS: "unicode61 remove_diacritics 2",
    Kind.NAMES: "trigram",
    Kind.SUBSTRING: "trigram",
}


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# A word's ё may be written е, and the stemmer writes е: this many of its е are tried as ё too.
YO_TRIES = 4


def _yo_spellings(word: str) -> list[str]:
    """A Russian word as a text may spell it: with е throughout, and with ё in the place of one е (FTS5's
    tokenizer does not take ё for е, and people write either)."""
    plain = word.replace("ё", "е").replace("Ё", "Е")
    if not _CYRILLIC.search(plain):
        return [word]
    places = [i for i, letter in enumerate(plain) if letter in "еЕ"][:YO_TRIES]
    spellings = [plain] + [plain[:i] + ("ё" if plain[i] == "е" else "Ё") + plain[i + 1 :] for i in places]
    return list(dict.fromkeys(spellings))


def match_expression(words: Sequence[str]) -> str:
    """An FTS5 query: every word, the longer ones as prefixes, Russian ones by their stem and with or
    without ё."""
    terms = []
    for word in words:
        if _CYRILLIC.search(word) and len(word) > PREFIX_FROM:
            word = _RUSSIAN.stemWord(word)
        star = "*" if len(word) >= PREFIX_FROM else ""
        spellings = [_quote(spelling) + star for spelling in _yo_spellings(word)]
        terms.append(spellings[0] if len(spellings) == 1 else "(" + " OR ".join(spellings) + ")")
    return " AND ".join(terms)  # FTS5 takes no implicit AND before a group in parentheses


@lru_cache(maxsize=4096)
def similarity(query: str | None, name: str | None) -> float:
    """How well ``name`` matches ``query``: for each query word, its best ratio against a word of the name
    (or the whole name), averaged. Case and diacritics do not count."""
    if not query or not name:
        return 0.0
    query_words, name_folded = fold(query).split(), fold(name)
    candidates = [*name_folded.split(), name_folded]
    if not query_words:
        return 0.0
    best = [max(SequenceMatcher(None, q, c).ratio() for c in candidates) for q in query_words]
    return sum(best) / len(best)


def trigrams(text: str) -> list[str]:
    found: dict[str, None] = {}
    for word in text.lower().split():
        for i in range(len(word) - 2):
            found[word[i : i + 3]] = None
    return list(found)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def setup_sql(self) -> list[str]:
        return []

    def install_sql(self, source: Source) -> list[str]:
        fts, table, col, pk = source.index_name, source.table, source.column, source.pk
        insert = f"INSERT INTO {fts}(rowid, {col}) VALUES (new.{pk}, new.{col});"  # noqa: S608 - names from Source
        delete = f"INSERT INTO {fts}({fts}, rowid, {col}) VALUES ('delete', old.{pk}, old.{col});"  # noqa: S608 - names from Source
        return [
            (
                f"CREATE VIRTUAL TABLE {fts} USING fts5({col}, content='{table}', content_rowid='{pk}', "
                f"tokenize='{TOKENIZERS[source.kind]}')"
            ),
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {col} ON {table} BEGIN {delete} {insert} END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608 - names from Source
        ]

    def uninstall_sql(self, source: Source) -> list[str]:
        fts = source.index_name
        return [
            *(f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")),
            f"DROP TABLE IF EXISTS {fts}",
        ]

    def trigger_names(self, source: Source) -> list[str]:
        return [f"{source.index_name}_{event}" for event in ("insert", "delete", "update")]

    def prepare(self, connection: BaseDatabaseWrapper, sources: Sequence[Source] = ()) -> None:
        connection.ensure_connection()
        connection.connection.create_function("frontdesk_similarity", 2, similarity, deterministic=True)

    def match(
        self, source: Source, query: SearchQuery, *, limit: int, where: str = "", params: Sequence[Any] = ()
    ) -> Match | None:
        fts, pk = source.index_name, source.pk
        joined = f"{fts} JOIN {source.table} src ON src.{pk} = {fts}.rowid"
        matches = f"{fts} MATCH %s"
        newest = f"src.{pk} DESC"
        if source.kind == Kind.WORDS:
            if not query.words:
                return None
            # bm25() is negative, lower is better; -bm25 / (1 - bm25) maps it to 0..1, higher is better.
            rank = f"-bm25({fts}) / (1 - bm25({fts}))"
            sql = select(source, rank=rank, source_from=joined, condition=matches, where=where, order=newest)
            return Match(sql, [match_expression(query.words), *params, limit])
        if source.kind == Kind.NAMES:
            grams = trigrams(query.text)
            if not grams:
                return None
            # The names sharing most trigrams with the query, then the close ones among them.
            candidates = select(
                source,
                rank=f"src.{source.column}",
                source_from=joined,
                condition=matches,
                where=where,
                order=f"bm25({fts})",
            )
            return Match(
                "SELECT key, frontdesk_similarity(%s, rank) AS rank FROM ("  # noqa: S608 - names from Source
                f"{candidates}) AS c WHERE frontdesk_similarity(%s, rank) >= %s ORDER BY 2 DESC LIMIT %s",
                [query.text, " OR ".join(_quote(g) for g in grams), *params, NAME_CANDIDATES]
                + [query.text, NAME_THRESHOLD, limit],
            )
        if len(query.needle) < MIN_PIECE:
            return None
        sql = select(source, rank="1.0", source_from=joined, condition=matches, where=where, order=newest)
        return Match(sql, [_quote(query.needle), *params, limit])
