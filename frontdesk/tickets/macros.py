"""Macros: several changes to a ticket in one click, through the same actions as one change each.

A macro sets the status, priority, category and team, adds tags, and puts a canned answer into the reply box
or sends it as the reply. All of it happens in one transaction with one event per change; a macro applied
on an outdated page is refused as a whole (``TicketChanged``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput, NotFound, require
from frontdesk.tickets.actions import reply_to_ticket, update_ticket
from frontdesk.tickets.canned import render_canned
from frontdesk.tickets.choices import Priority, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.locks import check_version, lock_ticket
from frontdesk.tickets.models import Category, Macro, MacroAnswerMode, Message, Ticket
from frontdesk.tickets.permissions import can_work_on
from frontdesk.users.actors import Actor
from frontdesk.users.models import Team


@dataclass(frozen=True)
class MacroOutcome:
    ticket: Ticket
    # The rendered answer to put into the reply box (mode "insert"), else empty.
    answer_text: str = ""
    # The reply sent (mode "send").
    message: Message | None = None


def macros_for(actor: Actor, ticket: Ticket) -> list[Macro]:
    """The active macros of the ticket's brand, in their order."""
    if not can_work_on(actor, ticket):
        return []
    return list(Macro.objects.filter(brand_id=ticket.brand_id, is_active=True))


def access_macro(actor: Actor, ticket: Ticket, macro_id: int) -> Macro:
    """An active macro of the ticket's brand; another brand's, an inactive or a missing one is NotFound."""
    require(can_work_on(actor, ticket))
    try:
        return Macro.objects.select_related("canned_answer").get(
            pk=macro_id, brand_id=ticket.brand_id, is_active=True
        )
    except Macro.DoesNotExist:
        raise NotFound("macro") from None


def _changes(ticket: Ticket, macro: Macro, *, status_with_reply: bool) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if macro.status and not status_with_reply:
        changes["status"] = macro.status
    if macro.priority:
        changes["priority"] = macro.priority
    if macro.category_id is not None:
        changes["category"] = macro.category
    if macro.team_id is not None:
        changes["team"] = macro.team
    new_tags = [tag for tag in macro.tag_list if tag not in ticket.tags]
    if new_tags:
        changes["tags"] = [*ticket.tags, *new_tags]
    return changes


@transaction.atomic
def apply_macro(ticket: Ticket, *, actor: Actor, macro: Macro, version: int | None = None) -> MacroOutcome:
    """Apply ``macro`` to ``ticket``: one transaction, one event per change, the version checked once."""
    ticket = lock_ticket(ticket.pk)
    require(can_work_on(actor, ticket))
    check_version(ticket, version)
    if macro.brand_id != ticket.brand_id or not macro.is_active:
        raise NotFound("macro")
    answer = macro.canned_answer
    if answer is not None and (answer.brand_id not in (None, ticket.brand_id) or not answer.is_active):
        raise InvalidInput(_("The macro's answer is not available for this ticket."), field="macro")
    sends = answer is not None and macro.answer_mode == MacroAnswerMode.SEND
    changes = _changes(ticket, macro, status_with_reply=sends)
    if changes:
        ticket = update_ticket(ticket, actor=actor, **changes)
    if answer is None:
        return MacroOutcome(ticket)
    text = render_canned(answer, ticket=ticket, actor=actor)
    if not sends:
        return MacroOutcome(ticket, answer_text=text)
    # The reply goes out first and sets the status in the same step, as "send and set pending" does.
    message = reply_to_ticket(ticket, actor=actor, body=make_body(text=text), status=macro.status or None)
    return MacroOutcome(lock_ticket(ticket.pk), message=message)


@transaction.atomic
def create_macro(
    brand_id: int,
    *,
    actor: Actor,
    name: str,
    status: str = "",
    priority: str = "",
    category: Category | None = None,
    team: Team | None = None,
    add_tags: Sequence[str] = (),
    canned_answer: Any = None,
    answer_mode: str = MacroAnswerMode.INSERT,
    position: int = 0,
) -> Macro:
    """A new macro of a brand, checked as the admin checks it."""
    require(actor.administers(brand_id))
    if status and status not in Status.values or priority and priority not in Priority.values:
        raise InvalidInput(_("Unknown status or priority."), field="status")
    macro = Macro(
        brand_id=brand_id,
        name=name.strip()[:120],
        status=status,
        priority=priority,
        category=category,
        team=team,
        add_tags=", ".join(add_tags),
        canned_answer=canned_answer,
        answer_mode=answer_mode,
        position=position,
    )
    macro.full_clean()
    macro.save()
    return macro
