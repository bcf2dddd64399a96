"""change_status: the workflow's allowed and refused moves, stamps, events, and what customers may do."""

from __future__ import annotations

import itertools

import pytest

from frontdesk.core.errors import InvalidInput, InvalidTransition, PermissionDenied, TicketChanged
from frontdesk.tickets import actions
from frontdesk.tickets.choices import TRANSITIONS, EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import actor_for

ALL_PAIRS = [(a, b) for a, b in itertools.product(Status.values, Status.values) if a != b]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]

# How a ticket reaches each status through the actions, starting from new.
ROUTE = {
    Status.NEW: [],
    Status.OPEN: [Status.OPEN],
    Status.PENDING_CUSTOMER: [Status.PENDING_CUSTOMER],
    Status.PENDING_THIRD_PARTY: [Status.PENDING_THIRD_PARTY],
    Status.ON_HOLD: [Status.ON_HOLD],
    Status.SOLVED: [Status.SOLVED],
    Status.CLOSED: [Status.CLOSED],
}


def _ticket_in(cast, status: str) -> Ticket:
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    for step in ROUTE[status]:
        ticket = actions.change_status(ticket, actor=agent, status=step)
    assert ticket.status == status
    return ticket


def test_the_workflow_allows_the_moves_the_help_desk_needs():
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    assert TRANSITIONS[Status.SOLVED] == {Status.OPEN, Status.CLOSED}
    assert all(Status.NEW not in targets for targets in TRANSITIONS.values())
    # new to any of 6; open and the three waits to any other but new (4 x 5); solved to open or closed.
    assert len(ALLOWED) == 6 + 4 * 5 + 2


@pytest.mark.parametrize(("before", "after"), ALLOWED)
def test_an_agent_makes_every_allowed_move_and_it_is_recorded(cast, before, after):
    ticket = _ticket_in(cast, before)
    version = ticket.version

    moved = actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=after, version=version)

    assert Ticket.objects.get(pk=ticket.pk).status == after
    assert moved.version == version + 1
    event = TicketEvent.objects.filter(ticket=ticket).last()
    expected_kind = {
        Status.SOLVED: EventKind.SOLVED,
        Status.CLOSED: EventKind.CLOSED,
    }.get(after, EventKind.REOPENED if before == Status.SOLVED else EventKind.STATUS_CHANGED)
    assert (event.kind, event.data) == (expected_kind, {"before": before, "after": after})
    assert event.actor_id == cast.opera.line1.pk


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_every_move_outside_the_workflow_is_refused_and_changes_nothing(cast, before, after):
    ticket = _ticket_in(cast, before)
    events = TicketEvent.objects.filter(ticket=ticket).count()

    with pytest.raises(InvalidTransition):
        actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=after)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.version) == (before, ticket.version)
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_an_unknown_status_is_invalid_input_not_a_transition(cast):
    with pytest.raises(InvalidInput) as refused:
        actions.change_status(cast.opera.ticket(), actor=actor_for(cast.opera.line1), status="deleted")

    assert refused.value.field == "status"


def test_a_closed_ticket_stays_closed_even_for_a_customer_reply(cast):
    ticket = _ticket_in(cast, Status.CLOSED)

    with pytest.raises(InvalidTransition):
        actions.reply_to_ticket(
            ticket, actor=actor_for(cast.opera.customer_user), body=make_body(text="Hello?")
        )
    with pytest.raises(InvalidTransition):
        actions.change_status(ticket, actor=actor_for(cast.opera.customer_user), status=Status.OPEN)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_solving_and_closing_stamp_their_times(cast, time_machine):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    solved = actions.change_status(ticket, actor=agent, status=Status.SOLVED)
    time_machine.move_to("2026-03-05 10:00:00+00:00", tick=False)
    closed = actions.change_status(solved, actor=agent, status=Status.CLOSED)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.solved_at.isoformat() == "2026-03-02T10:00:00+00:00"
    assert fresh.closed_at.isoformat() == "2026-03-05T10:00:00+00:00"
    assert closed.closed_at == fresh.closed_at


