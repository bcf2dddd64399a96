"""An automatic answer (a trigger's reply, by the system) reaches the customer but is not an agent's answer:
the first-response clock keeps running and a new ticket stays new."""

from __future__ import annotations

import pytest

from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM, actor_for

pytestmark = pytest.mark.django_db


def test_an_automatic_reply_stops_no_clock_and_leaves_a_new_ticket_new(cast):
    ticket = cast.opera.ticket()
    actions.reply_to_ticket(ticket, actor=SYSTEM, body=make_body(text="We have your request."))
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.NEW
    assert fresh.first_response_at is None
    assert fresh.last_agent_message_at is None
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLIED).get()
    assert event.data["automatic"] is True


def test_the_agents_reply_after_it_is_the_first_response(cast):
    ticket = cast.opera.ticket()
    actions.reply_to_ticket(ticket, actor=SYSTEM, body=make_body(text="We have your request."))
    actions.reply_to_ticket(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Here you are."))
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == Status.OPEN
    assert fresh.first_response_at is not None
    assert fresh.first_response_at == fresh.last_agent_message_at
