"""The inbound webhook's signature, the same scheme as our outgoing webhooks (docs/webhooks.md):
``X-Frontdesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` keyed with the connector's
secret, accepted within five minutes of our clock."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Frontdesk-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, stamp: int) -> str:
    return hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()


def make_header(secret: str, body: bytes, stamp: int | None = None) -> str:
    """The header a sender puts on ``body`` (used by tests and by the admin's example)."""
    when = int(time.time()) if stamp is None else stamp
    return f"t={when},v1={sign(secret, body, when)}"


def is_signed(secret: str, body: bytes, header: str, *, now: float | None = None) -> bool:
    pairs = [part.strip().partition("=") for part in header.split(",")]
    stamps = [value for name, _sep, value in pairs if name == "t" and value.isdigit()]
    given = [value for name, _sep, value in pairs if name == "v1"]
    if len(stamps) != 1 or not given or not secret:
        return False
    if abs((time.time() if now is None else now) - int(stamps[0])) > TOLERANCE_SECONDS:
        return False
    wanted = sign(secret, body, int(stamps[0]))
    return any(hmac.compare_digest(wanted, value) for value in given)
