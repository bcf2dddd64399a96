"""Escalation needs a work log, moves line and team, frees the ticket for the next line, and can come back."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied, WorklogRequired
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status, WorkLogKind
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import Ticket, TicketEvent, TimeEntry, WorkLogEntry
from frontdesk.tickets.queries import worklog_visible_to
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM, actor_for

LOG = WorkLog(
    diagnosis="Mail to the customer bounces: mailbox full",
    steps_taken="Resent twice, checked the suppression list",
    request="Please reissue the tickets by SMS",
    minutes_spent=12,
)


@pytest.fixture
def assigned_ticket(cast):
    ticket = cast.opera.ticket()
    return actions.assign_ticket(ticket, actor=actor_for(cast.opera.line1), assignee=cast.opera.line1)


@pytest.mark.parametrize(
    ("log", "field"),
    [
        (WorkLog(diagnosis="", steps_taken="Resent"), "worklog.diagnosis"),
        (WorkLog(diagnosis="  ", steps_taken="Resent"), "worklog.diagnosis"),
        (WorkLog(diagnosis="Bounce", steps_taken=""), "worklog.steps_taken"),
    ],
)
def test_escalating_without_diagnosis_and_steps_is_refused(cast, assigned_ticket, log, field):
    with pytest.raises(WorklogRequired) as refused:
        actions.escalate_ticket(assigned_ticket, actor=actor_for(cast.opera.line1), worklog=log)

    assert refused.value.field == field
    assert refused.value.status == 422
    fresh = Ticket.objects.get(pk=assigned_ticket.pk)
    assert (fresh.line, fresh.assignee_id) == (1, cast.opera.line1.pk)
    assert not WorkLogEntry.objects.exists()


def test_escalating_moves_the_line_and_team_clears_the_assignee_and_writes_the_log(cast, assigned_ticket):
    team = create_team(actor=SYSTEM, name="Second line", brand=cast.opera.brand, line=2)
    since = TicketEvent.objects.order_by("-id").first().pk

    escalated = actions.escalate_ticket(
        assigned_ticket, actor=actor_for(cast.opera.line1), worklog=LOG, to_team=team
    )

    fresh = Ticket.objects.get(pk=assigned_ticket.pk)
    assert (fresh.line, fresh.team_id, fresh.assignee_id, fresh.status) == (2, team.pk, None, Status.OPEN)
    assert fresh.version == escalated.version == assigned_ticket.version + 1
    assert fresh.minutes_spent == 12
    entry = WorkLogEntry.objects.get(ticket=assigned_ticket)
    assert (entry.kind, entry.from_line, entry.to_line, entry.to_team_id) == (
        WorkLogKind.ESCALATION,
        1,
        2,
        team.pk,
    )
    assert (entry.diagnosis, entry.steps_taken, entry.request) == (
        LOG.diagnosis,
        LOG.steps_taken,
        LOG.request,
    )
    assert entry.author_label == cast.opera.line1.name
    time = TimeEntry.objects.get(ticket=assigned_ticket)
    assert (time.minutes, time.line, time.agent_id) == (12, 1, cast.opera.line1.pk)
    event, status_event = TicketEvent.objects.filter(ticket=assigned_ticket, pk__gt=since)
    assert event.kind == EventKind.ESCALATED
    assert status_event.kind == EventKind.STATUS_CHANGED
    assert status_event.data == {"before": "new", "after": "open", "reason": "escalated"}
    assert event.data == {
        **LOG.as_data(),
        "worklog": entry.pk,
        "from_line": 1,
        "to_line": 2,
        "from_team": None,
        "to_team": team.pk,
        "previous_assignee": cast.opera.line1.pk,
    }


def test_without_a_line_or_team_escalation_goes_one_line_up(cast, assigned_ticket):
    agent = actor_for(cast.opera.line1)

    actions.escalate_ticket(assigned_ticket, actor=agent, worklog=WorkLog("d", "s"))
    actions.escalate_ticket(assigned_ticket, actor=actor_for(cast.opera.line2), worklog=WorkLog("d2", "s2"))

    assert Ticket.objects.get(pk=assigned_ticket.pk).line == 3
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("to_line", [1, 2])
def test_escalating_to_the_same_or_a_lower_line_without_a_team_is_refused(cast, to_line):
    ticket = cast.opera.ticket()
    actions.escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"), to_line=2)

    with pytest.raises(InvalidTransition):
        actions.escalate_ticket(
            ticket, actor=actor_for(cast.opera.line2), worklog=WorkLog("d", "s"), to_line=to_line
        )

    assert Ticket.objects.get(pk=ticket.pk).line == 2


def test_escalating_to_another_team_on_the_same_line_is_allowed(cast):
    ticket = cast.opera.ticket()
    billing = create_team(actor=SYSTEM, name="Billing", brand=cast.opera.brand, line=1)

    actions.escalate_ticket(
        ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"), to_team=billing
    )

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.line, fresh.team_id) == (1, billing.pk)
    with pytest.raises(InvalidTransition):
        actions.escalate_ticket(
            ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"), to_team=billing
        )


def test_escalating_to_a_line_that_does_not_exist_or_a_foreign_team_is_refused(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    foreign = create_team(actor=SYSTEM, name="Tours second line", brand=cast.tours.brand, line=2)

    with pytest.raises(InvalidInput):
        actions.escalate_ticket(ticket, actor=agent, worklog=WorkLog("d", "s"), to_line=4)
    with pytest.raises(InvalidInput):
        actions.escalate_ticket(ticket, actor=agent, worklog=WorkLog("d", "s"), to_team=foreign)


@pytest.mark.parametrize("status", [Status.SOLVED, Status.CLOSED])
def test_a_solved_or_closed_ticket_is_not_escalated(cast, status):
    ticket = actions.change_status(cast.opera.ticket(), actor=actor_for(cast.opera.line1), status=status)

    with pytest.raises(InvalidTransition):
        actions.escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"))


@pytest.mark.parametrize("who", ["customer", "other_brand_agent", "outsider"])
def test_only_the_brands_agents_escalate(cast, who):
    user = {
        "customer": cast.opera.customer_user,
        "other_brand_agent": cast.tours.line2,
        "outsider": cast.outsider,
    }[who]

    with pytest.raises(PermissionDenied):
        actions.escalate_ticket(cast.opera.ticket(), actor=actor_for(user), worklog=WorkLog("d", "s"))


def test_returning_hands_the_ticket_back_to_line_one_with_the_findings(cast, assigned_ticket):
    actions.escalate_ticket(assigned_ticket, actor=actor_for(cast.opera.line1), worklog=LOG)
    line1_team = create_team(actor=SYSTEM, name="Front", brand=cast.opera.brand, line=1)
    since = TicketEvent.objects.order_by("-id").first().pk

    actions.return_ticket(
        assigned_ticket,
        actor=actor_for(cast.opera.line2),
        worklog=WorkLog(diagnosis="", steps_taken="Reissued by SMS", minutes_spent=5),
        to_team=line1_team,
    )

    fresh = Ticket.objects.get(pk=assigned_ticket.pk)
    # Back to the agent who had it on line 1 (test_return_ticket_owner.py has the rules).
    assert (fresh.line, fresh.team_id, fresh.assignee_id, fresh.minutes_spent) == (
        1,
        line1_team.pk,
        cast.opera.line1.pk,
        17,
    )
    entry = WorkLogEntry.objects.filter(kind=WorkLogKind.RETURN).get()
    assert (entry.from_line, entry.to_line, entry.steps_taken, entry.diagnosis) == (
        2,
        1,
        "Reissued by SMS",
        "-",
    )
    event, assigned = TicketEvent.objects.filter(ticket=assigned_ticket, pk__gt=since).order_by("id")
    assert (event.kind, event.data["from_line"], event.data["to_line"]) == (EventKind.RETURNED, 2, 1)
    assert (assigned.kind, assigned.data["after"]) == (EventKind.ASSIGNED, cast.opera.line1.pk)
    assert TimeEntry.objects.filter(ticket=assigned_ticket).order_by("id").last().line == 2


def test_returning_needs_the_steps_taken_and_a_ticket_above_line_one(cast):
    ticket = cast.opera.ticket()

    with pytest.raises(InvalidTransition):
        actions.return_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"))
    actions.escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"))
    with pytest.raises(WorklogRequired):
        actions.return_ticket(ticket, actor=actor_for(cast.opera.line2), worklog=WorkLog("found it", ""))


def test_returning_to_a_team_that_is_not_on_line_one_is_refused(cast):
    ticket = cast.opera.ticket()
    actions.escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"))
    second = create_team(actor=SYSTEM, name="Second", brand=cast.opera.brand, line=2)

    with pytest.raises(InvalidInput):
        actions.return_ticket(
            ticket, actor=actor_for(cast.opera.line2), worklog=WorkLog("d", "s"), to_team=second
        )


def test_a_worklog_without_moving_records_work_and_time(cast):
    ticket = cast.opera.ticket()

    entry = actions.add_worklog(ticket, actor=actor_for(cast.opera.line1), worklog=LOG)
    actions.log_time(ticket, actor=actor_for(cast.opera.line1), minutes=3, note="call back")

    assert (entry.kind, entry.from_line, entry.to_line) == (WorkLogKind.WORK, 1, 1)
    assert Ticket.objects.get(pk=ticket.pk).minutes_spent == 15
    assert list(TimeEntry.objects.filter(ticket=ticket).values_list("minutes", flat=True)) == [12, 3]
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.WORKLOG_ADDED, EventKind.WORKLOG_ADDED]


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_time_outside_a_day_is_refused(cast, minutes):
    with pytest.raises(InvalidInput):
        actions.log_time(cast.opera.ticket(), actor=actor_for(cast.opera.line1), minutes=minutes)


def test_the_work_log_is_shown_to_the_brands_agents_only(cast, assigned_ticket):
    actions.escalate_ticket(assigned_ticket, actor=actor_for(cast.opera.line1), worklog=LOG)

    assert worklog_visible_to(actor_for(cast.opera.line2), assigned_ticket).count() == 1
    for user in (cast.opera.customer_user, cast.tours.line2, cast.tours.customer_user, cast.outsider):
        assert list(worklog_visible_to(actor_for(user), assigned_ticket)) == []
