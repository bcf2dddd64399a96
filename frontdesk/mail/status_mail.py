"""The status mail: a customer is told when their request moves into a status the brand chose to mail
(``Brand.customer_status_mail``), in their language.

Planned by ``outbound`` for the events that change a status (``status_changed``, ``solved``, ``closed``,
``reopened``; each records ``{"before": ..., "after": ...}``), once per (event, recipient). No status mail:

- for a change the customer made (they closed, reopened or answered and so reopened the request);
- for a change that came with an agent's public reply (one step, "send and set pending"): the reply is the news;
- for ``solved`` when the rating request goes out for the same event: that mail says the request is solved;
- when the request has moved on to another status before the mail is planned;
- to customers not answered by mail (chat, social networks), without an address; to a suppressed address or
  over the automatic-mail cap the row is kept as skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import translation

from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.customer_mail import plan_automatic_mail
from frontdesk.mail.models import OutboundMessage
from frontdesk.tickets.choices import AuthorKind, EventKind, MessageKind, Status
from frontdesk.tickets.customer_words import customer_status_label
from frontdesk.tickets.models import Message, Ticket, TicketEvent, TicketRating
from frontdesk.users.choices import ActorKind

if TYPE_CHECKING:
    from frontdesk.mail.outbound import _Facts

# The status an event of each kind moves to, when its data does not say.
_AFTER = {
    EventKind.SOLVED: Status.SOLVED,
    EventKind.CLOSED: Status.CLOSED,
    EventKind.REOPENED: Status.OPEN,
}
_STATUS_KINDS = (EventKind.STATUS_CHANGED, EventKind.SOLVED, EventKind.CLOSED, EventKind.REOPENED)
# A status a ticket can move into: every status but "new". The brand form offers these.
MAILABLE_STATUSES = tuple(status for status in Status if status != Status.NEW)
EXCERPT = 2000


def status_facts(
    events: Sequence[TicketEvent],
) -> tuple[set[int], set[tuple[int, object]], dict[int, str]]:
    """For a batch of events: the tickets already rated (of the ``solved`` events), the (ticket, moment) of
    agent replies made in the same step as a status change, and the latest public agent answer of the tickets
    a reminder is for. No query for a kind of event the batch does not have."""
    solved = sorted({e.ticket_id for e in events if e.kind == EventKind.SOLVED})
    rated = (
        set(TicketRating.objects.filter(ticket_id__in=solved).values_list("ticket_id", flat=True))
        if solved
        else set()
    )
    changes = [e for e in events if e.kind in _STATUS_KINDS and e.actor_kind != ActorKind.CUSTOMER]
    replied_at: set[tuple[int, object]] = set()
    if changes:
        replied_at = set(
            TicketEvent.objects.filter(
                ticket_id__in=sorted({e.ticket_id for e in changes}),
                kind=EventKind.REPLIED,
                at__in=sorted({e.at for e in changes}),
            ).values_list("ticket_id", "at")
        )
    reminded = sorted(
        {e.ticket_id for e in events if e.kind == EventKind.REMINDER_SENT and "last_answer" not in e.data}
    )
    last_answers: dict[int, str] = {}
    if reminded:
        agent_replies = Message.objects.filter(
            ticket_id__in=reminded, kind=MessageKind.REPLY, author_kind=AuthorKind.AGENT
        )
        latest = agent_replies.values("ticket_id").annotate(last=Max("id")).values_list("last", flat=True)
        last_answers = {
            ticket_id: (text or "").strip()[:EXCERPT]
            for ticket_id, text in Message.objects.filter(pk__in=list(latest)).values_list(
                "ticket_id", "body_text"
            )
        }
    return rated, replied_at, last_answers


def status_after(event: TicketEvent) -> str:
    """The status the event moved the ticket into ("" when it does not say)."""
    after = (event.data or {}).get("after") or _AFTER.get(EventKind(event.kind), "")
    return str(after) if after in Status.values else ""


def mailed_statuses(brand_value: object) -> set[str]:
    """The statuses a brand mails, from its ``customer_status_mail`` (unknown values ignored)."""
    if not isinstance(brand_value, list):
        return set()
    return {str(value) for value in brand_value if value in Status.values}


def plan_status_changed(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The status mail for one status event, if the brand mails that status (see the module's rules)."""
    after = status_after(event)
    if not after or after not in mailed_statuses(ticket.brand.customer_status_mail):
        return None
    if event.actor_kind == ActorKind.CUSTOMER or (ticket.pk, event.at) in facts.replied_at:
        return None
    if ticket.status != after:
        return None
    before = str((event.data or {}).get("before") or "")

    def labels(language: str) -> dict[str, str]:
        with translation.override(language):
            return {
                "status": customer_status_label(after),
                "status_code": after,
                "previous_status": customer_status_label(before),
            }

    return plan_automatic_mail(
        event, ticket, facts, kind=OutboundKind.STATUS_CHANGED, template="status_changed", context=labels
    )
