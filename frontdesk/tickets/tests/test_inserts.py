"""A new ticket in one statement on PostgreSQL writes exactly the rows the step-by-step path writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from frontdesk.brands.actions import create_brand
from frontdesk.tickets import actions, inserts
from frontdesk.tickets.choices import Channel, EventKind
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Message, Ticket, TicketCounter, TicketEvent
from frontdesk.tickets.numbering import format_number
from frontdesk.users.actions import find_or_create_customer
from frontdesk.users.actors import SYSTEM

FORMATS = [
    "{prefix}-{yy}-{seq:06d}",
    "{prefix}{seq}",
    "{yyyy}/{seq:04d}-{prefix}",
    "#{seq:d}",
    "{prefix}-{seq:03}",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_number_computed_in_sql_is_the_number_python_formats(db, is_postgres, fmt):
    if not is_postgres:
        pytest.skip("the one-statement insert is PostgreSQL's")
    expression, params = inserts.number_sql(fmt, prefix="OPR", year=2026)
    for value in (1, 42, 999_999, 1_234_567):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {expression} FROM (SELECT %s::bigint AS value) c", [*params, value])  # noqa: S608
            assert cursor.fetchone()[0] == format_number(fmt, prefix="OPR", year=2026, seq=value)


@pytest.mark.parametrize(
    "fmt", ["{prefix}-{seq:>6}", "{prefix}-{seq!r}", "{prefix}-{other}", "{prefix}-{seq:6d}"]
)
def test_formats_sql_cannot_reproduce_are_left_to_the_step_by_step_path(fmt):
    assert inserts.number_sql(fmt, prefix="OPR", year=2026) is None


def _create(brand, customer, **extra):
    return actions.create_ticket(
        brand,
        actor=SYSTEM,
        customer=customer,
        subject="Seats missing",
        body=make_body(text="Row 7 is not on my e-ticket."),
        channel=Channel.EMAIL,
        tags=["seats"],
        **extra,
    )


def _rows(ticket):
    def plain(obj, skip):
        return {
            f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in skip
        }

    ticket = Ticket.objects.get(pk=ticket.pk)
    message = Message.objects.get(ticket=ticket)
    event = TicketEvent.objects.get(ticket=ticket)
    return (
        plain(ticket, {"id", "number", "created_at", "updated_at", "last_customer_message_at"}),
        plain(message, {"id", "ticket_id", "created_at"}),
        plain(event, {"id", "ticket_id", "at"}) | {"data": {**event.data, "message": "the message"}},
        event.data["message"] == message.pk,
    )


def test_one_statement_and_step_by_step_write_the_same_rows(db, is_postgres, monkeypatch, count_queries):
    if not is_postgres:
        pytest.skip("the one-statement insert is PostgreSQL's")
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    with count_queries() as queries:
        fast = _create(brand, customer)
    assert [q for q in queries if q.startswith("WITH")], queries
    monkeypatch.setattr(actions, "can_insert_at_once", lambda: False)
    slow = _create(brand, customer)
    assert _rows(fast) == _rows(slow)
    assert _rows(fast)[3] is True
    assert (fast.number, slow.number) == (
        "OPR-" + fast.number[4:6] + "-000001",
        "OPR-" + fast.number[4:6] + "-000002",
    )
    # The returned instances are the saved rows, ready for the caller.
    assert fast.pk
    assert not fast._state.adding
    assert TicketEvent.objects.get(ticket=fast).kind == EventKind.CREATED


def test_a_failed_insert_in_one_statement_leaves_no_row_and_no_used_number(db, is_postgres, time_machine):
    if not is_postgres:
        pytest.skip("the one-statement insert is PostgreSQL's")
    time_machine.move_to(datetime(2026, 5, 1, tzinfo=UTC))
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    first = _create(brand, customer)
    # The next number is taken already (say, by a ticket imported from the old help desk).
    TicketCounter.objects.filter(brand=brand).update(value=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        _create(brand, customer)
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1
    assert TicketCounter.objects.get(brand=brand).value == 0
    TicketCounter.objects.filter(brand=brand).update(value=1)
    assert _create(brand, customer).number == first.number.replace("000001", "000002")


def test_attachments_go_in_the_same_statement_with_their_files_stored(
    db, is_postgres, monkeypatch, count_queries
):
    if not is_postgres:
        pytest.skip("the one-statement insert is PostgreSQL's")
    from frontdesk.tickets.content import AttachmentIn
    from frontdesk.tickets.models import Attachment

    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    files = [
        AttachmentIn("order.txt", "text/plain", b"order 4711\r\n"),
        AttachmentIn("seat.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"x" * 100),
    ]
    with count_queries() as queries:
        fast = _create(brand, customer, attachments=files)
    assert len([q for q in queries if not q.startswith(("SAVEPOINT", "RELEASE"))]) == 1, queries
    monkeypatch.setattr(actions, "can_insert_at_once", lambda: False)
    slow = _create(brand, customer, attachments=files)

    def kept(ticket):
        rows = Attachment.objects.filter(ticket=ticket).order_by("id")
        return [(a.filename, a.content_type, a.size, a.sha256, a.message_id, a.file.read()) for a in rows]

    fast_rows, slow_rows = kept(fast), kept(slow)
    assert [row[:4] for row in fast_rows] == [row[:4] for row in slow_rows]
    assert [row[5] for row in fast_rows] == [f.data for f in files]
    assert {row[4] for row in fast_rows} == {actions.first_message(fast).pk}


def test_a_new_ticket_statement_is_one_psycopg_keeps_parsed(db, is_postgres):
    """psycopg re-parses every statement longer than 4,096 characters or with more than 50 parameters on each
    execution (a third of a millisecond here); a new ticket without attachments stays below both."""
    if not is_postgres:
        pytest.skip("the one-statement insert is PostgreSQL's")
    from psycopg import _queries

    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        _create(brand, customer)
    sql, params = next((sql, params) for sql, params in seen if sql.startswith("WITH"))
    assert len(params) <= _queries.MAX_CACHED_STATEMENT_PARAMS
    assert len(sql) <= _queries.MAX_CACHED_STATEMENT_LENGTH


def test_the_new_ticket_and_its_customer_are_read_and_written_through_prepared_statements(db, is_postgres):
    """PostgreSQL plans them once per connection instead of on every request."""
    if not is_postgres:
        pytest.skip("prepared statements are PostgreSQL's")
    from frontdesk.tickets.queries import customer_for_new_ticket

    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    for _ in range(2):
        _create(brand, customer_for_new_ticket(SYSTEM, customer.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith("WITH c AS (INSERT INTO") for s in prepared), prepared
    assert any('FROM "users_customer" c' in s for s in prepared), prepared


def test_prepared_statements_are_logged_with_their_values(db, is_postgres, count_queries):
    if not is_postgres:
        pytest.skip("prepared statements are PostgreSQL's")
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    with count_queries() as queries:
        _create(brand, customer)
    statement = next(q for q in queries if q.startswith("WITH"))
    assert "'Seats missing'" in statement


def test_without_prepared_statements_a_new_ticket_is_the_same_one_statement(db, is_postgres, settings):
    """For a connection pooler that cannot keep prepared statements."""
    if not is_postgres:
        pytest.skip("prepared statements are PostgreSQL's")
    settings.FRONTDESK_PREPARED_STATEMENTS = False
    # A numbering format of its own: a statement no earlier test has prepared on this connection.
    brand = create_brand(
        name="Opera", slug="opera", ticket_prefix="OPR", ticket_number_format="{prefix}/{yyyy}/{seq:07}"
    )
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    before = prepared()
    ticket = _create(brand, customer)
    assert ticket.number.startswith("OPR/")
    assert prepared() == before
