"""Mail we send: planned per (event, recipient), rendered from templates, sent by the worker after commit.

This module is the only place that hands mail to Django's mail backend.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections import Counter
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.template.loader import select_template
from django.utils import timezone, translation

from frontdesk.brands.models import Brand
from frontdesk.brands.texts import signature_for, text_for_language
from frontdesk.core.errors import PermanentError, TransientError
from frontdesk.core.html import safe_html
from frontdesk.core.work import claim_batch
from frontdesk.mail.choices import InboundStatus, OutboundKind, OutboundStatus
from frontdesk.mail.mail_templates import render_stored
from frontdesk.mail.models import InboundMessage, MailTemplate, OutboundMessage, Suppression
from frontdesk.mail.sources.addresses import plus_address_bases, ticket_reply_address
from frontdesk.tickets.access_links import ACCESS_LINK_MINUTES, access_link_token
from frontdesk.tickets.choices import AuthorKind, CallDirection, Channel, EventKind, MessageKind, Status
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.actions import signin_link_token
from frontdesk.users.choices import ActorKind

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "ru", "pl")
MAX_REFERENCES = 20
# Channels whose customers are answered somewhere else (the chat window, the social network).
_NOT_BY_MAIL = {Channel.CHAT, Channel.SOCIAL}
SEND_LEASE = timedelta(minutes=2)


def _by_mail(ticket: Ticket, message: Message) -> bool:
    """Whether an agent's reply goes by mail. A chat's ticket is answered in the chat (its messages and the
    transcript are on channel chat); a reply written elsewhere (the desk's reply box, after the chat ended)
    goes by mail like any other."""
    if ticket.channel == Channel.CHAT:
        return message.channel != Channel.CHAT
    return ticket.channel not in _NOT_BY_MAIL


# --- Addresses, ids and links ---------------------------------------------------------------------------


def brand_address(brand: Brand) -> str:
    return str((brand.sender_addresses or [settings.DEFAULT_FROM_EMAIL])[0])


def sender_for(brand: Brand, language: str) -> str:
    """The From header of mail in ``language``: the brand's sender for it (``Brand.mail_from``), else the brand
    name and its first sender address."""
    name, address = parseaddr(text_for_language(brand.mail_from, brand, language))
    if address:
        return formataddr((name or brand.name, address))
    return formataddr((brand.name, brand_address(brand)))


def brand_domain(brand: Brand) -> str:
    return brand_address(brand).rpartition("@")[2] or "localhost"


def new_message_id(ticket: Ticket) -> str:
    """Our Message-ID (without brackets): the ticket number, a random part and the brand's domain."""
    return f"{ticket.number}.{secrets.token_hex(8)}@{brand_domain(ticket.brand)}"


def portal_url(brand: Brand) -> str:
    """Links in mail use the brand's own address, never a request's host."""
    if brand.portal_host:
        return f"https://{brand.portal_host}/"
    return f"{settings.SITE_URL.rstrip('/')}/portal/{brand.slug}/"


def ticket_url(ticket: Ticket) -> str:
    return f"{portal_url(ticket.brand)}tickets/{ticket.number}/"


def subject_with_number(subject: str, number: str) -> str:
    tag = f"[{number}]"
    return subject if tag in subject else f"{subject} {tag}".strip()


def _threads(ticket_ids: Sequence[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Ticket id → (Message-IDs of the mail we received on it, of the mail we sent on it), oldest first."""
    threads: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in ticket_ids}
    if not ticket_ids:
        return threads
    received = (
        InboundMessage.objects.filter(ticket_id__in=ticket_ids, status=InboundStatus.INGESTED)
        .exclude(message_id="")
        .order_by("id")
        .values_list("ticket_id", "message_id")
    )
    for ticket_id, message_id in received:
        threads[ticket_id][0].append(message_id)
    sent = (
        OutboundMessage.objects.filter(ticket_id__in=ticket_ids)
        .order_by("id")
        .values_list("ticket_id", "message_id")
    )
    for ticket_id, message_id in sent:
        threads[ticket_id][1].append(message_id)
    return threads


def _thread_of(received: list[str], sent: list[str]) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest mail, else our latest) and References, oldest first."""
    in_reply_to = received[-1] if received else (sent[-1] if sent else "")
    references = list(dict.fromkeys([*received[:1], *sent, *received]))[-MAX_REFERENCES:]
    return in_reply_to, references


# --- Rendering ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(
    name: str, *, brand: Brand, language: str, context: dict[str, object], facts: _Facts | None = None
) -> Rendered:
    """The brand's active stored template (``MailTemplate``) for the language, else for its default language;
    without one, ``mail/<name>.<lang>.subject.txt`` / ``.body.txt`` / ``.body.html``, which a brand may override
    under ``mail/<brand slug>/``. One query for the stored template."""
    language = language if language in LANGUAGES else "en"
    stored = facts.template(name, brand, language) if facts else _stored_template(name, brand, language)
    if stored is not None:
        try:
            with translation.override(stored.language):
                subject, text, html = render_stored(stored, context)
        except Exception:  # a broken stored template must not stop the mail: the file template goes out
            logger.warning(
                "Mail template %s (%s, %s) of brand %s failed; using the file template",
                stored.pk,
                name,
                stored.language,
                brand.slug,
                exc_info=True,
            )
        else:
            return Rendered(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html.strip())
    parts = []
    with translation.override(language):
        for part in ("subject.txt", "body.txt", "body.html"):
            template = select_template(
                [
                    f"mail/{brand.slug}/{name}.{language}.{part}",
                    f"mail/{name}.{language}.{part}",
                    f"mail/{name}.en.{part}",
                ]
            )
            parts.append(template.render(context))
    subject = " ".join(parts[0].split())
    return Rendered(subject=subject, text=parts[1].strip() + "\n", html=parts[2].strip())


def _stored_template(name: str, brand: Brand, language: str) -> MailTemplate | None:
    """The brand's active template in ``language``, else in the brand's default language."""
    languages = list(dict.fromkeys([language, brand.default_language]))
    found = {
        template.language: template
        for template in MailTemplate.objects.filter(
            brand_id=brand.pk, name=name, language__in=languages, is_active=True
        )
    }
    return next((found[code] for code in languages if code in found), None)


# --- Planning -------------------------------------------------------------------------------------------


# Automatic mail to customers: the kinds counted together against ``FRONTDESK_MAIL_AUTOMATIC_PER_HOUR`` per
# (brand, address), so that no run of events floods one address. Agent replies are never capped.
CUSTOMER_AUTOMATIC_KINDS = (
    OutboundKind.ACKNOWLEDGEMENT,
    OutboundKind.STATUS_UPDATE,
    OutboundKind.STATUS_CHANGED,
    OutboundKind.REMINDER,
    OutboundKind.SATISFACTION,
    OutboundKind.ACCESS_LINK,
    OutboundKind.AUTOMATION,
)
# Kinds a stranger's mail or a visitor's form can start: each also capped on its own by
# ``FRONTDESK_MAIL_ACKS_PER_HOUR`` (a loop with an autoresponder, a look-up form used to flood an address).
# Automatic mail that answers a message that came in (RFC 3834 "auto-replied"); other automatic mail is generated.
_REPLIES_TO_MAIL = (OutboundKind.ACKNOWLEDGEMENT, OutboundKind.AUTOMATION)
# A trigger's reply to incoming mail is one too.
_TRIGGERED_FROM_OUTSIDE = (OutboundKind.ACKNOWLEDGEMENT, OutboundKind.ACCESS_LINK, OutboundKind.AUTOMATION)
# Events whose mail goes to the ticket's customer automatically (the acknowledgement has rules of its own).
_TO_CUSTOMER_EVENTS = (
    EventKind.CREATED,
    EventKind.STATUS_UPDATE,
    EventKind.STATUS_CHANGED,
    EventKind.SOLVED,
    EventKind.CLOSED,
    EventKind.REOPENED,
    EventKind.REMINDER_SENT,
)
STATUS_EVENTS = (EventKind.STATUS_CHANGED, EventKind.SOLVED, EventKind.CLOSED, EventKind.REOPENED)


class _Facts:
    """What planning reads about a set of events, looked up once for all of them (one query per kind)."""

    def __init__(self, events: Sequence[TicketEvent]) -> None:
        self.tickets = Ticket.objects.select_related("brand", "customer").in_bulk(
            sorted({e.ticket_id for e in events})
        )
        events = [e for e in events if e.ticket_id in self.tickets]
        created = [e for e in events if e.kind == EventKind.CREATED]
        origins = [e.data.get("message") for e in created if isinstance(e.data.get("message"), int)]
        self.automatic_origins = (
            set(
                # Only the flag: the row also holds the raw mail, up to 25 MB.
                InboundMessage.objects.filter(ticket_message_id__in=origins, is_automatic=True).values_list(
                    "ticket_message_id", flat=True
                )
            )
            if origins
            else set()
        )
        recipients = {
            (t.brand_id, (t.customer.email or "").lower())
            for t in (self.tickets[e.ticket_id] for e in events if e.kind in _TO_CUSTOMER_EVENTS)
            if t.customer.email
        } | {
            (self.tickets[e.ticket_id].brand_id, str(e.data["to"]).lower())
            for e in events
            if e.kind == EventKind.ACCESS_LINK_SENT and e.data.get("to")
        }
        brand_ids = sorted({brand_id for brand_id, _address in recipients})
        addresses = sorted({address for _brand_id, address in recipients})
        self.suppressed: set[tuple[int, str]] = set()
        # (brand, address, kind) → automatic mails of the last hour, counting the ones planned in this batch.
        self.recent: Counter[tuple[int, str, str]] = Counter()
        if recipients:
            self.suppressed = {
                pair
                for pair in Suppression.objects.filter(
                    brand_id__in=brand_ids, address__in=addresses, until__gt=timezone.now()
                ).values_list("brand_id", "address")
                if pair in recipients
            }
            recent = (
                OutboundMessage.objects.filter(
                    brand_id__in=brand_ids,
                    recipient__in=addresses,
                    kind__in=CUSTOMER_AUTOMATIC_KINDS,
                    status__in=[OutboundStatus.PENDING, OutboundStatus.SENDING, OutboundStatus.SENT],
                    created_at__gte=timezone.now() - timedelta(hours=1),
                )
                .values_list("brand_id", "recipient", "kind")
                .annotate(n=Count("id"))
                .order_by()
            )
            self.recent.update({(b, r, k): n for b, r, k, n in recent if (b, r) in recipients})
        by_brand: dict[int, list[MailTemplate]] = {}
        for template in MailTemplate.objects.filter(
            brand_id__in=sorted({t.brand_id for t in self.tickets.values()}), is_active=True
        ):
            by_brand.setdefault(template.brand_id, []).append(template)
        self.templates = by_brand
        self.threads = _threads(sorted(self.tickets))
        from frontdesk.mail.status_mail import status_facts

        # Tickets already rated; (ticket, moment) of agent replies that came with a status change; the
        # latest public answer of tickets a reminder is for.
        self.rated, self.replied_at, self.last_answers = status_facts(events)

    def template(self, name: str, brand: Brand, language: str) -> MailTemplate | None:
        found = {t.language: t for t in self.templates.get(brand.pk, []) if t.name == name}
        return next((found[code] for code in (language, brand.default_language) if code in found), None)

    def skip_reason(self, brand_id: int, recipient: str, kind: OutboundKind) -> str:
        """Why an automatic mail of ``kind`` to ``recipient`` is not sent ("" when it is), counting it if sent:
        a suppressed address, or a cap of the last hour reached."""
        if (brand_id, recipient) in self.suppressed:
            return "suppressed"
        automatic = sum(self.recent[(brand_id, recipient, k)] for k in CUSTOMER_AUTOMATIC_KINDS)
        if automatic >= settings.FRONTDESK_MAIL_AUTOMATIC_PER_HOUR or (
            kind in _TRIGGERED_FROM_OUTSIDE
            and self.recent[(brand_id, recipient, kind)] >= settings.FRONTDESK_MAIL_ACKS_PER_HOUR
        ):
            return "rate_cap"
        self.recent[(brand_id, recipient, kind)] += 1
        return ""


def plan_mail_for_event(event: TicketEvent) -> list[OutboundMessage]:
    """The mail an event calls for, created once per (event, recipient)."""
    return plan_mail_for_events([event])


def plan_mail_for_events(events: Sequence[TicketEvent]) -> list[OutboundMessage]:
    """The mail each of ``events`` calls for, created once per (event, recipient): the look-ups run once for
    all the events and the new rows go in with one INSERT."""
    facts = _Facts(events)
    planned: list[OutboundMessage] = []
    for event in events:
        ticket = facts.tickets.get(event.ticket_id)
        if ticket is None:
            continue
        outbound = None
        if event.kind == EventKind.CREATED:
            outbound = _plan_acknowledgement(event, ticket, facts)
        elif event.kind == EventKind.REPLIED:
            outbound = _plan_reply(event, ticket, facts)
        elif event.kind == EventKind.ACCESS_LINK_SENT:
            outbound = _plan_access_link(event, ticket, facts)
        elif event.kind == EventKind.SOLVED:
            from frontdesk.mail.satisfaction import plan_satisfaction
            from frontdesk.mail.status_mail import plan_status_changed

            # The rating request tells the customer the request is solved: a brand that mails the solved
            # status gets the status mail only when no rating request goes out (already rated).
            outbound = plan_satisfaction(event, ticket, facts) or plan_status_changed(event, ticket, facts)
        elif event.kind in STATUS_EVENTS:
            from frontdesk.mail.status_mail import plan_status_changed

            outbound = plan_status_changed(event, ticket, facts)
        elif event.kind == EventKind.STATUS_UPDATE:
            from frontdesk.mail.status_update import plan_status_update

            outbound = plan_status_update(event, ticket, facts)
        elif event.kind == EventKind.REMINDER_SENT:
            from frontdesk.mail.reminder import plan_reminder

            outbound = plan_reminder(event, ticket, facts)
        if outbound is not None:
            planned.append(outbound)
    return insert_planned(planned)


def _language(ticket: Ticket) -> str:
    for language in (ticket.customer.language, ticket.language, ticket.brand.default_language):
        if language in LANGUAGES:
            return language
    return "en"


def _call_direction(event: TicketEvent) -> str:
    message_id = (event.data or {}).get("message")
    if not isinstance(message_id, int):
        return ""
    return Message.objects.filter(pk=message_id).values_list("call_direction", flat=True).first() or ""


def _plan_acknowledgement(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    # A call an agent wrote down is acknowledged like a mail: the number, and for a new customer the sign-in link.
    is_call = ticket.channel == Channel.PHONE and event.actor_kind == ActorKind.AGENT
    if not is_call and (
        event.actor_kind != ActorKind.CUSTOMER or ticket.channel not in (Channel.EMAIL, Channel.WEB)
    ):
        return None
    recipient = (ticket.customer.email or "").lower()
    if not recipient:
        return None
    if event.data.get("message") in facts.automatic_origins:
        skip = "automatic_sender"
    else:
        skip = facts.skip_reason(ticket.brand_id, recipient, OutboundKind.ACKNOWLEDGEMENT)
    is_new_customer = ticket.customer.user_id is None
    # A customer without an account gets a link that makes one and signs them in (once, for a week).
    signin_url = (
        f"{portal_url(ticket.brand)}welcome/{signin_link_token(ticket.customer)}/" if is_new_customer else ""
    )
    context = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "ticket_url": ticket_url(ticket),
        "portal_url": portal_url(ticket.brand),
        "is_new_customer": is_new_customer,
        "is_call": is_call,
        # We called them (not they us), and the call settled the request: the mail thanks and promises accordingly.
        "is_our_call": is_call and _call_direction(event) == CallDirection.OUTBOUND,
        "is_solved": is_call and ticket.status in (Status.SOLVED, Status.CLOSED),
        "signin_url": signin_url,
        "signature": signature_for(ticket.brand, _language(ticket)),
    }
    rendered = render(
        "acknowledgement", brand=ticket.brand, language=_language(ticket), context=context, facts=facts
    )
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip=skip,
        source_message=None,
    )


def _plan_access_link(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    """The one-time link to a request asked for by its number and address, to that address (an automatic
    mail capped like an acknowledgement: anyone who knows the number and the address can ask for it)."""
    recipient = str(event.data.get("to") or "").lower()
    if not recipient:
        return None
    skip = facts.skip_reason(ticket.brand_id, recipient, OutboundKind.ACCESS_LINK)
    context = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "ticket_url": ticket_url(ticket),
        "access_url": f"{portal_url(ticket.brand)}lookup/{access_link_token(event)}/",
        "minutes": ACCESS_LINK_MINUTES,
        "signature": signature_for(ticket.brand, _language(ticket)),
    }
    rendered = render(
        "access_link", brand=ticket.brand, language=_language(ticket), context=context, facts=facts
    )
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=OutboundKind.ACCESS_LINK,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip=skip,
        source_message=None,
    )


