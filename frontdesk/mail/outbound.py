"""Mail we send: planned per (event, recipient), rendered from templates, sent by the worker after commit.

This module is the only place that hands mail to Django's mail backend.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import select_template
from django.utils import timezone, translation

from frontdesk.brands.models import Brand
from frontdesk.core.errors import PermanentError, TransientError
from frontdesk.core.html import safe_html
from frontdesk.core.work import claim
from frontdesk.mail.actions import is_suppressed
from frontdesk.mail.choices import InboundStatus, OutboundKind, OutboundStatus
from frontdesk.mail.mail_templates import render_stored
from frontdesk.mail.models import InboundMessage, MailTemplate, OutboundMessage
from frontdesk.mail.sources.addresses import ticket_reply_address
from frontdesk.tickets.choices import AuthorKind, Channel, EventKind, MessageKind
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.choices import ActorKind

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "ru", "pl")
MAX_REFERENCES = 20
# Channels whose customers are answered somewhere else (the chat window, the social network).
_NOT_BY_MAIL = {Channel.CHAT, Channel.SOCIAL}


# --- Addresses, ids and links ---------------------------------------------------------------------------


def brand_address(brand: Brand) -> str:
    return str((brand.sender_addresses or [settings.DEFAULT_FROM_EMAIL])[0])


def _for_language(values: object, brand: Brand, language: str) -> str:
    """The brand's text for ``language``, else for its default language, else ""."""
    if not isinstance(values, dict):
        return ""
    for candidate in (language, brand.default_language):
        text = values.get(candidate)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def sender_for(brand: Brand, language: str) -> str:
    """The From header of mail in ``language``: the brand's sender for it (``Brand.mail_from``), else the brand
    name and its first sender address."""
    name, address = parseaddr(_for_language(brand.mail_from, brand, language))
    if address:
        return formataddr((name or brand.name, address))
    return formataddr((brand.name, brand_address(brand)))


def signature_for(brand: Brand, language: str, *, author: str = "") -> str:
    """The brand's signature in ``language`` (``Brand.mail_signatures``); "" lets the template sign.

    ``{agent}`` in a signature is the replying agent's name; a line with ``{agent}`` is left out of mail that
    has no agent (acknowledgements).
    """
    signature = _for_language(brand.mail_signatures, brand, language)
    if not author:
        signature = "\n".join(line for line in signature.splitlines() if "{agent}" not in line)
    return signature.replace("{agent}", author).strip()


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


