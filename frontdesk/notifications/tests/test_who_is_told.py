"""Who hears of what: each rule, never the agent who acted, only agents who can see the ticket, each once."""

from __future__ import annotations

import pytest

from frontdesk.notifications.consumers import mentioned_names, notify_agents, notify_agents_for_events
from frontdesk.notifications.models import Notification
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, EventKind
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog, escalate_ticket
from frontdesk.tickets.events import record_event
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for

pytestmark = pytest.mark.django_db


def told(ticket: Ticket, kind: str | None = None) -> set[str]:
    qs = Notification.objects.filter(ticket=ticket)
    if kind:
        qs = qs.filter(kind=kind)
    return {n.user.email for n in qs.select_related("user")}


def team_ticket(cast, team, *, for_management: bool = False) -> Ticket:
    return ticket_actions.create_ticket(
        cast.opera.brand,
        actor=actor_for(cast.opera.line2),
        customer=cast.opera.customer,
        subject="Seats for Tosca",
        body=make_body(text="The customer called about seats."),
        channel=Channel.PHONE,
        team=team,
        for_management=for_management,
    )


def test_a_new_ticket_in_a_team_is_told_to_its_members(cast, team, notify):
    ticket = team_ticket(cast, team)
    notify(ticket)
    assert told(ticket, "new_in_team") == {cast.opera.line1.email, cast.opera.admin.email}


def test_a_ticket_moved_to_a_team_is_told_to_its_members(cast, team, notify):
    ticket = cast.opera.ticket()
    notify(ticket)
    ticket_actions.update_ticket(ticket, actor=actor_for(cast.opera.line2), team=team)
    notify(ticket)
    assert told(ticket, "new_in_team") == {cast.opera.line1.email, cast.opera.admin.email}


def test_a_team_set_right_after_opening_announces_the_ticket_once(cast, team):
    # A trigger sets the team while the opening event is dispatched: the opening event already finds the team,
    # and the team change, dispatched after, must not announce the ticket again.
    ticket = cast.opera.ticket()
    created = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
    ticket_actions.update_ticket(ticket, actor=SYSTEM, team=team)
    notify_agents(created)
    notify_agents(TicketEvent.objects.get(ticket=ticket, kind=EventKind.TEAM_CHANGED))
    assert (
        Notification.objects.filter(ticket=ticket, kind="new_in_team").count() == 2
    )  # two members, once each
    assert told(ticket, "new_in_team") == {cast.opera.line1.email, cast.opera.admin.email}


def test_the_agent_who_acted_is_never_told(cast, team, notify):
    ticket = ticket_actions.create_ticket(
        cast.opera.brand,
        actor=actor_for(cast.opera.line1),
        customer=cast.opera.customer,
        subject="Seats",
        body=make_body(text="Call"),
        channel=Channel.PHONE,
        team=team,
    )
    notify(ticket)
    assert told(ticket) == {cast.opera.admin.email}


def test_an_assignment_is_told_to_the_new_assignee_only(cast, notify):
    ticket = cast.opera.ticket()
    notify(ticket)
    ticket_actions.assign_ticket(ticket, actor=actor_for(cast.opera.admin), assignee=cast.opera.line1)
    notify(ticket)
    assert told(ticket) == {cast.opera.line1.email}
    notification = Notification.objects.get(ticket=ticket)
    assert notification.kind == "assigned"
    assert notification.actor_label == cast.opera.admin.name


def test_a_ticket_opened_with_an_assignee_is_told_to_them_as_an_assignment(cast, team, notify):
    ticket = ticket_actions.create_ticket(
        cast.opera.brand,
        actor=actor_for(cast.opera.line2),
        customer=cast.opera.customer,
        subject="Seats",
        body=make_body(text="Call"),
        channel=Channel.PHONE,
        team=team,
        assignee=cast.opera.line1,
    )
    notify(ticket)
    kinds = {
        (n.user.email, n.kind) for n in Notification.objects.filter(ticket=ticket).select_related("user")
    }
    assert kinds == {(cast.opera.line1.email, "assigned"), (cast.opera.admin.email, "new_in_team")}


def test_taking_a_ticket_oneself_tells_no_one(cast, notify):
    ticket = cast.opera.ticket()
    ticket_actions.assign_ticket(ticket, actor=actor_for(cast.opera.line1), assignee=cast.opera.line1)
    notify(ticket)
    assert told(ticket) == set()


def test_a_customer_message_is_told_to_the_assignee(cast, team, notify):
    ticket = cast.opera.ticket()
    ticket_actions.update_ticket(ticket, actor=SYSTEM, team=team, assignee=cast.opera.line2)
    notify(ticket)
    ticket.refresh_from_db()
    ticket_actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.customer_user), body=make_body(text="Any news?")
    )
    notify(ticket)
    assert told(ticket, "customer_replied") == {cast.opera.line2.email}


def test_a_customer_message_on_an_unassigned_ticket_is_told_to_the_team(cast, team, notify):
    ticket = cast.opera.ticket()
    ticket_actions.update_ticket(ticket, actor=SYSTEM, team=team)
    notify(ticket)
    ticket.refresh_from_db()
    ticket_actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.customer_user), body=make_body(text="Any news?")
    )
    notify(ticket)
    assert told(ticket, "customer_replied") == {cast.opera.line1.email, cast.opera.admin.email}


