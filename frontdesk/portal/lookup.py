"""Status by number without an account: which requests a browser session may open through a mailed link,
and the rate limits of asking for one."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

SESSION_KEY = "portal_ticket_access"
# How long a session that opened a link may see (and answer) its request.
ACCESS_SECONDS = 2 * 3600
# Look-ups allowed per hour: from one address (IP), and for one request number or one email (each per brand).
PER_IP_PER_HOUR = 20
PER_TARGET_PER_HOUR = 3
# The answer to a look-up takes at least this long, whether or not anything was sent.
MIN_ANSWER_SECONDS = 0.25


def grant(request: HttpRequest, brand_id: int, number: str) -> None:
    """Let this browser session open request ``number`` of the brand for ``ACCESS_SECONDS``."""
    grants = dict(request.session.get(SESSION_KEY) or {})
    now = time.time()
    grants = {key: until for key, until in grants.items() if until > now}
    grants[f"{brand_id}:{number}"] = now + ACCESS_SECONDS
    request.session[SESSION_KEY] = grants
    # A new session key for the access it carries now (as after a sign-in).
    request.session.cycle_key()


def has_access(request: HttpRequest, brand_id: int, number: str) -> bool:
    until = (request.session.get(SESSION_KEY) or {}).get(f"{brand_id}:{number}")
    return isinstance(until, int | float) and until > time.time()


def client_address(request: HttpRequest) -> str:
    """The visitor's address: behind the reverse proxy Frontdesk is deployed with (``BEHIND_PROXY``), the one
    the proxy added last to X-Forwarded-For (earlier entries are the visitor's to invent)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _spend(key: str, limit: int) -> bool:
    """Count one more use of ``key`` in the current hour; False once it is over ``limit``."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"portal-lookup:{digest}:{int(time.time() // 3600)}"
    if cache.add(cache_key, 1, timeout=3600):
        return True
    try:
        return int(cache.incr(cache_key)) <= limit
    except ValueError:
        # Expired between the two calls.
        cache.add(cache_key, 1, timeout=3600)
        return True


def allowed(request: HttpRequest, brand_id: int, number: str, email: str) -> bool:
    """Whether this look-up may go ahead: every counter is spent, so a flood is limited on each key."""
    results = [
        _spend(f"ip:{client_address(request)}", PER_IP_PER_HOUR),
        _spend(f"number:{brand_id}:{number.upper()}", PER_TARGET_PER_HOUR),
        _spend(f"email:{brand_id}:{email.lower()}", PER_TARGET_PER_HOUR),
    ]
    return all(results)
