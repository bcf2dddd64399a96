"""Background work on tickets: event dispatch to the consumers named in settings, and its sweeper."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from frontdesk.core.work import claim
from frontdesk.tickets.models import TicketEvent

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10


@db_task(retries=3, retry_delay=10)  # type: ignore[untyped-decorator]  # huey ships no type hints
def dispatch_ticket_event(event_id: int) -> None:
    """Run every configured consumer for one event, once; a second worker or a re-run does nothing."""
    pending = TicketEvent.objects.filter(dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if not claim(pending, event_id, lease=LEASE):
        return
    event = TicketEvent.objects.select_related("ticket").get(pk=event_id)
    try:
        for path in settings.FRONTDESK_EVENT_CONSUMERS:
            import_string(path)(event)
    except Exception:
        logger.exception("Consumer failed for ticket event %s", event_id)
        TicketEvent.objects.filter(pk=event_id).update(attempts=F("attempts") + 1, claimed_until=None)
        raise
    TicketEvent.objects.filter(pk=event_id).update(dispatched_at=timezone.now(), claimed_until=None)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def sweep_undispatched_events() -> None:
    """Queue again the events whose dispatch was lost (a crashed worker, a lost enqueue)."""
    cutoff = timezone.now() - timedelta(minutes=1)
    stale = TicketEvent.objects.filter(dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS, at__lt=cutoff)
    for event_id in stale.values_list("id", flat=True)[:1000]:
        dispatch_ticket_event(event_id)


@db_periodic_task(crontab(hour="3", minute="41"))  # type: ignore[untyped-decorator]  # huey ships no type hints
def sweep_orphan_attachment_files() -> None:
    from frontdesk.tickets.files import sweep_orphan_files

    removed = sweep_orphan_files()
    if removed:
        logger.info("Removed %d attachment files without a row", len(removed))
