"""Incoming calls from a brand's telephone system (CTI): the agents of the line called get a pop-up with the
caller's customer card, open tickets and a button to start a phone ticket.

The telephone system signs each notice instead of holding a user's token: ``X-Frontdesk-Brand`` (the brand's
slug), ``X-Frontdesk-Timestamp`` (Unix seconds) and ``X-Frontdesk-Signature: sha256=<hex>``, the HMAC-SHA256 of
``<timestamp>.<body>`` with the brand's telephony signing secret. Notices older than five minutes, or sent twice,
are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.security import APIKeyHeader

from frontdesk.api.idempotency import json_response
from frontdesk.api.schemas.calls import IncomingCallIn, IncomingCallOut
from frontdesk.core.errors import NotFound
from frontdesk.core.live import calls_group, push
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import ContactKind
from frontdesk.users.contacts import normalize_phone
from frontdesk.users.queries import access_brand, customer_by_contact

# A notice signed longer ago than this (or this far in the future) is refused.
MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class CallSource:
    """The brand whose telephone system signed the notice."""

    brand_id: int


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What the telephone system puts in ``X-Frontdesk-Signature``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class CallSignature(APIKeyHeader):
    """``X-Frontdesk-Signature``: HMAC-SHA256 of ``<timestamp>.<body>`` with the brand's signing secret."""

    param_name = "X-Frontdesk-Signature"

    def authenticate(self, request: HttpRequest, key: str | None) -> CallSource | None:
        slug = request.headers.get("X-Frontdesk-Brand", "")
        timestamp = request.headers.get("X-Frontdesk-Timestamp", "")
        if not key or not slug or not timestamp.isdigit() or len(timestamp) > 12:
            return None
        if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
            return None
        try:
            brand = access_brand(SYSTEM, slug[:50])
        except NotFound:
            return None
        secret = brand.call_signing_secret
        if not secret or not brand.is_active:
            return None
        if not hmac.compare_digest(signature(secret, timestamp, request.body), key.strip()):
            return None
        # The same signed notice is taken once: a replay within the five minutes is refused too.
        if not cache.add(f"calls:signature:{brand.pk}:{key.strip()}", 1, MAX_AGE_SECONDS * 2):
            return None
        return CallSource(brand_id=brand.pk)


router = Router(tags=["calls"], auth=CallSignature())


@router.post(
    "",
    response={202: IncomingCallOut},
    summary="Announce an incoming call",
    description=(
        "Called by the brand's telephone system when a call comes in. Signed with the brand's telephony "
        "signing secret (see the `X-Frontdesk-Brand`, `X-Frontdesk-Timestamp` and `X-Frontdesk-Signature` "
        "headers); an unsigned, wrongly signed, older than five minutes or repeated notice gets 401. The "
        "agents of the brand (of `line` when given) who have the desk open see the caller at once."
    ),
)
def announce_call(request: HttpRequest, call: IncomingCallIn) -> HttpResponse:
    source: CallSource = request.auth  # type: ignore[attr-defined]
    phone = normalize_phone(call.phone)
    customer = customer_by_contact(source.brand_id, ContactKind.PHONE, phone, related=())
    push(
        [calls_group(source.brand_id, call.line)],
        {
            "type": "call.incoming",
            "brand": source.brand_id,
            "line": call.line,
            "phone": phone,
            "customer": customer.pk if customer else None,
        },
    )
    return json_response(202, {"phone": phone, "customer_id": customer.pk if customer else None})
