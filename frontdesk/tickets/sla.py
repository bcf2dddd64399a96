"""Service levels on tickets: the deadline columns, kept current after every change, and the scanner that marks
warnings and breaches.

Every change to a ticket records an event; ``apply_service_levels`` is the event consumer that then re-reads
the ticket under its lock, chooses the brand's policy (``sla.policies``), counts business time in the policy's
calendar (else the team's, else the brand's; around the clock without one), leaves out the time spent in a
pausing status, and stores the deadlines. Working from the locked row and its status history, not from the
event, makes it right whatever order the consumers run in. Deadlines that moved clear their warning and breach
marks, so the next clock is watched afresh.

``scan_service_levels`` runs every minute (``core.schedules``) over two partial indexes: a deadline or warning
that passed is marked once by a conditional UPDATE (several workers never mark it twice) and recorded as an
``sla_warning`` or ``sla_breached`` event, which the notification consumers pick up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from frontdesk.core.errors import NotFound
from frontdesk.core.schedules import scheduled
from frontdesk.sla.clock import CalendarSpec
from frontdesk.sla.models import Calendar
from frontdesk.sla.policies import Deadlines, PolicyTerms, TicketFacts, choose_policy, deadlines, paused_time
from frontdesk.sla.queries import policies_of, spec_for, spec_of
from frontdesk.tickets.choices import (
    OPEN_STATUSES,
    STATUS_KINDS,
    AuthorKind,
    EventKind,
    MessageKind,
    Priority,
)
from frontdesk.tickets.events import announce_event, new_event
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import CustomerTier
from frontdesk.users.models import Customer

logger = logging.getLogger(__name__)

SCAN_BATCH = 500
# How much of the latest public answer a status update quotes.
UPDATE_EXCERPT = 1000


class _Policies:
    """The brands' policies and calendars, read once per batch of tickets."""

    def __init__(self) -> None:
        self.policies: dict[int, list[tuple[PolicyTerms, int | None]]] = {}
        self.calendars: dict[tuple[Any, ...], CalendarSpec] = {}

    def policy(self, brand_id: int, facts: TicketFacts) -> tuple[PolicyTerms | None, int | None]:
        if brand_id not in self.policies:
            self.policies[brand_id] = policies_of(brand_id)
        entries = self.policies[brand_id]
        chosen = choose_policy([terms for terms, _calendar in entries], facts)
        if chosen is None:
            return None, None
        return chosen, next(calendar for terms, calendar in entries if terms is chosen)

    def calendar(self, ticket: Ticket, calendar_id: int | None) -> CalendarSpec:
        key = (ticket.brand_id, ticket.team_id, calendar_id)
        if key not in self.calendars:
            own = (
                Calendar.objects.filter(pk=calendar_id, brand_id=ticket.brand_id).first()
                if calendar_id
                else None
            )
            self.calendars[key] = (
                spec_of(own, around=ticket.created_at)
                if own is not None
                else spec_for(ticket.brand_id, ticket.team_id, around=ticket.created_at)
            )
        return self.calendars[key]


def customer_tier(ticket: Ticket) -> str:
    """The tier the ticket is served at: the customer's own, else their organization's, else standard."""
    own, company = Customer.objects.filter(pk=ticket.customer_id).values_list(
        "tier", "organization__tier"
    ).first() or ("", "")
    return own or company or CustomerTier.STANDARD


def _facts(
    ticket: Ticket,
    history: Sequence[tuple[dt.datetime, str]],
    paused: dt.timedelta,
    last_update: dt.datetime | None = None,
    tier: str = "",
) -> TicketFacts:
    return TicketFacts(
        customer_tier=tier,
        status=ticket.status,
        priority=ticket.priority,
        channel=ticket.channel,
        created_at=ticket.created_at,
        category_id=ticket.category_id,
        organization_id=ticket.organization_id,
        first_response_at=ticket.first_response_at,
        last_customer_message_at=ticket.last_customer_message_at,
        last_agent_message_at=ticket.last_agent_message_at,
        last_update_at=last_update,
        paused_for=paused,
    )


def _status_history(ticket_id: int) -> tuple[list[tuple[dt.datetime, str]], dt.datetime | None]:
    """The ticket's status changes in order (moment, status entered), and when news was last sent."""
    rows = (
        TicketEvent.objects.filter(ticket_id=ticket_id, kind__in=[*STATUS_KINDS, EventKind.STATUS_UPDATE])
        .order_by("at", "id")
        .values_list("kind", "at", "data")
    )
    history, last_update = [], None
    for kind, at, data in rows:
        if kind == EventKind.STATUS_UPDATE:
            last_update = at
        else:
            history.append((at, str((data or {}).get("after", ""))))
    return history, last_update