def _plan_reply(event: TicketEvent, ticket: Ticket, facts: _Facts) -> OutboundMessage | None:
    message = Message.objects.filter(pk=event.data.get("message"), ticket=ticket).first()
    if message is None or message.kind != MessageKind.REPLY or message.author_kind == AuthorKind.CUSTOMER:
        return None
    recipient = (ticket.customer.email or "").lower()
    if not recipient or not _by_mail(ticket, message):
        return None
    context = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "author": message.author_label,
        "body_text": message.body_text,
        "body_html": safe_html(message.body_html),
        "ticket_url": ticket_url(ticket),
        "signature": signature_for(ticket.brand, _language(ticket), author=message.author_label),
    }
    rendered = render("reply", brand=ticket.brand, language=_language(ticket), context=context, facts=facts)
    # A trigger's reply (by the system) is automatic mail: marked so (no autoresponder answers it), capped
    # like an acknowledgement, never to a suppressed address. An agent's reply always goes.
    automatic = message.author_kind == AuthorKind.SYSTEM or bool(event.data.get("automatic"))
    kind = OutboundKind.AUTOMATION if automatic else OutboundKind.REPLY
    return _new_outbound(
        event,
        ticket,
        facts,
        kind=kind,
        recipient=recipient,
        rendered=rendered,
        is_automatic=automatic,
        skip=facts.skip_reason(ticket.brand_id, recipient, kind) if automatic else "",
        source_message=message,
    )


