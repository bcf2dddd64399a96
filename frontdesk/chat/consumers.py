"""The chat sockets (frames in docs/chat.md).

``ws/chat/<brand slug>/``: a visitor on the brand's website. Not behind the desk's origin check: the
``Origin`` must be one of the brand's allowed websites or a host of ours, and the brand's chat must be on;
anything else is refused before the socket opens. ``ws/desk/chat/``: a signed-in agent's chat panel.

Fan-out goes through Channels groups: one per session (the visitor's sockets and the accepting agent's), one
per brand's chat queue (its agents' panels: a push there only says "look again") and one per agent (their
panels, told to join or leave a session). Both ends of a session's group may read it, so its messages travel
with their content. Every socket remembers the last sequence number it sent per session: a message it has
already sent is dropped, and one after a gap makes it read the missing ones from the database first; so a
client that says its last number on ``hello`` gets each message once, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from http.cookies import SimpleCookie
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from frontdesk.chat import handling, limits
from frontdesk.chat.errors import RateLimited, TooLarge, TooManyChats
from frontdesk.chat.frames import error_frame
from frontdesk.chat.groups import agent_group, queue_group, session_group
from frontdesk.chat.models import ChatSettings
from frontdesk.chat.origins import origin_allowed
from frontdesk.chat.queries import PRESENCE_EVERY, hash_token
from frontdesk.core.errors import DomainError, InvalidInput
from frontdesk.core.live import note_web_loop

logger = logging.getLogger(__name__)

# The close code of a refused socket (another website, chat off, not an agent).
REFUSED = 4403
# Typing is passed on at most this often per socket (seconds).
TYPING_EVERY = 2.0
# Largest frame of the agent's socket (characters); the visitor's follows the brand's file limit.
AGENT_FRAME = 64 * 1024
FRAME_SLACK = 16 * 1024


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: dict[str, Any], name: str) -> str | None:
    morsel = SimpleCookie(_header(scope, b"cookie") or "").get(name)
    return morsel.value if morsel is not None else None


class ChatSocket(AsyncWebsocketConsumer):
    """What both sockets share: JSON frames, error frames instead of tracebacks, per-session delivery."""

    max_frame = AGENT_FRAME
    language = "en"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delivered: dict[int, int] = {}
        self.typing_at = 0.0

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            frame: Any = None
            try:
                if text_data is None:
                    raise InvalidInput(_("Frames are JSON text."))
                if len(text_data) > self.max_frame:
                    raise TooLarge(_("This frame is too large."))
                try:
                    frame = json.loads(text_data)
                except ValueError:
                    raise InvalidInput(_("Frames are JSON objects.")) from None
                if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                    raise InvalidInput(_("Every frame is a JSON object with a type."))
                await self.handle(frame)
            except DomainError as error:
                await self.send_json(error_frame(error, **self._about(frame)))
            except Exception:
                logger.exception("A chat frame failed")
                await self.send_json(
                    {
                        "type": "error",
                        "code": "invalid",
                        "detail": _("Something went wrong; please try again."),
                    }
                    | self._about(frame)
                )

    @staticmethod
    def _about(frame: Any) -> dict[str, Any]:
        if not isinstance(frame, dict):
            return {}
        about = {}
        for key in ("client_id", "session"):
            value = frame.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                about[key] = value
        return about

    async def handle(self, frame: dict[str, Any]) -> None:
        raise NotImplementedError

    # Delivery --------------------------------------------------------------------------------------------

    def frame_for(self, session_id: int, message: dict[str, Any]) -> dict[str, Any]:
        return message

    async def missing(self, session_id: int, after_seq: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def deliver(self, session_id: int, messages: list[dict[str, Any]]) -> None:
        """Send the messages this socket has not sent yet, in order."""
        last = self.delivered.get(session_id, 0)
        for message in messages:
            if message["seq"] > last:
                await self.send_json(self.frame_for(session_id, message))
                last = message["seq"]
        self.delivered[session_id] = last

    async def chat_message(self, event: dict[str, Any]) -> None:
        session_id, message = event["session"], event["message"]
        if session_id not in self.delivered:
            return
        last = self.delivered[session_id]
        if message["seq"] <= last:
            return
        if message["seq"] > last + 1:
            # A message went missing on the way (or is still on it): read them from the database.
            await self.deliver(session_id, await self.missing(session_id, last))
        await self.deliver(session_id, [message])

    async def publish(self, outcome: handling.Outcome) -> None:
        """Tell everyone concerned what a write did (after the writer had its ``ack``)."""
        layer = self.channel_layer
        sid = outcome.session_id
        if outcome.join_agent is not None and sid is not None:
            await layer.group_send(agent_group(outcome.join_agent), {"type": "chat.join", "session": sid})
        if sid is not None and outcome.message is not None:
            await layer.group_send(
                session_group(sid), {"type": "chat.message", "session": sid, "message": outcome.message}
            )
        if sid is not None and outcome.status is not None:
            await layer.group_send(
                session_group(sid), {"type": "chat.status", "session": sid, **outcome.status}
            )
        if sid is not None and outcome.ended:
            await layer.group_send(session_group(sid), {"type": "chat.ended", "session": sid})
        if outcome.leave_agent is not None and sid is not None and outcome.leave_agent != outcome.join_agent:
            # After the status: the agent who handed the chat over hears where it went, then stops hearing it.
            await layer.group_send(agent_group(outcome.leave_agent), {"type": "chat.leave", "session": sid})
        if outcome.queue_brand_id is not None:
            await layer.group_send(queue_group(outcome.queue_brand_id), {"type": "chat.queue"})

    async def typing(self, session_id: int, sender: str) -> None:
        now = time.monotonic()
        if now - self.typing_at < TYPING_EVERY:
            return
        self.typing_at = now
        await self.channel_layer.group_send(
            session_group(session_id), {"type": "chat.typing", "session": session_id, "from": sender}
        )


class VisitorConsumer(ChatSocket):
    """A visitor on a brand's website (``ws/chat/<brand slug>/``)."""

    chat: ChatSettings | None = None
    token: str | None = None
    session_id: int | None = None
    page = ""

    async def connect(self) -> None:
        note_web_loop()
        slug = self.scope["url_route"]["kwargs"]["brand"]
        chat = await database_sync_to_async(handling.chat_for_slug)(slug)
        allowed = chat is not None and origin_allowed(
            _header(self.scope, b"origin"),
            chat.allowed_origins,
            scheme=self.scope.get("scheme"),
            host=_header(self.scope, b"host"),
        )
        if chat is None or not allowed:
            await self.close(code=REFUSED)
            return
        self.chat = chat
        self.language = chat.brand.default_language
        self.max_frame = (chat.max_attachment_bytes + 2) // 3 * 4 + FRAME_SLACK
        client = self.scope.get("client") or ("", 0)
        self.ip = str(client[0] or "unknown")
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.session_id is not None:
            await self.channel_layer.group_discard(session_group(self.session_id), self.channel_name)

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "hello":
            await self.hello(frame)
            return
        if self.token is None:
            raise InvalidInput(_("Say hello first."))
        if kind in ("message", "attachment"):
            await self.post(frame)
        elif kind == "typing":
            if self.session_id is not None:
                await self.typing(self.session_id, "visitor")
        elif kind == "suggest":
            self._limit(f"suggest:{self.channel_name}", limits.SUGGESTIONS_PER_MINUTE)
            await self.send_json(
                await database_sync_to_async(handling.suggestions)(
                    self._chat(), text=frame.get("q"), language=self.language
                )
            )
        elif kind == "offline":
            self._limit(f"offline-ip:{self.ip}", limits.OFFLINE_PER_HOUR, 3600)
            await self.send_json(
                await database_sync_to_async(handling.offline)(
                    self._chat(), frame=frame, language=self.language, page=self.page
                )
            )
        elif kind == "end":
            await self.end()
        else:
            raise InvalidInput(_("Unknown frame type %(type)s.") % {"type": kind[:40]})

    def _chat(self) -> ChatSettings:
        assert self.chat is not None
        return self.chat

    def _limit(self, key: str, limit: int, seconds: int = 60) -> None:
        if not limits.allow(key, limit, seconds):
            raise RateLimited(_("You are sending too fast; wait a moment."))

    async def hello(self, frame: dict[str, Any]) -> None:
        chat = self._chat()
        self.language = handling.clean_language(frame.get("language"), chat)
        page = frame.get("page")
        self.page = page[:1000] if isinstance(page, str) else ""
        last_seq = frame.get("last_seq")
        last_seq = (
            last_seq if isinstance(last_seq, int) and not isinstance(last_seq, bool) and last_seq > 0 else 0
        )
        token = handling.usable_token(frame.get("token"))
        if self.session_id is not None:
            await self.channel_layer.group_discard(session_group(self.session_id), self.channel_name)
            self.delivered.pop(self.session_id, None)
        found = await database_sync_to_async(handling.session_id_for)(chat, token)
        if found is not None:
            # Hear the session before reading what was missed: nothing falls between the two.
            await self.channel_layer.group_add(session_group(found), self.channel_name)
        welcome = await database_sync_to_async(handling.welcome)(
            chat, token=token, last_seq=last_seq, language=self.language
        )
        self.token, self.session_id = welcome.token, welcome.session_id
        await self.send_json(welcome.frame)
        if self.session_id is not None:
            self.delivered[self.session_id] = last_seq
            await self.deliver(self.session_id, welcome.replay)

    async def post(self, frame: dict[str, Any]) -> None:
        chat = self._chat()
        assert self.token is not None
        self._limit(f"s:{hash_token(self.token)[:32]}", chat.messages_per_minute)
        self._limit(f"ip:{self.ip}", chat.messages_per_minute * limits.IP_FACTOR)
        if self.session_id is None and not limits.allow(f"start-ip:{self.ip}", chat.new_chats_per_hour, 3600):
            raise TooManyChats(
                _(
                    "Many chats were started from your network in the last hour; please write to us with "
                    "the e-mail form instead, or try again later."
                )
            )
        outcome = await database_sync_to_async(handling.visitor_posts)(
            chat,
            session_id=self.session_id,
            token=self.token,
            frame=frame,
            page=self.page,
            language=self.language,
        )
        await self.send_json(outcome.ack or {})
        if self.session_id is None and outcome.session_id is not None:
            # The first message opened the session (or joined the one another tab of the visitor had just
            # opened with the same token): hear it from now on, and send what this socket has not seen.
            self.session_id = outcome.session_id
            await self.channel_layer.group_add(session_group(self.session_id), self.channel_name)
            self.delivered[self.session_id] = 0
            await self.deliver(self.session_id, await self.missing(self.session_id, 0))
        await self.publish(outcome)

    async def end(self) -> None:
        if self.session_id is None:
            await self.send_json({"type": "ended"})
            return
        await self.publish(await database_sync_to_async(handling.visitor_ends)(self.session_id))

    async def missing(self, session_id: int, after_seq: int) -> list[dict[str, Any]]:
        return await database_sync_to_async(handling.visitor_replay)(session_id, after_seq)

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == "agent":
            await self.send_json({"type": "typing", "from": "agent"})

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "status", "session": event["state"], "agent": event["agent"]})

    async def chat_ended(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ended"})


class AgentConsumer(ChatSocket):
    """An agent's chat panel in the desk (``ws/desk/chat/``)."""

    plan: handling.AgentPlan | None = None
    heartbeat: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        note_web_loop()
        plan = await database_sync_to_async(handling.agent_plan)(self.scope.get("user"))
        if plan is None:
            await self.close(code=REFUSED)
            return
        self.plan = plan
        self.language = handling.ui_language(
            plan.language,
            cookie=_cookie(self.scope, settings.LANGUAGE_COOKIE_NAME),
            accept=_header(self.scope, b"accept-language"),
        )
        for brand_id in plan.brand_ids:
            await self.channel_layer.group_add(queue_group(brand_id), self.channel_name)
        await self.channel_layer.group_add(agent_group(plan.user_id), self.channel_name)
        for session_id, last_seq in await database_sync_to_async(handling.own_sessions)(plan.actor):
            # The page shows these already (rendered by the desk); from now on it hears what is new.
            await self.channel_layer.group_add(session_group(session_id), self.channel_name)
            self.delivered[session_id] = last_seq
        await self.accept()
        await database_sync_to_async(handling.touch)(plan.user_id)
        self.heartbeat = asyncio.ensure_future(self._beat())
        await self.send_queue()

    async def _beat(self) -> None:
        assert self.plan is not None
        while True:
            await asyncio.sleep(PRESENCE_EVERY)
            try:
                await database_sync_to_async(handling.touch)(self.plan.user_id)
            except Exception:
                logger.warning("The chat presence of agent %s was not kept", self.plan.user_id, exc_info=True)

    async def disconnect(self, code: int) -> None:
        if self.plan is None:
            return
        if self.heartbeat is not None:
            self.heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.heartbeat
        await database_sync_to_async(handling.touch)(self.plan.user_id, online=False)
        for brand_id in self.plan.brand_ids:
            await self.channel_layer.group_discard(queue_group(brand_id), self.channel_name)
        await self.channel_layer.group_discard(agent_group(self.plan.user_id), self.channel_name)
        for session_id in list(self.delivered):
            await self.channel_layer.group_discard(session_group(session_id), self.channel_name)

    def _actor(self) -> Any:
        assert self.plan is not None
        return self.plan.actor

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        actor = self._actor()
        run = database_sync_to_async
        if kind == "hello":
            for session_id, seq in (await run(handling.resumable)(actor, frame.get("sessions"))).items():
                await self._join(session_id, replay_after=seq)
            await self.send_queue()
        elif kind == "accept":
            outcome = await run(handling.agent_accepts)(actor, frame)
            assert outcome.session_id is not None
            # This socket hears the chat from now on (the agent's other pages join through their group).
            await self._join(outcome.session_id, replay_after=self.delivered.get(outcome.session_id, 0))
            await self.publish(outcome)
        elif kind == "message":
            outcome = await run(handling.agent_posts)(actor, frame)
            await self.send_json(outcome.ack or {})
            await self.publish(outcome)
        elif kind == "typing":
            session_id = handling.session_id_of(frame)
            if session_id in self.delivered and await run(handling.may_type)(actor, session_id):
                await self.typing(session_id, "agent")
        elif kind == "transfer":
            await self.publish(await run(handling.agent_transfers)(actor, frame))
        elif kind == "end":
            await self.publish(await run(handling.agent_ends)(actor, frame))
        elif kind == "ping":
            await run(handling.touch)(actor.user_id)
        else:
            raise InvalidInput(_("Unknown frame type %(type)s.") % {"type": kind[:40]})

    async def _join(self, session_id: int, *, replay_after: int) -> None:
        """Hear the session's group, then send what came after ``replay_after`` (the group's messages that
        arrive meanwhile are sent once: ``deliver`` drops what it has sent)."""
        await self.channel_layer.group_add(session_group(session_id), self.channel_name)
        self.delivered[session_id] = replay_after
        await self.deliver(session_id, await self.missing(session_id, replay_after))

    async def missing(self, session_id: int, after_seq: int) -> list[dict[str, Any]]:
        return await database_sync_to_async(handling.replay)(self._actor(), session_id, after_seq)

    def frame_for(self, session_id: int, message: dict[str, Any]) -> dict[str, Any]:
        return {**message, "session": session_id}

    async def send_queue(self) -> None:
        await self.send_json(await database_sync_to_async(handling.queue_frame)(self._actor()))

    async def _leave(self, session_id: int) -> None:
        await self.channel_layer.group_discard(session_group(session_id), self.channel_name)
        self.delivered.pop(session_id, None)

    # Group events ----------------------------------------------------------------------------------------

    async def chat_queue(self, event: dict[str, Any]) -> None:
        await self.send_queue()

    async def chat_join(self, event: dict[str, Any]) -> None:
        session_id = event["session"]
        if session_id in self.delivered:
            return
        await self._join(session_id, replay_after=0)
        status = await database_sync_to_async(handling.status_of)(self._actor(), session_id)
        await self.send_json({"type": "status", "session": session_id, **status})

    async def chat_leave(self, event: dict[str, Any]) -> None:
        await self._leave(event["session"])

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == "visitor":
            await self.send_json({"type": "typing", "session": event["session"], "from": "visitor"})

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "status",
                "session": event["session"],
                "session_state": event["state"],
                "agent": event["agent"],
            }
        )

    async def chat_ended(self, event: dict[str, Any]) -> None:
        await self._leave(event["session"])
