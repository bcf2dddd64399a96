"""Row locks for tickets, always taken in one order: the ticket before its children, lower ids first."""

from __future__ import annotations

from django.utils.translation import gettext as _

from frontdesk.core.errors import NotFound, TicketChanged
from frontdesk.tickets.models import Ticket


def lock_ticket(ticket_id: int) -> Ticket:
    """Re-read and lock a ticket for the rest of the transaction (SQLite serialises writers instead)."""
    try:
        return Ticket.objects.select_for_update(of=("self",)).select_related("brand").get(pk=ticket_id)
    except Ticket.DoesNotExist:
        raise NotFound("ticket") from None


def lock_tickets(ticket_ids: list[int]) -> list[Ticket]:
    return [lock_ticket(pk) for pk in sorted(set(ticket_ids))]


def check_version(ticket: Ticket, version: int | None) -> None:
    """Refuse an edit made on a stale copy: agents send the ``version`` they saw (None skips the check)."""
    if version is not None and version != ticket.version:
        raise TicketChanged(
            _("The ticket is at version %(current)d, not %(sent)d; reload it.")
            % {"current": ticket.version, "sent": version},
            current=ticket.version,
        )
