"""Names of the chat's Channels groups (docs/chat.md, the sockets in ``consumers``)."""

from __future__ import annotations

import time
from typing import Any


def session_group(session_id: int) -> str:
    """A session's sockets: the visitor's and its agent's."""
    return f"chat.session.{session_id}"


# The channel layer of the queue groups (``CHANNEL_LAYERS``): news every agent of a brand hears alike.
BROADCAST = "broadcast"


def queue_group(brand_id: int) -> str:
    """The chat panels of a brand's agents (told what changed in the brand's queue)."""
    return f"chat.queue.{brand_id}"


def queue_news(session_id: int, entry: dict[str, Any] | None) -> dict[str, Any]:
    """News of one session for its brand's queue group: its entry while it waits, None once it left the
    queue. ``at`` orders the news of a session that came from different processes (the later one counts)."""
    return {"session": session_id, "entry": entry, "at": time.time()}


def queue_event(news: list[dict[str, Any]]) -> dict[str, Any]:
    """The queue group's message: news of some sessions (``queue_news``), oldest first."""
    return {"type": "chat.queue", "news": news}


def agent_group(user_id: int) -> str:
    """One agent's chat panels (told to join or leave a session)."""
    return f"chat.agent.{user_id}"
