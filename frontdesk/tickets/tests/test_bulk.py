"""Bulk changes: through the ticket actions, one event per ticket changed, refusals reported per ticket."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets import actions
from frontdesk.tickets.bulk import MAX_BULK, BulkChange, BulkKind, bulk_change
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import EventKind, Priority, Status
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM, actor_for


def _events(ticket, kind):
    return TicketEvent.objects.filter(ticket=ticket, kind=kind).count()


def test_assigning_two_tickets_records_one_assignment_each(cast):
    agent = actor_for(cast.opera.line1)
    first, second = cast.opera.ticket("First"), cast.opera.ticket("Second")

    outcome = bulk_change(agent, [first.pk, second.pk], BulkChange(BulkKind.ASSIGN, cast.opera.line2))

    assert {t.pk for t in outcome.changed} == {first.pk, second.pk}
    assert not outcome.failed
    assert not outcome.skipped
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.assignee_id == cast.opera.line2.pk
        assert _events(ticket, EventKind.ASSIGNED) == 1


def test_an_unchanged_ticket_gets_no_event(cast):
    agent = actor_for(cast.opera.line1)
    ticket = cast.opera.ticket()
    actions.assign_ticket(ticket, actor=agent, assignee=cast.opera.line1)

    outcome = bulk_change(agent, [ticket.pk], BulkChange(BulkKind.ASSIGN, cast.opera.line1))

    assert [t.pk for t in outcome.unchanged] == [ticket.pk]
    assert _events(ticket, EventKind.ASSIGNED) == 1


def test_a_refused_ticket_is_reported_and_the_others_are_changed(cast):
    agent = actor_for(cast.opera.line1)
    closed, open_ = cast.opera.ticket("Closed"), cast.opera.ticket("Open")
    actions.change_status(closed, actor=agent, status=Status.CLOSED)

    outcome = bulk_change(agent, [closed.pk, open_.pk], BulkChange(BulkKind.PRIORITY, Priority.HIGH))

    assert [t.pk for t in outcome.changed] == [open_.pk]
    [(failed, reason)] = outcome.failed
    assert failed.pk == closed.pk
    assert "closed" in reason
    assert Ticket.objects.get(pk=closed.pk).priority == Priority.NORMAL


def test_status_category_and_tags_go_through_the_actions(cast):
    agent = actor_for(cast.opera.line1)
    ticket = cast.opera.ticket()
    category = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")

    bulk_change(agent, [ticket.pk], BulkChange(BulkKind.STATUS, Status.PENDING_CUSTOMER))
    bulk_change(agent, [ticket.pk], BulkChange(BulkKind.CATEGORY, category))
    bulk_change(agent, [ticket.pk], BulkChange(BulkKind.ADD_TAG, " VIP "))
    bulk_change(agent, [ticket.pk], BulkChange(BulkKind.ADD_TAG, "refund"))
    bulk_change(agent, [ticket.pk], BulkChange(BulkKind.REMOVE_TAG, "vip"))

    ticket.refresh_from_db()
    assert (ticket.status, ticket.category_id, ticket.tags) == (
        Status.PENDING_CUSTOMER,
        category.pk,
        ["refund"],
    )
    assert _events(ticket, EventKind.STATUS_CHANGED) == 1
    assert _events(ticket, EventKind.CATEGORIZED) == 1
    assert _events(ticket, EventKind.TAGS_CHANGED) == 3


def test_a_category_or_assignee_of_another_brand_is_refused_per_ticket(cast):
    agent = actor_for(cast.provider_admin)
    ticket = cast.opera.ticket()
    foreign_category = create_category(cast.tours.brand, actor=SYSTEM, name="Tours only")

    by_category = bulk_change(agent, [ticket.pk], BulkChange(BulkKind.CATEGORY, foreign_category))
    by_agent = bulk_change(agent, [ticket.pk], BulkChange(BulkKind.ASSIGN, cast.tours.line1))

    assert len(by_category.failed) == len(by_agent.failed) == 1
    ticket.refresh_from_db()
    assert ticket.category_id is None
    assert ticket.assignee_id is None


def test_foreign_and_missing_ids_are_skipped_and_never_changed(cast):
    foreign = cast.tours.ticket("Other brand")
    own = cast.opera.ticket("Own")
    agent = actor_for(cast.opera.line1)

    outcome = bulk_change(
        agent, [foreign.pk, own.pk, 999_999], BulkChange(BulkKind.PRIORITY, Priority.URGENT)
    )

    assert [t.pk for t in outcome.changed] == [own.pk]
    assert outcome.skipped == 2
    assert not outcome.failed
    assert Ticket.objects.get(pk=foreign.pk).priority == Priority.NORMAL
    assert not TicketEvent.objects.filter(ticket=foreign, kind=EventKind.PRIORITY_CHANGED).exists()


@pytest.mark.parametrize("who", ["outsider", "customer"])
def test_outsiders_and_customers_change_nothing(cast, who):
    user = cast.outsider if who == "outsider" else cast.opera.customer_user
    ticket = cast.opera.ticket()

    outcome = bulk_change(actor_for(user), [ticket.pk], BulkChange(BulkKind.STATUS, Status.CLOSED))

    assert not outcome.changed
    assert not outcome.failed
    assert outcome.skipped == 1
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_too_many_tickets_at_once_are_refused(cast):
    with pytest.raises(InvalidInput):
        bulk_change(
            actor_for(cast.opera.line1), range(1, MAX_BULK + 2), BulkChange(BulkKind.PRIORITY, Priority.LOW)
        )
