"""A chat's ticket: nothing by mail while chatting (nor the transcript), but an agent's reply from the desk
after the chat goes by mail to a visitor who left an address."""

from __future__ import annotations

import pytest

from frontdesk.chat import actions as chat_actions
from frontdesk.chat.choices import Sender
from frontdesk.chat.models import ChatSettings
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def chat_ticket(cast, *, email: str) -> Ticket:
    chat = ChatSettings.objects.create(brand=cast.opera.brand, is_enabled=True)
    session = chat_actions.start_session(
        chat, token="v" * 30, client_id="1", text="Where are my tickets?", email=email, name="Vera"
    ).message.session
    anna = actor_for(cast.opera.line1)
    chat_actions.accept_session(session, actor=anna)
    chat_actions.post_agent_message(session, actor=anna, client_id="a", text="Sent them again.")
    chat_actions.end_session(session, by=Sender.AGENT, actor=anna)
    return Ticket.objects.get(pk=session.ticket_id)


def reply(cast, ticket: Ticket) -> None:
    ticket_actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Did they arrive?")
    )


def test_the_chat_and_its_transcript_send_no_mail_but_a_reply_from_the_desk_afterwards_does(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = chat_ticket(cast, email="vera@example.com")
    assert ticket.channel == Channel.CHAT
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        reply(cast, ticket)
    assert [m.to for m in mailoutbox] == [["vera@example.com"]]
    assert "Did they arrive?" in mailoutbox[0].body


def test_a_visitor_without_an_address_gets_no_mail(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = chat_ticket(cast, email="")
        reply(cast, ticket)
    assert mailoutbox == []


def test_a_reply_on_the_chat_channel_is_not_mailed(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = chat_ticket(cast, email="vera@example.com")
        ticket_actions.reply_to_ticket(
            ticket,
            actor=actor_for(cast.opera.line1),
            body=make_body(text="In the chat"),
            channel=Channel.CHAT,
        )
    assert mailoutbox == []
