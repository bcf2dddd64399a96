"""Keeping ``TicketFact`` rows current: worked out from the ticket, its status history and its replies, in
business minutes of the calendar that applies, a batch of tickets at a time (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count
from django.utils import timezone

from frontdesk.reports.models import TicketFact
from frontdesk.sla.clock import CalendarSpec, business_time_between
from frontdesk.sla.policies import DEFAULT_PAUSE_STATUSES, paused_time
from frontdesk.sla.queries import spec_for
from frontdesk.tickets.choices import STATUS_KINDS, AuthorKind, EventKind, MessageKind
from frontdesk.tickets.models import Message, Ticket, TicketEvent

PAUSE_STATUSES = frozenset(DEFAULT_PAUSE_STATUSES)
_FIELDS = [
    "brand",
    "created_at",
    "channel",
    "category_id",
    "priority",
    "team_id",
    "assignee_id",
    "organization_id",
    "status",
    "top_line",
    "escalations",
    "reopens",
    "agent_replies",
    "first_response_at",
    "solved_at",
    "first_response_minutes",
    "resolution_minutes",
    "paused_minutes",
    "minutes_spent",
    "with_policy",
    "breaches",
    "refreshed_at",
]


def _minutes(a: dt.datetime, b: dt.datetime, calendar: CalendarSpec) -> float:
    return business_time_between(a, b, calendar).total_seconds() / 60


def paused_minutes(history: Sequence[dict[str, Any]], *, until: dt.datetime, calendar: CalendarSpec) -> float:
    """Business minutes spent in a pausing status, from status events in order, up to ``until`` (the solve):
    the service level's own rule (``sla.policies.paused_time``)."""
    changes = [(event["at"], str((event["data"] or {}).get("after", ""))) for event in history]
    paused = paused_time(changes, until=until, pause_statuses=PAUSE_STATUSES, calendar=calendar)
    return paused.total_seconds() / 60


def refresh_facts(ticket_ids: Iterable[int]) -> int:
    """Recompute and store the facts of these tickets; returns how many rows were written."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return 0
    tickets = list(
        Ticket.objects.filter(pk__in=ids).values(
            "id",
            "brand_id",
            "created_at",
            "channel",
            "category_id",
            "priority",
            "team_id",
            "assignee_id",
            "organization_id",
            "status",
            "line",
            "first_response_at",
            "solved_at",
            "minutes_spent",
            "sla_policy_id",
        )
    )
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    escalations: dict[int, int] = defaultdict(int)
    reopens: dict[int, int] = defaultdict(int)
    breaches: dict[int, int] = defaultdict(int)
    top_line: dict[int, int] = defaultdict(lambda: 1)
    for event in (
        TicketEvent.objects.filter(
            ticket_id__in=ids, kind__in=[*STATUS_KINDS, EventKind.ESCALATED, EventKind.SLA_BREACHED]
        )
        .order_by("ticket_id", "at", "id")
        .values("ticket_id", "kind", "at", "data")
    ):
        ticket_id = event["ticket_id"]
        if event["kind"] == EventKind.SLA_BREACHED:
            breaches[ticket_id] += 1
            continue
        if event["kind"] == EventKind.ESCALATED:
            escalations[ticket_id] += 1
            to_line = (event["data"] or {}).get("to_line")
            if isinstance(to_line, int):
                top_line[ticket_id] = max(top_line[ticket_id], to_line)
            continue
        if event["kind"] == EventKind.REOPENED:
            reopens[ticket_id] += 1
        history[ticket_id].append(dict(event))
    replies = dict(
        Message.objects.filter(ticket_id__in=ids, kind=MessageKind.REPLY, author_kind=AuthorKind.AGENT)
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    calendars: dict[tuple[int, int | None], CalendarSpec] = {}
    now = timezone.now()
    rows = []
    for ticket in tickets:
        key = (ticket["brand_id"], ticket["team_id"])
        if key not in calendars:
            calendars[key] = spec_for(*key, around=ticket["created_at"])
        calendar = calendars[key]
        created, responded, solved = ticket["created_at"], ticket["first_response_at"], ticket["solved_at"]
        paused = paused_minutes(history[ticket["id"]], until=solved or now, calendar=calendar)
        rows.append(
            TicketFact(
                ticket_id=ticket["id"],
                brand_id=ticket["brand_id"],
                created_at=created,
                channel=ticket["channel"],
                category_id=ticket["category_id"],
                priority=ticket["priority"],
                team_id=ticket["team_id"],
                assignee_id=ticket["assignee_id"],
                organization_id=ticket["organization_id"],
                status=ticket["status"],
                top_line=max(top_line[ticket["id"]], ticket["line"]),
                escalations=escalations[ticket["id"]],
                reopens=reopens[ticket["id"]],
                agent_replies=replies.get(ticket["id"], 0),
                first_response_at=responded,
                solved_at=solved,
                first_response_minutes=_minutes(created, responded, calendar) if responded else None,
                resolution_minutes=max(_minutes(created, solved, calendar) - paused, 0.0) if solved else None,
                paused_minutes=paused,
                minutes_spent=ticket["minutes_spent"],
                with_policy=ticket["sla_policy_id"] is not None or breaches[ticket["id"]] > 0,
                breaches=breaches[ticket["id"]],
                refreshed_at=now,
            )
        )
    TicketFact.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["ticket"], update_fields=_FIELDS
    )
    return len(rows)


def rebuild_facts(*, brand_id: int | None = None, batch: int = 2000) -> int:
    """Work out the facts of every ticket (of one brand), in batches: after an upgrade or a calendar change."""
    tickets = Ticket.objects.order_by("pk")
    if brand_id is not None:
        tickets = tickets.filter(brand_id=brand_id)
    done, last = 0, 0
    while True:
        ids = list(tickets.filter(pk__gt=last).values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        done += refresh_facts(ids)
        last = ids[-1]
