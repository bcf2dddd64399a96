"""Search tickets by number, subject, message text and the customer's name, email or phone, ranked.

The candidates come from one statement (a SELECT per source over its search index, see ``core.search``),
narrowed to the actor's brands inside each source; the tickets themselves are read through
``tickets_visible_to``, so a candidate the actor may not see is never shown. The same statements however many
tickets match: on PostgreSQL one for the settings of the search and the newest ids, one for the candidates;
on SQLite the candidates only; then the tickets with ``with_details``.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from frontdesk.core.search import Kind, Match, SearchBackend, SearchQuery, Source, backend_for, parse_query
from frontdesk.tickets.choices import MessageKind
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.queries import tickets_visible_to, with_details
from frontdesk.users.actors import Actor

NUMBER = Source("ticket_number", "tickets_ticket", "number", Kind.SUBSTRING)
SUBJECT = Source("ticket_subject", "tickets_ticket", "subject", Kind.WORDS)
BODY = Source("message_body", "tickets_message", "body_text", Kind.WORDS, key="ticket_id")
CUSTOMER_NAME = Source("customer_name", "users_customer", "name", Kind.NAMES)
CONTACT = Source("contact_value", "users_customercontact", "value", Kind.SUBSTRING, key="customer_id")
# What migration tickets 0007 indexes.
SOURCES = (NUMBER, SUBJECT, BODY, CUSTOMER_NAME, CONTACT)

MAX_LIMIT = 100
# Ticket numbers are at most this long (Ticket.number).
NUMBER_LENGTH = 40
# Matched customers whose tickets are listed, and how many of each one's newest tickets.
CUSTOMERS = 20
TICKETS_PER_CUSTOMER = 10


class Found:
    """Where a ticket matched; each weighs what the score of ``TicketHit`` adds for it (plus up to its
    text rank or name similarity times the same)."""

    NUMBER = "number"  # the exact number: always first
    NUMBER_PART = "number_part"
    CONTACT = "contact"
    CUSTOMER = "customer"
    SUBJECT = "subject"
    MESSAGE = "message"


WEIGHTS = {
    Found.NUMBER: 1000.0,
    Found.NUMBER_PART: 100.0,
    Found.CONTACT: 60.0,
    Found.CUSTOMER: 30.0,
    Found.SUBJECT: 20.0,
    Found.MESSAGE: 10.0,
}


@dataclass(frozen=True)
class TicketHit:
    ticket: Ticket
    score: float
    # The Found values where this ticket matched.
    found: frozenset[str]


@dataclass(frozen=True)
class _Scope:
    """SQL conditions on ``src`` limiting each source to what the actor may see (or more: the tickets are
    read through ``tickets_visible_to`` in the end; never less)."""

    tickets: tuple[str, list[Any]]
    messages: tuple[str, list[Any]]
    people: tuple[str, list[Any]]


def _scope(actor: Actor) -> _Scope | None:
    if actor.sees_all_brands and (actor.is_agent or actor.is_system):
        return _Scope(("", []), ("", []), ("", []))
    if actor.is_agent:
        brands = sorted(actor.agent_brand_ids)
        in_brands = ("src.brand_id IN (" + ", ".join(["%s"] * len(brands)) + ")", list(brands))
        return _Scope(in_brands, in_brands, in_brands)
    if actor.is_customer:
        sql, params = tickets_visible_to(actor).values("id").query.sql_with_params()
        brands = sorted(actor.customer_ids)
        people = ("src.brand_id IN (" + ", ".join(["%s"] * len(brands)) + ")", list(brands))
        # Customers never see internal notes or call records, so the words of those find nothing either.
        messages = (f"src.ticket_id IN ({sql}) AND src.kind = %s", [*params, MessageKind.REPLY.value])
        return _Scope((f"src.id IN ({sql})", list(params)), messages, people)
    return None


def _part(found: str, match: Match | None) -> tuple[str, list[Any]] | None:
    if match is None:
        return None
    weight = WEIGHTS[found]
    return (
        f"SELECT key, '{found}' AS found, {weight} + {weight} * rank AS score FROM ({match.sql}) AS m_{found}",  # noqa: S608 - names from Source
        match.params,
    )


def _statement(
    backend: SearchBackend, query: SearchQuery, scope: _Scope, limit: int
) -> tuple[str, list[Any]]:
    """One statement for all sources, in two steps that PostgreSQL (and SQLite) skip when they cannot change
    the answer:

    * the pieces of ticket numbers are not looked for when the exact number is found (the number is unique;
      a trigram search for a whole number reads long posting lists for nothing);
    * message text, the most expensive source, is searched only when the other sources found fewer than
      ``limit`` tickets: each of those scores more than any match in messages alone (``WEIGHTS``), so
      messages could only have added to their scores, not put another ticket among the ``limit`` best.
    Email addresses and phone numbers hold no spaces, so a query with a space does not look for them."""
    per_source = limit
    tickets_where, tickets_params = scope.tickets
    ctes: list[tuple[str, list[Any]]] = []
    parts: list[tuple[str, list[Any]]] = []
    number_part = _part(
        Found.NUMBER_PART,
        backend.match(NUMBER, query, limit=per_source, where=tickets_where, params=tickets_params),
    )
    if " " not in query.text and len(query.text) <= NUMBER_LENGTH:
        exact_where = f" AND ({tickets_where})" if tickets_where else ""
        ctes.append(
            (
                f"exact AS (SELECT src.id AS key FROM tickets_ticket src WHERE src.number = %s{exact_where})",  # noqa: S608 - names from Source
                [query.text.upper(), *tickets_params],
            )
        )
        parts.append(
            (f"SELECT key, '{Found.NUMBER}' AS found, {WEIGHTS[Found.NUMBER]} AS score FROM exact", [])  # noqa: S608
        )
        if number_part:
            sql, params = number_part
            number_part = (f"SELECT * FROM ({sql}) AS pieces WHERE NOT EXISTS (SELECT 1 FROM exact)", params)  # noqa: S608
    if number_part:
        parts.append(number_part)
    subject = _part(
        Found.SUBJECT,
        backend.match(SUBJECT, query, limit=per_source, where=tickets_where, params=tickets_params),
    )
    if subject:
        parts.append(subject)
    people_sources = [(Found.CUSTOMER, CUSTOMER_NAME)]
    if " " not in query.needle:
        people_sources.append((Found.CONTACT, CONTACT))
    people = [
        p
        for p in (
            _part(
                found,
                backend.match(source, query, limit=CUSTOMERS, where=scope.people[0], params=scope.people[1]),
            )
            for found, source in people_sources
        )
        if p
    ]
    if people:
        # The customers found, best first, and the newest tickets of each.
        ctes.append(
            (
                "customers AS (SELECT key, found, MAX(score) AS score FROM ("  # noqa: S608 - names from Source
                + " UNION ALL ".join(f"SELECT * FROM ({sql}) AS p{i}" for i, (sql, _) in enumerate(people))  # noqa: S608 - names from Source
                + f") AS people GROUP BY key, found ORDER BY score DESC LIMIT {CUSTOMERS})",
                [p for _, params in people for p in params],
            )
        )
        ticket_where = f" AND ({tickets_where})" if tickets_where else ""
        parts.append(
            (
                (
                    "SELECT key, found, score FROM (SELECT src.id AS key, c.found AS found, c.score AS score, "  # noqa: S608 - names from Source
                    "ROW_NUMBER() OVER (PARTITION BY src.customer_id, c.found ORDER BY src.id DESC) AS n "
                    "FROM tickets_ticket src JOIN customers c ON c.key = src.customer_id "
                    f"WHERE TRUE{ticket_where}) AS of_customers WHERE n <= {TICKETS_PER_CUSTOMER}"
                ),
                list(tickets_params),
            )
        )
    where, params = scope.messages
    message = _part(Found.MESSAGE, backend.match(BODY, query, limit=per_source, where=where, params=params))
    if not parts and not message:
        return "SELECT 0, '', 0 WHERE FALSE", []
    hits: list[tuple[str, list[Any]]] = []
    if parts:
        ctes.append(
            (
                "found AS MATERIALIZED ("  # noqa: S608 - names from Source
                + " UNION ALL ".join(f"SELECT * FROM ({sql}) AS s{i}" for i, (sql, _) in enumerate(parts))  # noqa: S608
                + ")",
                [p for _, ps in parts for p in ps],
            )
        )
        hits.append(("SELECT key, found, score FROM found", []))
    if message:
        sql, ps = message
        enough = " WHERE (SELECT COUNT(DISTINCT key) FROM found) < %s" if parts else ""
        hits.append((f"SELECT * FROM ({sql}) AS in_messages{enough}", [*ps, *([limit] if parts else [])]))  # noqa: S608
    with_sql = "WITH " + ", ".join(sql for sql, _ in ctes) + " " if ctes else ""
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS h{i}" for i, (sql, _) in enumerate(hits))  # noqa: S608
    params = [p for _, ps in ctes for p in ps] + [p for _, ps in hits for p in ps]
    return f"{with_sql}SELECT key, found, MAX(score) FROM ({union}) AS hits GROUP BY key, found", params  # noqa: S608 - names from Source


def search_tickets(actor: Actor, text: str | None, *, limit: int = 20) -> list[TicketHit]:
    """The tickets ``actor`` may see that match ``text``, best first (then newest first).

    Raises ``InvalidInput`` (field ``q``) for an empty or too long query."""
    query = parse_query(text)
    limit = max(1, min(limit, MAX_LIMIT))
    scope = _scope(actor)
    if scope is None:
        return []
    scores: dict[int, float] = defaultdict(float)
    found: dict[int, set[str]] = defaultdict(set)
    backend = backend_for(connection)
    with transaction.atomic() if backend.needs_transaction else nullcontext():
        backend.prepare(connection, SOURCES)
        sql, params = _statement(backend, query, scope, limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for key, where, score in cursor.fetchall():
                scores[key] += float(score)
                found[key].add(where)
    best = sorted(scores, key=lambda key: (-scores[key], -key))[:limit]
    tickets = with_details(tickets_visible_to(actor).filter(pk__in=best))
    by_id = {t.pk: t for t in tickets}
    return [TicketHit(by_id[k], scores[k], frozenset(found[k])) for k in best if k in by_id]
