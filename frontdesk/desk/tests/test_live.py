"""The desk's websocket: pushes reach the agents of the brand only, sockets are refused to everyone else, and
the ticket page shows who else is on it."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client

from frontdesk.core.live import calls_group, push
from frontdesk.desk.live import push_ticket_event
from frontdesk.desk.tests.sockets import live_sockets, open_socket  # noqa: F401 - a fixture
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.content import make_body
from frontdesk.users.actors import actor_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]

QUIET = 0.2  # seconds a socket that must get nothing listens for


def ticket_path(ticket) -> str:
    return f"/ws/desk/tickets/{ticket.number}/"


def reply(ticket, user) -> None:
    """An agent's reply (its events reach the consumers when the on-commit work is run)."""
    ticket_actions.reply_to_ticket(
        ticket, actor=actor_for(user), body=make_body(text="We sent them again."), version=ticket.version
    )


def test_an_agent_of_the_brand_gets_a_push_with_ids_only_on_the_queue_and_the_ticket(
    cast, django_capture_on_commit_callbacks
):
    ticket = cast.opera.ticket()

    async def scenario():
        queue, connected, _ = await open_socket("/ws/desk/", cast.opera.line1)
        assert connected
        page, connected, _ = await open_socket(ticket_path(ticket), cast.opera.line2)
        assert connected

        def act():
            with django_capture_on_commit_callbacks(execute=True):
                reply(ticket, cast.opera.line1)

        await database_sync_to_async(act)()
        for socket in (queue, page):
            # The ticket's creation, still waiting for its consumers, goes along with the reply.
            kinds = []
            while "replied" not in kinds:
                message = await socket.receive_json_from()
                kinds.append(message.pop("kind"))
                assert message == {
                    "type": "ticket",
                    "ticket": ticket.pk,
                    "number": ticket.number,
                    "brand": cast.opera.brand.pk,
                }
            assert set(kinds) <= {"created", "replied"}
        await queue.disconnect()
        await page.disconnect()

    async_to_sync(scenario)()


def test_an_agent_of_another_brand_gets_nothing_of_this_brand(cast, django_capture_on_commit_callbacks):
    ticket = cast.opera.ticket()

    async def scenario():
        stranger, connected, _ = await open_socket("/ws/desk/", cast.tours.line1)
        assert connected

        def act():
            with django_capture_on_commit_callbacks(execute=True):
                reply(ticket, cast.opera.line1)

        await database_sync_to_async(act)()
        assert await stranger.receive_nothing(timeout=QUIET)
        await stranger.disconnect()

    async_to_sync(scenario)()


def test_a_provider_admin_hears_every_brand(cast):
    ticket = cast.tours.ticket()
    event = ticket.events.select_related("ticket").get()

    async def scenario():
        admin, connected, _ = await open_socket("/ws/desk/", cast.provider_admin)
        assert connected
        await database_sync_to_async(push_ticket_event)(event)
        message = await admin.receive_json_from()
        assert message["brand"] == cast.tours.brand.pk
        await admin.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "customer", "other_brand_agent"])
def test_sockets_are_refused_to_anyone_but_the_brands_agents(cast, who):
    ticket = cast.opera.ticket()
    user = {
        "anonymous": None,
        "outsider": cast.outsider,
        "customer": cast.opera.customer_user,
        "other_brand_agent": cast.tours.line1,
    }[who]

    async def scenario():
        _socket, connected, code = await open_socket(ticket_path(ticket), user)
        assert not connected
        assert code == 4403
        if who != "other_brand_agent":
            _socket, connected, _code = await open_socket("/ws/desk/", user)
            assert not connected

    async_to_sync(scenario)()


def test_a_ticket_that_does_not_exist_is_refused_like_another_brands(cast):
    async def scenario():
        _, connected, code = await open_socket("/ws/desk/tickets/NOPE-1/", cast.opera.line1)
        assert (connected, code) == (False, 4403)

    async_to_sync(scenario)()


def test_a_socket_from_a_foreign_page_is_refused(cast):
    async def scenario():
        _, connected, _ = await open_socket("/ws/desk/", cast.opera.line1, origin=b"https://evil.example")
        assert not connected

    async_to_sync(scenario)()


