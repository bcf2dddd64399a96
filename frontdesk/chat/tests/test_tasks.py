"""Chats nobody writes in any more are ended by the worker, with their transcript, and their sockets told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from frontdesk.chat import actions
from frontdesk.chat.choices import Sender, SessionState
from frontdesk.chat.models import ChatSession
from frontdesk.chat.tasks import end_idle_sessions
from frontdesk.chat.tests.sockets import hello, until, visitor
from frontdesk.core.schedules import registered
from frontdesk.desk.tests.sockets import live_sockets  # noqa: F401 - a fixture
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]


def test_a_chat_silent_for_two_hours_is_ended_with_its_transcript_and_a_lively_one_is_not(opera_chat):
    quiet = actions.start_session(opera_chat, token="q" * 30, client_id="1", text="Anyone?").message.session
    later = timezone.now() + timedelta(hours=2, minutes=5)
    with time_machine.travel(later, tick=False):
        lively = actions.start_session(opera_chat, token="l" * 30, client_id="1", text="Hi").message.session
        assert end_idle_sessions() == [quiet.pk]
        assert end_idle_sessions() == []
    quiet.refresh_from_db()
    lively.refresh_from_db()
    assert quiet.state == SessionState.ENDED
    assert quiet.ended_by == Sender.SYSTEM
    assert lively.state == SessionState.WAITING
    assert Message.objects.filter(ticket_id=quiet.ticket_id, channel=Channel.CHAT).exists()


def test_the_visitors_socket_hears_that_an_idle_chat_ended(opera_chat):
    assert "chat.end_idle_sessions" in registered()

    async def scenario():
        socket, _connected, _ = await visitor()
        welcome = await hello(socket)
        await socket.send_json_to({"type": "message", "client_id": "1", "text": "Hello?"})
        await until(socket, "ack")

        ended = await database_sync_to_async(end_idle_sessions)(idle=timedelta(0))
        assert len(ended) == 1
        assert await until(socket, "ended") == {"type": "ended"}
        await socket.disconnect()
        return welcome

    async_to_sync(scenario)()
    assert ChatSession.objects.get().state == SessionState.ENDED
