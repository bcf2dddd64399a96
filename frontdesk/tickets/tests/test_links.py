"""Links between related tickets: symmetric, one per pair, within a brand."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput, PermissionDenied
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.merging import link_tickets, unlink_tickets
from frontdesk.tickets.models import TicketEvent, TicketLink
from frontdesk.tickets.queries import linked_tickets_visible_to
from frontdesk.users.actors import actor_for


def test_a_link_shows_on_both_tickets_and_is_stored_once(cast):
    agent = actor_for(cast.opera.line1)
    a, b = cast.opera.ticket("A"), cast.opera.ticket("B")

    link_tickets(b, other=a, actor=agent)
    link_tickets(a, other=b, actor=agent)

    assert TicketLink.objects.count() == 1
    assert list(linked_tickets_visible_to(agent, a)) == [b]
    assert list(linked_tickets_visible_to(agent, b)) == [a]
    assert TicketEvent.objects.filter(kind=EventKind.FIELDS_CHANGED, data__linked=a.number).count() == 1
    assert TicketEvent.objects.filter(kind=EventKind.FIELDS_CHANGED, data__linked=b.number).count() == 1
    assert list(linked_tickets_visible_to(actor_for(cast.tours.line1), a)) == []


def test_unlinking_removes_the_link_with_an_event_on_both(cast):
    agent = actor_for(cast.opera.line1)
    a, b = cast.opera.ticket("A"), cast.opera.ticket("B")
    link_tickets(a, other=b, actor=agent)

    assert unlink_tickets(b, other=a, actor=agent) is True
    assert unlink_tickets(b, other=a, actor=agent) is False

    assert not TicketLink.objects.exists()
    assert TicketEvent.objects.filter(kind=EventKind.FIELDS_CHANGED, data__has_key="unlinked").count() == 2


def test_links_across_brands_or_to_itself_are_refused(cast):
    a, other = cast.opera.ticket(), cast.tours.ticket()
    with pytest.raises(InvalidInput):
        link_tickets(a, other=other, actor=actor_for(cast.provider_admin))
    with pytest.raises(InvalidInput):
        link_tickets(a, other=a, actor=actor_for(cast.opera.line1))
    with pytest.raises(PermissionDenied):
        link_tickets(a, other=other, actor=actor_for(cast.opera.line1))
    assert not TicketLink.objects.exists()