def test_two_agents_on_a_ticket_see_each_other_and_who_is_typing(cast):
    ticket = cast.opera.ticket()
    first_name = cast.opera.line1.get_full_name()
    second_name = cast.opera.line2.get_full_name()

    async def scenario():
        first, connected, _ = await open_socket(ticket_path(ticket), cast.opera.line1)
        assert connected
        assert await first.receive_nothing(timeout=QUIET)  # alone on the ticket
        second, connected, _ = await open_socket(ticket_path(ticket), cast.opera.line2)
        assert connected
        seen_by_first = await first.receive_json_from()
        assert seen_by_first == {
            "type": "presence",
            "people": [{"id": cast.opera.line2.pk, "name": second_name, "typing": False}],
        }
        seen_by_second = await second.receive_json_from()
        assert seen_by_second["people"] == [{"id": cast.opera.line1.pk, "name": first_name, "typing": False}]

        await second.send_json_to({"type": "typing"})
        typing = await first.receive_json_from()
        assert typing["people"] == [{"id": cast.opera.line2.pk, "name": second_name, "typing": True}]

        await second.send_json_to({"type": "idle"})
        sent = await first.receive_json_from()
        assert sent["people"] == [{"id": cast.opera.line2.pk, "name": second_name, "typing": False}]

        await second.disconnect()
        gone = await first.receive_json_from()
        assert gone == {"type": "presence", "people": []}
        await first.disconnect()

    async_to_sync(scenario)()


def test_an_agent_on_another_ticket_is_not_shown(cast):
    ticket, other = cast.opera.ticket(), cast.opera.ticket("Another question")

    async def scenario():
        first, _, _ = await open_socket(ticket_path(ticket), cast.opera.line1)
        second, _, _ = await open_socket(ticket_path(other), cast.opera.line2)
        assert await first.receive_nothing(timeout=QUIET)
        assert await second.receive_nothing(timeout=QUIET)
        await first.disconnect()
        await second.disconnect()

    async_to_sync(scenario)()


def test_a_call_reaches_the_sockets_of_its_brand_and_line_only(cast):
    async def scenario():
        line1, _, _ = await open_socket("/ws/desk/", cast.opera.line1)
        line2, _, _ = await open_socket("/ws/desk/", cast.opera.line2)
        other, _, _ = await open_socket("/ws/desk/", cast.tours.line1)
        message = {
            "type": "call.incoming",
            "brand": cast.opera.brand.pk,
            "line": 1,
            "phone": "+481",
            "customer": None,
        }
        await database_sync_to_async(push)([calls_group(cast.opera.brand.pk, 1)], message)
        assert (await line1.receive_json_from())["type"] == "call"
        assert await line2.receive_nothing(timeout=QUIET)
        assert await other.receive_nothing(timeout=QUIET)
        for socket in (line1, line2, other):
            await socket.disconnect()

    async_to_sync(scenario)()


def test_the_ticket_and_queue_pages_open_their_sockets(cast):
    ticket = cast.opera.ticket()
    client = Client()
    client.force_login(cast.opera.line1)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'data-socket="/ws/desk/tickets/{ticket.number}/"' in page
    assert 'id="presence"' in page
    assert 'data-socket="/ws/desk/"' in client.get("/desk/queues/").content.decode()


def test_a_page_that_sends_garbage_or_floods_keystrokes_is_not_echoed_to_the_others(cast):
    ticket = cast.opera.ticket()

    async def scenario():
        first, _, _ = await open_socket(ticket_path(ticket), cast.opera.line1)
        second, _, _ = await open_socket(ticket_path(ticket), cast.opera.line2)
        await first.receive_json_from()
        await second.receive_json_from()
        await second.send_input({"type": "websocket.receive", "text": "not json"})
        await second.send_json_to(["a list"])
        await second.send_json_to({"type": "shout"})
        for _ in range(20):
            await second.send_json_to({"type": "typing"})
        assert (await first.receive_json_from())["people"][0]["typing"] is True
        assert await first.receive_nothing(timeout=QUIET)  # one announcement for the whole burst
        await first.disconnect()
        await second.disconnect()

    async_to_sync(scenario)()


def test_a_push_from_a_worker_thread_reaches_the_sockets_of_the_web_loop(cast):
    """The embedded default: the in-memory layer, and the worker as threads of the web server's process."""
    ticket = cast.opera.ticket()
    event = ticket.events.select_related("ticket").get()

    async def scenario():
        socket, _, _ = await open_socket(ticket_path(ticket), cast.opera.line1)
        worker = threading.Thread(target=push_ticket_event, args=(event,))
        worker.start()
        assert (await socket.receive_json_from())["kind"] == "created"
        worker.join()
        await socket.disconnect()

    async_to_sync(scenario)()
