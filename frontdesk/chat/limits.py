"""Rate limits of the chat sockets: counters in the cache (shared by every process with Redis), per fixed
window. A counter that cannot be kept (no cache) lets the message through rather than block the chat."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Per visitor address: this many times the brand's per-session limit (several visitors behind one NAT).
IP_FACTOR = 3
# Offline messages from one address in an hour (new chats: the brand's ``new_chats_per_hour``).
OFFLINE_PER_HOUR = 5
# Article suggestions asked by one socket in a minute.
SUGGESTIONS_PER_MINUTE = 30


def allow(key: str, limit: int, seconds: int = 60) -> bool:
    """Count one more event under ``key``; False once ``limit`` events fell in the current window."""
    window = int(time.time() // seconds)
    name = f"chat:rate:{key}:{window}"
    try:
        cache.add(name, 0, seconds * 2)
        count = cache.incr(name)
    except ValueError:
        # Expired between add and incr: this is the window's first event.
        cache.set(name, 1, seconds * 2)
        count = 1
    except Exception:
        logger.warning("The chat's rate counter %s could not be kept", name, exc_info=True)
        return True
    return int(count) <= limit
