"""PostgreSQL: expression GIN indexes read by queries that repeat the indexed expression exactly.

* Words: ``to_tsvector('frontdesk_search', column)``. The configuration is a copy of ``russian`` whose words of
  every script go through ``unaccent`` and then the Russian Snowball stemmer: Russian is stemmed ("билетов" and
  "билеты" are both "билет", "ё" is "е"); Polish and English lose their diacritics and are otherwise kept whole
  (the Russian stemmer leaves Latin script alone), and the last query word (three letters or more) matches
  as a prefix, so "zwrot pieniedzy" finds "zwrot pieniędzy" and "refund" finds "refunds". PostgreSQL ships no Polish
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
# How matches are read (see PostgresBackend._newest): among the newest RECENT rows of a table, then the OLDER
# ones before those, then at most CAPPED of all other matches; memory for the bitmap of one search.
RECENT = 1_000
OLDER = 50_000
CAPPED = 2_000
WORK_MEM = "16MB"

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


def tsquery_text(chunks: Sequence[str]) -> str:
    """``'word' & 'OPR-26-000123':*`` for to_tsquery(): each piece quoted, so that to_tsquery() cuts it with
    the parser that cut the text ("OPR-26-000123" is "opr", "-26", "-000123", a phrase); the last piece (the
    one being typed) matches as a prefix if it is one word. A prefix reads every indexed word it starts (all
    the "opr…" of "OPR-26-000123"), so only one does."""
    last = len(chunks) - 1
    quoted = ("'" + c.replace("\\", "\\\\").replace("'", "''") + "'" for c in chunks)
    return " & ".join(
        f"{q}:*" if i == last and len(chunks[i]) >= PREFIX_FROM and chunks[i].isalnum() else q
        for i, q in enumerate(quoted)
    )


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

    def prepare(self, connection: BaseDatabaseWrapper, sources: Sequence[Source] = ()) -> None:
        # No sequential and no plain index scans: for a word it believes common, the planner would read a
        # table (or an index in id order) until it has enough matches, which is all of it when the word is
        # rare after all (its estimates for prefixes are guesses). Bitmap scans of the search index find the
        # matches, and the windows of ``_newest`` bound the reads. Enough memory for the bitmap of a common
        # word to stay exact (a lossy one re-checks every row). No parallel workers: starting them costs more
        # than these small reads. The newest id of each table, read in the same statement (its plan is made
        # before these settings apply), places the windows.
        tables = sorted({(s.table, s.pk) for s in sources if s.kind != Kind.NAMES})
        newest = "".join(
            f", (SELECT max({pk}) FROM {table})"  # noqa: S608 - names from Source
            for table, pk in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true), "
                "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true), "
                "set_config('work_mem', %s, true), set_config('max_parallel_workers_per_gather', '0', true)"
                + newest,
                [str(NAME_THRESHOLD), WORK_MEM],
            )
            row = cursor.fetchone()
        self._newest_ids = {table: last or 0 for (table, _pk), last in zip(tables, row[5:], strict=True)}

    def _newest(
        self,
        source: Source,
        rank: str,
        condition: str,
        where: str,
        params: list[Any],
        limit: int,
        *,
        windows: bool = True,
    ) -> Match:
        """The newest matches, newest first: those among the newest RECENT rows, then among the OLDER rows
        before those, then the newest of the first CAPPED matches among the rest. The parts run in that order
        and only until ``limit`` rows are found: a common word reads only the first (its whole posting list
        in the search index, and the few rows of the window), a rare one reads all its matches.
        ``params`` fill ``rank``, ``condition`` and ``where``, in that order."""
        narrowed = f" AND ({where})" if where else ""
        pk, table = f"src.{source.pk}", source.table
        columns = f"src.{source.key} AS key, {rank} AS rank, {pk} AS pk"
        last = getattr(self, "_newest_ids", {}).get(table)
        parts: list[tuple[str, list[Any]]] = []
        floor = None
        if last is not None:
            # Without the middle window (``windows=False``: pieces of numbers and addresses, whose order
            # matters less than a second read of the search index) the rest starts after the newest rows.
            floor = max(last - OLDER, 0) if windows else last - RECENT
            # The newest rows are read one by one ("IS TRUE" keeps the search index out: reading a common
            # word's whole posting list costs more than testing a few thousand rows); the older ones through
            # the search index, with the rows of the window.
            for test, low, high in (
                (f"({condition}) IS TRUE", last - RECENT, None),
                *([(condition, floor, last - RECENT)] if windows else []),
            ):
                below = f" AND {pk} <= %s" if high is not None else ""
                parts.append(
                    (
                        (
                            f"SELECT {columns} FROM {table} src WHERE {test}{narrowed} "  # noqa: S608 - names from Source
                            f"AND {pk} > %s{below} ORDER BY {pk} DESC LIMIT %s"
                        ),
                        [*params, low, *([high] if high is not None else []), limit],
                    )
                )
        # "+ 0": a filter, not a range for the primary key's index to read.
        older = f" AND {pk} + 0 <= %s" if floor is not None else ""
        rank_count = rank.count("%s")
        condition_count = condition.count("%s")
        rank_params = params[:rank_count]
        condition_params = params[rank_count : rank_count + condition_count]
        where_params = params[rank_count + condition_count :]
        parts.append(
            (
                (
                    f"SELECT {columns} FROM (SELECT * FROM {table} src WHERE {condition}{older} "  # noqa: S608 - names from Source
                    f"LIMIT {CAPPED}) AS src WHERE TRUE{narrowed} ORDER BY {pk} DESC LIMIT %s"
                ),
                [
                    *rank_params,
                    *condition_params,
                    *([floor] if floor is not None else []),
                    *where_params,
                    limit,
                ],
            )
        )
        union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS w{i}" for i, (sql, _) in enumerate(parts))  # noqa: S608
        return Match(
            f"SELECT key, rank FROM ({union}) AS m LIMIT %s",  # noqa: S608 - built above
            [p for _, ps in parts for p in ps] + [limit],
        )

    def match(
        self, source: Source, query: SearchQuery, *, limit: int, where: str = "", params: Sequence[Any] = ()
    ) -> Match | None:
        col = f"src.{source.column}"
        if source.kind == Kind.WORDS:
            if not query.words:
                return None
            tsquery = f"to_tsquery('{CONFIG}'::regconfig, %s)"
            words = tsquery_text(query.chunks)
            return self._newest(
                source,
                f"ts_rank({_vector(col)}, {tsquery}, 32)",
                f"{_vector(col)} @@ {tsquery}",
                where,
                [words, words, *params],
                limit,
            )
        if source.kind == Kind.NAMES:
            if len(query.text) < MIN_PIECE:
                return None
            indexed = f"frontdesk_unaccent({col})"
            sql = select(
                source,
                rank=f"word_similarity(frontdesk_unaccent(%s), {indexed})",
                source_from=f"{source.table} src",
                condition=f"frontdesk_unaccent(%s) <%% {indexed}",
                where=where,
                order=f"rank DESC, src.{source.pk} DESC",
            )
            return Match(sql, [query.text, query.text, *params, limit])
        if len(query.needle) < MIN_PIECE:
            return None
        pattern = like_pattern(query.needle)
        return self._newest(source, "1.0", f"{col} ILIKE %s", where, [pattern, *params], limit, windows=False)
