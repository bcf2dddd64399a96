"""The chat's writes at once on PostgreSQL (threads, each with its own connection): one agent wins a chat,
numbers have no gaps and no doubles, a client_id is stored once, an agent's limit holds, a token opens one
session."""

from __future__ import annotations

import pytest
from django.db import connection

from frontdesk.chat import actions
from frontdesk.chat.choices import SessionState
from frontdesk.chat.errors import ChatTaken, LimitReached
from frontdesk.chat.models import ChatMessage, ChatSession, ChatSettings
from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import actor_for
from frontdesk.webhooks.tests.test_concurrency import _at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's; SQLite writes one at a time")
    from frontdesk.testing.cast import make_cast

    cast = make_cast()
    chat = ChatSettings.objects.create(brand=cast.opera.brand, is_enabled=True)
    return cast, chat


def _open(chat, token: str = "t" * 30) -> ChatSession:
    return actions.start_session(chat, token=token, client_id="first", text="Hello").message.session


def test_of_four_agents_accepting_at_once_exactly_one_gets_the_chat(world):
    cast, chat = world
    session = _open(chat)
    agents = iter([cast.opera.line1, cast.opera.line2, cast.opera.admin, cast.provider_admin])
    actors = [actor_for(next(agents)) for _ in range(4)]
    turn = iter(actors)
    results, errors = _at_once(4, lambda: actions.accept_session(session, actor=next(turn))[0].agent_id)
    assert len(results) == 1
    assert len(errors) == 3
    assert all(isinstance(error, ChatTaken) for error in errors)
    session.refresh_from_db()
    assert session.state == SessionState.ACTIVE
    assert session.agent_id == results[0]
    assert Ticket.objects.get().assignee_id == results[0]
    assert ChatMessage.objects.filter(session=session).count() == 2  # the first message and one "joined"


def test_messages_sent_at_once_are_numbered_without_gaps_and_a_client_id_is_stored_once(world):
    _cast, chat = world
    session = _open(chat)
    ids = iter([f"m{n}" for n in range(6)] + ["same"] * 4)
    results, errors = _at_once(
        10, lambda: actions.post_visitor_message(session, client_id=next(ids), text="hi").message.seq
    )
    assert not errors
    seqs = sorted(ChatMessage.objects.filter(session=session).values_list("seq", flat=True))
    assert seqs == list(range(1, 9))  # the first message, six others and "same" once
    assert ChatMessage.objects.filter(client_id="same").count() == 1
    assert sorted(set(results)) == list(range(2, 9))
    session.refresh_from_db()
    assert session.last_seq == 8


def test_an_agent_accepting_several_chats_at_once_stays_within_the_limit(world):
    cast, chat = world
    chat.max_chats_per_agent = 2
    chat.save()
    sessions = iter([_open(chat, token=f"{n}" * 30) for n in range(4)])
    anna = actor_for(cast.opera.line1)
    results, errors = _at_once(4, lambda: actions.accept_session(next(sessions), actor=anna)[0].pk)
    assert len(results) == 2
    assert len(errors) == 2
    assert all(isinstance(error, LimitReached) for error in errors)
    assert ChatSession.objects.filter(agent_id=cast.opera.line1.pk, state=SessionState.ACTIVE).count() == 2


def test_first_messages_of_one_token_at_once_open_one_session_and_one_ticket(world):
    _cast, chat = world
    ids = iter([f"c{n}" for n in range(4)])
    results, errors = _at_once(
        4,
        lambda: (
            actions.start_session(chat, token="x" * 30, client_id=next(ids), text="Hello").message.session_id
        ),
    )
    assert not errors
    assert len(set(results)) == 1
    assert ChatSession.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert sorted(ChatMessage.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]