def test_a_note_tells_the_agents_it_mentions_who_can_see_the_ticket(cast, notify):
    ticket = cast.opera.ticket()
    notify(ticket)
    # "@line2" is line2@opera.example here; line2@opera-tours.example serves another brand and hears nothing.
    ticket_actions.add_note(
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="@line2, could you look? Also @admin. Not @nobody, nor mail@line1.example."),
    )
    notify(ticket)
    assert told(ticket, "mentioned") == {cast.opera.line2.email, cast.opera.admin.email}


def test_mentioning_oneself_tells_no_one(cast, notify):
    ticket = cast.opera.ticket()
    ticket_actions.add_note(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Note to @line1"))
    notify(ticket)
    assert told(ticket) == set()


def test_mention_names_are_the_part_before_the_at_sign():
    assert mentioned_names("Hi @Anna.K. and @bob, see x@carol.example (@dave_1)") == {
        "anna.k",
        "bob",
        "dave_1",
    }


def test_an_escalation_to_a_line_is_told_to_that_line_of_the_brand(cast, notify):
    ticket = cast.opera.ticket()
    notify(ticket)
    escalate_ticket(
        ticket,
        actor=actor_for(cast.opera.line1),
        worklog=WorkLog(diagnosis="Payment stuck", steps_taken="Checked the gateway"),
        to_line=2,
    )
    notify(ticket)
    assert told(ticket, "escalated") == {cast.opera.line2.email}


def test_an_escalation_to_a_team_is_told_to_its_members(cast, notify):
    experts = user_actions.create_team(
        actor=SYSTEM,
        name="Experts",
        brand=cast.opera.brand,
        line=2,
        members=[cast.opera.line2, cast.opera.admin],
    )
    ticket = cast.opera.ticket()
    escalate_ticket(
        ticket,
        actor=actor_for(cast.opera.admin),
        worklog=WorkLog(diagnosis="Payment stuck", steps_taken="Checked the gateway"),
        to_team=experts,
    )
    notify(ticket)
    assert told(ticket, "escalated") == {cast.opera.line2.email}


def test_a_service_level_warning_goes_to_the_assignee(cast, team, notify):
    ticket = cast.opera.ticket()
    ticket_actions.update_ticket(ticket, actor=SYSTEM, team=team, assignee=cast.opera.line1)
    record_event(ticket, EventKind.SLA_WARNING, actor=SYSTEM)
    notify(ticket)
    assert told(ticket, "sla_warning") == {cast.opera.line1.email}


def test_a_service_level_warning_without_an_assignee_goes_to_the_team_lead(cast, team, notify):
    ticket = cast.opera.ticket()
    ticket_actions.update_ticket(ticket, actor=SYSTEM, team=team)
    record_event(ticket, EventKind.SLA_WARNING, actor=SYSTEM)
    notify(ticket)
    assert told(ticket, "sla_warning") == {cast.opera.line2.email}


def test_a_breach_goes_to_the_assignee_and_the_team_lead(cast, team, notify):
    ticket = cast.opera.ticket()
    ticket_actions.update_ticket(ticket, actor=SYSTEM, team=team, assignee=cast.opera.line1)
    record_event(ticket, EventKind.SLA_BREACHED, actor=SYSTEM)
    notify(ticket)
    assert told(ticket, "sla_breached") == {cast.opera.line1.email, cast.opera.line2.email}


def test_an_agent_of_another_brand_in_a_shared_team_is_not_told(cast, notify):
    shared = user_actions.create_team(
        actor=SYSTEM, name="Night shift", brand=None, members=[cast.opera.line1, cast.tours.line1]
    )
    ticket = team_ticket(cast, shared)
    notify(ticket)
    assert told(ticket) == {cast.opera.line1.email}


def test_a_ticket_for_the_management_is_told_to_brand_admins_only(cast, team, notify):
    ticket = team_ticket(cast, team, for_management=True)
    notify(ticket)
    assert told(ticket) == {cast.opera.admin.email}


def test_an_inactive_agent_is_not_told(cast, team, notify):
    cast.opera.admin.is_active = False
    cast.opera.admin.save(update_fields=["is_active"])
    ticket = team_ticket(cast, team)
    notify(ticket)
    assert told(ticket) == {cast.opera.line1.email}


def test_dispatching_the_same_events_twice_makes_each_notification_once(cast, team):
    ticket = team_ticket(cast, team)
    events = list(TicketEvent.objects.filter(ticket=ticket))
    first = notify_agents_for_events(events)
    again = notify_agents_for_events(events)
    notify_agents(events[0])
    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(ticket=ticket).count() == 2


def test_the_consumer_runs_from_the_dispatcher(cast, team, settings, django_capture_on_commit_callbacks):
    settings.FRONTDESK_EVENT_CONSUMERS = ["frontdesk.notifications.consumers.notify_agents"]
    with django_capture_on_commit_callbacks(execute=True):
        ticket = team_ticket(cast, team)
    assert told(ticket) == {cast.opera.line1.email, cast.opera.admin.email}
    assert TicketEvent.objects.get(ticket=ticket).dispatched_at is not None


def test_a_batch_costs_the_same_queries_for_few_and_many_events(cast, team, count_queries):
    def batch(n):
        tickets = [team_ticket(cast, team) for _ in range(n)]
        return list(TicketEvent.objects.filter(ticket__in=tickets))

    few, many = batch(2), batch(12)
    with count_queries() as queries:
        notify_agents_for_events(few)
    with count_queries(len(queries)):
        notify_agents_for_events(many)
    assert Notification.objects.count() == 28