def test_a_customer_reply_reopens_a_solved_ticket_with_a_reopened_event(cast):
    ticket = _ticket_in(cast, Status.SOLVED)
    customer = actor_for(cast.opera.customer_user)

    message = actions.reply_to_ticket(ticket, actor=customer, body=make_body(text="Still not here."))

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.solved_at) == (Status.OPEN, None)
    assert fresh.last_customer_message_at == message.created_at
    last_two = list(TicketEvent.objects.filter(ticket=ticket).order_by("-id")[:2])[::-1]
    assert [(e.kind, e.data) for e in last_two] == [
        (EventKind.CUSTOMER_MESSAGE, {"message": message.pk}),
        (EventKind.REOPENED, {"before": Status.SOLVED, "after": Status.OPEN, "reason": "customer_reply"}),
    ]


@pytest.mark.parametrize("waiting", [Status.PENDING_CUSTOMER, Status.ON_HOLD])
def test_a_customer_reply_ends_a_wait_for_the_customer(cast, waiting):
    ticket = _ticket_in(cast, waiting)

    actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.customer_user), body=make_body(text="Here it is.")
    )

    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_a_customer_reply_leaves_a_wait_for_a_third_party_alone(cast):
    ticket = _ticket_in(cast, Status.PENDING_THIRD_PARTY)

    actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.customer_user), body=make_body(text="Any news?")
    )

    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_THIRD_PARTY


@pytest.mark.parametrize("status", [Status.SOLVED, Status.CLOSED])
def test_a_customer_may_solve_or_close_their_own_ticket(cast, status):
    ticket = cast.opera.ticket()

    actions.change_status(ticket, actor=actor_for(cast.opera.customer_user), status=status)

    assert Ticket.objects.get(pk=ticket.pk).status == status


def test_a_customer_may_reopen_their_own_solved_ticket(cast):
    ticket = _ticket_in(cast, Status.SOLVED)

    actions.change_status(ticket, actor=actor_for(cast.opera.customer_user), status=Status.OPEN)

    assert TicketEvent.objects.filter(ticket=ticket).last().kind == EventKind.REOPENED


def test_a_customer_cannot_reopen_a_ticket_that_is_not_solved(cast):
    ticket = _ticket_in(cast, Status.PENDING_THIRD_PARTY)

    with pytest.raises(InvalidTransition):
        actions.change_status(ticket, actor=actor_for(cast.opera.customer_user), status=Status.OPEN)


@pytest.mark.parametrize("status", [Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.ON_HOLD])
def test_a_customer_cannot_move_their_ticket_through_the_agents_workflow(cast, status):
    ticket = cast.opera.ticket()

    with pytest.raises(PermissionDenied):
        actions.change_status(ticket, actor=actor_for(cast.opera.customer_user), status=status)


@pytest.mark.parametrize("who", ["colleague", "other_brand_customer", "other_brand_agent", "outsider"])
def test_only_the_requester_and_the_brands_agents_may_change_the_status(cast, who):
    ticket = cast.opera.ticket()
    user = {
        "colleague": cast.opera.colleague_user,
        "other_brand_customer": cast.tours.customer_user,
        "other_brand_agent": cast.tours.line1,
        "outsider": cast.outsider,
    }[who]

    with pytest.raises(PermissionDenied):
        actions.change_status(ticket, actor=actor_for(user), status=Status.SOLVED)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_a_status_change_on_a_stale_version_raises_ticket_changed(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    seen = ticket.version
    actions.change_status(ticket, actor=agent, status=Status.OPEN, version=seen)

    with pytest.raises(TicketChanged) as stale:
        actions.change_status(ticket, actor=agent, status=Status.SOLVED, version=seen)

    assert stale.value.extra == {"current": seen + 1}
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_setting_the_current_status_again_changes_nothing(cast):
    ticket = _ticket_in(cast, Status.OPEN)
    events = TicketEvent.objects.filter(ticket=ticket).count()

    same = actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.OPEN)

    assert same.version == ticket.version
    assert TicketEvent.objects.filter(ticket=ticket).count() == events
