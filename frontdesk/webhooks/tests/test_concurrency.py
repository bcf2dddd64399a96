"""Workers at once: a delivery is queued once and sent once however many of them try."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent
from frontdesk.webhooks.actions import queue_delivery
from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.models import WebhookDelivery
from frontdesk.webhooks.sending import send_delivery
from frontdesk.webhooks.tests.conftest import make_endpoint


def _at_once(count: int, work) -> tuple[list[object], list[BaseException]]:
    start = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.mark.postgres  # threads on one SQLite test database lock each other's tables
@pytest.mark.django_db(transaction=True)
def test_workers_queueing_and_sending_at_once_make_one_delivery_and_one_request(hooks, receiver, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are PostgreSQL's; SQLite writes one at a time")
    from frontdesk.testing.cast import make_cast

    hooks.FRONTDESK_EVENT_CONSUMERS = []
    cast = make_cast()
    endpoint = make_endpoint(cast.opera.brand, receiver.url)
    event = TicketEvent.objects.get(ticket=cast.opera.ticket(), kind=EventKind.CREATED)

    # Only the workers below send: the queueing rings no doorbell.
    monkeypatch.setattr("frontdesk.webhooks.actions._ring", lambda ids: None)
    queued, errors = _at_once(4, lambda: queue_delivery(endpoint.pk, event, trigger_id=1))

    assert not errors
    assert WebhookDelivery.objects.count() == 1
    assert len({delivery.pk for delivery in queued}) == 1
    delivery = WebhookDelivery.objects.get()

    sent, errors = _at_once(4, lambda: send_delivery(delivery.pk))

    assert not errors
    assert sorted(sent) == ["", "", "", DeliveryStatus.DELIVERED]
    assert len(receiver.received) == 1
