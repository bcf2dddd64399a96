"""The signature of a delivery: ``X-Frontdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256>``.

The HMAC key is the endpoint's secret and the message is ``f"{t}.{body}"``, so a captured request cannot be
replayed with another time. ``verify_signature`` is what a receiver does (docs/webhooks.md shows it standalone).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Frontdesk-Signature"
EVENT_HEADER = "X-Frontdesk-Event"
DELIVERY_HEADER = "X-Frontdesk-Delivery"
# How old a signature a receiver should still accept, in seconds.
DEFAULT_TOLERANCE = 300


def compute_signature(secret: str, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={compute_signature(secret, body, stamp)}"


def verify_signature(
    secret: str, body: bytes, header: str, *, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and its time is within ``tolerance`` seconds."""
    stamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            stamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if stamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    expected = compute_signature(secret, body, stamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
