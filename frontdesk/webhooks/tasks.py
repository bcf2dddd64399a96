"""Background work of the webhooks app: send a delivery, and sweep due retries and lost claims."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from frontdesk.core.schedules import scheduled
from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.models import WebhookDelivery
from frontdesk.webhooks.sending import send_delivery

# Deliveries rung per sweep; the rest on the next minute's.
SWEEP_BATCH = 500
# Finished deliveries deleted per statement when the log is pruned.
PRUNE_BATCH = 5000


@db_task()  # type: ignore[untyped-decorator]  # huey ships no type hints
def deliver_webhook(delivery_id: int) -> None:
    send_delivery(delivery_id)


@scheduled("webhooks.sweep", every=timedelta(minutes=1))
def sweep_deliveries() -> list[int]:
    """Ring for every delivery that is due (a retry whose time came, a doorbell that was lost) or whose
    worker died while sending it (its claim expired). Returns the ids rung for."""
    now = timezone.now()
    due = (
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    ids = list(due)
    for pk in ids:
        deliver_webhook(pk)
    return ids


@scheduled("webhooks.prune", every=timedelta(hours=6))
def prune_delivery_log() -> int:
    """Delete finished deliveries (delivered or given up) older than ``FRONTDESK_WEBHOOK_LOG_DAYS``, in batches;
    pending ones and the retries in flight stay whatever their age. Returns how many were deleted."""
    days = settings.FRONTDESK_WEBHOOK_LOG_DAYS
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    finished = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], created_at__lt=cutoff
    )
    deleted = 0
    while True:
        batch = list(finished.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return deleted
        deleted += WebhookDelivery.objects.filter(pk__in=batch).delete()[0]
