"""The hand-built ticket JSON is exactly what the published schemas say, for agents and for customers."""

from frontdesk.api.idempotency import to_json
from frontdesk.api.presenters import ticket_json
from frontdesk.api.schemas.tickets import TicketForCustomerOut, TicketOut
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM, actor_for


def _full_ticket(cast):
    ticket = cast.opera.ticket()
    category = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    team = create_team(actor=SYSTEM, name="Box office L1", brand=cast.opera.brand, line=1)
    actions.update_ticket(
        ticket,
        actor=actor_for(cast.opera.line1),
        category=category,
        team=team,
        assignee=cast.opera.line1,
        tags=["vip", "refund"],
    )
    from frontdesk.tickets.queries import access_ticket

    return access_ticket(SYSTEM, ticket.number)


def test_agent_json_equals_the_agent_schema_field_by_field(cast):
    ticket = _full_ticket(cast)
    agent = actor_for(cast.opera.line1)
    built = ticket_json(agent, ticket)
    assert built == to_json(TicketOut.from_orm(ticket).model_dump())
    assert list(built) == list(TicketOut.model_fields)


def test_customer_json_equals_the_customer_schema_and_hides_internals(cast):
    ticket = _full_ticket(cast)
    customer = actor_for(cast.opera.customer_user)
    built = ticket_json(customer, ticket)
    assert built == to_json(TicketForCustomerOut.from_orm(ticket).model_dump())
    assert list(built) == list(TicketForCustomerOut.model_fields)
    assert not {"team", "assignee", "line", "tags", "version", "priority"} & set(built)


def test_a_bare_ticket_serialises_its_empty_relations_as_null(cast):
    from frontdesk.tickets.queries import access_ticket

    ticket = access_ticket(SYSTEM, cast.opera.ticket().number)
    agent = actor_for(cast.opera.line1)
    assert ticket_json(agent, ticket) == to_json(TicketOut.from_orm(ticket).model_dump())


def _page_of_every_shape(cast):
    """Tickets with and without organization, team, assignee and category, newest first."""
    from frontdesk.tickets.queries import access_ticket

    full = _full_ticket(cast)
    bare = cast.opera.ticket("Just a question")
    lonely = cast.opera.ticket("No organization", by=cast.opera.customer)
    return [access_ticket(SYSTEM, t.number) for t in (lonely, bare, full)]


def _rows_json(actor, tickets):
    from frontdesk.api.presenters import ticket_rows_json
    from frontdesk.tickets.models import Ticket
    from frontdesk.tickets.queries import ticket_rows

    rows = list(ticket_rows(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("-pk")))
    return ticket_rows_json(actor, rows)


def test_list_rows_give_every_ticket_exactly_as_the_ticket_itself_reads(cast):
    tickets = sorted(_page_of_every_shape(cast), key=lambda t: -t.pk)
    for actor in (actor_for(cast.opera.line1), actor_for(cast.opera.customer_user), SYSTEM):
        assert _rows_json(actor, tickets) == [ticket_json(actor, t) for t in tickets]


def test_list_rows_of_an_agent_follow_the_agent_schema_and_a_customers_the_customer_schema(cast):
    tickets = sorted(_page_of_every_shape(cast), key=lambda t: -t.pk)
    agent_items = _rows_json(actor_for(cast.opera.line1), tickets)
    assert agent_items == [to_json(TicketOut.from_orm(t).model_dump()) for t in tickets]
    customer_items = _rows_json(actor_for(cast.opera.customer_user), tickets)
    assert customer_items == [to_json(TicketForCustomerOut.from_orm(t).model_dump()) for t in tickets]