def _thread(ticket: Ticket) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest mail, else our latest) and References, oldest first."""
    received = list(
        InboundMessage.objects.filter(ticket=ticket, status=InboundStatus.INGESTED)
        .exclude(message_id="")
        .order_by("id")
        .values_list("message_id", flat=True)
    )
    sent = list(
        OutboundMessage.objects.filter(ticket=ticket).order_by("id").values_list("message_id", flat=True)
    )
    in_reply_to = received[-1] if received else (sent[-1] if sent else "")
    references = list(dict.fromkeys([*received[:1], *sent, *received]))[-MAX_REFERENCES:]
    return in_reply_to, references


# --- Rendering ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, *, brand: Brand, language: str, context: dict[str, object]) -> Rendered:
    """The brand's active stored template (``MailTemplate``) for the language, else for its default language;
    without one, ``mail/<name>.<lang>.subject.txt`` / ``.body.txt`` / ``.body.html``, which a brand may override
    under ``mail/<brand slug>/``. One query for the stored template."""
    language = language if language in LANGUAGES else "en"
    stored = _stored_template(name, brand, language)
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


def plan_mail_for_event(event: TicketEvent) -> list[OutboundMessage]:
    """The mail an event calls for, created once per (event, recipient)."""
    ticket = Ticket.objects.select_related("brand", "customer").get(pk=event.ticket_id)
    if event.kind == EventKind.CREATED:
        planned = _plan_acknowledgement(event, ticket)
    elif event.kind == EventKind.REPLIED:
        planned = _plan_reply(event, ticket)
    else:
        planned = None
    return [planned] if planned is not None else []


def _language(ticket: Ticket) -> str:
    for language in (ticket.customer.language, ticket.language, ticket.brand.default_language):
        if language in LANGUAGES:
            return language
    return "en"


def _plan_acknowledgement(event: TicketEvent, ticket: Ticket) -> OutboundMessage | None:
    if event.actor_kind != ActorKind.CUSTOMER or ticket.channel not in (Channel.EMAIL, Channel.WEB):
        return None
    recipient = (ticket.customer.email or "").lower()
    if not recipient:
        return None
    skip = ""
    # Only the flag: the row also holds the raw mail, up to 25 MB.
    origin_is_automatic = (
        InboundMessage.objects.filter(ticket_message_id=event.data.get("message"))
        .values_list("is_automatic", flat=True)
        .first()
    )
    if origin_is_automatic:
        skip = "automatic_sender"
    elif is_suppressed(ticket.brand_id, recipient):
        skip = "suppressed"
    elif _recent_acknowledgements(ticket.brand_id, recipient) >= settings.FRONTDESK_MAIL_ACKS_PER_HOUR:
        skip = "rate_cap"
    is_new_customer = ticket.customer.user_id is None
    context = {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "ticket_url": ticket_url(ticket),
        "portal_url": portal_url(ticket.brand),
        "is_new_customer": is_new_customer,
        "signature": signature_for(ticket.brand, _language(ticket)),
    }
    rendered = render("acknowledgement", brand=ticket.brand, language=_language(ticket), context=context)
    return _create(
        event,
        ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        recipient=recipient,
        rendered=rendered,
        is_automatic=True,
        skip=skip,
        source_message=None,
    )


def _plan_reply(event: TicketEvent, ticket: Ticket) -> OutboundMessage | None:
    message = Message.objects.filter(pk=event.data.get("message"), ticket=ticket).first()
    if message is None or message.kind != MessageKind.REPLY or message.author_kind == AuthorKind.CUSTOMER:
        return None
    recipient = (ticket.customer.email or "").lower()
    if not recipient or ticket.channel in _NOT_BY_MAIL:
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
    rendered = render("reply", brand=ticket.brand, language=_language(ticket), context=context)
    return _create(
        event,
        ticket,
        kind=OutboundKind.REPLY,
        recipient=recipient,
        rendered=rendered,
        is_automatic=False,
        skip="",
        source_message=message,
    )


def _recent_acknowledgements(brand_id: int, recipient: str) -> int:
    return OutboundMessage.objects.filter(
        brand_id=brand_id,
        recipient=recipient,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        status__in=[OutboundStatus.PENDING, OutboundStatus.SENDING, OutboundStatus.SENT],
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).count()


def _create(
    event: TicketEvent,
    ticket: Ticket,
    *,
    kind: OutboundKind,
    recipient: str,
    rendered: Rendered,
    is_automatic: bool,
    skip: str,
    source_message: Message | None,
) -> OutboundMessage:
    in_reply_to, references = _thread(ticket)
    # Planned optimistically: the unique (event, recipient) turns a second planning into an IntegrityError, and
    # only then is the first one read. Outside a transaction the INSERT is the only statement.
    try:
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            return OutboundMessage.objects.create(
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
    except IntegrityError:
        # Another worker planned the same mail for this event.
        return OutboundMessage.objects.get(event=event, recipient=recipient)


# --- Sending --------------------------------------------------------------------------------------------


def build_email(outbound: OutboundMessage) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": f"<{outbound.message_id}>",
        "X-Frontdesk-Ticket": outbound.ticket.number,
    }
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = outbound.references
    if outbound.is_automatic:
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    # Where the brand's mailbox takes plus addresses, answers go to the ticket's own address.
    reply_to = ticket_reply_address(outbound.ticket.brand_id, outbound.ticket.number)
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_address,
        to=[outbound.recipient],
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )
    if outbound.body_html:
        email.attach_alternative(outbound.body_html, "text/html")
    if outbound.source_message_id is not None:
        for attachment in outbound.source_message.attachments.all():  # type: ignore[union-attr]
            with attachment.file.open("rb") as handle:
                email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def _classify(error: Exception) -> Exception:
    if isinstance(error, TransientError | PermanentError):
        return error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return (TransientError if codes and all(400 <= c < 500 for c in codes) else PermanentError)(
            str(error)
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return (PermanentError if error.smtp_code >= 500 else TransientError)(str(error))
    if isinstance(error, OSError | smtplib.SMTPException):
        return TransientError(str(error))
    return PermanentError(f"{type(error).__name__}: {error}")


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def send_outbound(outbound_id: int) -> str:
    """Send one queued mail once. Returns the status it ended in ("" when not due or taken by another worker)."""
    now = timezone.now()
    due = OutboundMessage.objects.filter(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
    if not claim(due, outbound_id, lease=timedelta(minutes=2)):
        return ""
    # Marked before the mail leaves: a worker that dies from here on leaves the row "sending", which the
    # sweeper turns into "uncertain" instead of sending a second copy.
    OutboundMessage.objects.filter(pk=outbound_id).update(
        status=OutboundStatus.SENDING, attempts=F("attempts") + 1
    )
    outbound = OutboundMessage.objects.select_related("ticket", "source_message").get(pk=outbound_id)
    try:
        build_email(outbound).send()
    except Exception as raw_error:  # noqa: BLE001 - every failure is recorded on the row
        error = _classify(raw_error)
        logger.warning("Outbound mail %s failed: %s", outbound_id, error)
        give_up = isinstance(error, PermanentError) or now - outbound.created_at > timedelta(
            hours=settings.FRONTDESK_MAIL_RETRY_HOURS
        )
        OutboundMessage.objects.filter(pk=outbound_id).update(
            status=OutboundStatus.FAILED if give_up else OutboundStatus.PENDING,
            next_attempt_at=now + _backoff(outbound.attempts),
            claimed_until=None,
            last_error=str(error)[:2000],
        )
        return str(OutboundStatus.FAILED if give_up else OutboundStatus.PENDING)
    OutboundMessage.objects.filter(pk=outbound_id).update(
        status=OutboundStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return str(OutboundStatus.SENT)
