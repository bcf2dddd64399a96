"""Rate limits of the chat sockets: counters in the cache (shared by every process with Redis), per fixed
window. A counter that cannot be kept (no cache) lets the message through rather than block the chat.

A frame checks all its counters at once (``allow_all``): with Redis that is one round trip (a pipeline of
``SET … NX EX`` and ``INCR`` per counter), since the sockets call it on their event loop for every message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Per visitor address: this many times the brand's per-session limit (several visitors behind one NAT).
IP_FACTOR = 3
# Offline messages from one address in an hour (new chats: the brand's ``new_chats_per_hour``).
OFFLINE_PER_HOUR = 5
# Article suggestions asked by one socket in a minute.
SUGGESTIONS_PER_MINUTE = 30
# "Is anyone online?" from a widget whose panel is open and no chat started (it asks every 20 seconds).
PRESENCE_PER_MINUTE = 12

# A counter to check: (key, limit, window in seconds).
Check = tuple[str, int, int]


def _name(key: str, seconds: int) -> str:
    return f"chat:rate:{key}:{int(time.time() // seconds)}"


def _counts_in_redis(names: list[tuple[str, int]]) -> list[int]:
    """Count one more event in each named counter in one round trip; the counts after it."""
    backend: Any = caches["default"]
    client = backend._cache.get_client(None, write=True)
    pipe = client.pipeline(transaction=False)
    for name, ttl in names:
        key = backend.make_and_validate_key(name)
        pipe.set(key, 0, ex=ttl, nx=True)
        pipe.incr(key)
    replies = pipe.execute()
    return [int(count) for count in replies[1::2]]


def _count_in_cache(name: str, ttl: int) -> int:
    try:
        cache.add(name, 0, ttl)
        return int(cache.incr(name))
    except ValueError:
        # Expired between add and incr: this is the window's first event.
        cache.set(name, 1, ttl)
        return 1


def allow_all(checks: Sequence[Check]) -> int | None:
    """Count one more event under each check's key; the index of the first check whose ``limit`` events
    already fell in its current window (refused), or None when all allow it."""
    names = [(_name(key, seconds), seconds * 2) for key, _limit, seconds in checks]
    try:
        if isinstance(caches["default"], RedisCache):
            counts = _counts_in_redis(names)
        else:
            counts = [_count_in_cache(name, ttl) for name, ttl in names]
    except Exception:
        logger.warning("The chat's rate counters %s could not be kept", [n for n, _t in names], exc_info=True)
        return None
    for index, (count, (_key, limit, _seconds)) in enumerate(zip(counts, checks, strict=True)):
        if count > limit:
            return index
    return None


def allow(key: str, limit: int, seconds: int = 60) -> bool:
    """Count one more event under ``key``; False once ``limit`` events fell in the current window."""
    return allow_all([(key, limit, seconds)]) is None
