"""Telegram's calls to our webhook: the secret token header checked, the body one ``Update``."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from frontdesk.connectors.base import Received, Refused, json_object

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdesk.connectors.models import Connector

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def receive(connector: Connector, request: HttpRequest) -> Received:
    given = request.headers.get(SECRET_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), connector.secret.encode()):
        raise Refused(403, "bad_secret", _("The secret token is missing or wrong."))
    update = json_object(request.body)
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise Refused(400, "bad_update", _("The update has no update_id."))
    return Received(updates=[(str(update_id), update)])
