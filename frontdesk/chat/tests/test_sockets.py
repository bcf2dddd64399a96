"""The chat protocol over real sockets (docs/chat.md): visitors and agents, numbering, replay, refusals."""

from __future__ import annotations

import asyncio
import base64

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from frontdesk.chat.choices import SessionState
from frontdesk.chat.models import ChatMessage, ChatSession
from frontdesk.chat.tests.sockets import QUIET, frames_until_quiet, hello, until, visitor
from frontdesk.desk.tests.sockets import live_sockets, open_socket  # noqa: F401 - a fixture
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.models import Message, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]

AGENT = "/ws/desk/chat/"


async def send(socket, client_id, text):
    await socket.send_json_to({"type": "message", "client_id": client_id, "text": text})


async def open_chat(text="My tickets did not arrive", **first):
    """A visitor who said hello and wrote their first message: (socket, welcome, ack)."""
    socket, connected, _ = await visitor()
    assert connected
    welcome = await hello(socket)
    await socket.send_json_to({"type": "message", "client_id": "v1", "text": text, **first})
    ack = await until(socket, "ack")
    return socket, welcome, ack


async def agent(user):
    socket, connected, _ = await open_socket(AGENT, user)
    assert connected
    queue = await until(socket, "queue")
    return socket, queue


def session_id() -> int:
    return ChatSession.objects.get().pk


def test_a_visitor_says_hello_writes_and_the_message_is_numbered_acknowledged_and_echoed(cast, opera_chat):
    async def scenario():
        socket, welcome, ack = await open_chat()
        assert welcome["session"] == "none"
        assert welcome["online"] is False
        assert welcome["agent"] is None
        assert welcome["brand"]["name"] == cast.opera.brand.name
        assert welcome["brand"]["greeting"] == "Hello! How can we help?"
        assert len(welcome["token"]) >= 20
        assert ack == {"type": "ack", "client_id": "v1", "seq": 1}
        frames = await frames_until_quiet(socket)
        messages = [f for f in frames if f["type"] == "message"]
        assert [(m["seq"], m["from"], m["text"], m["client_id"]) for m in messages] == [
            (1, "visitor", "My tickets did not arrive", "v1")
        ]
        assert {"type": "status", "session": "waiting", "agent": None} in frames
        await socket.disconnect()

    async_to_sync(scenario)()
    ticket = Ticket.objects.get(pk=ChatSession.objects.get().ticket_id)
    assert ticket.channel == Channel.CHAT
    assert ticket.brand_id == cast.opera.brand.pk


def test_the_same_client_id_twice_is_stored_once_and_acknowledged_twice(opera_chat):
    async def scenario():
        socket, _welcome, _ack = await open_chat()
        await frames_until_quiet(socket)
        await send(socket, "v2", "Hello?")
        first = await until(socket, "ack")
        await frames_until_quiet(socket)
        await send(socket, "v2", "Hello?")
        second = await until(socket, "ack")
        assert first == second == {"type": "ack", "client_id": "v2", "seq": 2}
        assert await frames_until_quiet(socket) == []
        await socket.disconnect()

    async_to_sync(scenario)()
    assert ChatMessage.objects.filter(client_id="v2").count() == 1


def test_a_reconnecting_visitor_gets_exactly_the_messages_after_their_last_number(cast, opera_chat):
    async def scenario():
        socket, welcome, _ack = await open_chat()
        for n in range(2, 6):
            await send(socket, f"v{n}", f"line {n}")
            await until(socket, "ack")
        await socket.disconnect()
        again, connected, _ = await visitor()
        assert connected
        resumed = await hello(again, token=welcome["token"], last_seq=3)
        assert resumed["token"] == welcome["token"]
        assert resumed["session"] == "waiting"
        frames = await frames_until_quiet(again)
        assert [(f["type"], f["seq"]) for f in frames] == [("message", 4), ("message", 5)]
        await again.disconnect()

    async_to_sync(scenario)()


