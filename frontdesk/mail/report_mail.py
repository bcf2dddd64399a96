"""The monthly report by mail: one ``REPORT`` row per recipient, with the month's spreadsheet attached.

The reports app decides what is in the report and when it is due; this module renders the mail
(``templates/mail/monthly_report.*``) in the subscription's language and turns it into ``OutboundMessage`` rows
that the ordinary send path (``outbound.send_outbound_batch``) delivers and retries. The spreadsheet is kept in
each row (``OutboundMessage.attachment``), so a retry days later sends the same file. Like agents' mail it
carries no ticket: no Reply-To into a request, no place in a request's thread.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from frontdesk.brands.models import Brand
from frontdesk.brands.texts import signature_for
from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.mail.outbound import LANGUAGES, brand_domain, render, sender_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportFile:
    filename: str
    content: bytes
    content_type: str = XLSX


def plan_report_mail(
    *,
    brand: Brand,
    recipients: Sequence[str],
    language: str,
    context: dict[str, object],
    attachment: ReportFile,
) -> list[OutboundMessage]:
    """The report mail to each of ``recipients`` (lower-cased, each once), rendered from ``monthly_report`` with
    ``context``; an address suppressed after a bounce gets a skipped row instead. Call it in the transaction
    that claims the month: the rows exist exactly when the month counts as sent."""
    language = language if language in LANGUAGES else "en"
    addresses = list(dict.fromkeys(address.strip().lower() for address in recipients if address.strip()))
    if not addresses:
        return []
    suppressed = set(
        Suppression.objects.filter(
            brand_id=brand.pk, address__in=addresses, until__gt=timezone.now()
        ).values_list("address", flat=True)
    )
    rendered = render(
        "monthly_report",
        brand=brand,
        language=language,
        context={"brand": brand, "signature": signature_for(brand, language), **context},
    )
    rows = [
        OutboundMessage(
            brand_id=brand.pk,
            ticket=None,
            event=None,
            kind=OutboundKind.REPORT,
            recipient=address,
            from_address=sender_for(brand, language),
            language=language,
            subject=rendered.subject[:400],
            body_text=rendered.text,
            body_html=rendered.html,
            message_id=f"report.{secrets.token_hex(10)}@{brand_domain(brand)}",
            is_automatic=True,
            status=OutboundStatus.SKIPPED if address in suppressed else OutboundStatus.PENDING,
            reason="suppressed" if address in suppressed else "",
            attachment_name=attachment.filename[:200],
            attachment_type=attachment.content_type[:100],
            attachment=attachment.content,
        )
        for address in addresses
    ]
    return OutboundMessage.objects.bulk_create(rows)


def queue_report_mail(outbounds: Sequence[OutboundMessage]) -> None:
    """Ring for sending the pending ones after the current transaction commits."""
    from frontdesk.mail.tasks import queue_sending

    queue_sending([o.pk for o in outbounds if o.status == OutboundStatus.PENDING])
