"""Background work on tickets: event dispatch to the consumers named in settings, and its sweeper."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontdesk.core.schedules import scheduled
from frontdesk.core.work import claim_batch, next_free
from frontdesk.tickets import assignment, followups, sla  # noqa: F401 - they register scheduled jobs
from frontdesk.tickets.models import TicketEvent

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10


@db_task(retries=3, retry_delay=10)  # type: ignore[untyped-decorator]  # huey ships no type hints
def dispatch_ticket_event(event_id: int) -> None:
    """Run every configured consumer for this event and the other waiting ones, once each; a second worker or
    a re-run does nothing. A failed event is retried (its attempts counted); the others are done."""
    failed = dispatch_events(event_id)
    if failed:
        raise RuntimeError(f"Consumers failed for ticket events {failed}")


def dispatch_events(event_id: int, *, size: int | None = None) -> list[int]:
    """Take ``event_id`` and up to ``size`` - 1 other waiting events (``FRONTDESK_EVENT_BATCH_SIZE``) and run
    the consumers on them in the order they happened. A consumer with a ``for_events`` attribute gets the
    whole batch at once (one query per kind of look-up); should that fail, it gets them one at a time, so
    that only the event at fault is retried. Returns the ids of the events that failed."""
    pending = TicketEvent.objects.filter(dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    size = size or settings.FRONTDESK_EVENT_BATCH_SIZE
    ids = claim_batch(pending, event_id, size=size, lease=LEASE)
    if not ids:
        return []
    if len(ids) >= size > 1:
        following = next_free(pending)
        if following is not None:
            dispatch_ticket_event(following)
    events = list(TicketEvent.objects.select_related("ticket").filter(pk__in=ids).order_by("id"))
    failed: set[int] = set()
    for path in settings.FRONTDESK_EVENT_CONSUMERS:
        consumer = import_string(path)
        for_events = getattr(consumer, "for_events", None)
        if for_events is not None and len(events) > 1:
            try:
                with transaction.atomic():
                    for_events([e for e in events if e.pk not in failed])
                continue
            except Exception:
                logger.warning(
                    "Consumer %s failed for a batch of events; one at a time now", path, exc_info=True
                )
        for event in events:
            if event.pk in failed:
                continue
            try:
                with transaction.atomic():
                    consumer(event)
            except Exception:
                logger.exception("Consumer %s failed for ticket event %s", path, event.pk)
                failed.add(event.pk)
    done = [pk for pk in ids if pk not in failed]
    if done:
        TicketEvent.objects.filter(pk__in=done).update(dispatched_at=timezone.now(), claimed_until=None)
    if failed:
        TicketEvent.objects.filter(pk__in=sorted(failed)).update(
            attempts=F("attempts") + 1, claimed_until=None
        )
    return sorted(failed)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def sweep_undispatched_events() -> None:
    """Queue again the events whose dispatch was lost (a crashed worker, a lost enqueue)."""
    cutoff = timezone.now() - timedelta(minutes=1)
    stale = TicketEvent.objects.filter(dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS, at__lt=cutoff)
    for event_id in stale.values_list("id", flat=True)[:1000]:
        dispatch_ticket_event(event_id)


@scheduled("tickets.sweep_orphan_attachment_files", every=timedelta(days=1))
def sweep_orphan_attachment_files() -> None:
    from frontdesk.tickets.files import sweep_orphan_files

    removed = sweep_orphan_files()
    if removed:
        logger.info("Removed %d attachment files without a row", len(removed))
