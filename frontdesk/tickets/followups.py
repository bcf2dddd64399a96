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
included. Every status change goes through ``tickets.actions.change_status`` as the system. Each ticket is taken
by a conditional UPDATE on its status and its last change (``updated_at``) first: when two workers find the
same ticket, the second one's UPDATE matches nothing and it moves on. Each pass handles at most ``BATCH``
tickets per job, the oldest first; the rest wait for the next pass.

The scans read a brand's tickets in one status through the index ``ticket_brand_status``: the solved and the
waiting tickets of a brand are a small share of its tickets. The start of a wait and the last reminder come
from the ticket's events (``event_ticket``), one short index lookup each.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from frontdesk.brands.models import Brand
from frontdesk.core.schedules import scheduled
from frontdesk.tickets.actions import change_status
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.events import record_event
from frontdesk.tickets.locks import lock_ticket
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
STATUS_KINDS = (EventKind.STATUS_CHANGED, EventKind.SOLVED, EventKind.CLOSED, EventKind.REOPENED)


def _brands(*fields: str) -> list[tuple[int, ...]]:
    """(brand id, the values of ``fields``) of the active brands where the first of ``fields`` is on."""
    return list(
        Brand.objects.filter(is_active=True, **{f"{fields[0]}__gt": 0})
        .order_by("pk")
        .values_list("pk", *fields)
    )


def _take(pk: int, status: str, seen: datetime, now: datetime) -> bool:
    """Take the ticket if it is still in ``status`` and unchanged since it was read: a conditional UPDATE
    another worker's copy of the same pass cannot match once this one committed."""
    return Ticket.objects.filter(pk=pk, status=status, updated_at=seen).update(updated_at=now) == 1


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
        for pk, seen in list(quiet):
            tried += 1
            with transaction.atomic():
                if not _take(pk, Status.SOLVED, seen, now):
                    continue
                change_status(Ticket(pk=pk), actor=SYSTEM, status=Status.CLOSED, reason=AUTO_CLOSE)
            closed.append(pk)
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
        for pk, seen, since in list(due):
            tried += 1
            with transaction.atomic():
                if not _take(pk, Status.PENDING_CUSTOMER, seen, now):
                    continue
                ticket = lock_ticket(pk)
                data = {"waiting_since": since.isoformat(), "days": days}
                record_event(ticket, EventKind.REMINDER_SENT, actor=SYSTEM, data=data)
            reminded.append(pk)
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
        for pk, seen in list(due.values_list("pk", "updated_at")[: limit - tried]):
            tried += 1
            with transaction.atomic():
                if not _take(pk, Status.PENDING_CUSTOMER, seen, now):
                    continue
                change_status(Ticket(pk=pk), actor=SYSTEM, status=Status.SOLVED, reason=NO_ANSWER)
            solved.append(pk)
    if solved:
        logger.info("Solved %d tickets the customer did not answer", len(solved))
    return solved
