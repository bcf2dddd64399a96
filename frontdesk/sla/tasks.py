"""iCal feeds of business-hours calendars: read from their address when a calendar is saved and every few hours,
so that closures the brand publishes (office holidays, a move) reach the deadlines without an admin pasting them.

The feed is fetched through ``core.http`` (no private addresses, no redirects, a size cap), checked by the same
parser as pasted data, and stored on the calendar with the moment it was read; a feed that cannot be read
leaves the last good data in place and says why in ``ical_error``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from huey.contrib.djhuey import db_task

from frontdesk.core import http
from frontdesk.core.errors import DomainError
from frontdesk.core.schedules import scheduled
from frontdesk.sla.calendars import MAX_ICAL_BYTES, parse_ical_closures
from frontdesk.sla.models import Calendar

logger = logging.getLogger(__name__)


def read_ical_feed(calendar_id: int) -> bool:
    """Fetch and store one calendar's feed; True when it was read."""
    calendar = Calendar.objects.filter(pk=calendar_id).exclude(ical_url="").first()
    if calendar is None:
        return False
    error = ""
    text = ""
    try:
        response = http.get(calendar.ical_url, max_response_bytes=MAX_ICAL_BYTES + 1)
        if response.status != 200:
            error = f"HTTP {response.status}"
        elif response.truncated or len(response.body) > MAX_ICAL_BYTES:
            error = "larger than 2 MB"
        else:
            text = response.body.decode("utf-8", errors="replace")
            parse_ical_closures(text)
    except http.HttpError as failure:
        error = f"{type(failure).__name__}: {failure}"
    except DomainError as invalid:
        error, text = str(invalid.detail), ""
    now = timezone.now()
    if error:
        Calendar.objects.filter(pk=calendar.pk).update(ical_error=error[:300])
        logger.warning("iCal feed of calendar %s not read: %s", calendar.pk, error)
        return False
    Calendar.objects.filter(pk=calendar.pk).update(
        ical_text=text, ical_read_at=now, ical_error="", updated_at=now
    )
    return True


@db_task(retries=2, retry_delay=60)  # type: ignore[untyped-decorator]  # huey ships no type hints
def read_ical_feed_task(calendar_id: int) -> None:
    read_ical_feed(calendar_id)


@scheduled("sla.read_ical_feeds", every=timedelta(hours=6))
def read_ical_feeds() -> list[int]:
    """Every calendar with an iCal address, read again."""
    ids = list(Calendar.objects.exclude(ical_url="").order_by("pk").values_list("pk", flat=True))
    return [pk for pk in ids if read_ical_feed(pk)]
