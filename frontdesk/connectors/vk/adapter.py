"""The VK adapter: Callback API in, messages.send and wall.createComment out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from frontdesk.connectors.base import (
    Author,
    Entry,
    Fetched,
    FileRef,
    Received,
    SendError,
    fetch_bytes,
)
from frontdesk.connectors.choices import ConnectorKind
from frontdesk.connectors.vk import client, mapping, webhooks

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdesk.connectors.models import Connector


class VkAdapter:
    kind = ConnectorKind.VK.value

    def receive(self, connector: Connector, request: HttpRequest) -> Received:
        return webhooks.receive(connector, request)

    def parse(self, connector: Connector, payload: Mapping[str, Any]) -> list[Entry]:
        return mapping.parse_event(payload)

    def fetch(self, connector: Connector) -> Fetched:
        """The events after the cursor (the Long Poll ``ts``), each by its ``event_id`` (as the Callback API
        would have brought them, so the same event by both ways is stored once)."""
        updates, ts = client.long_poll(connector, connector.cursor)
        taken = [
            (str(u["event_id"]), u) for u in updates if isinstance(u.get("event_id"), str) and u["event_id"]
        ]
        return Fetched(updates=taken, cursor=ts)

    def describe(self, connector: Connector, author: Author) -> Author:
        """A person's name by ``users.get`` (VK's events carry ids only); the author as it is on failure."""
        if not author.external_id.isdigit():
            return author
        try:
            found = client.user(connector, author.external_id)
        except SendError:
            return author
        return found or author

    def send_message(self, connector: Connector, thread_id: str, text: str, *, key: str = "") -> str:
        return client.send_message(connector, thread_id, text, key=key)

    def reply_public(
        self, connector: Connector, target: Mapping[str, Any], text: str, *, key: str = ""
    ) -> str:
        return client.create_comment(connector, target, text, key=key)

    def download(self, connector: Connector, file: FileRef, *, limit: int) -> bytes:
        """A photo or document by the address VK gave in the message (``core.http`` never fetches a private
        address)."""
        return fetch_bytes(file.ref, limit=limit)
