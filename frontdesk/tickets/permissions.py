"""Capabilities on tickets. Visibility is the job of ``queries``; these say what a visible ticket allows."""

from __future__ import annotations

from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import Actor


def can_create_ticket(actor: Actor, brand_id: int, customer_id: int) -> bool:
    if actor.serves(brand_id):
        return True
    return actor.is_customer and actor.customer_ids.get(brand_id) == customer_id


def can_work_on(actor: Actor, ticket: Ticket) -> bool:
    """Agents of the ticket's brand (and the system) edit, note, assign and escalate."""
    return actor.serves(ticket.brand_id)


def is_requester(actor: Actor, ticket: Ticket) -> bool:
    """The customer who filed the ticket, or a manager of its organization."""
    if not actor.is_customer:
        return False
    return actor.customer_ids.get(ticket.brand_id) == ticket.customer_id or (
        ticket.organization_id is not None and ticket.organization_id in actor.managed_organization_ids
    )


def can_reply(actor: Actor, ticket: Ticket) -> bool:
    return can_work_on(actor, ticket) or is_requester(actor, ticket)