def test_an_agent_sees_the_chat_waiting_accepts_it_and_both_sides_talk(cast, opera_chat):
    async def scenario():
        panel, queue = await agent(cast.opera.line1)
        assert queue == {"type": "queue", "waiting": [], "mine": []}
        socket, _welcome, _ack = await open_chat()
        queue = await until(panel, "queue")
        [waiting] = queue["waiting"]
        assert waiting["visitor"]
        assert waiting["page"] == "https://www.opera.example/tickets"
        sid = waiting["session"]
        await panel.send_json_to({"type": "accept", "session": sid})
        history = [await until(panel, "message"), await until(panel, "message")]
        assert [(m["session"], m["seq"], m["from"]) for m in history] == [
            (sid, 1, "visitor"),
            (sid, 2, "system"),
        ]
        status = await until(socket, "status")
        while status["session"] == "waiting":  # the one from the first message
            status = await until(socket, "status")
        assert status == {"type": "status", "session": "active", "agent": cast.opera.line1.name}
        await panel.send_json_to({"type": "typing", "session": sid})
        assert await until(socket, "typing") == {"type": "typing", "from": "agent"}
        await panel.send_json_to(
            {"type": "message", "session": sid, "client_id": "a1", "text": "Checking now."}
        )
        assert await until(panel, "ack") == {"type": "ack", "session": sid, "client_id": "a1", "seq": 3}
        said = await until(socket, "message")
        while said["seq"] < 3:
            said = await until(socket, "message")
        assert (said["from"], said["text"], said["author"]) == (
            "agent",
            "Checking now.",
            cast.opera.line1.name,
        )
        await socket.send_json_to({"type": "typing"})
        assert await until(panel, "typing") == {"type": "typing", "session": sid, "from": "visitor"}
        await send(socket, "v2", "Thank you")
        reply = await until(panel, "message")
        while reply["seq"] < 4:
            reply = await until(panel, "message")
        assert (reply["session"], reply["text"], reply["from"]) == (sid, "Thank you", "visitor")
        await panel.disconnect()
        await socket.disconnect()

    async_to_sync(scenario)()
    ticket = Ticket.objects.get(pk=session_id() and ChatSession.objects.get().ticket_id)
    assert ticket.assignee_id == cast.opera.line1.pk
    assert ticket.first_response_at is not None


def test_of_two_agents_accepting_at_once_one_gets_the_chat_and_the_other_is_told_it_is_taken(
    cast, opera_chat
):
    async def scenario():
        socket, _welcome, _ack = await open_chat()
        anna, _queue = await agent(cast.opera.line1)
        boris, _queue = await agent(cast.opera.line2)
        sid = await database_sync_to_async(session_id)()
        await anna.send_json_to({"type": "accept", "session": sid})
        await boris.send_json_to({"type": "accept", "session": sid})
        frames = {"anna": await frames_until_quiet(anna), "boris": await frames_until_quiet(boris)}
        errors = {who: [f for f in got if f["type"] == "error"] for who, got in frames.items()}
        [loser] = [who for who, got in errors.items() if got]
        [winner] = [who for who in frames if who != loser]
        assert [(e["code"], e["session"]) for e in errors[loser]] == [("taken", sid)]
        assert [f["seq"] for f in frames[winner] if f["type"] == "message"] == [1, 2]
        assert not [f for f in frames[loser] if f["type"] == "message"]
        for s in (anna, boris, socket):
            await s.disconnect()
        return winner

    winner = async_to_sync(scenario)()
    user = {"anna": cast.opera.line1, "boris": cast.opera.line2}[winner]
    assert ChatSession.objects.get().agent_id == user.pk
    assert Ticket.objects.get().assignee_id == user.pk


def test_an_agent_at_the_brands_limit_cannot_accept_another_chat(cast, opera_chat):
    opera_chat.max_chats_per_agent = 1
    opera_chat.save()

    async def scenario():
        first, _w, _a = await open_chat()
        second, _w, _a = await open_chat("Another question")
        panel, queue = await agent(cast.opera.line1)
        one, two = (w["session"] for w in queue["waiting"])
        await panel.send_json_to({"type": "accept", "session": one})
        await until(panel, "message")
        await panel.send_json_to({"type": "accept", "session": two})
        error = await until(panel, "error")
        assert (error["code"], error["session"]) == ("limit_reached", two)
        for s in (panel, first, second):
            await s.disconnect()

    async_to_sync(scenario)()
    assert ChatSession.objects.filter(state=SessionState.WAITING).count() == 1


