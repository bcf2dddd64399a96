"""Every write of the mail app: storing raw mail, quarantine, reprocessing, bounces and suppressions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import InvalidInput, require
from frontdesk.core.work import enqueue_on_commit
from frontdesk.mail.choices import InboundStatus, OutboundStatus
from frontdesk.mail.models import InboundMessage, Mailbox, OutboundMessage, Suppression
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.events import record_event
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import Message, Ticket
from frontdesk.users.actors import SYSTEM, Actor

_ANGLE_ID = re.compile(r"<([^<>\s]+)>")


def normalize_message_id(value: str) -> str:
    """``<abc@host>`` (or a bare ``abc@host``) as ``abc@host``; "" when there is nothing usable."""
    value = value.strip()
    match = _ANGLE_ID.search(value)
    if match:
        value = match.group(1)
    return value.strip("<> \t\r\n")[:500]


def header_message_id(raw: bytes) -> str:
    """The Message-ID read from the raw headers alone, before (and independently of) the parser."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:262144], headersonly=True)
        value = headers.get("Message-ID") or ""
        return normalize_message_id(str(value))
    except Exception:  # noqa: BLE001 - a broken header only means no de-duplication by Message-ID
        return ""


def store_raw_message(
    raw: bytes,
    *,
    brand: Brand | None = None,
    mailbox: Mailbox | None = None,
    uidvalidity: int | None = None,
    uid: int | None = None,
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
) -> InboundMessage:
    """Keep the bytes exactly as received, then queue their processing after commit.

    A message already stored (same source key, same bytes, or the same Message-ID in the brand) is not stored
    again: the existing row is returned, so a re-run, a crash or a second copy never creates a second ticket.
    """
    return store_raw(
        raw,
        brand=brand,
        mailbox=mailbox,
        uidvalidity=uidvalidity,
        uid=uid,
        envelope_from=envelope_from,
        envelope_to=envelope_to,
    )[0]


def store_raw(
    raw: bytes,
    *,
    brand: Brand | None = None,
    mailbox: Mailbox | None = None,
    uidvalidity: int | None = None,
    uid: int | None = None,
    envelope_from: str = "",
    envelope_to: Sequence[str] = (),
) -> tuple[InboundMessage, bool]:
    """``store_raw_message`` that also says whether the message was new."""
    if mailbox is not None:
        brand = mailbox.brand
    if brand is None:
        raise InvalidInput(_("A raw message needs a brand or a mailbox."), field="brand")
    if not isinstance(raw, bytes | bytearray) or not raw:
        raise InvalidInput(_("The message is empty."), field="raw")
    raw = bytes(raw)
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw)
    row = InboundMessage(
        brand=brand,
        mailbox=mailbox,
        raw=raw,
        size=len(raw),
        sha256=sha256,
        message_id=message_id,
        source_uidvalidity=uidvalidity if uid is not None else None,
        source_uid=uid,
        envelope_from=envelope_from[:254],
        envelope_to=[a[:254] for a in envelope_to][:50],
    )
    # Stored optimistically: the unique source key, bytes and Message-ID turn a copy into an IntegrityError,
    # and only then is the stored one looked up. Outside a transaction the INSERT is the only statement.
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                row.save(force_insert=True)
        else:
            row.save(force_insert=True)
        inbound = row
    except IntegrityError:
        # Stored before: by a re-run, a second copy, or another process a moment ago.
        existing = _existing(brand, mailbox, sha256, message_id, uidvalidity, uid)
        if existing is None:
            raise
        return existing, False
    from frontdesk.mail.tasks import process_inbound_message

    enqueue_on_commit(process_inbound_message, inbound.pk)
    return inbound, True


def _existing(
    brand: Brand,
    mailbox: Mailbox | None,
    sha256: str,
    message_id: str,
    uidvalidity: int | None,
    uid: int | None,
) -> InboundMessage | None:
    same = Q(brand_id=brand.pk, sha256=sha256)
    if message_id:
        same |= Q(brand_id=brand.pk, message_id=message_id)
    if mailbox is not None and uid is not None:
        same |= Q(mailbox_id=mailbox.pk, source_uidvalidity=uidvalidity, source_uid=uid)
    return InboundMessage.objects.filter(same).defer("raw").order_by("id").first()


