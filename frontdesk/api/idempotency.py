"""``Idempotency-Key`` on creating requests: a retry gets the first response and creates nothing.

The record is inserted in the same transaction as the object it describes, under a unique (user, key)
constraint, so two concurrent requests with one key cannot both create: the loser's transaction rolls back
and it answers with the winner's stored response.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder

from frontdesk.api.errors import IdempotencyKeyReused
from frontdesk.api.models import IdempotencyRecord
from frontdesk.core.errors import InvalidInput

if TYPE_CHECKING:
    from frontdesk.users.actors import Actor

T = TypeVar("T")

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def to_json(data: T) -> T:
    """What ninja would send for ``data``: JSON types only, dates formatted the same way."""
    return cast(T, json.loads(json.dumps(data, cls=NinjaJSONEncoder)))


def json_response(status: int, body: Any, *, replayed: bool = False) -> HttpResponse:
    text = body if isinstance(body, str) else json.dumps(body)
    response = HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _fingerprint(request: HttpRequest, operation: str, payload: Any) -> str:
    data = {"operation": operation, "path": request.path, "payload": payload}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> HttpResponse:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used for a different request; use a new key."), field=HEADER
        )
    return json_response(record.status_code, record.response, replayed=True)


def idempotent(
    request: HttpRequest,
    actor: Actor,
    *,
    operation: str,
    payload: Any,
    create: Callable[[], tuple[int, Any]],
) -> HttpResponse:
    """Run ``create`` (which returns status and JSON body) once per (user, Idempotency-Key).

    ``payload`` (the request as JSON data for the fingerprint) may be a function that gives it: it is called
    only when the request has a key."""
    key = request.headers.get(HEADER)
    if key is None or actor.user_id is None:
        status, body = create()
        return json_response(status, body)
    if not _KEY.match(key):
        raise InvalidInput(_("An Idempotency-Key has 1 to 255 visible ASCII characters."), field=HEADER)
    fingerprint = _fingerprint(request, operation, payload() if callable(payload) else payload)
    record = IdempotencyRecord.objects.filter(user_id=actor.user_id, key=key).first()
    if record is not None:
        return _replay(record, fingerprint)
    try:
        with transaction.atomic():
            status, body = create()
            body = json.dumps(body)
            IdempotencyRecord.objects.create(
                user_id=actor.user_id, key=key, fingerprint=fingerprint, status_code=status, response=body
            )
    except IntegrityError:
        # A concurrent request with the same key committed first; everything done here was rolled back.
        record = IdempotencyRecord.objects.filter(user_id=actor.user_id, key=key).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return json_response(status, body)
