"""The chat sockets (frames in docs/chat.md).

``ws/chat/<brand slug>/``: a visitor on the brand's website. Not behind the desk's origin check: the
``Origin`` must be one of the brand's allowed websites or a host of ours, and the brand's chat must be on;
anything else is refused before the socket opens. ``ws/desk/chat/``: a signed-in agent's chat panel.

Fan-out goes through Channels groups: one per session (the visitor's sockets and the accepting agent's), one
per brand's chat queue (its agents' panels: a push there says which session joined or left the queue) and one per agent (their
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
import random
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any

from channels.db import DatabaseSyncToAsync, database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from uvicorn.protocols.utils import ClientDisconnected

from frontdesk.chat import handling, limits
from frontdesk.chat.errors import RateLimited, TooLarge, TooManyChats
from frontdesk.chat.frames import error_frame
from frontdesk.chat.groups import BROADCAST, agent_group, queue_event, queue_group, queue_news, session_group
from frontdesk.chat.models import ChatSettings
from frontdesk.chat.origins import origin_allowed
from frontdesk.chat.queries import PRESENCE_EVERY, hash_token
from frontdesk.core.errors import DomainError, InvalidInput
from frontdesk.core.live import note_web_loop
from frontdesk.core.text import refuse_nul

logger = logging.getLogger(__name__)


_pool: ThreadPoolExecutor | None = None


def _run(func: Any) -> Any:
    """``func`` (a ``chat.handling`` function: its own transaction, nothing shared with the socket) as a
    coroutine, in the single thread of thread-sensitive calls by default. ``FRONTDESK_CHAT_DB_THREADS`` puts it
    on a pool of that many threads instead (the frames of a process wait for the database side by side), which
    the load test measured as slower: the threads keep the interpreter lock from the sockets' event loop."""
    global _pool
    threads = settings.FRONTDESK_CHAT_DB_THREADS
    if not threads:
        return database_sync_to_async(func)
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="chat-db")
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=_pool)


# News of a brand's queue (a chat waits, was accepted, ended, ...) goes to its agents' sockets in one message
# per QUEUE_BATCH seconds and process, whatever happened meanwhile (every message of a group is one per
# member in the channel layer). An agent's socket sends its ``queue`` frame at most every QUEUE_EVERY
# seconds, and reads the queue again from the database every QUEUE_RESYNC seconds.
QUEUE_BATCH = 0.25
QUEUE_EVERY = 1.0
QUEUE_RESYNC = 60.0
QUEUE_SETTLE = 2.0
_queue_news: dict[tuple[int, int], list[dict[str, Any]]] = {}


async def tell_queue(brand_id: int, news: dict[str, Any]) -> None:
    """Send ``news`` to the brand's queue group with the rest of this process's news of the next moment."""
    loop = asyncio.get_running_loop()
    key = (id(loop), brand_id)
    waiting = _queue_news.get(key)
    if waiting is not None:
        waiting.append(news)
        return
    _queue_news[key] = [news]
    loop.create_task(_send_queue_news(brand_id, key))


async def _send_queue_news(brand_id: int, key: tuple[int, int]) -> None:
    try:
        await asyncio.sleep(QUEUE_BATCH)
    finally:
        news = _queue_news.pop(key, [])
    try:
        await get_channel_layer(BROADCAST).group_send(queue_group(brand_id), queue_event(news))
    except Exception:
        logger.warning("News of the chat queue of brand %s was not sent", brand_id, exc_info=True)


# The close code of a refused socket (another website, chat off, not an agent).
REFUSED = 4403
# Typing is passed on at most this often per socket (seconds).
TYPING_EVERY = 2.0
# Largest frame of the agent's socket (characters); the visitor's follows the brand's file limit.
AGENT_FRAME = 64 * 1024
FRAME_SLACK = 16 * 1024


