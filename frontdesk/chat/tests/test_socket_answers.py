"""What the chat sockets answer beyond the conversation itself: the brand's file limit, the new-chat limit per
address, errors in the recipient's language, the status after an accept, transfers with a note, and socket
addresses that are none of ours."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings

from frontdesk.chat.models import ChatSession
from frontdesk.chat.tests.sockets import frames_until_quiet, hello, until, visitor
from frontdesk.desk.tests.sockets import Socket, live_sockets, open_socket  # noqa: F401 - a fixture
from frontdesk.tickets.models import Ticket, WorkLogEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]

AGENT = "/ws/desk/chat/"


async def first_message(language="en", client_id="v1"):
    socket, connected, _ = await visitor()
    assert connected
    welcome = await hello(socket, language=language)
    await socket.send_json_to({"type": "message", "client_id": client_id, "text": "Hello"})
    return socket, welcome, await socket.receive_json_from()


async def panel(user):
    socket, connected, _ = await open_socket(AGENT, user)
    assert connected
    await until(socket, "queue")
    return socket


async def accepted_chat(user):
    """A visitor's new chat accepted by ``user`` from the queue: (visitor's socket, agent's socket, id)."""
    visitor_socket, _welcome, _ack = await first_message()
    socket = await panel(user)
    sid = await database_sync_to_async(lambda: ChatSession.objects.get().pk)()
    await socket.send_json_to({"type": "accept", "session": sid})
    return visitor_socket, socket, sid


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


def test_the_welcome_gives_the_brands_file_limit(opera_chat):
    opera_chat.max_attachment_bytes = 2 * 1024 * 1024
    opera_chat.save()

    async def scenario():
        socket, welcome, _ack = await first_message()
        assert welcome["brand"]["max_attachment_bytes"] == 2 * 1024 * 1024
        await socket.disconnect()

    async_to_sync(scenario)()


def test_new_chats_from_one_address_stop_at_the_brands_limit_with_their_own_code(opera_chat):
    opera_chat.new_chats_per_hour = 2
    opera_chat.save()

    async def scenario():
        sockets = []
        for _ in range(2):
            socket, _welcome, ack = await first_message()
            assert ack["type"] == "ack"
            sockets.append(socket)
        socket, _welcome, refused = await first_message(language="ru", client_id="v3")
        assert (refused["type"], refused["code"], refused["client_id"]) == ("error", "too_many_chats", "v3")
        assert "электронной почте" in refused["detail"]
        for s in [*sockets, socket]:
            await s.disconnect()

    async_to_sync(scenario)()
    assert ChatSession.objects.count() == 2


def test_the_default_limit_of_new_chats_lets_an_office_behind_one_address_in(opera_chat):
    assert opera_chat.new_chats_per_hour == 30

    async def scenario():
        for n in range(12):
            socket, _welcome, ack = await first_message(client_id=f"v{n}")
            assert ack["type"] == "ack", ack
            await socket.disconnect()

    async_to_sync(scenario)()
    assert ChatSession.objects.count() == 12


def test_an_agents_errors_come_in_their_profiles_language(cast, opera_chat):
    speaks(cast.opera.line1, "ru")

    async def scenario():
        socket = await panel(cast.opera.line1)
        await socket.send_json_to({"type": "shout"})
        error = await until(socket, "error")
        assert error["detail"] == "Неизвестный тип кадра shout."
        await socket.send_json_to({"type": "accept", "session": 999999})
        error = await until(socket, "error")
        assert (error["code"], error["detail"]) == ("not_allowed", "Не найдено: чат.")
        await socket.disconnect()

    async_to_sync(scenario)()


