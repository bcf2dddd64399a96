"""Writes on a ticket from a live chat: the first response an agent gave in the chat, and the transcript.

The chat's own messages live in ``chat``; the ticket learns of them through these two actions only. The
transcript is a public message on channel ``chat``: mail leaves it alone (the visitor read it in the chat).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import require
from frontdesk.tickets.actions import _add_message, _save, _set_status
from frontdesk.tickets.choices import Channel, EventKind, MessageKind, Status
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.events import record_event
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import Message, Ticket
from frontdesk.tickets.permissions import can_work_on
from frontdesk.users.actors import Actor
from frontdesk.users.choices import ActorKind


@transaction.atomic
def record_chat_response(ticket: Ticket, *, actor: Actor, session_id: int) -> bool:
    """The agent's first answer in the chat is the ticket's first response (the SLA clock stops); a new ticket
    becomes open. Later answers change nothing. True when this was the first."""
    require(can_work_on(actor, ticket))
    ticket = lock_ticket(ticket.pk)
    if ticket.first_response_at is not None:
        return False
    ticket.updated_at = timezone.now()
    ticket.first_response_at = ticket.last_agent_message_at = ticket.updated_at
    fields = {"first_response_at", "last_agent_message_at"}
    if ticket.status == Status.NEW:
        _set_status(ticket, Status.OPEN, actor=actor, fields=fields)
    # Its consumers work the service levels out again; there is no ticket message to mail.
    _record_replied(ticket, actor=actor, data={"chat": session_id, "first_response": True})
    _save(ticket, fields)
    return True


def _record_replied(ticket: Ticket, *, actor: Actor, data: dict[str, Any]) -> None:
    record_event(ticket, EventKind.REPLIED, actor=actor, data=data)


@transaction.atomic
def add_chat_transcript(
    ticket: Ticket,
    *,
    text: str,
    session_id: int,
    attachments: Sequence[AttachmentIn] = (),
    label: str = "",
) -> Message:
    """The whole conversation as one public message of the ticket (channel ``chat``, no mail), written by the
    system when the chat ends. A closed ticket keeps it too: it is the record of what was said."""
    ticket = lock_ticket(ticket.pk)
    ticket.updated_at = timezone.now()
    limit = settings.FRONTDESK_MAX_BODY_CHARS
    if len(text) > limit:
        text = text[: limit - 2] + "\n…"
    author = Actor(kind=ActorKind.SYSTEM, label=label or _("Live chat"))
    message = _add_message(
        ticket,
        actor=author,
        kind=MessageKind.REPLY,
        body=make_body(text=text or "-", field="transcript"),
        channel=Channel.CHAT,
        attachments=attachments,
    )
    _record_replied(
        ticket,
        actor=author,
        data={"message": message.pk, "automatic": True, "transcript": True, "chat": session_id},
    )
    _save(ticket, set())
    return message
