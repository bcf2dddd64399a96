"""A frame that cannot be sent because its socket is closing is an INFO line without a traceback."""

from __future__ import annotations

import logging

import pytest
from asgiref.sync import async_to_sync
from uvicorn.protocols.utils import ClientDisconnected

from frontdesk.chat import handling
from frontdesk.chat.consumers import AgentConsumer
from frontdesk.users.actors import SYSTEM

# What uvicorn raises for a send on a socket that was never accepted (closed while it opened) or was closed.
NOT_ACCEPTED = RuntimeError(
    "Expected ASGI message 'websocket.accept', 'websocket.close', or 'websocket.http.response.start' "
    "but got 'websocket.send'."
)
CLOSED = RuntimeError("Unexpected ASGI message 'websocket.send', after sending 'websocket.close'.")


def panel(error: Exception) -> AgentConsumer:
    """An agent's socket (with no brands) whose server refuses every frame with ``error``."""
    consumer = AgentConsumer()
    consumer.plan = handling.AgentPlan(1, SYSTEM, [])
    consumer.opened = True

    async def refuse(message):
        raise error

    consumer.base_send = refuse
    return consumer


@pytest.mark.parametrize("error", [NOT_ACCEPTED, CLOSED, ClientDisconnected()])
def test_a_delayed_queue_frame_for_a_closing_socket_is_an_info_line_without_a_traceback(caplog, error):
    with caplog.at_level(logging.INFO, logger="frontdesk.chat.consumers"):
        async_to_sync(panel(error)._queue_later)(0)

    records = [r for r in caplog.records if r.name == "frontdesk.chat.consumers"]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
    assert "queue frame was not sent" in records[0].getMessage()


def test_another_failure_of_a_queue_frame_keeps_its_warning_and_traceback(caplog):
    with caplog.at_level(logging.INFO, logger="frontdesk.chat.consumers"):
        async_to_sync(panel(RuntimeError("something else"))._queue_later)(0)

    [record] = [r for r in caplog.records if r.name == "frontdesk.chat.consumers"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is not None


def test_queue_news_heard_while_the_socket_opens_waits_for_the_frame_sent_when_it_opened():
    consumer = AgentConsumer()
    consumer.queue_soon()
    assert consumer.queue_task is None  # the connect sends the queue itself, once accepted


def test_a_frames_answer_for_a_closing_socket_is_an_info_line_without_a_traceback(caplog):
    consumer = panel(NOT_ACCEPTED)

    async def handle(frame):
        await consumer.send_json({"type": "ack"})

    consumer.handle = handle
    with caplog.at_level(logging.INFO, logger="frontdesk.chat.consumers"):
        async_to_sync(consumer.receive)(text_data='{"type": "ping"}')

    records = [r for r in caplog.records if r.name == "frontdesk.chat.consumers"]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.INFO, None)]
