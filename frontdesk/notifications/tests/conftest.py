"""Helpers of the notification tests: teams, events and running the consumer on a ticket's new events."""

from __future__ import annotations

import pytest

from frontdesk.notifications.consumers import notify_agents_for_events
from frontdesk.tickets.models import TicketEvent
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM


@pytest.fixture
def team(cast):
    """Opera's first-line team: line 1 and the admin, led by line 2."""
    made = user_actions.create_team(
        actor=SYSTEM, name="Box office", brand=cast.opera.brand, members=[cast.opera.line1, cast.opera.admin]
    )
    made.lead = cast.opera.line2
    made.save(update_fields=["lead"])
    return made


@pytest.fixture
def notify():
    """Run the consumer on the events of ``ticket`` it has not seen yet (as the dispatcher would)."""
    seen: set[int] = set()

    def run(ticket):
        events = [e for e in TicketEvent.objects.filter(ticket=ticket).order_by("id") if e.pk not in seen]
        seen.update(e.pk for e in events)
        return notify_agents_for_events(events)

    return run
