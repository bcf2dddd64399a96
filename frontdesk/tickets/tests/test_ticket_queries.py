"""Scoped reads of tickets and their children: missing and not-yours look the same."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.queries import (
    TicketFilters,
    access_attachment,
    access_category,
    access_ticket,
    categories_visible_to,
    events_visible_to,
    filter_tickets,
    messages_visible_to,
    tickets_visible_to,
    worklog_visible_to,
)
from frontdesk.users.actions import add_agent_membership, update_customer
from frontdesk.users.actors import NOBODY, SYSTEM, actor_for
from frontdesk.users.choices import AgentRole
from frontdesk.users.models import User

STRANGERS = [
    "other_brand_agent",
    "other_brand_admin",
    "other_brand_customer",
    "colleague",
    "outsider",
    "anonymous",
]


def _stranger(cast, who):
    if who == "anonymous":
        return NOBODY
    user = {
        "other_brand_agent": cast.tours.line1,
        "other_brand_admin": cast.tours.admin,
        "other_brand_customer": cast.tours.customer_user,
        "colleague": cast.opera.colleague_user,
        "outsider": cast.outsider,
    }[who]
    return actor_for(user)


@pytest.fixture
def ticket(cast):
    """The opera customer's ticket with a reply carrying an attachment, a note and a work log."""
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    actions.reply_to_ticket(
        ticket,
        actor=agent,
        body=make_body(text="Your tickets"),
        attachments=[AttachmentIn("tickets.pdf", "application/pdf", b"%PDF")],
    )
    actions.add_note(ticket, actor=agent, body=make_body(text="internal"))
    actions.add_worklog(ticket, actor=agent, worklog=WorkLog("d", "s"))
    return ticket


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_see_nothing_of_the_ticket(cast, ticket, who):
    actor = _stranger(cast, who)
    attachment = ticket.messages.get(attachments__isnull=False).attachments.get()

    assert not tickets_visible_to(actor).filter(pk=ticket.pk).exists()
    assert not filter_tickets(actor, TicketFilters(brand_id=ticket.brand_id)).filter(pk=ticket.pk).exists()
    with pytest.raises(NotFound):
        access_ticket(actor, ticket.number)
    # Even holding the ticket object (say, from a bug elsewhere) opens none of its children.
    assert list(messages_visible_to(actor, ticket)) == []
    assert list(events_visible_to(actor, ticket)) == []
    assert list(worklog_visible_to(actor, ticket)) == []
    with pytest.raises(NotFound):
        access_attachment(actor, ticket, attachment.pk)


def test_a_missing_ticket_raises_the_same_not_found(cast):
    with pytest.raises(NotFound) as missing:
        access_ticket(actor_for(cast.opera.line1), "OPR-26-999999")

    assert (missing.value.status, missing.value.code) == (404, "not_found")


@pytest.mark.parametrize("who", ["line1", "line2", "admin"])
def test_the_brands_agents_and_brand_admin_see_the_ticket(cast, ticket, who):
    actor = actor_for(getattr(cast.opera, who))

    assert access_ticket(actor, ticket.number) == ticket
    assert messages_visible_to(actor, ticket).count() == 3
    assert worklog_visible_to(actor, ticket).count() == 1


def test_the_requester_sees_their_ticket_and_its_public_messages(cast, ticket):
    actor = actor_for(cast.opera.customer_user)

    assert access_ticket(actor, ticket.number) == ticket
    assert messages_visible_to(actor, ticket).count() == 2


def test_a_brand_admin_sees_only_their_own_brands_tickets(cast):
    opera_ticket = cast.opera.ticket()
    tours_ticket = cast.tours.ticket()

    visible = set(tickets_visible_to(actor_for(cast.opera.admin)))

    assert opera_ticket in visible
    assert tours_ticket not in visible


def test_the_provider_admin_and_the_system_see_every_brand(cast):
    tickets = {cast.opera.ticket(), cast.tours.ticket()}

    assert set(tickets_visible_to(actor_for(cast.provider_admin))) == tickets
    assert set(tickets_visible_to(SYSTEM)) == tickets


