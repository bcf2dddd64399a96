"""The ticket page of a social conversation: the agent's answer is a message of the social channel and says
where it stands on the network, as a mail reply says where its mail is."""

from __future__ import annotations

import pytest

from frontdesk.connectors.choices import ReplyStatus
from frontdesk.connectors.models import SocialReply
from frontdesk.connectors.tests.conftest import answer_a_chat, make_connector, open_chat_ticket
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, MessageKind
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Message


@pytest.fixture
def bot(cast):
    return make_connector(cast.opera.brand)


def _answered(client, cast, bot, capture):
    """A private Telegram chat becomes a ticket and line 1 answers it; the fake Bot API takes the answer."""
    ticket = open_chat_ticket(client, bot, capture)
    with capture(execute=True):
        ticket_actions.reply_to_ticket(
            ticket, actor=cast.actor(cast.opera.line1), body=make_body(text="Hello")
        )
    return SocialReply.objects.get()


def test_a_sent_answer_shows_sent_on_the_ticket_page_as_a_social_message(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = _answered(client, cast, bot, django_capture_on_commit_callbacks)
    assert reply.status == ReplyStatus.SENT
    answer = Message.objects.get(pk=reply.event.data["message"])
    assert answer.kind == MessageKind.REPLY
    assert answer.channel == Channel.SOCIAL

    client.force_login(cast.opera.line1)
    page = client.get(f"/desk/tickets/{answer.ticket.number}/").content.decode()

    assert "social-delivery delivery-sent" in page
    assert ": sent" in page


def test_a_failing_answer_shows_why_and_when_it_is_tried_again(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = answer_a_chat(
        client, cast, bot, api, django_capture_on_commit_callbacks, status=502, description="Bad Gateway"
    )
    answer = Message.objects.get(pk=reply.event.data["message"])

    client.force_login(cast.opera.line1)
    page = client.get(f"/desk/tickets/{answer.ticket.number}/").content.decode()

    assert "social-delivery delivery-retrying" in page
    assert "will retry at" in page


def test_another_brands_agent_sees_neither_the_ticket_nor_its_reply_state(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = _answered(client, cast, bot, django_capture_on_commit_callbacks)
    answer = Message.objects.get(pk=reply.event.data["message"])

    client.force_login(cast.tours.line1)

    assert client.get(f"/desk/tickets/{answer.ticket.number}/").status_code == 404


def test_the_composer_says_an_answer_goes_back_on_telegram(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    ticket = open_chat_ticket(client, bot, django_capture_on_commit_callbacks)
    client.force_login(cast.opera.line1)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert (
        f'<p class="muted composer-route">A reply goes back through the Telegram bot “{bot.name}”.</p>'
        in page
    )
