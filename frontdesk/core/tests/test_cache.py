"""Django's Redis cache shares one connection pool per process instead of one per request."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache

OPTIONS = {"OPTIONS": {"pool_class": "frontdesk.core.cache.SharedConnectionPool"}}


def test_cache_backends_made_for_different_requests_share_one_pool():
    # Under ASGI each request gets a backend object of its own; its connections must outlive it.
    first = RedisCache("redis://127.0.0.1:6379/3", OPTIONS)
    second = RedisCache("redis://127.0.0.1:6379/3", OPTIONS)
    assert first._cache._get_connection_pool(True) is second._cache._get_connection_pool(True)


def test_another_server_or_database_gets_its_own_pool():
    first = RedisCache("redis://127.0.0.1:6379/3", OPTIONS)
    other = RedisCache("redis://127.0.0.1:6379/4", OPTIONS)
    assert first._cache._get_connection_pool(True) is not other._cache._get_connection_pool(True)
