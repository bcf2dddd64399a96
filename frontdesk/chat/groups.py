"""Names of the chat's Channels groups (docs/chat.md, the sockets in ``consumers``)."""

from __future__ import annotations


def session_group(session_id: int) -> str:
    """A session's sockets: the visitor's and its agent's."""
    return f"chat.session.{session_id}"


def queue_group(brand_id: int) -> str:
    """The chat panels of a brand's agents (told to read their queue again)."""
    return f"chat.queue.{brand_id}"


def agent_group(user_id: int) -> str:
    """One agent's chat panels (told to join or leave a session)."""
    return f"chat.agent.{user_id}"
