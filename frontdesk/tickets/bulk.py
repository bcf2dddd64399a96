"""One change applied to many tickets from a queue, through the same actions a single ticket uses.

Each ticket is changed in its own transaction, so one refusal (a closed ticket, an assignee of another brand)
leaves the others done and is reported with its reason. Ids the agent may not see are dropped before anything
is read or written: they are reported as a count of skipped tickets, never by number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import ngettext

from frontdesk.core.errors import DomainError, InvalidInput
from frontdesk.tickets.actions import assign_ticket, change_status, update_ticket
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.merging import merge_tickets
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.queries import tickets_visible_to
from frontdesk.users.actors import Actor

MAX_BULK = 100


class BulkKind(StrEnum):
    ASSIGN = "assign"
    STATUS = "status"
    PRIORITY = "priority"
    CATEGORY = "category"
    ADD_TAG = "add_tag"
    REMOVE_TAG = "remove_tag"
    # Merge every ticked ticket into one ticket (the value), which is left out if ticked too.
    MERGE = "merge"


@dataclass(frozen=True)
class BulkChange:
    """What to do to every selected ticket; ``value`` is an agent (or None), a status, a priority, a
    category (or None) or a tag, according to ``kind``."""

    kind: BulkKind
    value: Any = None


@dataclass
class BulkOutcome:
    changed: list[Ticket] = field(default_factory=list)
    # Selected tickets the change left as they were (already assigned to that agent, already tagged ...).
    unchanged: list[Ticket] = field(default_factory=list)
    # (ticket, reason) for each refusal.
    failed: list[tuple[Ticket, str]] = field(default_factory=list)
    # Ids that are missing or not the agent's to see.
    skipped: int = 0


def bulk_targets(actor: Actor, ticket_ids: Sequence[int]) -> tuple[list[Ticket], int]:
    """The selected tickets the agent may see, in number order, and how many ids were dropped. Bulk changes
    are the agents' tool: customers (whose requester rights allow closing their own ticket) get none."""
    ids = sorted({pk for pk in ticket_ids if 0 < pk < 2**63})
    if len(set(ticket_ids)) > MAX_BULK:
        raise InvalidInput(
            ngettext("At most %(limit)d ticket at once.", "At most %(limit)d tickets at once.", MAX_BULK)
            % {"limit": MAX_BULK},
            field="tickets",
        )
    if not (actor.is_agent or actor.is_system):
        return [], len(set(ticket_ids))
    tickets = list(tickets_visible_to(actor).filter(pk__in=ids).select_related("assignee").order_by("number"))
    return tickets, len(set(ticket_ids)) - len(tickets)


def _apply(ticket: Ticket, change: BulkChange, actor: Actor) -> Ticket:
    kind, value = change.kind, change.value
    if kind == BulkKind.MERGE:
        merge_tickets(ticket, into=value, actor=actor)
        return Ticket.objects.get(pk=ticket.pk)
    if kind == BulkKind.ASSIGN:
        return assign_ticket(ticket, actor=actor, assignee=value)
    if kind == BulkKind.STATUS:
        return change_status(ticket, actor=actor, status=value)
    if kind == BulkKind.PRIORITY:
        return update_ticket(ticket, actor=actor, priority=value)
    if kind == BulkKind.CATEGORY:
        return update_ticket(ticket, actor=actor, category=value)
    tags = list(ticket.tags)
    if kind == BulkKind.ADD_TAG and value not in tags:
        tags.append(value)
    elif kind == BulkKind.REMOVE_TAG and value in tags:
        tags.remove(value)
    else:
        return ticket
    return update_ticket(ticket, actor=actor, tags=tags)


def bulk_change(actor: Actor, ticket_ids: Sequence[int], change: BulkChange) -> BulkOutcome:
    """Apply ``change`` to each visible selected ticket, one transaction and one event per ticket changed."""
    if change.kind in (BulkKind.ADD_TAG, BulkKind.REMOVE_TAG):
        change = BulkChange(change.kind, str(change.value or "").strip().lower())
    if change.kind == BulkKind.MERGE:
        # The ticket the others go into is not merged into itself.
        ticket_ids = [pk for pk in ticket_ids if pk != change.value.pk]
    tickets, skipped = bulk_targets(actor, ticket_ids)
    outcome = BulkOutcome(skipped=skipped)
    for ticket in tickets:
        try:
            with transaction.atomic():
                # Locked before reading: the tag list is changed from its current value, not the page's.
                current = lock_ticket(ticket.pk)
                after = _apply(current, change, actor)
        except DomainError as error:
            outcome.failed.append((ticket, error.detail))
            continue
        (outcome.changed if after.version != current.version else outcome.unchanged).append(after)
    return outcome
