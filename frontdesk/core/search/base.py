"""The search interface: sources, a parsed query, and the backend every database vendor implements."""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput

# Longer queries are refused: nobody types more into a search box, and each word costs an index probe.
MAX_QUERY_LENGTH = 200
# Words beyond these are ignored (they only narrow an AND query that is already narrow).
MAX_WORDS = 8
# Words this long or longer match as prefixes ("refund" finds "refunds", "zwrot" finds "zwroty").
PREFIX_FROM = 3

_WORD = re.compile(r"\w+")
# A phone number or another number written with separators: "+48 22 123-45-67", "(495) 123.45.67".
_NUMBERISH = re.compile(r"^\+?[\d\s().\-/]+$")
_SEPARATORS = re.compile(r"[\s().\-/]")
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


class Kind(StrEnum):
    # Words of a text: stemmed for Russian, without diacritics for Polish, longer words matched as prefixes.
    WORDS = "words"
    # A person's name, found despite a typo ("Petorva" finds "Petrova").
    NAMES = "names"
    # A piece of a value: "58831" of a ticket number, "kowalski@" of an email, "123-45" of a phone.
    SUBSTRING = "substring"


@dataclass(frozen=True)
class Source:
    """A searched column. ``name`` names its index (``search_<name>``); ``key`` is the column a match yields."""

    name: str
    table: str
    column: str
    kind: Kind
    key: str = "id"
    pk: str = "id"

    @property
    def index_name(self) -> str:
        return f"search_{self.name}"


@dataclass(frozen=True)
class Match:
    """One SELECT of ``key`` and ``rank`` (0 to 1, higher is better) rows, at most the limit asked for."""

    sql: str
    params: list[Any] = field(default_factory=list)


def fold(text: str) -> str:
    """Lower case without diacritics: "Łódź" and "lodz", "Ёлкин" and "елкин" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class SearchQuery:
    """What a person typed, cut into the forms the sources need."""

    text: str
    # Lower-case words, at most MAX_WORDS.
    words: tuple[str, ...]
    # The text cut at white space, at most MAX_WORDS pieces ("OPR-26-000123", "jan@example.com").
    chunks: tuple[str, ...]
    # The text as one piece for substring sources: lower case, a number's separators taken out.
    needle: str


def parse_query(raw: str | None) -> SearchQuery:
    """The query for ``raw``; empty or longer than MAX_QUERY_LENGTH raises ``InvalidInput`` on field ``q``."""
    text = " ".join((raw or "").split())
    if not text:
        raise InvalidInput(_("Type something to search for."), field="q")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            _("A search can be at most %(limit)d characters long.") % {"limit": MAX_QUERY_LENGTH}, field="q"
        )
    if "\x00" in text:
        raise InvalidInput(_("The search contains characters that cannot be searched for."), field="q")
    words = tuple(w.lower() for w in _WORD.findall(text))[:MAX_WORDS]
    needle = _SEPARATORS.sub("", text) if _NUMBERISH.match(text) else text
    chunks = tuple(text.split())[:MAX_WORDS]
    return SearchQuery(text=text, words=words, chunks=chunks, needle=needle.lower())


def like_pattern(needle: str) -> str:
    """``%needle%`` with LIKE's wildcards in the needle escaped (with a backslash, PostgreSQL's default)."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SearchBackend(ABC):
    """What a database does for search. SQL fragments name the searched table ``src``."""

    vendor: str
    # Whether ``prepare`` needs the search to run in a transaction of its own.
    needs_transaction = False

    @abstractmethod
    def setup_sql(self) -> list[str]:
        """Statements run once before any source is installed (extensions, configurations)."""

    @abstractmethod
    def install_sql(self, source: Source) -> list[str]:
        """Statements that create the source's index and fill it; the database keeps it current from then on."""

    @abstractmethod
    def uninstall_sql(self, source: Source) -> list[str]:
        """Statements that drop the source's index (and whatever keeps it current)."""

    def prepare(self, connection: BaseDatabaseWrapper, sources: Sequence[Source] = ()) -> None:  # noqa: B027
        """Called before the statements of one search (inside its transaction), with the sources it reads;
        ``match`` is called after it."""

    @abstractmethod
    def match(
        self, source: Source, query: SearchQuery, *, limit: int, where: str = "", params: Sequence[Any] = ()
    ) -> Match | None:
        """A SELECT of the source's matches (``where`` narrows ``src`` with ``params``), or None when the
        query cannot match this source (no words, a piece too short for an index)."""


def backend_for(connection: BaseDatabaseWrapper) -> SearchBackend:
    if connection.vendor == "postgresql":
        from frontdesk.core.search.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from frontdesk.core.search.sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")


def select(source: Source, *, rank: str, source_from: str, condition: str, where: str, order: str) -> str:
    """``SELECT key, rank FROM ... WHERE condition [AND (where)] ORDER BY order LIMIT %s``."""
    narrowed = f" AND ({where})" if where else ""
    return (
        f"SELECT src.{source.key} AS key, {rank} AS rank FROM {source_from} "  # noqa: S608 - names from Source
        f"WHERE {condition}{narrowed} ORDER BY {order} LIMIT %s"
    )
