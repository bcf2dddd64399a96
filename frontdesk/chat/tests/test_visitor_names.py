"""The visitor's name on the first frame of a chat, apart from a file's name (docs/chat.md, ``visitor_name``)."""

from __future__ import annotations

import base64

import pytest
from asgiref.sync import async_to_sync

from frontdesk.chat.models import ChatSession
from frontdesk.chat.tests.sockets import hello, until, visitor
from frontdesk.desk.tests.sockets import live_sockets  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]

PHOTO = base64.b64encode(b"\x89PNG....").decode()


def first_frame(frame: dict) -> dict:
    """What the server sends back for a visitor's first frame: the stored message (the one acknowledged)."""

    async def scenario():
        socket, connected, _ = await visitor()
        assert connected
        await hello(socket)
        await socket.send_json_to({"client_id": "f1", **frame})
        ack = await until(socket, "ack")
        message = await until(socket, "message")
        while message["seq"] != ack["seq"]:
            message = await until(socket, "message")
        await socket.disconnect()
        return message

    return async_to_sync(scenario)()


def attachment(name: str, **fields: str) -> dict:
    return {"type": "attachment", "name": name, "content_type": "image/png", "data": PHOTO, **fields}


def test_a_first_file_with_the_visitors_name_keeps_its_own_name(opera_chat):
    message = first_frame(
        attachment("ticket-photo.png", visitor_name="Olga Petrova", email="olga@example.com")
    )

    assert message["attachment"]["name"] == "ticket-photo.png"
    session = ChatSession.objects.select_related("customer", "ticket").get()
    assert session.customer.name == "Olga Petrova"
    assert session.customer.email == "olga@example.com"
    assert "ticket-photo" not in session.ticket.subject


@pytest.mark.parametrize("name", ["ticket-photo.png", "../../etc/passwd"])
def test_a_first_file_without_a_visitor_name_does_not_name_the_visitor_after_it(opera_chat, name):
    message = first_frame(attachment(name))

    assert message["attachment"]["name"]
    session = ChatSession.objects.select_related("customer", "ticket").get()
    assert session.customer.name == "Visitor"
    assert "passwd" not in session.ticket.subject
    assert "photo" not in session.ticket.subject


@pytest.mark.parametrize("field", ["visitor_name", "name"])
def test_a_first_message_names_the_visitor_by_visitor_name_or_by_name_as_older_widgets_do(opera_chat, field):
    first_frame({"type": "message", "text": "Hello", field: "Olga Petrova"})

    assert ChatSession.objects.select_related("customer").get().customer.name == "Olga Petrova"
