"""pytest plugin: the ``cast`` fixture, query counting and helpers shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings_test")


@pytest.fixture
def cast(db):
    from frontdesk.testing.cast import make_cast

    return make_cast()


@contextmanager
def _count_queries(expected: int | None = None, *, at_most: int | None = None) -> Iterator[list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        queries: list[str] = []
        yield queries
    queries.extend(q["sql"] for q in ctx.captured_queries)
    listing = "\n".join(f"{i + 1}. {sql}" for i, sql in enumerate(queries))
    if expected is not None:
        assert len(queries) == expected, f"expected {expected} queries, ran {len(queries)}:\n{listing}"
    if at_most is not None:
        assert len(queries) <= at_most, f"expected at most {at_most} queries, ran {len(queries)}:\n{listing}"


@pytest.fixture
def count_queries():
    """``with count_queries(3): ...`` fails listing the SQL when a different number of queries runs."""
    return _count_queries


@pytest.fixture
def is_postgres(db) -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language, whatever an earlier test in the same process activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_kb_indexes() -> None:
    """Knowledge-base ranking indexes live in the process; each test's rolled-back rows may reuse ids."""
    import sys

    suggest = sys.modules.get("frontdesk.kb.suggest")
    if suggest is not None:
        suggest.forget_indexes()


def clear_own_cache() -> None:
    """Empty this test process's cache. On Redis only its own keys go (the test settings give each process a
    key prefix): ``cache.clear()`` would flush the database under the other parallel test processes' feet."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]  # the backend itself: ``django.core.cache.cache`` is a proxy
    if isinstance(cache, LocMemCache):
        cache.clear()
        return
    prefix = cache.key_prefix
    if not prefix:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
