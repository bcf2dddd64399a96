"""The generic inbound webhook adapter: signed JSON items in; nothing goes back out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from frontdesk.connectors.base import (
    Author,
    Entry,
    Fetched,
    FileRef,
    NotSupported,
    Received,
    Refused,
    json_object,
)
from frontdesk.connectors.choices import ConnectorKind
from frontdesk.connectors.webhook import mapping, signing

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdesk.connectors.models import Connector


class WebhookAdapter:
    kind = ConnectorKind.WEBHOOK.value

    def receive(self, connector: Connector, request: HttpRequest) -> Received:
        header = request.headers.get(signing.SIGNATURE_HEADER, "")
        if not signing.is_signed(connector.secret, request.body, header):
            raise Refused(401, "bad_signature", _("The signature is missing, wrong or too old."))
        item = json_object(request.body)
        return Received(updates=[(mapping.check_item(item), item)])

    def parse(self, connector: Connector, payload: Mapping[str, Any]) -> list[Entry]:
        return mapping.parse_item(payload)

    def fetch(self, connector: Connector) -> Fetched:
        raise NotSupported("An inbound webhook is not polled.")

    def describe(self, connector: Connector, author: Author) -> Author:
        return author  # updates carry the names

    def send_message(self, connector: Connector, thread_id: str, text: str, *, key: str = "") -> str:
        raise NotSupported("An inbound webhook takes no answers.")

    def reply_public(
        self, connector: Connector, target: Mapping[str, Any], text: str, *, key: str = ""
    ) -> str:
        raise NotSupported("An inbound webhook takes no answers.")

    def download(self, connector: Connector, file: FileRef, *, limit: int) -> bytes:
        raise NotSupported("The generic webhook carries text only.")
