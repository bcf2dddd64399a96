"""Splitting a customer's message off into a ticket of its own."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput, PermissionDenied
from frontdesk.tickets import actions
from frontdesk.tickets.actions import AttachmentIn
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.content import make_body
from frontdesk.tickets.merging import split_message
from frontdesk.tickets.models import Attachment, Message, TicketEvent
from frontdesk.users.actors import actor_for


def _second_message(cast, ticket):
    return actions.reply_to_ticket(
        ticket,
        actor=actor_for(cast.opera.customer_user),
        body=make_body(text="Also, my invoice is wrong."),
        attachments=[AttachmentIn("invoice.txt", "text/plain", b"total: 10")],
    )


def test_a_customer_message_becomes_a_new_ticket_of_the_same_customer(cast):
    agent = actor_for(cast.opera.line1)
    ticket = cast.opera.ticket("Tickets and invoice")
    message = _second_message(cast, ticket)

    new = split_message(message, actor=agent)

    assert new.pk != ticket.pk
    assert (new.brand_id, new.customer_id) == (ticket.brand_id, ticket.customer_id)
    assert ticket.number in new.subject
    copy = Message.objects.get(ticket=new)
    assert copy.body_text == message.body_text
    # The original stays where it was written, with its attachment; the new ticket has a copy.
    assert Message.objects.filter(pk=message.pk, ticket=ticket).exists()
    original_file, copied_file = Attachment.objects.order_by("id")
    assert original_file.ticket_id == ticket.pk
    assert (copied_file.ticket_id, copied_file.filename, copied_file.sha256) == (
        new.pk,
        "invoice.txt",
        original_file.sha256,
    )
    assert (
        TicketEvent.objects.get(ticket=ticket, kind=EventKind.FIELDS_CHANGED).data["split_to"] == new.number
    )
    assert (
        TicketEvent.objects.get(ticket=new, kind=EventKind.FIELDS_CHANGED).data["split_from"] == ticket.number
    )


def test_the_first_message_and_agents_messages_cannot_be_split_off(cast):
    agent = actor_for(cast.opera.line1)
    ticket = cast.opera.ticket()
    first = Message.objects.get(ticket=ticket)
    with pytest.raises(InvalidInput):
        split_message(first, actor=agent)
    reply = actions.reply_to_ticket(ticket, actor=agent, body=make_body(text="We are on it."))
    with pytest.raises(InvalidInput):
        split_message(reply, actor=agent)


def test_agents_of_another_brand_and_customers_cannot_split(cast):
    ticket = cast.opera.ticket()
    message = _second_message(cast, ticket)
    for user in (cast.tours.line1, cast.opera.customer_user):
        with pytest.raises(PermissionDenied):
            split_message(message, actor=actor_for(user))


def test_a_message_is_split_off_once(cast):
    agent = actor_for(cast.opera.line1)
    message = _second_message(cast, cast.opera.ticket())
    split_message(message, actor=agent)
    with pytest.raises(InvalidInput):
        split_message(message, actor=agent)


def test_the_copy_is_the_customers_message_and_the_two_tickets_are_related(cast):
    """The customer wrote it: the new ticket's message is theirs (not the agent's who split it off, which would
    also have counted as an agent's answer), and each ticket lists the other as related."""
    from frontdesk.tickets.choices import AuthorKind
    from frontdesk.tickets.queries import linked_tickets_visible_to

    agent = actor_for(cast.opera.line1)
    ticket = cast.opera.ticket("Tickets and invoice")
    message = _second_message(cast, ticket)

    new = split_message(message, actor=agent)

    copy = Message.objects.get(ticket=new)
    assert (copy.author_kind, copy.author_id, copy.author_label) == (
        AuthorKind.CUSTOMER,
        message.author_id,
        message.author_label,
    )
    assert [t.pk for t in linked_tickets_visible_to(agent, ticket)] == [new.pk]
    assert [t.pk for t in linked_tickets_visible_to(agent, new)] == [ticket.pk]
