"""The chat load test's baseline: a bare Channels consumer that relays frames through the channel layer.

    python -m bench.chat_echo [frontdesk serve options]     # `frontdesk serve` with the echo route added

``EchoConsumer`` at ``/ws/bench/echo/`` is what a chat socket costs at least on this server and channel layer:
it parses each JSON frame, answers the sender with an ``ack`` and sends the frame to a group through the
channel layer, whose members (the other side's socket and the sender's own) write it out. No database, no
checks. ``bench.chat_load`` opens as many of these sockets as chat sockets, in the same pairs, at the same rate,
on the same server processes, and reports the chat's delivery latency beside the echo's.

``application`` is Frontdesk's own ASGI application (``frontdesk.asgi``) with that one websocket path in front;
every other request and socket goes to Frontdesk unchanged. ``main`` runs ``frontdesk serve`` itself (the same
uvicorn options, process count and settings) with this application instead of Frontdesk's.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncWebsocketConsumer

from frontdesk.asgi import application as frontdesk_application  # sets Django up first

ECHO_PATH = "/ws/bench/echo/"
# Group names a client may join: the bench's own, never one of Frontdesk's.
GROUP = re.compile(r"^bench-echo\.[A-Za-z0-9_.-]{1,80}$")


class EchoConsumer(AsyncWebsocketConsumer):
    """``join`` (``groups``) adds the socket to groups; ``message`` (``group``, ``client_id``, ...) is acked to
    the sender and relayed, as it came, to every socket of the group."""

    joined: list[str]

    async def connect(self) -> None:
        self.joined = []
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = json.loads(text_data or "")
            kind = frame["type"]
        except (ValueError, KeyError, TypeError):
            await self.send(json.dumps({"type": "error", "code": "invalid"}))
            return
        if kind == "join":
            groups = [g for g in frame.get("groups", []) if isinstance(g, str) and GROUP.match(g)]
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
            self.joined += groups
            await self.send(json.dumps({"type": "joined", "groups": groups}))
        elif kind == "message" and isinstance(frame.get("group"), str) and GROUP.match(frame["group"]):
            await self.send(json.dumps({"type": "ack", "client_id": frame.get("client_id")}))
            await self.channel_layer.group_send(frame["group"], {"type": "relay", "text": text_data})
        else:
            await self.send(json.dumps({"type": "error", "code": "invalid"}))

    async def relay(self, event: dict[str, Any]) -> None:
        await self.send(event["text"])


# The same session and user look-up as Frontdesk's sockets (agents send their session cookie).
_echo = AuthMiddlewareStack(EchoConsumer.as_asgi())


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket" and scope["path"] == ECHO_PATH:
        await _echo(scope, receive, send)
    else:
        await frontdesk_application(scope, receive, send)


def main(argv: Sequence[str] | None = None) -> int:
    """``frontdesk serve`` with ``argv``, serving this module's ``application``."""
    import uvicorn

    from frontdesk.cli import serve

    run = uvicorn.run

    def run_bench_app(app: Any, **options: Any) -> None:
        run("bench.chat_echo:application" if app == "frontdesk.asgi:application" else app, **options)

    uvicorn.run = run_bench_app
    return serve(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
