"""A closed ticket is final."""

import pytest

from frontdesk.core.errors import InvalidInput, InvalidTransition
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Priority, Status
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.users.actors import actor_for


def test_a_closed_ticket_cannot_be_changed(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    actions.change_status(ticket, actor=agent, status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        actions.update_ticket(ticket, actor=agent, priority=Priority.HIGH)
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL


def test_a_message_carries_at_most_twenty_attachments(cast):
    ticket = cast.opera.ticket()
    files = [AttachmentIn(f"f{i}.txt", "text/plain", b"x") for i in range(21)]
    with pytest.raises(InvalidInput) as refused:
        actions.add_note(
            ticket, actor=actor_for(cast.opera.line1), body=make_body(text="logs"), attachments=files
        )
    assert refused.value.field == "attachments"
