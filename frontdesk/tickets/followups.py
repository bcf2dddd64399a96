"""Follow-ups of quiet tickets, by each brand's settings (days; 0: never), every few minutes.

- ``close_solved_tickets``: a solved ticket nobody touched for ``auto_close_solved_days`` is closed (a customer
  reply before that reopens it, as always).
- ``remind_waiting_customers``: a ticket waiting for the customer (``pending_customer``) with no answer for
  ``pending_reminder_days`` gets one ``reminder_sent`` event per wait (the mail consumer turns it into a mail
  in the customer's language). The wait starts when the ticket entered the status; a customer message reopens
  the ticket and a new wait starts with the next status change, so it may be reminded again then.
- ``solve_unanswered_tickets``: ``pending_close_days`` after the reminder (after the start of the wait when the
  brand sends no reminders), still without an answer, the ticket is solved with the reason
  ``no_customer_answer``.

Days are calendar days counted as 24-hour periods from the moment in question, weekends and holidays
included. A pass takes its tickets together: it locks the ones still in the status and unchanged since the scan
read them (``updated_at``), skipping rows another transaction holds, and changes them as
``tickets.actions.change_status`` changes one (status, its moment, version, one event each with the reason) with
one UPDATE and one INSERT of events; a second worker running the same pass finds them changed and takes none.
Each pass handles at most ``BATCH`` tickets per job, the oldest first; the rest wait for the next pass.

The scans read a brand's tickets in one status through the index ``ticket_brand_status``: the solved and the
waiting tickets of a brand are a small share of its tickets. The start of a wait and the last reminder come
from the ticket's events (``event_ticket``), one short index lookup each.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from frontdesk.brands.models import Brand
from frontdesk.core.schedules import scheduled
from frontdesk.tickets.choices import STATUS_KINDS, TRANSITIONS, EventKind, Status
from frontdesk.tickets.events import announce_event, new_event
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM

logger = logging.getLogger(__name__)

BATCH = 200
EVERY = timedelta(minutes=5)
# The reasons recorded in the events' data.
AUTO_CLOSE = "auto_close_solved"
NO_ANSWER = "no_customer_answer"
# What a reminder needs of a ticket (the last an annotation of ``_waiting``).
REMINDER_COLUMNS = ("pk", "updated_at", "waiting_since")


def _brands(*fields: str) -> list[tuple[int, ...]]:
    """(brand id, the values of ``fields``) of the active brands where the first of ``fields`` is on."""
    return list(
        Brand.objects.filter(is_active=True, **{f"{fields[0]}__gt": 0})
        .order_by("pk")
        .values_list("pk", *fields)
    )


def _take_together(seen: dict[int, datetime], status: str, now: datetime) -> list[Ticket]:
    """Lock the tickets of ``seen`` that are still in ``status`` and unchanged since they were read (their
    ``updated_at`` as read), in primary-key order, skipping rows another transaction holds; stamp them with
    ``now`` in one UPDATE, so that another worker's copy of the same pass matches none of them."""
    locked = (
        Ticket.objects.filter(pk__in=list(seen), status=status)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .only("pk", "brand_id", "status", "updated_at", "version")
    )
    taken = [ticket for ticket in locked if ticket.updated_at == seen[ticket.pk]]
    if taken:
        Ticket.objects.filter(pk__in=[t.pk for t in taken]).update(updated_at=now)
    for ticket in taken:
        ticket.updated_at = now
    return taken


def _record(tickets: list[Ticket], kind: EventKind, data: Mapping[int, dict[str, Any]]) -> None:
    """One event per ticket, in one INSERT; one doorbell per dispatch batch (the dispatcher takes the
    waiting events in batches and rings for the rest itself)."""
    events = [new_event(ticket, kind, actor=SYSTEM, data=data[ticket.pk]) for ticket in tickets]
    TicketEvent.objects.bulk_create(events)
    size = max(1, int(getattr(settings, "FRONTDESK_EVENT_BATCH_SIZE", 50)))
    for event in events[::size]:
        announce_event(event)


def _move(
    seen: dict[int, datetime], *, before: Status, after: Status, reason: str, now: datetime
) -> list[int]:
    """What ``change_status`` does to each ticket, as the system, for a pass's tickets at once: the status
    and its moment, the version, and one event each with the reason."""
    if after not in TRANSITIONS.get(before, frozenset()):
        raise ValueError(f"{before} -> {after} is not a transition")
    with transaction.atomic():
        tickets = _take_together(seen, before, now)
        if not tickets:
            return []
        stamp = {"solved_at": now} if after == Status.SOLVED else {"closed_at": now}
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
            status=after, version=F("version") + 1, **stamp
        )
        kind = EventKind.SOLVED if after == Status.SOLVED else EventKind.CLOSED
        data = {"before": str(before), "after": str(after), "reason": reason}
        _record(tickets, kind, {ticket.pk: data for ticket in tickets})
    return [ticket.pk for ticket in tickets]


