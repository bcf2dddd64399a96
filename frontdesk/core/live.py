"""Live pushes to the desk's open pages through the Channels layer.

A push carries only ids and a kind; the page that gets one re-fetches what it shows through its scoped view.
Groups: a brand's pages (queues), one ticket's pages (timeline and presence), a brand's incoming calls (all lines
and one line), one agent's pages (their notifications).

Pushes come from request threads and from the worker. With Redis the layer is shared by every process. The
in-memory layer of the embedded default lives in the one process, whose sockets wait on the web server's event
loop: a push from a worker thread is handed to that loop, since the layer's queues are not safe across threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

# The event loop of the web server, noted by the first socket that connects (see ``note_web_loop``).
_web_loop: asyncio.AbstractEventLoop | None = None


def brand_group(brand_id: int) -> str:
    return f"desk.brand.{brand_id}"


def ticket_group(ticket_id: int) -> str:
    return f"desk.ticket.{ticket_id}"


def user_group(user_id: int) -> str:
    """One agent's pages (their notifications)."""
    return f"desk.user.{user_id}"


def calls_group(brand_id: int, line: int | None = None) -> str:
    """Incoming calls of a brand: every line's agents, or one line's."""
    return f"desk.calls.{brand_id}" if line is None else f"desk.calls.{brand_id}.{line}"


def note_web_loop() -> None:
    """Called by the sockets, on the web server's loop: in-memory pushes from other threads go there."""
    global _web_loop
    _web_loop = asyncio.get_running_loop()


Push = tuple[list[str], dict[str, Any]]


async def _send_all(layer: Any, pushes: list[Push]) -> None:
    for groups, message in pushes:
        for group in groups:
            await layer.group_send(group, message)


def push(groups: Iterable[str], message: dict[str, Any]) -> None:
    """Send ``message`` (a ``type`` naming the socket handler, then ids) to every socket in ``groups``."""
    push_many([(list(groups), message)])


def push_many(pushes: Iterable[tuple[Iterable[str], dict[str, Any]]], *, alias: str = "default") -> None:
    """Several pushes in one trip to the layer (``alias`` of ``CHANNEL_LAYERS``). Live updates are a courtesy:
    a push that cannot be delivered is logged, never raised."""
    layer = get_channel_layer(alias)
    wanted: list[Push] = [(list(dict.fromkeys(groups)), message) for groups, message in pushes]
    if layer is None or not wanted:
        return
    try:
        loop = _web_loop
        if isinstance(layer, InMemoryChannelLayer) and loop is not None and loop.is_running():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is not loop:
                asyncio.run_coroutine_threadsafe(_send_all(layer, wanted), loop).result(timeout=5)
                return
        async_to_sync(_send_all)(layer, wanted)
    except Exception:
        logger.warning("A live push to %s was not delivered", [g for g, _m in wanted], exc_info=True)