def test_an_agent_without_a_profile_language_gets_errors_in_their_desks_language(cast, opera_chat):
    speaks(cast.opera.line1, "")

    async def scenario():
        base, _connected, _code = await open_socket(AGENT, cast.opera.line1)
        cookie = dict(base.scope["headers"])[b"cookie"].decode()
        await base.disconnect()
        socket = Socket(
            AGENT,
            [
                (b"origin", b"http://localhost"),
                (b"host", b"localhost"),
                (b"cookie", f"{cookie}; {settings.LANGUAGE_COOKIE_NAME}=pl".encode()),
            ],
        )
        connected, _code = await socket.connect()
        assert connected
        await until(socket, "queue")
        await socket.send_json_to({"type": "shout"})
        assert (await until(socket, "error"))["detail"] == "Nieznany typ ramki shout."
        await socket.disconnect()

    async_to_sync(scenario)()


def test_the_agent_who_accepts_from_the_queue_gets_the_chats_status(cast, opera_chat):
    async def scenario():
        visitor_socket, socket, sid = await accepted_chat(cast.opera.line1)
        frames = await frames_until_quiet(socket)
        statuses = [f for f in frames if f["type"] == "status"]
        assert statuses == [
            {"type": "status", "session": sid, "session_state": "active", "agent": cast.opera.line1.name}
        ]
        for s in (socket, visitor_socket):
            await s.disconnect()

    async_to_sync(scenario)()


def test_a_transfer_to_line_2_with_a_note_escalates_the_ticket(cast, opera_chat):
    async def scenario():
        visitor_socket, socket, sid = await accepted_chat(cast.opera.line1)
        await until(socket, "status")
        await socket.send_json_to({"type": "transfer", "session": sid, "to_line": 2, "note": "Refund"})
        status = await until(socket, "status")
        assert status["session_state"] == "waiting"
        for s in (socket, visitor_socket):
            await s.disconnect()

    async_to_sync(scenario)()
    ticket = Ticket.objects.get()
    assert ticket.line == 2
    assert WorkLogEntry.objects.get(ticket=ticket).request == "Refund"


def test_a_transfer_to_an_agent_at_the_limit_names_them_in_the_transferring_agents_language(cast, opera_chat):
    opera_chat.max_chats_per_agent = 1
    opera_chat.save()
    speaks(cast.opera.line1, "ru")

    async def scenario():
        first, _w, _a = await first_message()
        second, _w, _a = await first_message(client_id="v2")
        anna, boris = await panel(cast.opera.line1), await panel(cast.opera.line2)
        one, two = await database_sync_to_async(
            lambda: list(ChatSession.objects.order_by("id").values_list("pk", flat=True))
        )()
        await anna.send_json_to({"type": "accept", "session": one})
        await until(anna, "status")
        await boris.send_json_to({"type": "accept", "session": two})
        await until(boris, "status")
        await anna.send_json_to({"type": "transfer", "session": one, "to_agent": cast.opera.line2.pk})
        error = await until(anna, "error")
        assert (error["code"], error["session"]) == ("limit_reached", one)
        assert error["detail"].startswith(f"У {cast.opera.line2.name} уже 1 ")
        for s in (anna, boris, first, second):
            await s.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("path", ["/ws/chat/a/b/", "/ws/chat/", "/ws/desk/nothing/", "/ws/other/"])
def test_a_socket_address_that_is_none_of_ours_is_closed_with_a_code(cast, path):
    async def scenario():
        _socket, connected, code = await open_socket(path, cast.opera.line1)
        assert not connected
        assert code == 4404

    async_to_sync(scenario)()


@pytest.mark.parametrize(("asked", "kept"), [("pl-PL", "ru"), ("en-GB", "en"), ("xx", "ru")])
def test_a_visitor_is_served_in_a_language_the_brand_offers(opera_chat, asked, kept):
    # The cast's brands offer Russian and English, Russian first.
    async def scenario():
        socket, _welcome, _ack = await first_message(language=asked)
        await socket.disconnect()

    async_to_sync(scenario)()

    session = ChatSession.objects.get()
    assert session.language == kept
    assert Ticket.objects.get(pk=session.ticket_id).language == kept