def _new_outbound(
    event: TicketEvent,
    ticket: Ticket,
    facts: _Facts,
    *,
    kind: OutboundKind,
    recipient: str,
    rendered: Rendered,
    is_automatic: bool,
    skip: str,
    source_message: Message | None,
) -> OutboundMessage:
    received, sent = facts.threads.get(ticket.pk, ([], []))
    in_reply_to, references = _thread_of(received, sent)
    outbound = OutboundMessage(
        brand_id=ticket.brand_id,
        ticket=ticket,
        event=event,
        source_message=source_message,
        kind=kind,
        recipient=recipient,
        from_address=sender_for(ticket.brand, _language(ticket)),
        language=_language(ticket),
        subject=subject_with_number(rendered.subject, ticket.number)[:400],
        body_text=rendered.text,
        body_html=rendered.html,
        message_id=new_message_id(ticket),
        in_reply_to=in_reply_to,
        references=" ".join(f"<{r}>" for r in references),
        is_automatic=is_automatic,
        status=OutboundStatus.SKIPPED if skip else OutboundStatus.PENDING,
        reason=skip,
    )
    # A later mail of the same ticket in this batch threads after this one.
    sent.append(outbound.message_id)
    facts.threads[ticket.pk] = (received, sent)
    return outbound


def insert_planned(planned: list[OutboundMessage]) -> list[OutboundMessage]:
    """Insert the planned rows optimistically: the unique (event, recipient) turns a second planning into an
    IntegrityError, and only then are the rows taken one by one, reading what another worker planned first.
    Outside a transaction the INSERT is the only statement."""
    if len(planned) > 1:
        try:
            with transaction.atomic():
                return OutboundMessage.objects.bulk_create(planned)
        except IntegrityError:
            pass
    kept: list[OutboundMessage] = []
    for outbound in planned:
        try:
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                outbound.pk = None
                outbound._state.adding = True
                outbound.save(force_insert=True)
            kept.append(outbound)
        except IntegrityError:
            # Another worker planned the same mail for this event.
            kept.append(OutboundMessage.objects.get(event_id=outbound.event_id, recipient=outbound.recipient))
    return kept