@scheduled("tickets.close_solved_tickets", every=EVERY)
def close_solved_tickets(*, limit: int = BATCH) -> list[int]:
    """Close the solved tickets untouched for their brand's ``auto_close_solved_days``."""
    now = timezone.now()
    closed: list[int] = []
    tried = 0
    for brand_id, days in _brands("auto_close_solved_days"):
        if tried >= limit:
            break
        quiet = (
            Ticket.objects.filter(
                brand_id=brand_id, status=Status.SOLVED, updated_at__lte=now - timedelta(days=days)
            )
            .order_by("id")
            .values_list("pk", "updated_at")[: limit - tried]
        )
        seen = dict(quiet)
        tried += len(seen)
        if seen:
            closed += _move(seen, before=Status.SOLVED, after=Status.CLOSED, reason=AUTO_CLOSE, now=now)
    if closed:
        logger.info("Closed %d solved tickets", len(closed))
    return closed


def _waiting(brand_id: int) -> QuerySet[Ticket]:
    """The brand's tickets waiting for the customer, with when the wait started and the last reminder."""
    events = TicketEvent.objects.filter(ticket_id=OuterRef("pk")).order_by("-at", "-id").values("at")
    return (
        Ticket.objects.filter(brand_id=brand_id, status=Status.PENDING_CUSTOMER)
        .annotate(
            waiting_since=Coalesce(Subquery(events.filter(kind__in=STATUS_KINDS)[:1]), F("created_at")),
            reminded_at=Subquery(events.filter(kind=EventKind.REMINDER_SENT)[:1]),
        )
        .order_by("id")
    )


def _silent_since(cutoff: datetime) -> Q:
    return Q(last_customer_message_at__isnull=True) | Q(last_customer_message_at__lte=cutoff)


@scheduled("tickets.remind_waiting_customers", every=EVERY)
def remind_waiting_customers(*, limit: int = BATCH) -> list[int]:
    """One reminder per wait to customers who left a ticket waiting for ``pending_reminder_days``."""
    now = timezone.now()
    reminded: list[int] = []
    tried = 0
    for brand_id, days in _brands("pending_reminder_days"):
        if tried >= limit:
            break
        cutoff = now - timedelta(days=days)
        due = (
            _waiting(brand_id)
            .filter(_silent_since(cutoff), Q(waiting_since__lte=cutoff), created_at__lte=cutoff)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("waiting_since")))
            .values_list(*REMINDER_COLUMNS)[: limit - tried]
        )
        rows = list(due)
        tried += len(rows)
        if not rows:
            continue
        since = {pk: waiting_since for pk, _seen, waiting_since in rows}
        with transaction.atomic():
            tickets = _take_together({pk: seen for pk, seen, _since in rows}, Status.PENDING_CUSTOMER, now)
            data = {pk: {"waiting_since": since[pk].isoformat(), "days": days} for pk in since}
            _record(tickets, EventKind.REMINDER_SENT, data)
        reminded += [ticket.pk for ticket in tickets]
    if reminded:
        logger.info("Reminded the customers of %d waiting tickets", len(reminded))
    return reminded


@scheduled("tickets.solve_unanswered_tickets", every=EVERY)
def solve_unanswered_tickets(*, limit: int = BATCH) -> list[int]:
    """Solve the tickets still unanswered ``pending_close_days`` after their reminder (after the start of the
    wait for a brand that sends no reminders)."""
    now = timezone.now()
    solved: list[int] = []
    tried = 0
    for brand_id, days, reminder_days in _brands("pending_close_days", "pending_reminder_days"):
        if tried >= limit:
            break
        cutoff = now - timedelta(days=days)
        waiting = _waiting(brand_id).filter(_silent_since(cutoff), created_at__lte=cutoff)
        if reminder_days:
            due = waiting.filter(Q(reminded_at__gte=F("waiting_since"), reminded_at__lte=cutoff))
        else:
            due = waiting.filter(Q(waiting_since__lte=cutoff))
        seen = dict(due.values_list("pk", "updated_at")[: limit - tried])
        tried += len(seen)
        if seen:
            solved += _move(
                seen, before=Status.PENDING_CUSTOMER, after=Status.SOLVED, reason=NO_ANSWER, now=now
            )
    if solved:
        logger.info("Solved %d tickets the customer did not answer", len(solved))
    return solved
