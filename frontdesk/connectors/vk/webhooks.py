"""VK's Callback API requests: the confirmation handshake, then events carrying our secret."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from frontdesk.connectors.base import Received, Refused, json_object

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdesk.connectors.models import Connector

# VK takes only this plain-text answer as "received"; anything else makes it send the event again.
OK = "ok"


def receive(connector: Connector, request: HttpRequest) -> Received:
    event = json_object(request.body)
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise Refused(400, "bad_event", _("The event has no type."))
    if str(event.get("group_id", "")) != connector.group_id:
        raise Refused(403, "wrong_group", _("The event is for another community."))
    if kind == "confirmation":
        if not connector.confirmation_code:
            raise Refused(
                409, "no_confirmation_code", _("Enter the confirmation code VK shows in the connector first.")
            )
        return Received(answer=connector.confirmation_code)
    secret = event.get("secret")
    if not isinstance(secret, str) or not hmac.compare_digest(secret.encode(), connector.secret.encode()):
        raise Refused(403, "bad_secret", _("The secret key is missing or wrong."))
    event_id = event.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        body = event.get("object")
        ident = body.get("id") if isinstance(body, dict) else None
        if ident is None:
            raise Refused(400, "bad_event", _("The event has no event_id."))
        event_id = f"{kind}:{ident}"
    stored = {key: value for key, value in event.items() if key != "secret"}
    return Received(updates=[(event_id[:128], stored)], answer=OK)