# Chat openings per process at once.
OPENINGS_AT_ONCE = 2
_opening_gates: dict[int, asyncio.Semaphore] = {}


def _opening_gate() -> asyncio.Semaphore:
    """A few chat openings at a time per process. An opening creates a ticket, whose numbering locks the
    brand's counter row until it commits: openings of one brand take turns anyway, and a crowd of them waiting
    in the thread pool would keep the messages of open chats from its threads."""
    loop = asyncio.get_running_loop()
    gate = _opening_gates.get(id(loop))
    if gate is None:
        gate = _opening_gates[id(loop)] = asyncio.Semaphore(OPENINGS_AT_ONCE)
    return gate


def socket_closing(error: BaseException) -> bool:
    """Whether a frame could not be sent because its socket is closing or closed: the client went away
    (``ClientDisconnected``), or the server refuses the send since the socket never opened or was closed (a
    ``RuntimeError`` about the ASGI message, e.g. "Expected ASGI message 'websocket.accept' ... but got
    'websocket.send'")."""
    if isinstance(error, ClientDisconnected):
        return True
    return isinstance(error, RuntimeError) and "ASGI message" in str(error)


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
                refuse_nul(text_data, field="text", json=True)
                try:
                    frame = json.loads(text_data)
                except ValueError:
                    raise InvalidInput(_("Frames are JSON objects.")) from None
                if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
                    raise InvalidInput(_("Every frame is a JSON object with a type."))
                await self.handle(frame)
            except DomainError as error:
                await self.send_json(error_frame(error, **self._about(frame)))
            except Exception as error:
                if socket_closing(error):
                    # The socket closed while the frame was answered: no one to tell.
                    logger.info("A chat frame's socket closed before its answer")
                    return
                logger.exception("A chat frame failed")
                with contextlib.suppress(ClientDisconnected):
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
        if outcome.queue_brand_id is not None and sid is not None:
            await tell_queue(outcome.queue_brand_id, queue_news(sid, outcome.queue_entry))

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
        chat = await _run(handling.chat_for_slug)(slug)
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
            self._limit((f"suggest:{self.channel_name}", limits.SUGGESTIONS_PER_MINUTE, 60))
            await self.send_json(
                await _run(handling.suggestions)(self._chat(), text=frame.get("q"), language=self.language)
            )
        elif kind == "presence":
            self._limit((f"presence:{self.channel_name}", limits.PRESENCE_PER_MINUTE, 60))
            await self.send_json(await _run(handling.presence)(self._chat()))
        elif kind == "offline":
            self._limit((f"offline-ip:{self.ip}", limits.OFFLINE_PER_HOUR, 3600))
            await self.send_json(
                await _run(handling.offline)(
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

    def _limit(self, *checks: limits.Check) -> None:
        if limits.allow_all(checks) is not None:
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
        found = await _run(handling.session_id_for)(chat, token)
        if found is not None:
            # Hear the session before reading what was missed: nothing falls between the two.
            await self.channel_layer.group_add(session_group(found), self.channel_name)
        welcome = await _run(handling.welcome)(chat, token=token, last_seq=last_seq, language=self.language)
        self.token, self.session_id = welcome.token, welcome.session_id
        await self.send_json(welcome.frame)
        if self.session_id is not None:
            self.delivered[self.session_id] = last_seq
            await self.deliver(self.session_id, welcome.replay)

    async def post(self, frame: dict[str, Any]) -> None:
        chat = self._chat()
        assert self.token is not None
        self._limit(
            (f"s:{hash_token(self.token)[:32]}", chat.messages_per_minute, 60),
            (f"ip:{self.ip}", chat.messages_per_minute * limits.IP_FACTOR, 60),
        )
        if self.session_id is None and not limits.allow(f"start-ip:{self.ip}", chat.new_chats_per_hour, 3600):
            raise TooManyChats(
                _(
                    "Many chats were started from your network in the last hour; please write to us with "
                    "the e-mail form instead, or try again later."
                )
            )
        gate: Any = _opening_gate() if self.session_id is None else contextlib.nullcontext()
        async with gate:
            outcome = await _run(handling.visitor_posts)(
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
        await self.publish(await _run(handling.visitor_ends)(self.session_id))

    async def missing(self, session_id: int, after_seq: int) -> list[dict[str, Any]]:
        return await _run(handling.visitor_replay)(session_id, after_seq)

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == "agent":
            await self.send_json({"type": "typing", "from": "agent"})

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "status", "session": event["state"], "agent": event["agent"]})

    async def chat_ended(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ended"})


class AgentConsumer(ChatSocket):
    """An agent's chat panel in the desk (``ws/desk/chat/``).

    The queue: the socket keeps each of its brands' waiting lists as the last push brought them (a push read
    earlier than the one kept is dropped) and the agent's own chats; its ``queue`` frame lists the waiting
    chats the agent may take and their own, at most every ``QUEUE_EVERY`` seconds (at once after their own
    accept).

    Delivery on (re)connect: the socket hears its agent's active chats from the moment it opens, but holds
    what it hears until the page's ``hello`` says what the page has (or ``HOLD_SECONDS`` passed without one):
    a message that arrives in between is then sent once, in order, with the replay of what the page missed.
    """

    plan: handling.AgentPlan | None = None
    heartbeat: asyncio.Task[None] | None = None
    HOLD_SECONDS = 3.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The waiting chats of the agent's brands (session id → entry), and when each last changed.
        self.waiting: dict[int, dict[str, Any]] = {}
        self.changed_at: dict[int, float] = {}
        self.resync_task: asyncio.Task[None] | None = None
        self.hearing: asyncio.Task[None] | None = None
        self.broadcast: Any = None
        self.broadcast_channel = ""
        self.mine: list[dict[str, Any]] = []
        self.mine_stale = False
        self.queue_sent_at = -QUEUE_EVERY
        self.queue_task: asyncio.Task[None] | None = None
        # Accepted: queue frames wait for it (news heard while the socket opens is in the one it sends then).
        self.opened = False
        # Messages heard before the page's hello, per session (None once it came).
        self.held: dict[int, list[dict[str, Any]]] | None = {}
        self.hold_task: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        note_web_loop()
        plan = await _run(handling.agent_plan)(self.scope.get("user"))
        if plan is None:
            await self.close(code=REFUSED)
            return
        self.plan = plan
        self.language = handling.ui_language(
            plan.language,
            cookie=_cookie(self.scope, settings.LANGUAGE_COOKIE_NAME),
            accept=_header(self.scope, b"accept-language"),
        )
        # The queue groups on the broadcast layer, heard by a task of this socket (``_hear_queues``).
        self.broadcast = get_channel_layer(BROADCAST)
        self.broadcast_channel = await self.broadcast.new_channel()
        for brand_id in plan.brand_ids:
            await self.broadcast.group_add(queue_group(brand_id), self.broadcast_channel)
        self.hearing = asyncio.ensure_future(self._hear_queues())
        await self.channel_layer.group_add(agent_group(plan.user_id), self.channel_name)
        # After joining the queue groups: a push from now on is newer than this read.
        start = await _run(handling.agent_start)(plan.actor, plan.brand_ids)
        for session_id, last_seq in start.own:
            # The page shows these already (rendered by the desk); from now on it hears what is new.
            await self.channel_layer.group_add(session_group(session_id), self.channel_name)
            self.delivered[session_id] = last_seq
        self._keep_waiting(start.waiting)
        self.mine = start.mine
        await self.accept()
        self.opened = True
        await _run(handling.touch)(plan.user_id)
        self.heartbeat = asyncio.ensure_future(self._beat())
        self.hold_task = asyncio.ensure_future(self._hold_for_hello())
        self.resync_task = asyncio.ensure_future(self._resync_now_and_then())
        await self.send_queue()

    async def _beat(self) -> None:
        assert self.plan is not None
        while True:
            await asyncio.sleep(PRESENCE_EVERY)
            try:
                await _run(handling.touch)(self.plan.user_id)
            except Exception:
                logger.warning("The chat presence of agent %s was not kept", self.plan.user_id, exc_info=True)

    async def _hear_queues(self) -> None:
        while True:
            event = await self.broadcast.receive(self.broadcast_channel)
            try:
                if event.get("type") == "chat.queue":
                    await self.chat_queue(event)
            except Exception:
                logger.warning("News of a chat queue was not taken in", exc_info=True)

    async def _hold_for_hello(self) -> None:
        await asyncio.sleep(self.HOLD_SECONDS)
        await self._release()

    async def _release(self) -> None:
        """Stop holding: send what was heard meanwhile (after the hello's replays, which came first)."""
        held, self.held = self.held, None
        for session_id, messages in (held or {}).items():
            if session_id in self.delivered:
                await self.deliver(session_id, messages)

    async def disconnect(self, code: int) -> None:
        if self.plan is None:
            return
        for task in (self.heartbeat, self.queue_task, self.hold_task, self.resync_task, self.hearing):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for brand_id in self.plan.brand_ids:
            await self.broadcast.group_discard(queue_group(brand_id), self.broadcast_channel)
        await self.channel_layer.group_discard(agent_group(self.plan.user_id), self.channel_name)
        # Offline at once, unless the agent has the panel open elsewhere (another tab, or this page reloaded,
        # whose new socket may have connected before this one closed): those sockets say so again.
        await _run(handling.touch)(self.plan.user_id, online=False)
        await self.channel_layer.group_send(agent_group(self.plan.user_id), {"type": "chat.presence"})
        for session_id in list(self.delivered):
            await self.channel_layer.group_discard(session_group(session_id), self.channel_name)

    def _actor(self) -> Any:
        assert self.plan is not None
        return self.plan.actor

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        actor = self._actor()
        run = _run
        if kind == "hello":
            for session_id, seq in (await run(handling.resumable)(actor, frame.get("sessions"))).items():
                await self._join(session_id, replay_after=seq)
            await self._release()
            self.mine_stale = True
            await self.send_queue()
        elif kind == "accept":
            outcome = await run(handling.agent_accepts)(actor, frame)
            assert outcome.session_id is not None
            # This socket hears the chat from now on (the agent's other pages join through their group).
            await self._join(outcome.session_id, replay_after=self.delivered.get(outcome.session_id, 0))
            await self.publish(outcome)
            self._news(outcome.session_id, None, time.time())
            self.mine_stale = True
            await self.send_queue()
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
        if self.held is not None:
            # Joined before the hello (its replay covers what was held of this session).
            self.held.pop(session_id, None)
        self.delivered[session_id] = replay_after
        await self.deliver(session_id, await self.missing(session_id, replay_after))

    async def chat_message(self, event: dict[str, Any]) -> None:
        if self.held is not None and event["session"] in self.delivered:
            self.held.setdefault(event["session"], []).append(event["message"])
            return
        await super().chat_message(event)

    async def missing(self, session_id: int, after_seq: int) -> list[dict[str, Any]]:
        return await _run(handling.replay)(self._actor(), session_id, after_seq)

    def frame_for(self, session_id: int, message: dict[str, Any]) -> dict[str, Any]:
        return {**message, "session": session_id}

    # The queue -------------------------------------------------------------------------------------------

    def _keep_waiting(self, read: handling.WaitingLists) -> None:
        """The queue as read from the database, but for the sessions whose news came after the read began."""
        fresh = {entry["session"]: entry for entries in read.by_brand.values() for entry in entries}
        for session_id, at in self.changed_at.items():
            if at > read.read_at:
                if session_id in self.waiting:
                    fresh[session_id] = self.waiting[session_id]
                else:
                    fresh.pop(session_id, None)
        self.waiting = fresh
        self.changed_at = {sid: at for sid, at in self.changed_at.items() if at > read.read_at}

    def _news(self, session_id: int, entry: dict[str, Any] | None, at: float) -> None:
        if at < self.changed_at.get(session_id, 0.0):
            return  # older than what this socket knows of the session
        self.changed_at[session_id] = at
        if entry is None:
            self.waiting.pop(session_id, None)
        else:
            self.waiting[session_id] = entry

    async def _resync(self) -> None:
        assert self.plan is not None
        self._keep_waiting(await _run(handling.waiting_lists)(self.plan.brand_ids))
        self.queue_soon()

    async def _resync_now_and_then(self) -> None:
        # Once soon after opening: news sent before the queue group's subscription took hold (Redis confirms it
        # after the read at opening) is then in the queue all the same.
        wait = QUEUE_SETTLE
        while True:
            await asyncio.sleep(wait)
            wait = QUEUE_RESYNC * random.uniform(0.8, 1.2)  # noqa: S311 - spread, not secrecy
            try:
                await self._resync()
            except Exception:
                logger.warning("A chat queue was not read again", exc_info=True)

    def queue(self) -> dict[str, Any]:
        actor = self._actor()
        waiting = sorted(
            (e for e in self.waiting.values() if handling.may_take(actor, e)),
            key=lambda e: (e["since"], e["session"]),
        )
        return {"type": "queue", "waiting": waiting[: handling.QUEUE_LIMIT], "mine": self.mine}

    async def send_queue(self) -> None:
        if self.queue_task is not None and self.queue_task is not asyncio.current_task():
            self.queue_task.cancel()
        self.queue_task = None
        if self.mine_stale:
            self.mine_stale = False
            self.mine = await _run(handling.my_sessions)(self._actor())
        self.queue_sent_at = time.monotonic()
        await self.send_json(self.queue())

    def queue_soon(self) -> None:
        """Send the queue frame now, or once ``QUEUE_EVERY`` has passed since the last one."""
        if self.queue_task is not None or not self.opened:
            return
        wait = self.queue_sent_at + QUEUE_EVERY - time.monotonic()
        self.queue_task = asyncio.ensure_future(self._queue_later(max(wait, 0.0)))

    async def _queue_later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        try:
            await self.send_queue()
        except Exception as error:
            if socket_closing(error):  # the panel closed meanwhile
                logger.info("A chat queue frame was not sent: its socket is closing")
            else:
                logger.warning("A chat queue frame was not sent", exc_info=True)

    async def _leave(self, session_id: int) -> None:
        await self.channel_layer.group_discard(session_group(session_id), self.channel_name)
        self.delivered.pop(session_id, None)
        if self.held is not None:
            self.held.pop(session_id, None)
        if any(e["session"] == session_id for e in self.mine):
            self.mine = [e for e in self.mine if e["session"] != session_id]
            self.queue_soon()

    # Group events ----------------------------------------------------------------------------------------

    async def chat_queue(self, event: dict[str, Any]) -> None:
        if "news" not in event:
            await self._resync()  # "look again", without news
            return
        for news in event["news"]:
            self._news(news["session"], news["entry"], news["at"])
        self.queue_soon()

    async def chat_join(self, event: dict[str, Any]) -> None:
        session_id = event["session"]
        if session_id in self.delivered:
            return
        await self._join(session_id, replay_after=0)
        status = await _run(handling.status_of)(self._actor(), session_id)
        await self.send_json({"type": "status", "session": session_id, **status})
        self.mine_stale = True
        self.queue_soon()

    async def chat_presence(self, event: dict[str, Any]) -> None:
        """Another socket of this agent closed: this one is still open."""
        assert self.plan is not None
        await _run(handling.touch)(self.plan.user_id)

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
