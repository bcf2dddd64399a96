"""PostgreSQL: expression GIN indexes read by queries that repeat the indexed expression exactly.

* Words: ``to_tsvector('frontdesk_search', column)``. The configuration is a copy of ``russian`` whose words of
  every script go through ``unaccent`` and then the Russian Snowball stemmer: Russian is stemmed ("билетов" and
  "билеты" are both "билет", "ё" is "е"); Polish and English lose their diacritics and are otherwise kept whole
  (the Russian stemmer leaves Latin script alone), and query words of three letters or more match as prefixes,
  so "zwrot pieniedzy" finds "zwroty pieniędzy" and "refund" finds "refunds". PostgreSQL ships no Polish
  stemmer, and stemming Polish or English with the English stemmer would make a word typed without its
  diacritics ("pieniedzy" becomes "pieniedzi") miss the same word typed with them.
* Names: a trigram index (pg_trgm) over ``frontdesk_unaccent(column)``, matched with ``<%`` (word similarity)
  at a threshold low enough for one transposition in a seven-letter name, best similarity first.
* Substrings: a trigram index over the column itself, matched with ``ILIKE '%piece%'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from frontdesk.core.search.base import (
    PREFIX_FROM,
    Kind,
    Match,
    SearchBackend,
    SearchQuery,
    Source,
    like_pattern,
    select,
)

CONFIG = "frontdesk_search"
# word_similarity() of "petorva" and "Anna Petrova" is 0.375.
NAME_THRESHOLD = 0.35
# Trigram indexes find nothing useful for shorter pieces (and would read every row).
MIN_PIECE = 3

SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); an index needs an IMMUTABLE function.
    """CREATE OR REPLACE FUNCTION frontdesk_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.russian);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
                WITH public.unaccent, pg_catalog.russian_stem;
        END IF;
    END $$""",  # noqa: S608 - names from Source
]


def _vector(column: str) -> str:
    return f"to_tsvector('{CONFIG}'::regconfig, {column})"


def tsquery_text(words: Sequence[str]) -> str:
    """``'word':* & 'other'`` for to_tsquery(); words are ``\\w+`` runs, so they hold no quotes."""
    return " & ".join(f"'{w}':*" if len(w) >= PREFIX_FROM else f"'{w}'" for w in words)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"
    # SET LOCAL lasts until the end of the transaction.
    needs_transaction = True

    def setup_sql(self) -> list[str]:
        return list(SETUP)

    def index_expression(self, source: Source) -> str:
        if source.kind == Kind.WORDS:
            return _vector(source.column)
        if source.kind == Kind.NAMES:
            return f"frontdesk_unaccent({source.column}) gin_trgm_ops"
        return f"{source.column} gin_trgm_ops"

    def install_sql(self, source: Source) -> list[str]:
        # CONCURRENTLY: new tickets and mail keep coming in while a big table is indexed.
        return [
            (
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {source.index_name} ON {source.table} "
                f"USING gin ({self.index_expression(source)})"
            ),
            # Statistics of the indexed expression, so that the planner knows how rare a word is.
            f"ANALYZE {source.table}",
        ]

    def uninstall_sql(self, source: Source) -> list[str]:
        return [f"DROP INDEX CONCURRENTLY IF EXISTS {source.index_name}"]

    def prepare(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL pg_trgm.word_similarity_threshold = {NAME_THRESHOLD}")

    def match(
        self, source: Source, query: SearchQuery, *, limit: int, where: str = "", params: Sequence[Any] = ()
    ) -> Match | None:
        col, table = f"src.{source.column}", f"{source.table} src"
        newest = f"src.{source.pk} DESC"
        if source.kind == Kind.WORDS:
            if not query.words:
                return None
            tsquery = f"to_tsquery('{CONFIG}'::regconfig, %s)"
            # Newest matches first: a common word matches a good part of a big table, and ranking all of
            # those would read them all; the rank orders the newest ones among themselves.
            sql = select(
                source,
                rank=f"ts_rank({_vector(col)}, {tsquery}, 32)",
                source_from=table,
                condition=f"{_vector(col)} @@ {tsquery}",
                where=where,
                order=newest,
            )
            return Match(sql, [tsquery_text(query.words), tsquery_text(query.words), *params, limit])
        if source.kind == Kind.NAMES:
            if len(query.text) < MIN_PIECE:
                return None
            indexed = f"frontdesk_unaccent({col})"
            sql = select(
                source,
                rank=f"word_similarity(frontdesk_unaccent(%s), {indexed})",
                source_from=table,
                condition=f"frontdesk_unaccent(%s) <%% {indexed}",
                where=where,
                order=f"rank DESC, {newest}",
            )
            return Match(sql, [query.text, query.text, *params, limit])
        if len(query.needle) < MIN_PIECE:
            return None
        sql = select(
            source, rank="1.0", source_from=table, condition=f"{col} ILIKE %s", where=where, order=newest
        )
        return Match(sql, [like_pattern(query.needle), *params, limit])
