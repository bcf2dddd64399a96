"""Delivery under load: queue pushes carry the news (no read per agent), a reconnecting panel gets each message once and in
order, the rate counters cost one round trip."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from frontdesk.chat import consumers, handling, limits
from frontdesk.chat.models import ChatSession
from frontdesk.chat.tests.sockets import frames_until_quiet, hello, until, visitor
from frontdesk.chat.tests.test_sockets import AGENT, agent, open_chat, send
from frontdesk.desk.tests.sockets import live_sockets, open_socket  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]


def session_ids() -> list[int]:
    return list(ChatSession.objects.order_by("id").values_list("id", flat=True))


async def accepted_then_panel_closed(user):
    """A visitor's chat that ``user`` accepted from a panel they closed since: (visitor's socket, session id)."""
    socket, _w, _a = await open_chat()
    panel, _queue = await agent(user)
    [sid] = await database_sync_to_async(session_ids)()
    await panel.send_json_to({"type": "accept", "session": sid})
    await until(panel, "status")
    await panel.disconnect()
    return socket, sid


def test_a_panel_that_reconnects_gets_a_message_sent_before_its_hello_once_and_in_order(cast, opera_chat):
    """The socket hears its agent's chats from the moment it opens; a message that arrives before the page's
    hello (which asks for an earlier seq) is sent once, after the ones the page missed."""

    async def scenario():
        socket, sid = await accepted_then_panel_closed(cast.opera.line1)
        await send(socket, "v2", "Are you there?")  # seq 3: the page missed it
        await until(socket, "ack")
        again, _connected, _ = await open_socket(AGENT, cast.opera.line1)  # joins the chat at seq 3
        await until(again, "queue")
        await send(socket, "v3", "Hello?")  # seq 4: heard before the hello
        await until(socket, "ack")
        await until(socket, "message")  # sent to the chat's group, so to the panel's socket too
        await asyncio.sleep(0.3)  # which has it before the hello
        await again.send_json_to({"type": "hello", "sessions": {str(sid): 2}})
        frames = await frames_until_quiet(again)
        assert [(f["session"], f["seq"]) for f in frames if f["type"] == "message"] == [(sid, 3), (sid, 4)]
        await send(socket, "v4", "Still there?")
        live = await until(again, "message")
        assert live["seq"] == 5
        for s in (again, socket):
            await s.disconnect()

    async_to_sync(scenario)()


def test_a_panel_without_a_hello_still_gets_the_messages_of_its_chats(cast, opera_chat, monkeypatch):
    monkeypatch.setattr(consumers.AgentConsumer, "HOLD_SECONDS", 0.2)

    async def scenario():
        socket, sid = await accepted_then_panel_closed(cast.opera.line1)
        again, _queue = await agent(cast.opera.line1)
        await send(socket, "v2", "Are you there?")
        frame = await until(again, "message")
        assert (frame["session"], frame["seq"]) == (sid, 3)
        for s in (again, socket):
            await s.disconnect()

    async_to_sync(scenario)()


def test_a_new_chat_is_pushed_to_every_panel_without_reading_the_queue_again(cast, opera_chat, monkeypatch):
    reads = []
    original = handling.waiting_lists

    def counted(brand_ids):
        reads.append(list(brand_ids))
        return original(brand_ids)

    monkeypatch.setattr(handling, "waiting_lists", counted)

    async def scenario():
        panels = [(await agent(user))[0] for user in (cast.opera.line1, cast.opera.line2, cast.opera.admin)]
        reads.clear()
        socket, _w, _a = await open_chat()
        [sid] = await database_sync_to_async(session_ids)()
        for panel in panels:
            queue = await until(panel, "queue")
            assert [entry["session"] for entry in queue["waiting"]] == [sid]
            assert queue["waiting"][0]["visitor"]
        assert reads == []  # the news carried the session's entry
        for s in (*panels, socket):
            await s.disconnect()

    async_to_sync(scenario)()


def test_a_burst_of_new_chats_makes_few_queue_frames_and_the_last_lists_them_all(cast, opera_chat):
    async def scenario():
        panel, _queue = await agent(cast.opera.line1)
        visitors = []
        for number in range(6):
            socket, _connected, _ = await visitor()
            await hello(socket)
            await socket.send_json_to({"type": "message", "client_id": "v1", "text": f"Question {number}"})
            await until(socket, "ack")
            visitors.append(socket)
        frames = [f for f in await frames_until_quiet_long(panel) if f["type"] == "queue"]
        assert 1 <= len(frames) <= 4
        assert len(frames[-1]["waiting"]) == 6
        for s in (panel, *visitors):
            await s.disconnect()

    async_to_sync(scenario)()


async def frames_until_quiet_long(socket, quiet=1.0):
    frames = []
    while not await socket.receive_nothing(quiet):
        frames.append(await socket.receive_json_from())
    return frames


def test_a_line_1_panel_is_not_offered_a_chat_waiting_for_line_2(cast, opera_chat):
    async def scenario():
        line1, _queue = await agent(cast.opera.line1)
        line2, _queue = await agent(cast.opera.line2)
        socket, _w, _a = await open_chat()
        [sid] = await database_sync_to_async(session_ids)()
        await line1.send_json_to({"type": "accept", "session": sid})
        await until(line1, "status")
        await line1.send_json_to({"type": "transfer", "session": sid, "to_line": 2})
        for _ in range(5):
            queue = await until(line2, "queue")
            if queue["waiting"]:
                break
        assert [entry["session"] for entry in queue["waiting"]] == [sid]
        frames = [f for f in await frames_until_quiet_long(line1) if f["type"] == "queue"]
        assert frames
        assert frames[-1]["waiting"] == []
        assert frames[-1]["mine"] == []
        for s in (line1, line2, socket):
            await s.disconnect()

    async_to_sync(scenario)()


def test_rate_counters_count_and_refuse_past_the_limit():
    caches["default"].clear()
    checks = [("test-delivery:a", 2, 60), ("test-delivery:b", 5, 60)]
    assert limits.allow_all(checks) is None
    assert limits.allow_all(checks) is None
    assert limits.allow_all(checks) == 0
    assert limits.allow("test-delivery:c", 1)
    assert not limits.allow("test-delivery:c", 1)


def test_with_redis_a_frames_rate_counters_are_one_round_trip(monkeypatch):
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("the cache is not Redis here (the PostgreSQL and Redis run covers this)")
    backend.clear()
    client = backend._cache.get_client(None, write=True)
    executed = []
    original = type(client.pipeline()).execute

    def execute(self, *args, **kwargs):
        executed.append(len(self.command_stack))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(client.pipeline()), "execute", execute)
    checks = [("test-delivery:s", 3, 60), ("test-delivery:ip", 9, 60)]
    for _ in range(3):
        assert limits.allow_all(checks) is None
    assert limits.allow_all(checks) == 0
    assert executed == [4, 4, 4, 4]


def test_a_panel_reads_the_queue_again_when_told_to_look_again(cast, opera_chat):
    from channels.layers import get_channel_layer

    from frontdesk.chat.groups import BROADCAST, queue_group

    async def scenario():
        panel, queue = await agent(cast.opera.line1)
        assert queue["waiting"] == []
        await database_sync_to_async(start_quietly)(opera_chat)  # no socket told anyone
        await get_channel_layer(BROADCAST).group_send(
            queue_group(cast.opera.brand.pk), {"type": "chat.queue"}
        )
        queue = await until(panel, "queue")
        assert [entry["visitor"] for entry in queue["waiting"]] == ["Quiet visitor"]
        await panel.disconnect()

    async_to_sync(scenario)()


def start_quietly(chat):
    from frontdesk.chat import actions

    actions.start_session(
        chat, token="quiet-token-0123456789", client_id="q1", text="Hi", name="Quiet visitor"
    )


def test_a_frame_whose_socket_closed_meanwhile_is_no_error(cast, opera_chat, monkeypatch, caplog):
    from uvicorn.protocols.utils import ClientDisconnected

    def closed(*args, **kwargs):
        raise ClientDisconnected

    monkeypatch.setattr(handling, "suggestions", closed)

    async def scenario():
        socket, _connected, _ = await visitor()
        await hello(socket)
        await socket.send_json_to({"type": "suggest", "q": "my tickets"})
        assert await socket.receive_nothing(0.3)
        await socket.send_json_to({"type": "typing"})  # still serving
        await socket.disconnect()

    with caplog.at_level("INFO", logger="frontdesk.chat.consumers"):
        async_to_sync(scenario)()
    assert [r.levelname for r in caplog.records if r.name == "frontdesk.chat.consumers"] == ["INFO"]
