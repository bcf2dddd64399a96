"""Full-text and fuzzy search over database tables: one interface, a PostgreSQL and a SQLite backend.

A ``Source`` names a text column of a table and how it is searched. ``backend_for(connection)`` gives the
backend of that database: the migration asks it for the DDL that keeps each source's index current by itself
(expression indexes on PostgreSQL, FTS5 tables kept by triggers on SQLite), and a search asks it for one
SELECT per source that reads that index. Writers change nothing: whatever inserts or updates the rows (the ORM,
one-statement inserts, bulk loads) keeps the index current.
"""

from __future__ import annotations

from frontdesk.core.search.base import (
    MAX_QUERY_LENGTH,
    Kind,
    Match,
    SearchBackend,
    SearchQuery,
    Source,
    backend_for,
    parse_query,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "Kind",
    "Match",
    "SearchBackend",
    "SearchQuery",
    "Source",
    "backend_for",
    "parse_query",
]
