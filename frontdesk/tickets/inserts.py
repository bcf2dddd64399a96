"""A new ticket in one round trip on PostgreSQL.

``create_ticket`` builds and checks the ticket, its first message and its ``created`` event as model instances,
as always; on PostgreSQL this module writes all of them, with the message's attachments, and the next number
from the brand's counter in a single statement of data-modifying CTEs. One statement is atomic by itself, so no
transaction has to be opened around it, and a failure leaves no row behind: not even a used number (an
attachment's file, written to storage just before, is removed by the orphan-file sweep). The columns and values come from the models' own fields, so a field added to a model is written here
without a change. On other databases, and for numbering formats this cannot express, ``create_ticket`` writes
the same rows one by one.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model

from frontdesk.tickets.models import Attachment, Message, Ticket, TicketCounter, TicketEvent

_SEQ_SPEC = re.compile(r"(0?)(\d*)d?")


def number_sql(fmt: str, *, prefix: str, year: int) -> tuple[str, list[Any]] | None:
    """SQL computing the ticket number from the counter value ``c.value``: what ``format_number`` gives.

    None when ``fmt`` uses something SQL here does not reproduce (a conversion, a padding other than zeros).
    """
    found = _number_sql(fmt, prefix, year)
    return None if found is None else (found[0], list(found[1]))


@functools.lru_cache(maxsize=256)
def _number_sql(fmt: str, prefix: str, year: int) -> tuple[str, tuple[Any, ...]] | None:
    found = _parse_number_format(fmt, prefix=prefix, year=year)
    return None if found is None else (found[0], tuple(found[1]))


def _parse_number_format(fmt: str, *, prefix: str, year: int) -> tuple[str, list[Any]] | None:
    values = {"prefix": prefix, "yy": f"{year % 100:02d}", "yyyy": f"{year:04d}"}
    pieces: list[str] = []
    params: list[Any] = []
    text = ""  # what is known before the counter's value: one parameter, not one per piece
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return None
    for literal, field, spec, conversion in parsed:
        text += literal
        if field is None:
            continue
        if conversion:
            return None
        if field == "seq":
            match = _SEQ_SPEC.fullmatch(spec or "")
            if match is None or (match.group(2) and not match.group(1)):
                return None
            if text:
                pieces.append("%s::text")
                params.append(text)
                text = ""
            # Zero-padded to the width, never cut: Python's format does the same for longer numbers.
            pieces.append("lpad(c.value::text, greatest(%s::integer, length(c.value::text)), '0')")
            params.append(int(match.group(2) or 0))
        elif field in values:
            try:
                text += format(values[field], spec or "")
            except ValueError:
                return None
        else:
            return None
    if text:
        pieces.append("%s::text")
        params.append(text)
    return " || ".join(pieces) or "''", params


@functools.cache
def _fields(model: type[Model], skip: frozenset[str]) -> tuple[tuple[Any, ...], str]:
    """The fields a new row of ``model`` writes (all but the id, ``skip`` and generated ones), with their quoted
    column names joined for an INSERT."""
    fields = tuple(
        f
        for f in model._meta.local_concrete_fields
        if not f.primary_key and f.attname not in skip and not getattr(f, "generated", False)
    )
    quote = connection.ops.quote_name
    return fields, ", ".join(quote(f.column) for f in fields)


def _values(obj: Model, fields: tuple[Any, ...]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


# Columns a new ticket always leaves empty (later actions and the service-level consumer fill them): left out
# of the statement, so that it keeps within psycopg's 50 parameters and stays prepared.
_EMPTY_AT_CREATION = frozenset(
    {
        "merged_into_id",
        "solved_at",
        "closed_at",
        "sla_policy_id",
        "first_response_due_at",
        "next_response_due_at",
        "resolution_due_at",
        "next_update_due_at",
        "sla_due_at",
        "sla_warn_at",
        "sla_warned_at",
        "sla_breached_at",
    }
)
_TICKET_SKIP = frozenset({"number"}) | _EMPTY_AT_CREATION
_MESSAGE_SKIP = frozenset({"ticket_id"})
_EVENT_SKIP = frozenset({"ticket_id", "data"})
_ATTACHMENT_SKIP = frozenset({"message_id", "ticket_id"})


def _saved(obj: Model, pk: int) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


def can_insert_at_once() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor whose statements PostgreSQL parses and plans once per connection and then keeps prepared.

    For the few fixed statements of the hottest requests (a new ticket's insert, its customer), where planning
    cost as much as running. Django's own cursors stay as configured (client-side binding, nothing prepared);
    a pooler in front of PostgreSQL must pass protocol-level prepared statements through (PgBouncer 1.21+
    with ``max_prepared_statements``), or set ``FRONTDESK_PREPARED_STATEMENTS = False``. Elsewhere than on
    PostgreSQL this is Django's cursor.
    """
    if connection.vendor != "postgresql" or not getattr(settings, "FRONTDESK_PREPARED_STATEMENTS", True):
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Only server-binding cursors prepare, and only these are.
        raw.prepare_threshold = 0
    with connection._prepare_cursor(ServerBindingCursor(raw)) as cursor:  # type: ignore[attr-defined]
        yield _Logged(cursor)


