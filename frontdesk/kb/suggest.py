"""Suggestions while a customer types, the ranked knowledge-base search, and automatic "read also".

All three rank with ``kb.ranking`` over an in-process index of one brand's published articles, built on first
use and kept per (brand, language, internal or not). Any process may change articles, so before using an index
a process compares the brand's stamp (number of articles and their latest ``updated_at``, one indexed
aggregate) with the one the index was built from, at most every ``STAMP_INTERVAL`` seconds; every kb action
moves ``Article.updated_at``, so an edit is seen within that interval everywhere and the next query rebuilds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Count, Max

from frontdesk.brands.models import Brand
from frontdesk.kb.choices import ArticleStatus, TranslationStatus, Visibility
from frontdesk.kb.models import Article, ArticleTranslation
from frontdesk.kb.ranking import Document, Index

# Seconds a process trusts its indexes of a brand before asking the database whether anything changed.
STAMP_INTERVAL = 2.0
# An outdated index of at least this many texts keeps answering while a thread builds its successor;
# a smaller one is rebuilt before the answer (that takes a few milliseconds to a few hundred).
BACKGROUND_FROM = 1000
# What a customer's text is cut to: a request's first lines carry its topic, the rest only costs time.
MAX_QUERY = 1000
MAX_LIMIT = 50


@dataclass(frozen=True)
class Suggestion:
    article_id: int
    public_id: int
    title: str
    # The ranking's fused score in [0, 1]; comparable across queries of one index.
    score: float
    # Whether the score passes the display threshold (``ranking.CONFIDENT``): show it to the customer.
    confident: bool
    language: str = ""


Stamp = tuple[int, datetime | None]


@dataclass(frozen=True)
class _Entry:
    index: Index
    # Per position in the index: (article id, public id, language, title).
    rows: Sequence[tuple[int, int, str, str]]
    stamp: Stamp


Key = tuple[int, str | None, bool]

_lock = threading.Lock()
_indexes: dict[Key, _Entry] = {}
_building: set[Key] = set()
# brand id -> (stamp, monotonic time it was read)
_stamps: dict[int, tuple[Stamp, float]] = {}


def _read_stamp(brand_id: int) -> Stamp:
    found = Article.objects.filter(brand_id=brand_id).aggregate(count=Count("id"), latest=Max("updated_at"))
    return int(found["count"] or 0), found["latest"]


def _stamp(brand_id: int) -> Stamp:
    now = time.monotonic()
    known = _stamps.get(brand_id)
    if known is not None and now - known[1] < STAMP_INTERVAL:
        return known[0]
    stamp = _read_stamp(brand_id)
    _stamps[brand_id] = (stamp, now)
    return stamp


def _load(brand_id: int, language: str | None, include_internal: bool, stamp: Stamp) -> _Entry:
    texts = ArticleTranslation.objects.filter(
        brand_id=brand_id,
        status=TranslationStatus.PUBLISHED,
        article__status=ArticleStatus.PUBLISHED,
    )
    if language:
        texts = texts.filter(language=language)
    if not include_internal:
        texts = texts.filter(article__visibility=Visibility.PUBLIC)
    documents: list[Document] = []
    rows: list[tuple[int, int, str, str]] = []
    for article_id, public_id, lang, title, body, tags in texts.order_by(
        "article_id", "language"
    ).values_list("article_id", "article__public_id", "language", "title", "body", "tags"):
        tag_list = [str(tag) for tag in tags] if isinstance(tags, list) else []
        documents.append(Document(len(rows), lang, title, body, tag_list))
        rows.append((article_id, public_id, lang, title))
    return _Entry(Index(documents), rows, stamp)


def _entry(brand_id: int, language: str | None, include_internal: bool) -> _Entry:
    key = (brand_id, language or None, include_internal)
    stamp = _stamp(brand_id)
    entry = _indexes.get(key)
    if entry is not None and entry.stamp == stamp:
        return entry
    if entry is not None and len(entry.index) >= BACKGROUND_FROM:
        _build_later(key, stamp)
        return entry
    with _lock:  # one build per process at a time; the others wait and reuse it
        entry = _indexes.get(key)
        if entry is None or entry.stamp != stamp:
            entry = _load(brand_id, language, include_internal, stamp)
            _indexes[key] = entry
    return entry


def _build_later(key: Key, stamp: Stamp) -> None:
    with _lock:
        if key in _building:
            return
        _building.add(key)

    def build() -> None:
        try:
            _indexes[key] = _load(key[0], key[1], key[2], stamp)
        finally:
            _building.discard(key)
            connections.close_all()  # this thread's own connection

    threading.Thread(target=build, name=f"kb-index-{key[0]}", daemon=True).start()


def forget_indexes() -> None:
    """Drop every index and stamp of this process (tests, and after bulk loads)."""
    with _lock:
        _indexes.clear()
        _stamps.clear()


def _rank(
    entry: _Entry, text: str, language: str, limit: int, exclude: Iterable[int] = ()
) -> list[Suggestion]:
    skip = set(exclude)
    seen: set[int] = set()
    result: list[Suggestion] = []
    # A brand may hold one article in several languages: keep each article's best translation.
    for hit in entry.index.rank(text[:MAX_QUERY], language=language, limit=limit * 3 + len(skip)):
        article_id, public_id, lang, title = entry.rows[_position(hit.id)]
        if article_id in seen or article_id in skip:
            continue
        seen.add(article_id)
        result.append(Suggestion(article_id, public_id, title, round(hit.score, 4), hit.confident, lang))
        if len(result) >= limit:
            break
    return result


def _position(value: Hashable) -> int:
    assert isinstance(value, int)
    return value


def _limit(limit: int) -> int:
    return max(0, min(int(limit), MAX_LIMIT))


def suggest_articles(
    *, brand_id: int, language: str, text: str, limit: int = 5, include_internal: bool = False
) -> list[Suggestion]:
    """The brand's published articles in ``language`` that best answer ``text``, best first. Only those with
    ``confident`` set should be put in front of a customer; the rest are for the record."""
    text = " ".join(text.split())
    limit = _limit(limit)
    if not text or not limit:
        return []
    return _rank(_entry(brand_id, language, include_internal), text, language, limit)


def search_articles(
    brand: Brand | int,
    query: str,
    *,
    language: str | None = None,
    include_internal: bool = False,
    limit: int = 20,
) -> list[Suggestion]:
    """The knowledge-base search: the same ranking with no threshold, in one language or (``None``) in all the
    brand's languages, each article once."""
    query = " ".join(query.split())
    limit = _limit(limit)
    if not query or not limit:
        return []
    brand_id = brand if isinstance(brand, int) else brand.pk
    return _rank(_entry(brand_id, language, include_internal), query, language or "", limit)


def similar_articles(article: Article, language: str, limit: int, exclude: set[int]) -> list[int]:
    """Ids of published articles of the same brand and visibility close to ``article`` in ``language``, best
    first: its title, tags and opening ranked as a query. Fits the ``FRONTDESK_KB_SIMILAR`` setting."""
    own = (
        ArticleTranslation.objects.filter(article=article, language=language)
        .values_list("title", "body", "tags")
        .first()
    )
    if own is None:
        return []
    title, body, tags = own
    text = " ".join([title, title, *(str(t) for t in (tags or []))] + [body[: MAX_QUERY // 2]])
    entry = _entry(article.brand_id, language, article.visibility != Visibility.PUBLIC)
    found = _rank(entry, text, language, _limit(limit), exclude={article.pk, *exclude})
    return [item.article_id for item in found]


def cached_indexes() -> dict[str, Any]:
    """What this process holds, for diagnostics and the benchmark."""
    return {
        f"{key[0]}/{key[1] or '*'}/{'internal' if key[2] else 'public'}": len(e.index)
        for key, e in _indexes.items()
    }
