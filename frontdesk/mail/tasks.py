"""Background work of the mail app: process stored mail, send queued mail, sweep lost work, poll mailboxes.

Rows are the queue of record; these tasks take ids, re-read, and return quietly when the work is done.
"""

from __future__ import annotations

import logging
import time
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontdesk.core.errors import DomainError
from frontdesk.core.work import claim_batch, enqueue_on_commit, next_free, one_doorbell_per_batch
from frontdesk.mail.actions import quarantine_message
from frontdesk.mail.choices import InboundStatus, MailboxKind, OutboundStatus
from frontdesk.mail.ingest import Quarantine, ingest_message
from frontdesk.mail.models import InboundMessage, Mailbox, OutboundMessage
from frontdesk.mail.parse import ParseError
from frontdesk.mail.parsed import ParsedMail
from frontdesk.mail.route import Lookups, route_message
from frontdesk.mail.together import ingest_new_tickets
from frontdesk.tickets.tasks import dispatch_ticket_event

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A database that is briefly unavailable or locked is not the mail's fault: it is tried again (by the sweeper)
# this many times before it is quarantined.
MAX_TRANSIENT_ATTEMPTS = 5
SEND_LEASE = timedelta(minutes=2)
# A batch that has taken this long gives its remaining mails back to the queue, for other workers.
BATCH_SECONDS = 2.0


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
    process_inbound_batch(inbound_id)


def process_inbound(inbound_id: int) -> str:
    """Parse, route and ingest one stored message; any failure quarantines it and never stops the queue.

    Returns the status it ended in ("" when another worker has it or it was done already).
    """
    return process_inbound_batch(inbound_id, size=1).get(inbound_id, "")


def process_inbound_batch(inbound_id: int, *, size: int | None = None) -> dict[int, str]:
    """``inbound_id`` and up to ``size`` - 1 other waiting messages (default ``FRONTDESK_MAIL_BATCH_SIZE``).

    The worker that rings first takes a batch; the doorbells of the others find their mail taken and return at
    once. Routing looks the whole batch up at once (``route.Lookups``); each mail is still ingested in its own
    transaction, so one bad mail is quarantined alone. A batch that runs long (a mail that is slow to parse)
    gives the rest back to the queue for other workers. Returns the status each mail ended in.
    """
    size = size or settings.FRONTDESK_MAIL_BATCH_SIZE
    waiting = InboundMessage.objects.filter(status=InboundStatus.RECEIVED)
    ids = claim_batch(waiting, inbound_id, size=size, lease=LEASE, extra={"attempts": F("attempts") + 1})
    if not ids:
        return {}
    if len(ids) >= size > 1:
        following = next_free(waiting)
        if following is not None:
            process_inbound_message(following)
    started = time.monotonic()
    try:
        rows = InboundMessage.objects.select_related("brand", "mailbox").in_bulk(ids)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Inbound messages %s left for a retry: %s", ids, error)
        _release(ids)
        return dict.fromkeys(ids, str(InboundStatus.RECEIVED))
    version = parser_version()
    results: dict[int, str] = {}
    parsed: dict[int, ParsedMail] = {}
    for pk in ids:
        try:
            parsed[pk] = _parser().parse_message(
                bytes(rows[pk].raw), max_bytes=settings.FRONTDESK_MAIL_MAX_BYTES
            )
        except Exception as error:  # noqa: BLE001 - recorded on the mail by _fail
            results[pk] = _fail(rows[pk], error, version)
    lookups = Lookups()
    if len(parsed) > 1:
        try:
            lookups.prefetch([(rows[pk], parsed[pk]) for pk in parsed])
        except (OperationalError, InterfaceError) as error:
            logger.warning("Inbound messages %s left for a retry: %s", list(parsed), error)
            _release(list(parsed))
            return results | dict.fromkeys(parsed, str(InboundStatus.RECEIVED))
    # The ticket events of the whole batch ring their dispatcher once (it takes them in a batch too).
    with one_doorbell_per_batch(dispatch_ticket_event, settings.FRONTDESK_EVENT_BATCH_SIZE):
        # The mails that open a ticket first, together; the rest (and all of them, should that fail) one by one.
        together = (
            ingest_new_tickets([(rows[pk], parsed[pk]) for pk in parsed], lookups, parser_version=version)
            if len(parsed) > 1
            else {}
        )
        results.update(together)
        remaining = [pk for pk in parsed if pk not in together]
        # A mail answering another mail of the batch comes after it (in the order they arrived), so that it
        # finds the ticket that one opened.
        remaining.sort(key=lambda pk: pk if lookups.answers_the_batch(rows[pk].brand_id, parsed[pk]) else 0)
        for done, pk in enumerate(remaining):
            if done and time.monotonic() - started > BATCH_SECONDS:
                rest = remaining[done:]
                _release(rest)
                for other in rest:
                    process_inbound_message(other)
                break
            results[pk] = _process_parsed(rows[pk], parsed[pk], lookups, version)
    return results