# --- Sending --------------------------------------------------------------------------------------------


def build_email(
    outbound: OutboundMessage,
    bases: dict[int, tuple[str, str]] | None = None,
    connection: BaseEmailBackend | None = None,
) -> EmailMultiAlternatives:
    headers = {"Message-ID": f"<{outbound.message_id}>"}
    if outbound.ticket is not None:
        headers["X-Frontdesk-Ticket"] = outbound.ticket.number
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = outbound.references
    if outbound.is_automatic:
        # An answer to a message that came in (an acknowledgement, a trigger's reply to it) is auto-replied;
        # news, reminders, reports and notices the system sends by itself are auto-generated (RFC 3834).
        headers["Auto-Submitted"] = "auto-replied" if outbound.kind in _REPLIES_TO_MAIL else "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    # Where the brand's mailbox takes plus addresses, answers go to the ticket's own address.
    reply_to = (
        ticket_reply_address(outbound.ticket.brand_id, outbound.ticket.number, bases)
        if outbound.ticket is not None
        else ""
    )
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_address,
        to=[outbound.recipient],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
        connection=connection,
    )
    if outbound.body_html:
        email.attach_alternative(outbound.body_html, "text/html")
    if outbound.source_message_id is not None:
        for attachment in outbound.source_message.attachments.all():  # type: ignore[union-attr]
            with attachment.file.open("rb") as handle:
                email.attach(attachment.filename, handle.read(), attachment.content_type)
    if outbound.attachment_name and outbound.attachment is not None:
        email.attach(
            outbound.attachment_name,
            bytes(outbound.attachment),
            outbound.attachment_type or "application/octet-stream",
        )
    return email