def service_levels_of(ticket: Ticket, cache: _Policies | None = None) -> tuple[PolicyTerms | None, Deadlines]:
    """The policy that applies to ``ticket`` as it is now, and the deadlines of its running clocks."""
    cache = cache or _Policies()
    tier = customer_tier(ticket)
    plain = _facts(ticket, [], dt.timedelta(0), tier=tier)
    policy, calendar_id = cache.policy(ticket.brand_id, plain)
    if policy is None:
        return None, Deadlines()
    calendar = cache.calendar(ticket, calendar_id)
    history, last_update = _status_history(ticket.pk)
    paused = paused_time(
        history, until=timezone.now(), pause_statuses=policy.pause_statuses, calendar=calendar
    )
    return policy, deadlines(policy, _facts(ticket, history, paused, last_update, tier), calendar)


def apply_service_levels(ticket_ids: Iterable[int]) -> int:
    """Store the current deadlines of these tickets; returns how many rows changed."""
    cache = _Policies()
    changed = 0
    for ticket_id in sorted(set(ticket_ids)):
        with transaction.atomic():
            try:
                ticket = lock_ticket(ticket_id)
            except NotFound:  # deleted meanwhile: no deadlines to keep
                continue
            policy, due = service_levels_of(ticket, cache)
            values: dict[str, Any] = {
                "sla_policy_id": policy.id if policy else None,
                "first_response_due_at": due.first_response_due_at,
                "next_response_due_at": due.next_response_due_at,
                "resolution_due_at": due.resolution_due_at,
                "next_update_due_at": due.next_update_due_at,
                "sla_due_at": due.due_at,
                "sla_warn_at": due.warn_at,
            }
            # A deadline that moved into the future is watched afresh; one that is still (or again) past keeps
            # its mark, so that a breach which raised the priority, and with it the policy, is not a second one.
            now = timezone.now()
            if due.due_at != ticket.sla_due_at and (due.due_at is None or due.due_at > now):
                values["sla_breached_at"] = None
            if due.warn_at != ticket.sla_warn_at and (due.warn_at is None or due.warn_at > now):
                values["sla_warned_at"] = None
            if all(getattr(ticket, field) == value for field, value in values.items()):
                continue
            Ticket.objects.filter(pk=ticket_id).update(**values)
            changed += 1
    return changed


def apply_service_levels_for_event(event: TicketEvent) -> None:
    apply_service_levels([event.ticket_id])


def apply_service_levels_for_events(events: Sequence[TicketEvent]) -> None:
    apply_service_levels(event.ticket_id for event in events)


# The dispatcher hands a batch of events to this instead of one event at a time.
apply_service_levels_for_event.for_events = apply_service_levels_for_events  # type: ignore[attr-defined]

_RAISED = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH, Priority.HIGH: Priority.URGENT}


def _which_clock(ticket: Ticket, moment: dt.datetime | None) -> str:
    for clock, field in (
        ("first_response", "first_response_due_at"),
        ("next_response", "next_response_due_at"),
        ("resolution", "resolution_due_at"),
    ):
        if moment is not None and getattr(ticket, field) == moment:
            return clock
    return ""


# What the scanner reads of the tickets it marks.
_MARK_FIELDS = (
    "pk", "brand_id", "priority", "version", "status", "updated_at", "sla_policy_id", "next_update_due_at",
    "sla_due_at", "sla_warn_at", "first_response_due_at", "next_response_due_at", "resolution_due_at",
)  # fmt: skip


def _announce(events: Sequence[TicketEvent]) -> None:
    """One doorbell per dispatch batch: the dispatcher takes the waiting events in batches and rings for the
    rest itself (and the sweeper finds any it missed)."""
    size = max(1, int(getattr(settings, "FRONTDESK_EVENT_BATCH_SIZE", 50)))
    for event in events[::size]:
        announce_event(event)


def _take(queryset: QuerySet[Ticket], pks: list[int]) -> list[Ticket]:
    """Lock the rows of ``pks`` that ``queryset`` still matches, in primary-key order (the order every action
    locks in), skipping rows another transaction holds: they are taken by the next pass."""
    return list(
        queryset.filter(pk__in=pks).select_for_update(skip_locked=True).order_by("pk").only(*_MARK_FIELDS)
    )


