"""One Redis connection pool per process for Django's cache.

Django makes a cache backend object, and with it a new connection pool, per thread or async context: under
ASGI every request runs in a context of its own, so every request that touched the cache opened a new TCP
connection to Redis (with its handshake, and redis-py reading its own package metadata for the client name)
and dropped it afterwards. With ``"OPTIONS": {"pool_class": "frontdesk.core.cache.SharedConnectionPool"}`` all
backend objects of a process share one pool per URL and options, whose connections are reused.
"""

from __future__ import annotations

import threading
from typing import Any

import redis

_lock = threading.Lock()
_pools: dict[tuple[str, str], redis.ConnectionPool] = {}


class SharedConnectionPool(redis.ConnectionPool):
    """``from_url`` hands out the process's pool for that URL and options, creating it once.

    redis-py pools notice a fork and start afresh in the child, so worker processes never share sockets.
    """

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> redis.ConnectionPool:  # type: ignore[override]
        key = (url, repr(sorted(kwargs.items(), key=lambda item: item[0])))
        pool = _pools.get(key)
        if pool is None:
            with _lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = redis.ConnectionPool.from_url(url, **kwargs)
        return pool