def test_a_transfer_hands_the_chat_and_its_history_to_the_other_agent(cast, opera_chat):
    async def scenario():
        socket, _w, _a = await open_chat()
        anna, _queue = await agent(cast.opera.line1)
        boris, _queue = await agent(cast.opera.line2)
        sid = await database_sync_to_async(session_id)()
        await anna.send_json_to({"type": "accept", "session": sid})
        await until(anna, "status")
        await anna.send_json_to({"type": "transfer", "session": sid, "to_agent": cast.opera.line2.pk})
        received = [await until(boris, "message") for _ in range(3)]
        assert [m["seq"] for m in received] == [1, 2, 3]
        assert received[2]["from"] == "system"
        status = await until(socket, "status")
        while status["agent"] != cast.opera.line2.name:
            status = await until(socket, "status")
        await send(socket, "v2", "Still there?")
        heard = await until(boris, "message")
        assert heard["seq"] == 4
        anna_frames = await frames_until_quiet(anna)
        assert 4 not in [f.get("seq") for f in anna_frames if f["type"] == "message"]
        for s in (anna, boris, socket):
            await s.disconnect()

    async_to_sync(scenario)()
    assert Ticket.objects.get().assignee_id == cast.opera.line2.pk


def test_ending_tells_both_sides_and_writes_the_transcript_into_the_ticket(cast, opera_chat):
    async def scenario():
        socket, _w, _a = await open_chat()
        panel, _queue = await agent(cast.opera.line1)
        sid = await database_sync_to_async(session_id)()
        await panel.send_json_to({"type": "accept", "session": sid})
        await panel.send_json_to(
            {"type": "message", "session": sid, "client_id": "a1", "text": "Sent again."}
        )
        await until(panel, "ack")
        await panel.send_json_to({"type": "end", "session": sid})
        assert await until(socket, "ended") == {"type": "ended"}
        status = await until(panel, "status")
        while status["session_state"] != "ended":
            status = await until(panel, "status")
        await send(socket, "v9", "wait")
        error = await until(socket, "error")
        assert (error["code"], error["client_id"]) == ("ended", "v9")
        for s in (panel, socket):
            await s.disconnect()

    async_to_sync(scenario)()
    transcript = Message.objects.filter(channel=Channel.CHAT).order_by("id").last()
    assert "My tickets did not arrive" in transcript.body_text
    assert "Sent again." in transcript.body_text


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (b"https://www.opera.example", True),
        (b"http://localhost", True),  # the help desk's own host (the try-it page)
        (b"https://evil.example", False),
        (b"https://www.opera.example.evil.example", False),
        (b"null", False),
    ],
)
def test_the_visitor_socket_opens_only_from_the_brands_websites_and_our_own_hosts(
    opera_chat, origin, allowed
):
    async def scenario():
        socket, connected, code = await visitor(origin=origin)
        assert connected is allowed
        if connected:
            await socket.disconnect()
        else:
            assert code == 4403

    async_to_sync(scenario)()


def test_the_visitor_socket_is_refused_for_a_brand_without_the_chat_on(cast, opera_chat):
    async def scenario():
        # opera-tours has no chat settings at all; opera's chat is switched off.
        _socket, connected, _code = await visitor("opera-tours", origin=b"http://localhost")
        assert not connected
        opera_chat.is_enabled = False
        await database_sync_to_async(opera_chat.save)()
        _socket, connected, _code = await visitor()
        assert not connected

    async_to_sync(scenario)()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "customer"])
def test_the_agent_socket_is_refused_to_anyone_but_agents(cast, who):
    user = {"anonymous": None, "outsider": cast.outsider, "customer": cast.opera.customer_user}[who]

    async def scenario():
        _socket, connected, _code = await open_socket(AGENT, user)
        assert not connected

    async_to_sync(scenario)()


def test_an_agent_of_another_brand_neither_sees_nor_takes_nor_reads_the_chat(cast, opera_chat):
    async def scenario():
        stranger, queue = await agent(cast.tours.line1)
        socket, _w, _a = await open_chat()
        sid = await database_sync_to_async(session_id)()
        assert await stranger.receive_nothing(QUIET)
        for frame in (
            {"type": "accept", "session": sid},
            {"type": "message", "session": sid, "client_id": "x", "text": "hi"},
            {"type": "end", "session": sid},
            {"type": "transfer", "session": sid, "to_line": 2},
        ):
            await stranger.send_json_to(frame)
            error = await until(stranger, "error")
            assert (error["code"], error["session"]) == ("not_allowed", sid)
        await stranger.send_json_to({"type": "hello", "sessions": {str(sid): 0}})
        queue = await until(stranger, "queue")
        assert queue == {"type": "queue", "waiting": [], "mine": []}
        assert await stranger.receive_nothing(QUIET)
        for s in (stranger, socket):
            await s.disconnect()

    async_to_sync(scenario)()
    assert ChatSession.objects.get().state == SessionState.WAITING


