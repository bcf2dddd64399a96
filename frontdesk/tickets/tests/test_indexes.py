"""Each index costs every insert: a new ticket, its message and its event update only the indexes reads need."""

from __future__ import annotations

import pytest
from django.db import connection

from frontdesk.brands.actions import create_brand
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import Channel, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.actions import create_team, find_or_create_customer
from frontdesk.users.actors import SYSTEM

# What every new ticket updates: its key and number, the brand's lists and open queue, its customer's tickets
# and the "updated since" order; its subject and number for search (GIN, fast update: an insert appends to the
# pending list); and, as nobody works on it yet, the unassigned queue.
TICKET_ALWAYS = {
    "search_ticket_subject",
    "search_ticket_number",
    "tickets_ticket_pkey",
    "ticket_number_unique",
    "ticket_brand",
    "ticket_brand_status",
    "ticket_brand_line_status",
    "ticket_brand_open",
    "ticket_customer",
    "ticket_updated",
}
UNASSIGNED = {"ticket_unassigned_open"}


def _indexes_holding(table: str, row_id: int) -> set[str]:
    """The indexes of ``table`` with an entry for the row: all but the partial ones whose condition it fails."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
            [table],
        )
        held = set()
        for name, predicate in cursor.fetchall():
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE id = %s AND ({predicate or 'true'}))",  # noqa: S608
                [row_id],
            )
            if cursor.fetchone()[0]:
                held.add(name)
    return held


def _create(brand, customer, **extra):
    return actions.create_ticket(
        brand,
        actor=SYSTEM,
        customer=customer,
        subject="Seats missing",
        body=make_body(text="Row 7 is not on my e-ticket."),
        channel=Channel.EMAIL,
        **extra,
    )


@pytest.fixture
def desk(db, is_postgres):
    if not is_postgres:
        pytest.skip("partial indexes and their cost are PostgreSQL's")
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    return brand, find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")


def test_a_new_ticket_updates_only_the_indexes_its_reads_need(desk):
    ticket = _create(*desk)

    assert _indexes_holding("tickets_ticket", ticket.pk) == TICKET_ALWAYS | UNASSIGNED
    message = Message.objects.get(ticket=ticket)
    assert _indexes_holding("tickets_message", message.pk) == {
        "tickets_message_pkey",
        "message_ticket",
        "search_message_body",
        "tickets_message_author_id_e13a9dd8",
    }
    event = TicketEvent.objects.get(ticket=ticket)
    assert _indexes_holding("tickets_ticketevent", event.pk) == {
        "tickets_ticketevent_pkey",
        "event_ticket",
        "event_undispatched",
        "tickets_ticketevent_actor_id_2a65fff2",
    }


def test_the_optional_columns_are_indexed_where_they_are_set(desk):
    brand, customer = desk
    first = _create(brand, customer)
    follow_up = _create(brand, customer, follow_up_of=first)
    Ticket.objects.filter(pk=first.pk).update(merged_into=follow_up, status=Status.CLOSED)

    assert _indexes_holding("tickets_ticket", follow_up.pk) == TICKET_ALWAYS | UNASSIGNED | {
        "ticket_follow_up_of"
    }
    # Out of the open queues; nobody's closed tickets are in ticket_assignee_status.
    assert _indexes_holding("tickets_ticket", first.pk) == (TICKET_ALWAYS - {"ticket_brand_open"}) | {
        "ticket_merged_into",
        "ticket_assignee_status",
    }


def test_an_agent_organization_team_and_category_put_a_ticket_in_their_indexes(cast, is_postgres):
    if not is_postgres:
        pytest.skip("partial indexes and their cost are PostgreSQL's")
    opera = cast.opera
    ticket = opera.ticket()
    assert _indexes_holding("tickets_ticket", ticket.pk) == TICKET_ALWAYS | UNASSIGNED | {
        "ticket_organization"
    }

    team = create_team(actor=SYSTEM, brand=opera.brand, name="Second line", line=2)
    category = create_category(opera.brand, actor=SYSTEM, name="Refunds")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=opera.line2, team=team, category=category)
    assert _indexes_holding("tickets_ticket", ticket.pk) == TICKET_ALWAYS | {
        "ticket_organization",
        "ticket_assignee_open",
        "ticket_assignee_status",
        "ticket_team",
        "ticket_team_open",
        "ticket_team_status",
        "ticket_category",
    }


def test_ticket_numbers_have_one_index_and_none_for_like(desk):
    """Besides the unique index, only search's trigram index (a piece of a number: "000123"); no prefix one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'tickets_ticket'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert sorted(d for d in definitions if "(number" in d) == [
        "CREATE INDEX search_ticket_number ON public.tickets_ticket USING gin (number gin_trgm_ops)",
        "CREATE UNIQUE INDEX ticket_number_unique ON public.tickets_ticket USING btree (number)",
    ]