class _Logged:
    """Django logs a server-side-bound statement's SQL as None; log it with its values like any other."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        self.cursor.execute(sql, params)
        log = connection.queries_log
        if connection.queries_logged and log and log[-1]["sql"] is None:
            log[-1]["sql"] = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]

    def fetchone(self) -> Any:
        return self.cursor.fetchone()


@functools.lru_cache(maxsize=64)
def _insert_sql(number_expression: str, attachments: int) -> str:
    """The statement of ``insert_ticket`` for a numbering format and a number of attachments, built once."""
    quote = connection.ops.quote_name
    counter = quote(TicketCounter._meta.db_table)
    ticket_fields, ticket_columns = _fields(Ticket, _TICKET_SKIP)
    message_fields, message_columns = _fields(Message, _MESSAGE_SKIP)
    event_fields, event_columns = _fields(TicketEvent, _EVENT_SKIP)
    attachment_fields, attachment_columns = _fields(Attachment, _ATTACHMENT_SKIP)

    def placeholders(fields: tuple[Any, ...]) -> str:
        return ", ".join(["%s"] * len(fields))

    sql = (
        f"WITH c AS (INSERT INTO {counter} (brand_id, year, value) VALUES (%s, %s, 1) "  # noqa: S608 - names from the models, values as parameters
        f"ON CONFLICT (brand_id, year) DO UPDATE SET value = {counter}.value + 1 RETURNING value), "
        f"t AS (INSERT INTO {quote(Ticket._meta.db_table)} ({ticket_columns}, {quote('number')}) "
        f"VALUES ({placeholders(ticket_fields)}, (SELECT {number_expression} FROM c)) RETURNING id, number), "
        f"m AS (INSERT INTO {quote(Message._meta.db_table)} ({message_columns}, {quote('ticket_id')}) "
        f"VALUES ({placeholders(message_fields)}, (SELECT id FROM t)) RETURNING id), "
        f"e AS (INSERT INTO {quote(TicketEvent._meta.db_table)} "
        f"({event_columns}, {quote('ticket_id')}, {quote('data')}) "
        f"VALUES ({placeholders(event_fields)}, (SELECT id FROM t), "
        f"%s::jsonb || jsonb_build_object('message', (SELECT id FROM m))) RETURNING id)"
    )
    if attachments:
        rows = ", ".join(
            [f"({placeholders(attachment_fields)}, (SELECT id FROM m), (SELECT id FROM t))"] * attachments  # noqa: S608
        )
        sql += (
            f", a AS (INSERT INTO {quote(Attachment._meta.db_table)} "  # noqa: S608 - names from the models
            f"({attachment_columns}, {quote('message_id')}, {quote('ticket_id')}) "
            f"VALUES {rows} RETURNING id)"
        )
    # Ids come from one sequence in the order of the VALUES rows.
    attachment_ids = "(SELECT array_agg(id ORDER BY id) FROM a)" if attachments else "NULL"
    return sql + f" SELECT t.id, t.number, m.id, e.id, {attachment_ids} FROM t, m, e"  # noqa: S608 - constant parts


def insert_ticket(
    ticket: Ticket,
    message: Message,
    event: TicketEvent,
    *,
    year: int,
    number: tuple[str, list[Any]],
    attachments: Sequence[Attachment] = (),
) -> None:
    """Write ``ticket`` (numbered from the counter of its brand and ``year``), ``message``, its ``attachments``
    (their files are written to storage first) and ``event`` in one statement; the event's data gets the message
    id under ``message``. The instances get their ids."""
    filled = sorted(name for name in _EMPTY_AT_CREATION if getattr(ticket, name) is not None)
    if filled:
        raise ValueError(f"a new ticket leaves {', '.join(filled)} empty; this statement does not write them")
    number_expression, number_params = number
    attachment_fields = _fields(Attachment, _ATTACHMENT_SKIP)[0]
    sql = _insert_sql(number_expression, len(attachments))
    data = {key: value for key, value in event.data.items() if key != "message"}
    data_field = TicketEvent._meta.get_field("data")
    params = [
        ticket.brand_id,
        year,
        *_values(ticket, _fields(Ticket, _TICKET_SKIP)[0]),
        *number_params,
        *_values(message, _fields(Message, _MESSAGE_SKIP)[0]),
        *_values(event, _fields(TicketEvent, _EVENT_SKIP)[0]),
        data_field.get_db_prep_save(data, connection),
        *[value for attachment in attachments for value in _values(attachment, attachment_fields)],
    ]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        ticket_id, ticket_number, message_id, event_id, attachment_ids = cursor.fetchone()
    _saved(ticket, ticket_id)
    ticket.number = ticket_number
    message.ticket = ticket
    _saved(message, message_id)
    event.ticket = ticket
    event.data = {**data, "message": message_id}
    _saved(event, event_id)
    for attachment, attachment_id in zip(attachments, attachment_ids or [], strict=True):
        attachment.message = message
        attachment.ticket = ticket
        _saved(attachment, attachment_id)