def _mark(field: str, moment_field: str, kind: EventKind, now: dt.datetime) -> list[int]:
    """Mark the tickets whose ``moment_field`` passed and ``field`` is empty, each once, with an event.

    One transaction per pass of up to ``SCAN_BATCH`` tickets: the due rows are found on their partial index,
    locked together (skipping any a worker or an agent holds right now), marked by one UPDATE and recorded by
    one INSERT of events, so the cost of a pass grows with the tickets due, not with the open ones."""
    due = Ticket.objects.filter(**{f"{moment_field}__lte": now, f"{field}__isnull": True})
    pks = list(due.order_by(moment_field).values_list("pk", flat=True)[:SCAN_BATCH])
    if not pks:
        return []
    with transaction.atomic():
        tickets = _take(due, pks)
        if not tickets:
            return []
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(**{field: now})
        events = []
        raised: dict[str, list[int]] = {}
        for ticket in tickets:
            moment = getattr(ticket, moment_field)
            # The event is stamped with the ticket's last change: this one happens now.
            ticket.updated_at = now
            clock = _which_clock(ticket, moment if kind == EventKind.SLA_BREACHED else None)
            data: dict[str, Any] = {"due_at": moment.isoformat(), "policy": ticket.sla_policy_id}
            if clock:
                data["clock"] = clock
            if kind == EventKind.SLA_BREACHED and ticket.priority in _RAISED:
                # The breach action every policy takes: the ticket moves up the agents' lists.
                after = _RAISED[Priority(ticket.priority)]
                data["priority"] = {"before": ticket.priority, "after": after}
                raised.setdefault(after, []).append(ticket.pk)
            events.append(new_event(ticket, kind, actor=SYSTEM, data=data))
        for priority, raised_pks in raised.items():
            Ticket.objects.filter(pk__in=raised_pks).update(
                priority=priority, version=F("version") + 1, updated_at=now
            )
        TicketEvent.objects.bulk_create(events)
        _announce(events)
    return [ticket.pk for ticket in tickets]


@scheduled("tickets.scan_service_levels", every=dt.timedelta(minutes=1))
def scan_service_levels() -> dict[str, list[int]]:
    """Warnings and breaches that fell due since the last pass, each marked and recorded once."""
    now = timezone.now()
    return {
        "warned": _mark("sla_warned_at", "sla_warn_at", EventKind.SLA_WARNING, now),
        "breached": _mark("sla_breached_at", "sla_due_at", EventKind.SLA_BREACHED, now),
    }


def _last_public_answers(ticket_ids: Sequence[int]) -> dict[int, str]:
    """The latest public agent answer of each ticket (one statement, on the message index per ticket)."""
    latest = (
        Message.objects.filter(ticket_id=OuterRef("pk"), kind=MessageKind.REPLY, author_kind=AuthorKind.AGENT)
        .order_by("-created_at", "-id")
        .values("body_text")[:1]
    )
    rows = (
        Ticket.objects.filter(pk__in=ticket_ids).annotate(answer=Subquery(latest)).values_list("pk", "answer")
    )
    return {pk: (text or "").strip()[:UPDATE_EXCERPT] for pk, text in rows}


@scheduled("tickets.send_status_updates", every=dt.timedelta(minutes=1))
def send_status_updates() -> list[int]:
    """Customers whose open request went longer than the brand's update interval without news get an update
    (the mail consumer sends it, in their language, with the latest public answer). Each overdue moment is
    taken once: the due rows are locked together and their moments cleared by one UPDATE, so a second worker
    finds them taken; the next moment is counted from the news sent."""
    now = timezone.now()
    due = Ticket.objects.filter(next_update_due_at__lte=now)
    pks = list(due.order_by("next_update_due_at").values_list("pk", flat=True)[:SCAN_BATCH])
    if not pks:
        return []
    with transaction.atomic():
        tickets = _take(due, pks)
        if not tickets:
            return []
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(next_update_due_at=None)
        open_tickets = [t for t in tickets if t.status in OPEN_STATUSES]
        answers = _last_public_answers([t.pk for t in open_tickets])
        events = []
        for ticket in open_tickets:
            moment = ticket.next_update_due_at  # as read under the lock, before it was cleared
            ticket.updated_at = now  # stamps the event; news sent is not an edit of the ticket
            data = {"due_at": moment.isoformat() if moment else "", "last_answer": answers.get(ticket.pk, "")}
            events.append(new_event(ticket, EventKind.STATUS_UPDATE, actor=SYSTEM, data=data))
        TicketEvent.objects.bulk_create(events)
        _announce(events)
    return [ticket.pk for ticket in open_tickets]
