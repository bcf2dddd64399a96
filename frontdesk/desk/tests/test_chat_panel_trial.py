"""What the chat panel's script relies on: the canned-answer search answers an empty query with the brand's
answers (the panel asks as soon as its box has the focus), and a conversation transferred away no longer says it
is the agent's (the script then lets go of it)."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from frontdesk.chat import actions as chat_actions
from frontdesk.chat.models import ChatSettings
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import CannedAnswer, TicketEvent
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
_tokens = itertools.count(1)


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _accepted_chat(cast):
    settings, _created = ChatSettings.objects.get_or_create(
        brand=cast.opera.brand, defaults={"is_enabled": True}
    )
    posted = chat_actions.start_session(
        settings,
        token=f"trial-{next(_tokens)}",
        client_id="c1",
        text="Can I change my seats?",
        name="Leontyne Price",
        page="https://opera.example/",
        language="en",
    )
    session, _note = chat_actions.accept_session(posted.message.session, actor=actor_for(cast.opera.line1))
    return session


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "   "}, {}])
def test_an_empty_canned_search_lists_the_brands_answers(cast, client, params):
    ticket = cast.opera.ticket()
    TicketEvent.objects.filter(ticket=ticket).update(dispatched_at=timezone.now())
    for i in range(12):
        CannedAnswer.objects.create(brand=cast.opera.brand, title=f"Answer {i:02}", body="x")
    CannedAnswer.objects.create(brand=cast.tours.brand, title="Tours refund", body="x")
    agent = _sign_in(client, cast.opera.line1)
    response = agent.get(f"/desk/tickets/{ticket.number}/canned/", params, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No canned answer matches." not in html
    assert html.count("canned-pick") == 10  # the first ones, as for any query
    assert "Answer 00" in html
    assert "Tours refund" not in html


def test_the_chat_composer_asks_for_the_answers_when_its_box_gets_the_focus(cast, client):
    session = _accepted_chat(cast)
    html = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/", **HTMX).content.decode()
    box = html[html.index('id="canned-q"') :].split(">", 1)[0]
    assert 'hx-trigger="focus, input changed delay:250ms, search"' in box


def test_a_chat_transferred_to_another_line_is_no_longer_marked_as_the_agents(cast, client):
    session = _accepted_chat(cast)
    agent = _sign_in(client, cast.opera.line1)
    before = agent.get(f"/desk/chat/{session.pk}/", **HTMX).content.decode()
    assert 'data-mine="1"' in before
    chat_actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=2)
    after = agent.get(f"/desk/chat/{session.pk}/", **HTMX).content.decode()
    assert 'data-mine="1"' not in after
    assert 'data-state="waiting"' in after


def test_a_chat_waiting_for_line_2_offers_a_line_1_agent_no_accept_and_line_2_an_accept(cast, client):
    session = _accepted_chat(cast)
    chat_actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=2)
    line1 = _sign_in(client, cast.opera.line1).get(f"/desk/chat/{session.pk}/", **HTMX).content.decode()
    assert "chat-accept" not in line1
    assert "chat-end" in line1  # a waiting chat may be ended by any agent of the brand
    client.logout()
    line2 = _sign_in(client, cast.opera.line2).get(f"/desk/chat/{session.pk}/", **HTMX).content.decode()
    assert "chat-accept" in line2


def test_the_ticket_composer_asks_for_the_answers_when_its_box_gets_the_focus(cast, client):
    ticket = cast.opera.ticket()
    html = _sign_in(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/").content.decode()
    box = html[html.index('id="canned-q"') :].split(">", 1)[0]
    assert 'hx-trigger="focus, input changed delay:250ms, search"' in box