def test_a_visitor_sending_too_fast_is_told_to_wait(opera_chat):
    opera_chat.messages_per_minute = 2
    opera_chat.save()

    async def scenario():
        socket, _w, _a = await open_chat()
        await send(socket, "v2", "two")
        await until(socket, "ack")
        await send(socket, "v3", "three")
        error = await until(socket, "error")
        assert (error["code"], error["client_id"]) == ("rate_limited", "v3")
        assert error["detail"]
        await socket.disconnect()

    async_to_sync(scenario)()
    assert ChatMessage.objects.count() == 2


def test_too_long_texts_large_files_and_garbage_get_clear_errors(opera_chat):
    opera_chat.max_attachment_bytes = 100
    opera_chat.save()

    async def scenario():
        socket, _w, _a = await open_chat()
        await send(socket, "long", "x" * 4001)
        assert (await until(socket, "error"))["code"] == "too_large"
        big = base64.b64encode(b"x" * 101).decode()
        await socket.send_json_to({"type": "attachment", "client_id": "f1", "name": "a.txt", "data": big})
        assert (await until(socket, "error"))["code"] == "too_large"
        await socket.send_json_to({"type": "attachment", "client_id": "f2", "name": "a.txt", "data": "%%%"})
        assert (await until(socket, "error"))["code"] == "invalid"
        await socket.send_input({"type": "websocket.receive", "text": "not json"})
        assert (await until(socket, "error"))["code"] == "invalid"
        # PostgreSQL stores no NUL character: refused before anything is written.
        await send(socket, "nul", "before\x00after")
        assert (await until(socket, "error"))["code"] == "invalid"
        await socket.send_input(
            {"type": "websocket.receive", "text": '{"type": "hello", "name": "a\\u0000b"}'}
        )
        assert (await until(socket, "error"))["code"] == "invalid"
        await socket.send_json_to({"type": "launch"})
        assert (await until(socket, "error"))["code"] == "invalid"
        small = base64.b64encode(b"hello").decode()
        await socket.send_json_to(
            {
                "type": "attachment",
                "client_id": "f3",
                "name": "note.txt",
                "content_type": "text/plain",
                "data": small,
            }
        )
        ack = await until(socket, "ack")
        message = await until(socket, "message")
        while message["seq"] != ack["seq"]:
            message = await until(socket, "message")
        assert message["attachment"]["name"] == "note.txt"
        assert message["attachment"]["size"] == 5
        assert message["attachment"]["url"].startswith("http")
        await socket.disconnect()

    async_to_sync(scenario)()


def test_a_message_before_hello_is_refused(opera_chat):
    async def scenario():
        socket, _connected, _ = await visitor()
        await send(socket, "v1", "hi")
        assert (await until(socket, "error"))["code"] == "invalid"
        await socket.disconnect()

    async_to_sync(scenario)()
    assert not ChatSession.objects.exists()


def test_an_offline_message_opens_a_ticket_by_mail(
    cast, opera_chat, mailoutbox, django_capture_on_commit_callbacks
):
    async def scenario():
        socket, _connected, _ = await visitor()
        welcome = await hello(socket)
        assert welcome["online"] is False
        await socket.send_json_to(
            {"type": "offline", "name": "Vera", "email": "vera@example.com", "text": "Please call me"}
        )
        received = await until(socket, "offline_received")
        await socket.disconnect()
        return received

    with django_capture_on_commit_callbacks(execute=True):
        received = async_to_sync(scenario)()
    ticket = Ticket.objects.get(number=received["number"])
    assert ticket.channel == Channel.EMAIL
    assert ticket.customer.email == "vera@example.com"
    assert [m.to for m in mailoutbox] == [["vera@example.com"]]


def test_an_agent_with_the_panel_open_is_online_for_the_visitors_of_their_brand_only(
    cast, opera_chat, tours_chat
):
    async def scenario():
        panel, _queue = await agent(cast.opera.line1)
        socket, _connected, _ = await visitor()
        assert (await hello(socket))["online"] is True
        other, _connected, _ = await visitor("opera-tours", origin=b"https://tours.example")
        assert (await hello(other))["online"] is False
        await panel.disconnect()
        again, _connected, _ = await visitor()
        assert (await hello(again))["online"] is False
        for s in (socket, other, again):
            await s.disconnect()

    async_to_sync(scenario)()


