"""A hand-back to line 1 goes back to whom the ticket came from, in the team it had, and tells them."""

from __future__ import annotations

import pytest

from frontdesk.notifications.consumers import notify_agents_for_events
from frontdesk.notifications.models import Notification
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import AgentMembership

UP = WorkLog("Refund stuck in the gateway", "Checked the payment, called the customer")
BACK = WorkLog("Gateway fixed", "Refund sent again", request="Confirm with the customer and close")


@pytest.fixture
def front(cast):
    return create_team(
        actor=SYSTEM,
        name="Front",
        brand=cast.opera.brand,
        line=1,
        members=[cast.opera.line1, cast.opera.admin],
    )


@pytest.fixture
def second(cast):
    return create_team(
        actor=SYSTEM, name="Second", brand=cast.opera.brand, line=2, members=[cast.opera.line2]
    )


def _escalated(cast, front, *, assignee=True, to_team=None):
    """Anna (line 1) has the ticket in her team and escalates it; Sergey (line 2) takes it."""
    ticket = cast.opera.ticket()
    anna = actor_for(cast.opera.line1)
    actions.update_ticket(ticket, actor=anna, team=front, assignee=cast.opera.line1 if assignee else None)
    actions.escalate_ticket(ticket, actor=anna, worklog=UP, to_line=None if to_team else 2, to_team=to_team)
    actions.assign_ticket(ticket, actor=actor_for(cast.opera.line2), assignee=cast.opera.line2)
    return Ticket.objects.get(pk=ticket.pk)


def test_a_hand_back_goes_to_the_agent_who_had_it_in_the_team_it_had(cast, front, second):
    ticket = _escalated(cast, front, to_team=second)
    since = TicketEvent.objects.order_by("-id").first().pk

    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.line, fresh.team_id, fresh.assignee_id) == (1, front.pk, cast.opera.line1.pk)
    returned, assigned = TicketEvent.objects.filter(ticket=ticket, pk__gt=since).order_by("id")
    assert returned.kind == EventKind.RETURNED
    assert assigned.kind == EventKind.ASSIGNED
    assert (assigned.data["before"], assigned.data["after"]) == (cast.opera.line2.pk, cast.opera.line1.pk)
    assert assigned.actor_id == cast.opera.line2.pk


def test_the_agent_it_goes_back_to_is_told_as_of_an_assignment(cast, front, second):
    ticket = _escalated(cast, front, to_team=second)
    since = TicketEvent.objects.order_by("-id").first().pk

    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK)
    notify_agents_for_events(list(TicketEvent.objects.filter(ticket=ticket, pk__gt=since).order_by("id")))

    told = Notification.objects.filter(ticket=ticket).values_list("user_id", "kind")
    assert set(told) == {(cast.opera.line1.pk, "assigned")}


def test_a_team_chosen_on_the_hand_back_wins_and_the_owner_still_gets_it(cast, front):
    ticket = _escalated(cast, front)
    billing = create_team(actor=SYSTEM, name="Billing", brand=cast.opera.brand, line=1)

    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK, to_team=billing)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.team_id, fresh.assignee_id) == (billing.pk, cast.opera.line1.pk)


def test_an_unassigned_ticket_goes_back_to_the_agent_who_escalated_it(cast, front, second):
    ticket = _escalated(cast, front, assignee=False, to_team=second)

    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK)

    assert Ticket.objects.get(pk=ticket.pk).assignee_id == cast.opera.line1.pk


@pytest.mark.parametrize("change", ["inactive", "moved_to_line_2", "left_the_brand"])
def test_an_owner_who_is_no_longer_a_line_one_agent_of_the_brand_does_not_get_it(cast, front, second, change):
    ticket = _escalated(cast, front, to_team=second)
    anna = cast.opera.line1
    memberships = AgentMembership.objects.filter(user=anna, brand=cast.opera.brand)
    if change == "inactive":
        anna.is_active = False
        anna.save(update_fields=["is_active"])
    elif change == "moved_to_line_2":
        memberships.update(line=2)
    else:
        memberships.delete()
    since = TicketEvent.objects.order_by("-id").first().pk

    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.line, fresh.team_id, fresh.assignee_id) == (1, front.pk, None)
    assert not TicketEvent.objects.filter(ticket=ticket, pk__gt=since, kind=EventKind.ASSIGNED).exists()


def test_after_two_round_trips_it_goes_to_who_escalated_last(cast, front):
    ticket = _escalated(cast, front)
    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK)
    admin = actor_for(cast.opera.admin)
    actions.assign_ticket(ticket, actor=admin, assignee=cast.opera.admin)
    actions.escalate_ticket(ticket, actor=admin, worklog=UP, to_line=2)

    actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=BACK)

    assert Ticket.objects.get(pk=ticket.pk).assignee_id == cast.opera.admin.pk


def test_from_line_three_it_still_goes_back_to_line_ones_agent(cast, front):
    ticket = _escalated(cast, front)
    actions.escalate_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=UP, to_line=3)

    actions.return_ticket(ticket, actor=actor_for(cast.opera.admin), worklog=BACK)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.line, fresh.team_id, fresh.assignee_id) == (1, front.pk, cast.opera.line1.pk)
