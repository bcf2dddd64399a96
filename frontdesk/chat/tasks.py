"""Background work of the live chat: chats nobody writes in any more are ended (with their transcript)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from frontdesk.chat import actions
from frontdesk.chat.choices import Sender
from frontdesk.chat.frames import agent_name, message_frame
from frontdesk.chat.groups import BROADCAST, queue_event, queue_group, queue_news, session_group
from frontdesk.chat.models import ChatSession
from frontdesk.chat.queries import transcript
from frontdesk.core.errors import DomainError
from frontdesk.core.live import push_many
from frontdesk.core.schedules import scheduled

logger = logging.getLogger(__name__)

# A chat without a message for this long is over: the visitor closed the page, or no agent came.
IDLE = timedelta(hours=2)


def end_idle_session(session_id: int) -> bool:
    """End one idle chat as the system and tell its sockets; False when it had ended meanwhile."""
    session = ChatSession.objects.select_related("brand", "ticket", "agent", "customer").get(pk=session_id)
    session, ended = actions.end_session(session, by=Sender.SYSTEM)
    if not ended:
        return False
    pushes: list[tuple[list[str], dict[str, Any]]] = []
    last = transcript(session, after_seq=session.last_seq - 1).first()
    group = [session_group(session.pk)]
    if last is not None:
        pushes.append(
            (group, {"type": "chat.message", "session": session.pk, "message": message_frame(last)})
        )
    status = {
        "type": "chat.status",
        "session": session.pk,
        "state": session.state,
        "agent": agent_name(session),
    }
    pushes += [
        (group, status),
        (group, {"type": "chat.ended", "session": session.pk}),
    ]
    push_many(pushes)
    push_many(
        [([queue_group(session.brand_id)], queue_event([queue_news(session.pk, None)]))], alias=BROADCAST
    )
    return True


def end_idle_sessions(*, idle: timedelta = IDLE) -> list[int]:
    ended = []
    for session_id in actions.idle_sessions(idle=idle):
        try:
            if end_idle_session(session_id):
                ended.append(session_id)
        except DomainError:
            logger.warning("Idle chat %s could not be ended", session_id, exc_info=True)
    return ended


@scheduled("chat.end_idle_sessions", every=timedelta(minutes=10))
def end_idle_chats() -> None:
    ended = end_idle_sessions()
    if ended:
        logger.info("Ended %d idle chats", len(ended))