def test_a_manager_sees_the_organizations_tickets_and_a_colleague_only_their_own(cast):
    customers_ticket = cast.opera.ticket()
    colleagues_ticket = cast.opera.ticket("Seat change", by=cast.opera.colleague)
    tours_ticket = cast.tours.ticket()

    assert set(tickets_visible_to(actor_for(cast.opera.colleague_user))) == {colleagues_ticket}
    update_customer(cast.opera.colleague, actor=SYSTEM, is_organization_manager=True)
    manager = actor_for(User.objects.get(pk=cast.opera.colleague_user.pk))

    assert set(tickets_visible_to(manager)) == {customers_ticket, colleagues_ticket}
    assert access_ticket(manager, customers_ticket.number) == customers_ticket
    with pytest.raises(NotFound):
        access_ticket(manager, tours_ticket.number)


def test_a_new_membership_opens_the_brand_at_once_despite_the_cached_actor(cast):
    ticket = cast.tours.ticket()
    agent = cast.opera.line1
    with pytest.raises(NotFound):
        access_ticket(actor_for(agent), ticket.number)

    add_agent_membership(agent, actor=SYSTEM, brand=cast.tours.brand, line=2)

    # The same user object (as held by the caller) and a fresh one from the database both see it.
    assert access_ticket(actor_for(agent), ticket.number) == ticket
    assert actor_for(User.objects.get(pk=agent.pk)).line_in(cast.tours.brand.pk) == 2


def test_filters_narrow_the_visible_tickets(cast):
    first = cast.opera.ticket()
    second = cast.opera.ticket("Other")
    actions.assign_ticket(second, actor=actor_for(cast.opera.line1), assignee=cast.opera.line1)
    agent = actor_for(cast.opera.line1)

    assert list(filter_tickets(agent, TicketFilters(assignee_id=cast.opera.line1.pk))) == [second]
    assert list(filter_tickets(agent, TicketFilters(unassigned=True))) == [first]
    assert list(filter_tickets(agent, TicketFilters(status=["new"], channel="web"))) == [second, first]
    assert list(filter_tickets(agent, TicketFilters(brand_id=cast.tours.brand.pk))) == []


def test_categories_are_scoped_by_brand_and_customers_see_only_active_ones(cast):
    opera = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    tours = create_category(cast.tours.brand, actor=SYSTEM, name="Visas")

    assert set(categories_visible_to(actor_for(cast.opera.line1))) == {opera}
    assert set(categories_visible_to(actor_for(cast.opera.customer_user))) == {opera}
    assert set(categories_visible_to(actor_for(cast.provider_admin))) == {opera, tours}
    assert list(categories_visible_to(actor_for(cast.outsider))) == []
    with pytest.raises(NotFound):
        access_category(actor_for(cast.opera.line1), tours.pk)
    with pytest.raises(NotFound):
        access_category(actor_for(cast.tours.customer_user), opera.pk)


def test_an_agent_of_both_brands_sees_both(cast):
    tickets = {cast.opera.ticket(), cast.tours.ticket()}
    add_agent_membership(cast.opera.line1, actor=SYSTEM, brand=cast.tours.brand, role=AgentRole.AGENT)

    assert set(tickets_visible_to(actor_for(cast.opera.line1))) == tickets


@pytest.mark.parametrize("count", [3, 30])
def test_a_ticket_list_with_its_details_costs_the_same_queries_however_long(cast, count_queries, count):
    for n in range(count):
        cast.opera.ticket(f"Request {n}")
    agent = actor_for(cast.opera.line1)

    # The tickets with customer and assignee, then their brands and organizations (teams and categories are
    # empty here, so they cost nothing).
    with count_queries(3):
        rows = [
            (t.brand.name, t.customer.name, t.organization, t.team, t.assignee, t.category)
            for t in filter_tickets(agent, TicketFilters())
        ]

    assert len(rows) == count


@pytest.mark.parametrize("count", [1, 10])
def test_messages_with_attachments_cost_two_queries_however_many(cast, count_queries, count):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    for n in range(count):
        actions.add_note(
            ticket,
            actor=agent,
            body=make_body(text=f"note {n}"),
            attachments=[AttachmentIn(f"n{n}.txt", "text/plain", b"x")],
        )

    with count_queries(2):
        names = [[a.filename for a in m.attachments.all()] for m in messages_visible_to(agent, ticket)]

    assert len(names) == count + 1