def test_a_widget_asks_again_who_is_online_and_hears_an_agent_who_came(cast, opera_chat):
    async def scenario():
        socket, _connected, _ = await visitor()
        assert (await hello(socket))["online"] is False
        await socket.send_json_to({"type": "presence"})
        assert await until(socket, "presence") == {"type": "presence", "online": False}
        panel, _queue = await agent(cast.opera.line1)
        await socket.send_json_to({"type": "presence"})
        assert await until(socket, "presence") == {"type": "presence", "online": True}
        # Asked too often: refused with a reason, not answered.
        for _ in range(12):
            await socket.send_json_to({"type": "presence"})
        frames = [await socket.receive_json_from(timeout=5) for _ in range(12)]
        assert [f["type"] for f in frames].count("presence") == 10
        assert {f.get("code") for f in frames if f["type"] == "error"} == {"rate_limited"}
        await panel.disconnect()
        await socket.disconnect()

    async_to_sync(scenario)()


def test_an_agent_who_closes_one_of_two_panels_stays_online(cast, opera_chat):
    """A second tab, or the page reloaded (its new socket may connect before the old one closes)."""
    from frontdesk.chat.queries import online_for_brand

    async def online() -> bool:
        return await database_sync_to_async(online_for_brand)(cast.opera.brand)

    async def scenario():
        first, _queue = await agent(cast.opera.line1)
        second, _queue = await agent(cast.opera.line1)
        await first.disconnect()
        # The other panel says it is still there as soon as the first one has closed.
        for _ in range(50):
            if await online():
                break
            await asyncio.sleep(0.02)
        assert await online()
        socket, _connected, _ = await visitor()
        assert (await hello(socket))["online"] is True
        await second.disconnect()
        assert not await online()
        await socket.disconnect()

    async_to_sync(scenario)()


def test_a_reconnecting_agent_gets_what_they_missed_once(cast, opera_chat):
    async def scenario():
        socket, _w, _a = await open_chat()
        panel, _queue = await agent(cast.opera.line1)
        sid = await database_sync_to_async(session_id)()
        await panel.send_json_to({"type": "accept", "session": sid})
        await until(panel, "status")
        await panel.disconnect()
        await send(socket, "v2", "Are you there?")
        await until(socket, "ack")
        again, _queue = await agent(cast.opera.line1)
        await again.send_json_to({"type": "hello", "sessions": {str(sid): 2}})
        frames = await frames_until_quiet(again)
        assert [(f["session"], f["seq"]) for f in frames if f["type"] == "message"] == [(sid, 3)]
        for s in (again, socket):
            await s.disconnect()

    async_to_sync(scenario)()


def test_a_visitor_typing_a_question_gets_the_brands_confident_articles_only(cast, opera_chat, monkeypatch):
    from frontdesk.kb import actions as kb_actions
    from frontdesk.kb import suggest
    from frontdesk.users.actors import actor_for

    monkeypatch.setattr(suggest, "STAMP_INTERVAL", 0.0)
    for brand_cast, title in (
        (cast.opera, "E-tickets did not arrive by email"),
        (cast.tours, "E-tickets lost"),
    ):
        kb_actions.create_article(
            brand_cast.brand,
            actor=actor_for(brand_cast.line1),
            language="en",
            title=title,
            body="Check the spam folder, then open My orders and send them again.",
            tags=["email"],
            publish=True,
        )

    async def scenario():
        socket, _connected, _ = await visitor()
        await hello(socket)
        await socket.send_json_to({"type": "suggest", "q": "my e-tickets never came to my email"})
        found = await until(socket, "suggestions")
        await socket.disconnect()
        return found

    found = async_to_sync(scenario)()
    assert [a["title"] for a in found["articles"]] == ["E-tickets did not arrive by email"]
    assert found["articles"][0]["url"].startswith("http://127.0.0.1:8000/portal/opera/kb/")


def test_two_tabs_of_one_visitor_share_one_conversation(opera_chat):
    async def scenario():
        first, _connected, _ = await visitor()
        welcome = await hello(first)
        second, _connected, _ = await visitor()
        await hello(second, token=welcome["token"])  # said hello before the chat existed
        await send(first, "a", "From the first tab")
        await until(first, "ack")
        await send(second, "b", "From the second tab")
        assert await until(second, "ack") == {"type": "ack", "client_id": "b", "seq": 2}
        seen_by_second = [f["seq"] for f in await frames_until_quiet(second) if f["type"] == "message"]
        seen_by_first = [f["seq"] for f in await frames_until_quiet(first) if f["type"] == "message"]
        assert seen_by_second == [1, 2]
        assert seen_by_first == [1, 2]
        for s in (first, second):
            await s.disconnect()

    async_to_sync(scenario)()
    assert ChatSession.objects.count() == 1