def _said(message: bytes | str) -> str:
    return message.decode("utf-8", errors="replace") if isinstance(message, bytes) else str(message)


def _classify(error: Exception) -> Exception:
    """Transient or permanent, with what the mail server said as a person reads it ("a@b.example: 550 5.1.1
    User unknown", not Python's representation of the exception)."""
    if isinstance(error, TransientError | PermanentError):
        return error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        said = "; ".join(f"{to}: {code} {_said(msg)}".strip() for to, (code, msg) in error.recipients.items())
        return (TransientError if codes and all(400 <= c < 500 for c in codes) else PermanentError)(said)
    if isinstance(error, smtplib.SMTPResponseException):
        said = f"{error.smtp_code} {_said(error.smtp_error)}".strip()
        return (PermanentError if error.smtp_code >= 500 else TransientError)(said)
    if isinstance(error, OSError | smtplib.SMTPException):
        return TransientError(str(error))
    return PermanentError(f"{type(error).__name__}: {error}")


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def send_outbound(outbound_id: int) -> str:
    """Send one queued mail once. Returns the status it ended in ("" when not due or taken by another worker)."""
    return send_outbound_batch([outbound_id]).get(outbound_id, "")


def send_outbound_batch(outbound_ids: Sequence[int]) -> dict[int, str]:
    """Send the queued mails among ``outbound_ids`` that are due, each once, over one connection to the mail
    server. Returns the status each mail taken ended in (mails not due or taken by another worker are left out).
    """
    if not outbound_ids:
        return {}
    now = timezone.now()
    due = OutboundMessage.objects.filter(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
    # Marked "sending" as they are taken, before any mail leaves: a worker that dies from here on leaves the
    # rows "sending", which the sweeper turns into "uncertain" instead of sending a second copy.
    taken = claim_batch(
        due.filter(pk__in=list(outbound_ids)),
        outbound_ids[0],
        size=len(outbound_ids),
        lease=SEND_LEASE,
        extra={"status": OutboundStatus.SENDING, "attempts": F("attempts") + 1},
    )
    if not taken:
        return {}
    rows = OutboundMessage.objects.select_related("ticket", "source_message").in_bulk(taken)
    bases = plus_address_bases({row.brand_id for row in rows.values()})
    results: dict[int, str] = {}
    sent: list[int] = []
    backend = get_connection()
    try:
        backend.open()
    except Exception as raw_error:  # noqa: BLE001 - every failure is recorded on the rows
        return {pk: _failed(rows[pk], raw_error, now) for pk in taken}
    try:
        for pk in taken:
            try:
                build_email(rows[pk], bases, backend).send()
            except Exception as raw_error:  # noqa: BLE001 - every failure is recorded on the row
                results[pk] = _failed(rows[pk], raw_error, now)
                # The connection may be broken: the next mail opens a new one.
                backend.close()
            else:
                sent.append(pk)
    finally:
        backend.close()
    if sent:
        OutboundMessage.objects.filter(pk__in=sent).update(
            status=OutboundStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
        )
        results.update(dict.fromkeys(sent, str(OutboundStatus.SENT)))
    return results


def _failed(outbound: OutboundMessage, raw_error: Exception, now: datetime) -> str:
    error = _classify(raw_error)
    logger.warning("Outbound mail %s failed: %s", outbound.pk, error)
    give_up = isinstance(error, PermanentError) or now - outbound.created_at > timedelta(
        hours=settings.FRONTDESK_MAIL_RETRY_HOURS
    )
    status = OutboundStatus.FAILED if give_up else OutboundStatus.PENDING
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        status=status,
        next_attempt_at=now + _backoff(outbound.attempts),
        claimed_until=None,
        last_error=str(error)[:2000],
    )
    return str(status)
