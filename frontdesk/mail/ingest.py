"""Turn a routed mail into ticket changes through ``tickets.actions``, and mark it done in the same transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.core.language import guess_language
from frontdesk.mail.actions import mark_processed, record_bounce
from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.models import InboundMessage
from frontdesk.mail.parsed import ParsedMail
from frontdesk.mail.route import Lookups, Route, RouteKind, is_automatic, sender_of
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.actions import MAX_ATTACHMENTS, MAX_SUBJECT, AttachmentIn, Body, make_body
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.models import Message, Ticket
from frontdesk.users.actions import create_or_find_customer
from frontdesk.users.actors import SYSTEM, actor_for_customer
from frontdesk.users.choices import ContactKind
from frontdesk.users.contacts import normalize_email
from frontdesk.users.models import Customer


class Quarantine(Exception):
    """Routing decided the mail cannot be processed as it is; ``reason`` is the stable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


def _subject(parsed: ParsedMail) -> str:
    subject = " ".join((parsed.subject or "").split())
    return subject[:MAX_SUBJECT] or _("(no subject)")


def _body(parsed: ParsedMail, *, new_text_only: bool, prefix: str = "") -> Body:
    """The message as agents read it: for answers the new text only (the raw mail keeps the history)."""
    limit = settings.FRONTDESK_MAX_BODY_CHARS
    text = (parsed.visible_text if new_text_only and parsed.visible_text.strip() else parsed.text) or ""
    html = "" if (prefix or new_text_only and parsed.visible_text.strip()) else parsed.html
    if prefix:
        text = f"{prefix}\n\n{text}"
    if len(html) > limit * 2:
        html = ""
    text = text[:limit]
    if not text.strip() and not html.strip():
        text = prefix or _("(The mail has no text.)")
    try:
        return make_body(text=text, html=html)
    except Exception:  # noqa: BLE001 - HTML that sanitizes to nothing falls back to the text
        return make_body(text=text.strip() or _("(The mail has no text.)"))


def _history_left_out(parsed: ParsedMail, *, new_text_only: bool) -> bool:
    """Whether ``_body`` leaves quoted history (or a signature) of the mail out of the message."""
    visible = parsed.visible_text.strip()
    return new_text_only and bool(visible) and visible != (parsed.text or "").strip()


def _attachments(parsed: ParsedMail) -> list[AttachmentIn]:
    return [
        AttachmentIn(filename=a.filename or "attachment", content_type=a.content_type, data=a.data)
        for a in parsed.attachments
    ]


def _add_extra_attachments(ticket: Ticket, extra: list[AttachmentIn]) -> None:
    """Mail may carry more attachments than one message holds: the rest go on notes, none is dropped."""
    for start in range(0, len(extra), MAX_ATTACHMENTS):
        ticket_actions.add_note(
            ticket,
            actor=SYSTEM,
            body=make_body(text=_("More attachments of the same mail.")),
            attachments=extra[start : start + MAX_ATTACHMENTS],
        )


def _customer(route: Route, parsed: ParsedMail, inbound: InboundMessage, lookups: Lookups | None) -> Customer:
    if route.customer is not None:
        return route.customer
    # Routing looked the sender up a moment ago and found no one. A new customer is answered in the language
    # they wrote in, when the brand offers it.
    written = f"{parsed.subject or ''}\n{parsed.visible_text or parsed.text or ''}"
    address = normalize_email(sender_of(parsed))
    customer = create_or_find_customer(
        inbound.brand,
        actor=SYSTEM,
        kind=ContactKind.EMAIL,
        value=address,
        name=(parsed.from_.name or "")[:200],
        language=guess_language(written, inbound.brand.languages or []),
    )
    if lookups is not None:
        # The next mail of the same sender in this batch finds them, once this mail's transaction committed.
        lookups.remember_customer(customer, address)
    return customer


def ingest_message(
    inbound: InboundMessage,
    parsed: ParsedMail,
    route: Route,
    *,
    parser_version: str = "",
    savepoint: bool = True,
    lookups: Lookups | None = None,
) -> InboundStatus:
    """Apply ``route``; the message is marked ingested (or ignored) in the same transaction.

    Returns the status it ended in. ``savepoint=False`` when the caller's transaction holds nothing else.
    """
    with transaction.atomic(savepoint=savepoint):
        return _ingest(inbound, parsed, route, parser_version=parser_version, lookups=lookups)


def _ingest(
    inbound: InboundMessage, parsed: ParsedMail, route: Route, *, parser_version: str, lookups: Lookups | None
) -> InboundStatus:
    common: dict[str, Any] = {
        "parser_version": parser_version,
        "sender": sender_of(parsed),
        "subject": _subject(parsed),
        "is_automatic": is_automatic(parsed),
    }
    if route.kind == RouteKind.QUARANTINE:
        raise Quarantine(route.reason)
    if route.kind == RouteKind.IGNORE:
        mark_processed(inbound, status=InboundStatus.IGNORED, reason=route.reason, **common)
        return InboundStatus.IGNORED
    if route.kind == RouteKind.BOUNCE:
        assert route.outbound is not None
        assert parsed.bounce is not None
        record_bounce(
            route.outbound,
            recipient=parsed.bounce.recipient,
            permanent=parsed.bounce.permanent,
            status=parsed.bounce.status,
            diagnostic=parsed.bounce.diagnostic,
        )
        mark_processed(inbound, status=InboundStatus.INGESTED, reason="bounce", ticket=route.ticket, **common)
        return InboundStatus.INGESTED

    attachments = _attachments(parsed)
    first, extra = attachments[:MAX_ATTACHMENTS], attachments[MAX_ATTACHMENTS:]
    ticket: Ticket
    message: Message
    if route.kind in (RouteKind.NEW_TICKET, RouteKind.FOLLOW_UP):
        customer = _customer(route, parsed, inbound, lookups)
        ticket = ticket_actions.create_ticket(
            inbound.brand,
            actor=actor_for_customer(customer),
            customer=customer,
            subject=_subject(parsed),
            body=_body(parsed, new_text_only=route.kind == RouteKind.FOLLOW_UP),
            channel=Channel.EMAIL,
            attachments=first,
            follow_up_of=route.ticket if route.kind == RouteKind.FOLLOW_UP else None,
        )
        message = ticket_actions.first_message(ticket)
    elif route.kind == RouteKind.REPLY:
        assert route.ticket is not None
        assert route.customer is not None
        ticket = route.ticket
        message = ticket_actions.reply_to_ticket(
            ticket,
            actor=actor_for_customer(route.customer),
            body=_body(parsed, new_text_only=True),
            attachments=first,
            channel=Channel.EMAIL,
        )
    else:
        assert route.ticket is not None
        ticket = route.ticket
        sender = parsed.from_.address
        if route.kind == RouteKind.AUTO_REPLY:
            prefix = _("Automatic reply from %(sender)s:") % {"sender": sender}
        else:
            prefix = _("Mail from %(sender)s, who is not a participant of this ticket (for review):") % {
                "sender": sender
            }
        message = ticket_actions.add_note(
            ticket, actor=SYSTEM, body=_body(parsed, new_text_only=False, prefix=prefix), attachments=first
        )
    if _history_left_out(parsed, new_text_only=route.kind in (RouteKind.FOLLOW_UP, RouteKind.REPLY)):
        Message.objects.filter(pk=message.pk).update(history_left_out=True)
    if extra:
        _add_extra_attachments(ticket, extra)
    mark_processed(
        inbound,
        status=InboundStatus.INGESTED,
        reason=route.reason,
        ticket=ticket,
        message=message,
        **common,
    )
    return InboundStatus.INGESTED
