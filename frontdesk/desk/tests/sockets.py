"""A websocket client for tests, on asgiref's communicator (``channels.testing`` needs daphne to import)."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from frontdesk.asgi import application


@pytest.fixture
def live_sockets(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """Sockets for a test on the database test transaction, and a channel layer of its own.

    The sockets' database work runs on the test's thread and connection (asgiref's thread-sensitive calls),
    inside the test's transaction (so the chat's work too: ``FRONTDESK_CHAT_DB_THREADS`` off); channels would close that connection around each call, as it does between
    requests in production, which PostgreSQL refuses inside a transaction. With Redis, each test gets its own
    key prefix, so that parallel test processes (same brand ids) do not hear each other."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda **kwargs: None)
    settings.FRONTDESK_CHAT_DB_THREADS = 0
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = {
        alias: {**layer, "CONFIG": {**layer["CONFIG"], "prefix": prefix}}
        if "hosts" in layer.get("CONFIG", {})
        else layer
        for alias, layer in settings.CHANNEL_LAYERS.items()
    }


class Socket(ApplicationCommunicator):
    def __init__(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode(),
            "headers": headers,
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("localhost", 80),
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        return True, None

    async def send_json_to(self, data: Any) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 5) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def session_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(
    path: str, user: Any = None, *, origin: bytes = b"http://localhost"
) -> tuple[Socket, bool, Any]:
    """A socket as the browser opens it: our Origin and, for a signed-in person, the session cookie."""
    headers = [(b"origin", origin), (b"host", b"localhost")]
    if user is not None:
        cookie = await database_sync_to_async(session_of)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    socket = Socket(path, headers)
    connected, code = await socket.connect()
    if not connected:
        # Let the refused consumer finish on this event loop (the Redis layer's locks belong to one loop).
        await socket.disconnect()
    return socket, connected, code
