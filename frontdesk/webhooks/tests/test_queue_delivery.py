from __future__ import annotations

import json

from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent
from frontdesk.webhooks.actions import queue_delivery, queue_subscribed_deliveries
from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.consumers import queue_webhooks
from frontdesk.webhooks.models import WebhookDelivery
from frontdesk.webhooks.tests.conftest import make_endpoint


def _created(ticket) -> TicketEvent:
    return TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)


def test_queue_delivery_is_idempotent_per_endpoint_event_and_trigger(cast, hooks, receiver):
    endpoint = make_endpoint(cast.opera.brand, receiver.url)
    event = _created(cast.opera.ticket())

    first = queue_delivery(endpoint.pk, event)
    again = queue_delivery(endpoint.pk, event)
    by_trigger = queue_delivery(endpoint.pk, event, trigger_id=7)
    by_trigger_again = queue_delivery(endpoint.pk, event, trigger_id=7)

    assert first is not None
    assert again is not None
    assert first.pk == again.pk
    assert by_trigger is not None
    assert by_trigger_again is not None
    assert by_trigger.pk == by_trigger_again.pk != first.pk
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2
    assert by_trigger.trigger_id == 7
    assert by_trigger.status == DeliveryStatus.PENDING


def test_queue_delivery_refuses_an_endpoint_of_another_brand_or_an_inactive_one(cast, hooks, receiver):
    tours_endpoint = make_endpoint(cast.tours.brand, receiver.url)
    inactive = make_endpoint(cast.opera.brand, receiver.url, active=False)
    event = _created(cast.opera.ticket())

    assert queue_delivery(tours_endpoint.pk, event) is None
    assert queue_delivery(inactive.pk, event) is None
    assert queue_delivery(999_999, event) is None
    assert not WebhookDelivery.objects.exists()


def test_queued_delivery_is_sent_after_commit(cast, hooks, receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(cast.opera.brand, receiver.url)
    event = _created(cast.opera.ticket())

    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue_delivery(endpoint.pk, event, trigger_id=3)
        assert receiver.received == []

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.received) == 1
    assert json.loads(receiver.received[0].body)["event"] == event.pk


def test_the_consumer_run_twice_makes_one_delivery(cast, hooks, receiver):
    endpoint = make_endpoint(cast.opera.brand, receiver.url, EventKind.CREATED)
    event = _created(cast.opera.ticket())

    queue_webhooks(event)
    queue_webhooks(event)
    queue_webhooks.for_events([event, event])

    assert WebhookDelivery.objects.filter(endpoint=endpoint, event=event).count() == 1


def test_the_consumer_sends_only_subscribed_kinds_to_active_endpoints(cast, hooks, receiver):
    created = make_endpoint(cast.opera.brand, receiver.url, EventKind.CREATED, name="created")
    replied = make_endpoint(cast.opera.brand, receiver.url, EventKind.REPLIED, name="replied")
    triggers_only = make_endpoint(cast.opera.brand, receiver.url, name="triggers only")
    make_endpoint(cast.opera.brand, receiver.url, EventKind.CREATED, name="off", active=False)
    event = _created(cast.opera.ticket())

    queued = queue_subscribed_deliveries([event])

    assert [d.endpoint_id for d in queued] == [created.pk]
    assert not WebhookDelivery.objects.filter(endpoint__in=[replied, triggers_only]).exists()


def test_an_endpoint_of_opera_never_gets_opera_tours_events(
    cast, hooks, receiver, django_capture_on_commit_callbacks
):
    opera = make_endpoint(cast.opera.brand, receiver.url, *EventKind.values)

    with django_capture_on_commit_callbacks(execute=True):
        cast.tours.ticket("A tours ticket")

    assert not WebhookDelivery.objects.filter(endpoint=opera).exists()
    assert receiver.received == []
    assert TicketEvent.objects.filter(brand=cast.tours.brand, dispatched_at__isnull=False).exists()


def test_a_delivery_made_at_the_same_moment_by_another_worker_is_returned(cast, hooks, receiver, monkeypatch):
    from frontdesk.webhooks import actions

    endpoint = make_endpoint(cast.opera.brand, receiver.url)
    event = _created(cast.opera.ticket())
    first = queue_delivery(endpoint.pk, event, trigger_id=5)
    # The look-up ran before the other worker's insert: the unique constraint catches it.
    real = actions._existing
    calls = []

    def too_early(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(actions, "_existing", too_early)

    again = queue_delivery(endpoint.pk, event, trigger_id=5)

    assert again is not None
    assert again.pk == first.pk
    assert WebhookDelivery.objects.count() == 1


def test_the_active_endpoints_of_a_brand_are_its_own(cast, hooks, receiver):
    from frontdesk.webhooks.queries import active_endpoints_of_brand

    mine = make_endpoint(cast.opera.brand, receiver.url, name="A")
    make_endpoint(cast.opera.brand, receiver.url, name="B", active=False)
    make_endpoint(cast.tours.brand, receiver.url, name="C")

    assert list(active_endpoints_of_brand(cast.opera.brand.pk)) == [mine]