def mark_processed(
    inbound: InboundMessage,
    *,
    status: InboundStatus,
    reason: str = "",
    error: str = "",
    parser_version: str = "",
    sender: str = "",
    subject: str = "",
    is_automatic: bool = False,
    ticket: Ticket | None = None,
    message: Message | None = None,
) -> None:
    """Record what became of a message; runs in the transaction that did the work."""
    InboundMessage.objects.filter(pk=inbound.pk).update(
        status=status,
        reason=reason[:50],
        error=error[:10000],
        parser_version=parser_version[:20],
        sender=sender[:254],
        subject=subject[:300],
        is_automatic=is_automatic,
        ticket=ticket,
        ticket_message=message,
        processed_at=timezone.now(),
        claimed_until=None,
    )


def quarantine_message(
    inbound: InboundMessage, *, reason: str, error: str = "", parser_version: str = ""
) -> None:
    """Set a message aside with a readable reason for an agent; the raw bytes stay for download."""
    InboundMessage.objects.filter(pk=inbound.pk).exclude(status=InboundStatus.INGESTED).update(
        status=InboundStatus.QUARANTINED,
        reason=reason[:50],
        error=error[:10000],
        parser_version=parser_version[:20],
        processed_at=timezone.now(),
        claimed_until=None,
    )


def reprocess_message(inbound: InboundMessage) -> bool:
    """Queue a quarantined or ignored message again (after a fix); ingested mail is never processed twice."""
    changed = (
        InboundMessage.objects.filter(
            pk=inbound.pk, status__in=[InboundStatus.QUARANTINED, InboundStatus.IGNORED]
        ).update(status=InboundStatus.RECEIVED, reason="", error="", claimed_until=None, processed_at=None)
        == 1
    )
    if changed:
        from frontdesk.mail.tasks import process_inbound_message

        enqueue_on_commit(process_inbound_message, inbound.pk)
    return changed


def is_suppressed(brand_id: int, address: str) -> bool:
    return Suppression.objects.filter(
        brand_id=brand_id, address=address.lower(), until__gt=timezone.now()
    ).exists()


def suppress_address(brand: Brand, *, address: str, reason: str, days: int | None = None) -> Suppression:
    """Stop automatic mail to ``address`` in ``brand`` for a while (extends an existing suppression)."""
    until = timezone.now() + timedelta(
        days=days if days is not None else settings.FRONTDESK_MAIL_SUPPRESSION_DAYS
    )
    suppression, _created = Suppression.objects.update_or_create(
        brand=brand, address=address.lower()[:254], defaults={"until": until, "reason": reason[:300]}
    )
    return suppression


@transaction.atomic
def record_bounce(
    outbound: OutboundMessage, *, recipient: str, permanent: bool, status: str, diagnostic: str
) -> None:
    """A mail we sent came back: shown on the message and the ticket; a permanent failure suppresses the
    address for automatic mail."""
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.BOUNCED,
        reason=("permanent_bounce" if permanent else "temporary_bounce"),
        last_error=f"{status} {diagnostic}".strip()[:2000],
    )
    if outbound.ticket_id is None:  # a digest to an agent: nothing to show on a ticket
        return
    ticket = lock_ticket(outbound.ticket_id)
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["updated_at"])
    record_event(
        ticket,
        EventKind.MAIL_BOUNCED,
        actor=SYSTEM,
        data={
            "outbound": outbound.pk,
            "recipient": recipient or outbound.recipient,
            "permanent": permanent,
            "status": status[:20],
            "diagnostic": diagnostic[:500],
        },
    )
    if permanent:
        suppress_address(
            ticket.brand, address=recipient or outbound.recipient, reason=f"{status} {diagnostic}".strip()
        )


def retry_outbound_message(outbound: OutboundMessage) -> bool:
    """Send a failed or interrupted mail again, on an agent's request (same Message-ID)."""
    changed = (
        OutboundMessage.objects.filter(
            pk=outbound.pk, status__in=[OutboundStatus.FAILED, OutboundStatus.UNCERTAIN]
        ).update(status=OutboundStatus.PENDING, next_attempt_at=timezone.now(), claimed_until=None)
        == 1
    )
    if changed:
        from frontdesk.mail.tasks import send_outbound_message

        enqueue_on_commit(send_outbound_message, outbound.pk)
    return changed


def retry_outbound(outbound: OutboundMessage, *, actor: Actor) -> bool:
    """An agent sends a failed or interrupted mail again: pending from now, unclaimed, queued after commit.

    Only agents of the mail's brand may; the same Message-ID goes out, so a mail that did leave before is
    recognisable as the same one. False when the mail was not failed or interrupted (any more).
    """
    require(actor.serves(outbound.brand_id), _("Only agents of this brand can send its mail again."))
    return retry_outbound_message(outbound)


def count_attempt(inbound_id: int) -> None:
    InboundMessage.objects.filter(pk=inbound_id).update(attempts=F("attempts") + 1)