def _process_parsed(inbound: InboundMessage, parsed: ParsedMail, lookups: Lookups, version: str) -> str:
    try:
        with transaction.atomic():
            route = route_message(inbound, parsed, lookups)
            # One transaction: ingest_message needs no savepoint of its own inside it.
            status = ingest_message(
                inbound, parsed, route, parser_version=version, savepoint=False, lookups=lookups
            )
    except Exception as error:  # noqa: BLE001 - recorded on the mail by _fail
        # What this mail created is gone with its transaction.
        lookups.forget()
        return _fail(inbound, error, version)
    lookups.keep()
    return str(status)


def _fail(inbound: InboundMessage, error: Exception, version: str) -> str:
    """Quarantine the mail with the reason ``error`` gives; a database that failed leaves it for a retry."""
    if isinstance(error, OperationalError | InterfaceError):
        if inbound.attempts < MAX_TRANSIENT_ATTEMPTS:
            logger.warning("Inbound message %s left for a retry: %s", inbound.pk, error)
            _release([inbound.pk])
            return str(InboundStatus.RECEIVED)
        quarantine_message(inbound, reason="database_error", error=str(error), parser_version=version)
    elif isinstance(error, Quarantine):
        quarantine_message(inbound, reason=error.reason, error=str(error), parser_version=version)
    elif isinstance(error, DomainError):
        quarantine_message(inbound, reason=error.code, error=str(error.detail), parser_version=version)
    elif isinstance(error, ParseError):
        # A mail that cannot be taken in (empty, too large, no headers): expected, so no traceback in the log.
        logger.warning("Inbound message %s quarantined: %s (%s)", inbound.pk, error.code, error)
        quarantine_message(inbound, reason=error.code[:50], error=str(error), parser_version=version)
    else:
        logger.warning("Inbound message %s quarantined", inbound.pk, exc_info=error)
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        quarantine_message(inbound, reason=_reason_of(error)[:50], error=detail, parser_version=version)
    return InboundMessage.objects.filter(pk=inbound.pk).values_list("status", flat=True).get()


def _release(inbound_ids: list[int]) -> None:
    """Give messages back to the queue; the sweeper takes them again a minute later."""
    try:
        InboundMessage.objects.filter(pk__in=inbound_ids).update(claimed_until=None)
    except (OperationalError, InterfaceError):
        # The lease expires by itself.
        logger.warning("Could not release inbound messages %s; their lease will expire", inbound_ids)


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def send_outbound_message(outbound_id: int) -> None:
    from frontdesk.mail.outbound import send_outbound

    send_outbound(outbound_id)


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def send_outbound_messages(outbound_ids: list[int]) -> None:
    """Several queued mails over one connection to the mail server."""
    from frontdesk.mail.outbound import send_outbound_batch

    send_outbound_batch(outbound_ids)


def queue_sending(outbound_ids: list[int], *, after_commit: bool = True) -> None:
    """Ring for sending (after the current transaction commits), one doorbell per batch."""
    size = settings.FRONTDESK_MAIL_BATCH_SIZE
    for start in range(0, len(outbound_ids), size):
        chunk = outbound_ids[start : start + size]
        task, args = (send_outbound_message, chunk[0]) if len(chunk) == 1 else (send_outbound_messages, chunk)
        if after_commit:
            enqueue_on_commit(task, args)
        else:
            task(args)


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
    queue_sending(list(due.order_by("id").values_list("id", flat=True)[:1000]), after_commit=False)


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
