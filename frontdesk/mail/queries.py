"""Scoped reads of the mail app: the mail we sent on a ticket, and how a stored mail body reads.

Missing and not-yours both raise ``NotFound``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext_noop

from frontdesk.core.errors import NotFound
from frontdesk.core.html import html_to_text, safe_html, text_to_html
from frontdesk.mail.models import InboundMessage, OutboundMessage
from frontdesk.mail.parse import ParseError, parse_message
from frontdesk.mail.quotes import quote_start
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.queries import can_see_ticket, timeline_messages_visible_to
from frontdesk.users.actors import Actor

# What the delivery of a mail shows; the bodies stay in the database.
_DELIVERY_FIELDS = (
    "id",
    "brand_id",
    "ticket_id",
    "event_id",
    "source_message_id",
    "kind",
    "recipient",
    "status",
    "reason",
    "attempts",
    "next_attempt_at",
    "claimed_until",
    "last_error",
    "created_at",
    "sent_at",
)


def outbound_visible_to(actor: Actor) -> QuerySet[OutboundMessage]:
    """Agents: the mail sent for the brands they serve. Customers and everyone else: nothing."""
    qs = OutboundMessage.objects.only(*_DELIVERY_FIELDS)
    if actor.is_system:
        return qs
    if actor.is_agent:
        return qs.filter(actor.brand_scope())
    return qs.none()


def outbound_for_ticket(actor: Actor, ticket: Ticket) -> list[OutboundMessage]:
    """Every mail sent for a visible ticket, oldest first, in one query."""
    if not (actor.is_agent or actor.is_system) or not can_see_ticket(actor, ticket):
        return []
    return list(outbound_visible_to(actor).filter(ticket_id=ticket.pk).order_by("id"))


def access_outbound(actor: Actor, ticket: Ticket, outbound_id: int) -> OutboundMessage:
    """A mail sent for ``ticket`` (already scoped by the caller), if the actor may see it."""
    if not (actor.is_agent or actor.is_system) or not can_see_ticket(actor, ticket):
        raise NotFound(gettext_noop("mail"))
    try:
        return outbound_visible_to(actor).get(pk=outbound_id, ticket_id=ticket.pk)
    except OutboundMessage.DoesNotExist:
        raise NotFound(gettext_noop("mail")) from None


# --- How a stored body reads ----------------------------------------------------------------------------

# Cut points: after a block ends or a line breaks, and before a quotation starts.
_CUT = re.compile(
    r"</(?:p|div|li|tr|h[1-6]|pre|blockquote|table)\s*>|<br\s*/?>|(?=<blockquote\b)", re.IGNORECASE
)
_OPEN_QUOTE = re.compile(r"<blockquote\b", re.IGNORECASE)
_CLOSE_QUOTE = re.compile(r"</blockquote\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Body:
    """A message body as the desk shows it: the new text, and the quoted history to fold away."""

    new: SafeString
    quoted: SafeString


def split_quoted_history(body_html: str) -> Body:
    """Split a (sanitized) body where the quoted history of earlier mail starts: "On … wrote:", an Outlook
    header block, "-----Original Message-----", ``>`` lines or a ``<blockquote>``.

    Lines inside a ``<blockquote>`` count as ``>`` lines. When nothing new precedes the history (a mail that
    starts with a quote), nothing is folded. Both parts are sanitized again, so a cut never leaves open tags.
    """
    segments: list[str] = []
    start = 0
    for match in _CUT.finditer(body_html):
        if match.end() > start:
            segments.append(body_html[start : match.end()])
            start = match.end()
    if start < len(body_html):
        segments.append(body_html[start:])
    lines: list[str] = []
    owner: list[int] = []
    depth = 0
    for index, segment in enumerate(segments):
        depth += len(_OPEN_QUOTE.findall(segment))
        for line in html_to_text(segment).splitlines() or [""]:
            lines.append(("> " + line) if depth > 0 and line.strip() else line)
            owner.append(index)
        depth = max(depth - len(_CLOSE_QUOTE.findall(segment)), 0)
    first = quote_start(lines)
    if first is None or not any(line.strip() for line in lines[:first]):
        return Body(new=safe_html(body_html), quoted=SafeString(""))
    cut = owner[first]
    return Body(new=safe_html("".join(segments[:cut])), quoted=safe_html("".join(segments[cut:])))


def left_out_history(actor: Actor, ticket: Ticket, message_id: int) -> SafeString:
    """The quoted history that a mail's answer carried and its message left out (``Message.history_left_out``),
    read again from the raw mail; the whole mail when no quote is found in it. The message is one of the
    ticket's timeline (merged tickets included) as the actor sees it; ``NotFound`` otherwise."""
    visible = timeline_messages_visible_to(actor, ticket).filter(pk=message_id, history_left_out=True)
    raw = (
        InboundMessage.objects.filter(ticket_message__in=visible.values("pk"))
        .values_list("raw", flat=True)
        .first()
    )
    if raw is None:
        raise NotFound(gettext_noop("message"))
    try:
        parsed = parse_message(bytes(raw))
    except ParseError:
        raise NotFound(gettext_noop("message")) from None
    html = safe_html(parsed.html) if parsed.html.strip() else SafeString(text_to_html(parsed.text))
    body = split_quoted_history(html)
    return body.quoted or body.new
