from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.models import WebhookDelivery
from frontdesk.webhooks.tasks import prune_delivery_log
from frontdesk.webhooks.tests.conftest import make_endpoint


def _delivery(endpoint, status: str, days_old: int) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        brand=endpoint.brand,
        endpoint=endpoint,
        kind="ping",
        status=status,
        created_at=timezone.now() - timedelta(days=days_old),
    )


def test_finished_deliveries_older_than_the_log_days_are_pruned_and_the_rest_kept(cast, hooks, settings):
    settings.FRONTDESK_WEBHOOK_LOG_DAYS = 30
    endpoint = make_endpoint(cast.opera.brand, "https://hooks.example.com/in")
    old_delivered = _delivery(endpoint, DeliveryStatus.DELIVERED, 31)
    old_failed = _delivery(endpoint, DeliveryStatus.FAILED, 45)
    old_pending = _delivery(endpoint, DeliveryStatus.PENDING, 40)
    recent_delivered = _delivery(endpoint, DeliveryStatus.DELIVERED, 29)

    assert prune_delivery_log() == 2

    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {old_pending.pk, recent_delivered.pk}
    assert old_delivered.pk not in left
    assert old_failed.pk not in left


def test_a_log_kept_for_ever_is_not_pruned(cast, hooks, settings):
    settings.FRONTDESK_WEBHOOK_LOG_DAYS = 0
    endpoint = make_endpoint(cast.opera.brand, "https://hooks.example.com/in")
    _delivery(endpoint, DeliveryStatus.DELIVERED, 400)

    assert prune_delivery_log() == 0
    assert WebhookDelivery.objects.count() == 1


def test_pruning_goes_on_in_batches_until_every_old_one_is_gone(cast, hooks, settings, monkeypatch):
    from frontdesk.webhooks import tasks

    monkeypatch.setattr(tasks, "PRUNE_BATCH", 2)
    settings.FRONTDESK_WEBHOOK_LOG_DAYS = 7
    endpoint = make_endpoint(cast.opera.brand, "https://hooks.example.com/in")
    for _ in range(5):
        _delivery(endpoint, DeliveryStatus.DELIVERED, 8)

    assert prune_delivery_log() == 5
    assert not WebhookDelivery.objects.exists()
