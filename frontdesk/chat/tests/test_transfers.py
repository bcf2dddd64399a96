"""Transfers of a chat: the ticket follows the chat to its line the way an escalation or a hand-back does."""

from __future__ import annotations

import pytest
from django.utils import translation

from frontdesk.chat import actions
from frontdesk.chat.errors import LimitReached
from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.choices import EventKind, WorkLogKind
from frontdesk.tickets.models import Ticket, TicketEvent, WorkLogEntry
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def accepted(chat, agent, token="tok-1"):  # noqa: S107 - a test token
    session = actions.start_session(chat, token=token, client_id="c1", text="Help").message.session
    session, _joined = actions.accept_session(session, actor=actor_for(agent))
    return session


def test_a_transfer_to_line_2_escalates_the_ticket_with_a_work_log_of_the_transfer(cast, opera_chat):
    session = accepted(opera_chat, cast.opera.line1)
    anna = actor_for(cast.opera.line1)
    actions.transfer_session(session, actor=anna, to_line=2, note="  The refund needs line 2. ")
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert (ticket.line, ticket.assignee_id) == (2, None)
    log = WorkLogEntry.objects.get(ticket=ticket)
    assert (log.kind, log.from_line, log.to_line) == (WorkLogKind.ESCALATION, 1, 2)
    assert log.diagnosis == f"Transferred from the live chat by {anna.label}."
    assert log.steps_taken == "See the chat."
    assert log.request == "The refund needs line 2."
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED).count() == 1


def test_a_transfer_without_a_note_asks_the_next_line_to_take_over_in_the_agents_language(cast, opera_chat):
    session = accepted(opera_chat, cast.opera.line1)
    with translation.override("ru"):
        actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=3)
    log = WorkLogEntry.objects.get(ticket_id=session.ticket_id)
    assert log.to_line == 3
    assert log.request == "Пожалуйста, примите чат."
    assert Ticket.objects.get(pk=session.ticket_id).line == 3


def test_a_transfer_back_to_line_1_hands_the_ticket_back(cast, opera_chat):
    session = accepted(opera_chat, cast.opera.line1)
    actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=2)
    session, _joined = actions.accept_session(session, actor=actor_for(cast.opera.line2))
    actions.transfer_session(session, actor=actor_for(cast.opera.line2), to_line=1, note="Back to you")
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert (ticket.line, ticket.assignee_id) == (1, None)
    returned = WorkLogEntry.objects.filter(ticket=ticket).order_by("id").last()
    assert (returned.kind, returned.from_line, returned.to_line) == (WorkLogKind.RETURN, 2, 1)
    assert returned.request == "Back to you"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.RETURNED).count() == 1


def test_a_transfer_to_the_tickets_own_line_only_unassigns_it(cast, opera_chat):
    session = accepted(opera_chat, cast.opera.line1)
    actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=1)
    ticket = Ticket.objects.get(pk=session.ticket_id)
    assert (ticket.line, ticket.assignee_id) == (1, None)
    assert not WorkLogEntry.objects.filter(ticket=ticket).exists()


def test_a_transfer_note_that_is_not_a_short_text_is_refused(cast, opera_chat):
    session = accepted(opera_chat, cast.opera.line1)
    for note in (["x"], "x" * 2001):
        with pytest.raises(InvalidInput):
            actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_line=2, note=note)
    assert Ticket.objects.get(pk=session.ticket_id).line == 1


def test_a_transfer_to_an_agent_at_the_limit_names_that_agent(cast, opera_chat):
    opera_chat.max_chats_per_agent = 1
    opera_chat.save()
    session = accepted(opera_chat, cast.opera.line1)
    accepted(opera_chat, cast.opera.line2, token="tok-2")
    with pytest.raises(LimitReached) as refused:
        actions.transfer_session(session, actor=actor_for(cast.opera.line1), to_agent=cast.opera.line2)
    name = cast.opera.line2.name
    assert str(refused.value.detail) == f"{name} already has 1 chat, the most this brand allows at once."
