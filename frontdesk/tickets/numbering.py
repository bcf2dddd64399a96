"""Human-readable ticket numbers such as ``BLT-26-000123``, unique under any number of parallel creators.

The sequence comes from one counter row per brand and year, advanced by a single
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement: the row lock it takes serialises creators of one
brand for the rest of their transaction, and a rollback gives the number back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from frontdesk.brands.models import Brand
from frontdesk.tickets.models import TicketCounter

_COUNTER_TABLE = TicketCounter._meta.db_table


def _uses_year(fmt: str) -> bool:
    return "{yy}" in fmt or "{yyyy}" in fmt


def format_number(fmt: str, *, prefix: str, year: int, seq: int) -> str:
    return fmt.format(prefix=prefix, yy=f"{year % 100:02d}", yyyy=f"{year:04d}", seq=seq)


def next_sequence(brand_id: int, year: int) -> int:
    sql = (
        f"INSERT INTO {_COUNTER_TABLE} (brand_id, year, value) VALUES (%s, %s, 1) "  # noqa: S608 - constant
        f"ON CONFLICT (brand_id, year) DO UPDATE SET value = {_COUNTER_TABLE}.value + 1 RETURNING value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [brand_id, year])
        row = cursor.fetchone()
    return int(row[0])


def _counter_year(brand: Brand, now: datetime | None) -> tuple[int, int]:
    """The brand's calendar year at ``now`` and the counter's year (0 for a format without a year)."""
    moment = (now or timezone.now()).astimezone(ZoneInfo(brand.time_zone or "UTC"))
    return moment.year, moment.year if _uses_year(brand.ticket_number_format) else 0


def next_ticket_numbers(brand: Brand, count: int, *, now: datetime | None = None) -> list[str]:
    """The next ``count`` numbers of ``brand`` in one statement; call inside the transaction that creates the
    tickets (the counter row stays locked until it commits)."""
    year, counter_year = _counter_year(brand, now)
    sql = (
        f"INSERT INTO {_COUNTER_TABLE} (brand_id, year, value) VALUES (%s, %s, %s) "  # noqa: S608 - constant
        f"ON CONFLICT (brand_id, year) DO UPDATE SET value = {_COUNTER_TABLE}.value + %s RETURNING value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [brand.pk, counter_year, count, count])
        last = int(cursor.fetchone()[0])
    fmt, prefix = brand.ticket_number_format, brand.ticket_prefix
    return [
        format_number(fmt, prefix=prefix, year=year, seq=seq) for seq in range(last - count + 1, last + 1)
    ]


def next_ticket_number(brand: Brand, *, now: datetime | None = None) -> str:
    """The next number of ``brand``; call inside the transaction that creates the ticket."""
    year, counter_year = _counter_year(brand, now)
    seq = next_sequence(brand.pk, counter_year)
    return format_number(brand.ticket_number_format, prefix=brand.ticket_prefix, year=year, seq=seq)


@dataclass(frozen=True)
class NumberSql:
    year: int
    sql: tuple[str, list[Any]]


def number_sql_for(brand: Brand, now: datetime) -> NumberSql | None:
    """The counter's year and the SQL that turns its next value into the number (``tickets.inserts``)."""
    from frontdesk.tickets.inserts import number_sql

    year, counter_year = _counter_year(brand, now)
    sql = number_sql(brand.ticket_number_format, prefix=brand.ticket_prefix, year=year)
    return NumberSql(counter_year, sql) if sql is not None else None
