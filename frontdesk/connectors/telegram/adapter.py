"""The Telegram adapter: webhook or getUpdates polling in (with the files of private messages), sendMessage out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from frontdesk.connectors.base import Author, Entry, Fetched, FileRef, Received
from frontdesk.connectors.choices import ConnectorKind
from frontdesk.connectors.telegram import client, mapping, webhooks

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdesk.connectors.models import Connector


class TelegramAdapter:
    kind = ConnectorKind.TELEGRAM.value

    def receive(self, connector: Connector, request: HttpRequest) -> Received:
        return webhooks.receive(connector, request)

    def parse(self, connector: Connector, payload: Mapping[str, Any]) -> list[Entry]:
        return mapping.parse_update(payload)

    def fetch(self, connector: Connector) -> Fetched:
        """The updates after the cursor (the next update_id); the new cursor follows the last one seen."""
        updates = client.get_updates(connector, connector.cursor)
        taken = [(str(u["update_id"]), u) for u in updates if isinstance(u.get("update_id"), int)]
        cursor = connector.cursor
        if taken:
            cursor = str(max(int(update_id) for update_id, _update in taken) + 1)
        return Fetched(updates=taken, cursor=cursor)

    def describe(self, connector: Connector, author: Author) -> Author:
        return author  # updates carry the names

    def send_message(self, connector: Connector, thread_id: str, text: str, *, key: str = "") -> str:
        return client.send_message(connector, thread_id, text)

    def reply_public(
        self, connector: Connector, target: Mapping[str, Any], text: str, *, key: str = ""
    ) -> str:
        return client.send_message(
            connector, str(target.get("chat_id", "")), text, reply_to=str(target.get("message_id", ""))
        )

    def download(self, connector: Connector, file: FileRef, *, limit: int) -> bytes:
        return client.download(connector, file.ref, limit=limit)
