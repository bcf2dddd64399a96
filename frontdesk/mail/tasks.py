"""Background work of the mail app: process stored mail, send queued mail, sweep lost work, poll mailboxes.

Rows are the queue of record; these tasks take ids, re-read, and return quietly when the work is done.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontdesk.core.errors import DomainError
from frontdesk.mail.actions import quarantine_message
from frontdesk.mail.choices import InboundStatus, MailboxKind, OutboundStatus
from frontdesk.mail.ingest import Quarantine, ingest_message
from frontdesk.mail.models import InboundMessage, Mailbox, OutboundMessage
from frontdesk.mail.parse import ParseError
from frontdesk.mail.route import route_message

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A database that is briefly unavailable or locked is not the mail's fault: it is tried again (by the sweeper)
# this many times before it is quarantined.
MAX_TRANSIENT_ATTEMPTS = 5
SEND_LEASE = timedelta(minutes=2)


def _parser() -> Any:
    from frontdesk.mail import parse

    return parse


def parser_version() -> str:
    try:
        parse = _parser()
    except ImportError:
        return ""
    return str(getattr(parse, "PARSER_VERSION", getattr(parse, "VERSION", "")))[:20]


def _reason_of(error: Exception) -> str:
    for attribute in ("reason", "code"):
        value = getattr(error, attribute, "")
        if isinstance(value, str) and value:
            return value
    return type(error).__name__


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def process_inbound_message(inbound_id: int) -> None:
    process_inbound(inbound_id)


def process_inbound(inbound_id: int) -> str:
    """Parse, route and ingest one stored message; any failure quarantines it and never stops the queue.

    Returns the status it ended in ("" when another worker has it or it was done already).
    """
    if not _claim(inbound_id):
        return ""
    try:
        inbound = InboundMessage.objects.select_related("brand", "mailbox").get(pk=inbound_id)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Inbound message %s left for a retry: %s", inbound_id, error)
        _release(inbound_id)
        return str(InboundStatus.RECEIVED)
    version = parser_version()
    try:
        parse = _parser()
        parsed = parse.parse_message(bytes(inbound.raw), max_bytes=settings.FRONTDESK_MAIL_MAX_BYTES)
        with transaction.atomic():
            route = route_message(inbound, parsed)
            # One transaction: ingest_message needs no savepoint of its own inside it.
            return str(ingest_message(inbound, parsed, route, parser_version=version, savepoint=False))
    except (OperationalError, InterfaceError) as error:
        if inbound.attempts < MAX_TRANSIENT_ATTEMPTS:
            logger.warning("Inbound message %s left for a retry: %s", inbound_id, error)
            _release(inbound_id)
            return str(InboundStatus.RECEIVED)
        quarantine_message(inbound, reason="database_error", error=str(error), parser_version=version)
    except Quarantine as error:
        quarantine_message(inbound, reason=error.reason, error=str(error), parser_version=version)
    except DomainError as error:
        quarantine_message(inbound, reason=error.code, error=str(error.detail), parser_version=version)
    except ParseError as error:
        # A mail that cannot be taken in (empty, too large, no headers): expected, so no traceback in the log.
        logger.warning("Inbound message %s quarantined: %s (%s)", inbound_id, error.code, error)
        quarantine_message(inbound, reason=error.code[:50], error=str(error), parser_version=version)
    except Exception as error:
        logger.warning("Inbound message %s quarantined", inbound_id, exc_info=True)
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        quarantine_message(inbound, reason=_reason_of(error)[:50], error=detail, parser_version=version)
    return InboundMessage.objects.filter(pk=inbound_id).values_list("status", flat=True).get()


def _release(inbound_id: int) -> None:
    """Give the message back to the queue; the sweeper takes it again a minute later."""
    try:
        InboundMessage.objects.filter(pk=inbound_id).update(claimed_until=None)
    except (OperationalError, InterfaceError):
        # The lease expires by itself.
        logger.warning("Could not release inbound message %s; its lease will expire", inbound_id)


def _claim(inbound_id: int) -> bool:
    """``core.work.claim`` and the attempt count in one UPDATE: True for the one worker that takes the mail."""
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    taken = InboundMessage.objects.filter(free, pk=inbound_id, status=InboundStatus.RECEIVED).update(
        claimed_until=now + LEASE, attempts=F("attempts") + 1
    )
    return taken == 1


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def send_outbound_message(outbound_id: int) -> None:
    from frontdesk.mail.outbound import send_outbound

    send_outbound(outbound_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def sweep_mail() -> None:
    """Queue again what a crashed worker or a lost doorbell left behind."""
    now = timezone.now()
    stale = InboundMessage.objects.filter(
        status=InboundStatus.RECEIVED, received_at__lt=now - timedelta(minutes=1)
    )
    for inbound_id in stale.values_list("id", flat=True)[:1000]:
        process_inbound_message(inbound_id)
    # A worker that died while handing a mail to the server: it may have left, so it is not sent again
    # by itself (an agent can retry it); the send key keeps a retry the same mail.
    OutboundMessage.objects.filter(status=OutboundStatus.SENDING, claimed_until__lt=now).update(
        status=OutboundStatus.UNCERTAIN, claimed_until=None, last_error="interrupted while sending"
    )
    due = OutboundMessage.objects.filter(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
    for outbound_id in due.values_list("id", flat=True)[:1000]:
        send_outbound_message(outbound_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def poll_mailboxes() -> None:
    now = timezone.now()
    for mailbox in Mailbox.objects.filter(kind=MailboxKind.IMAP, is_active=True):
        if mailbox.last_polled_at is None or mailbox.last_polled_at <= now - timedelta(
            seconds=mailbox.poll_interval_seconds
        ):
            fetch_mailbox_task(mailbox.pk)


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def fetch_mailbox_task(mailbox_id: int) -> None:
    from frontdesk.mail.sources.imap import fetch_mailbox

    mailbox = Mailbox.objects.select_related("brand").get(pk=mailbox_id)
    fetch_mailbox(mailbox)
