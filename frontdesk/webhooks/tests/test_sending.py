from __future__ import annotations

import json
import time
from datetime import timedelta

import time_machine
from django.utils import timezone

from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent
from frontdesk.webhooks import sending
from frontdesk.webhooks.actions import queue_delivery
from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.models import RESPONSE_EXCERPT_CHARS, WebhookDelivery
from frontdesk.webhooks.sending import MAX_ATTEMPTS, send_delivery
from frontdesk.webhooks.signing import verify_signature
from frontdesk.webhooks.tasks import sweep_deliveries
from frontdesk.webhooks.tests.conftest import Answer, make_endpoint


def _queued(cast, url: str, **endpoint_options) -> WebhookDelivery:
    endpoint = make_endpoint(cast.opera.brand, url, **endpoint_options)
    event = TicketEvent.objects.get(ticket=cast.opera.ticket(), kind=EventKind.CREATED)
    delivery = queue_delivery(endpoint.pk, event)
    assert delivery is not None
    return delivery


def test_a_receiver_verifies_the_signature_with_the_endpoint_secret(cast, hooks, receiver):
    delivery = _queued(cast, receiver.url)

    assert send_delivery(delivery.pk) == DeliveryStatus.DELIVERED

    (request,) = receiver.received
    secret = delivery.endpoint.secret
    header = request.headers["x-frontdesk-signature"]
    assert verify_signature(secret, request.body, header)
    assert not verify_signature("whsec_another", request.body, header)
    assert not verify_signature(secret, request.body + b" ", header)
    assert not verify_signature(secret, request.body, header, now=time.time() + 3600)
    assert request.headers["x-frontdesk-event"] == "created"
    assert request.headers["x-frontdesk-delivery"] == str(delivery.pk)
    assert request.headers["content-type"].startswith("application/json")
    assert request.body.decode() == delivery.body


def test_a_delivered_delivery_records_the_answer(cast, hooks, receiver):
    receiver.answer(Answer(200, b"x" * (RESPONSE_EXCERPT_CHARS + 500)))
    delivery = _queued(cast, receiver.url)

    send_delivery(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.response_status == 200
    assert len(delivery.response_excerpt) == RESPONSE_EXCERPT_CHARS
    assert delivery.attempts == 1
    assert delivery.delivered_at is not None
    assert delivery.duration_ms is not None
    assert delivery.claimed_until is None
    assert send_delivery(delivery.pk) == ""
    assert len(receiver.received) == 1


def test_a_500_is_retried_later_and_then_delivered(cast, hooks, receiver):
    receiver.answer(Answer(500, b"oops"), Answer(503), Answer(200))
    delivery = _queued(cast, receiver.url)

    assert send_delivery(delivery.pk) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.response_status == 500
    assert delivery.response_excerpt == "oops"
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # Not due yet: the sweep leaves it.
    assert sweep_deliveries() == []

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert sweep_deliveries() == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 2
    assert delivery.response_status == 503

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        sweep_deliveries()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    assert len(receiver.received) == 3
    # The same body each time, a fresh signature each time.
    assert len({r.body for r in receiver.received}) == 1


def test_a_410_fails_for_good_and_is_not_retried(cast, hooks, receiver):
    receiver.answer(Answer(410, b"gone"))
    delivery = _queued(cast, receiver.url)

    assert send_delivery(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.response_status == 410
    assert delivery.error == "HTTP 410"
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert sweep_deliveries() == []
    assert len(receiver.received) == 1


def test_429_and_408_are_retried(cast, hooks, receiver):
    receiver.answer(Answer(429), Answer(408))
    delivery = _queued(cast, receiver.url)

    assert send_delivery(delivery.pk) == DeliveryStatus.PENDING
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert send_delivery(delivery.pk) == DeliveryStatus.PENDING


def test_a_timeout_counts_as_a_failure_to_retry(cast, hooks, receiver, monkeypatch):
    monkeypatch.setattr(sending, "TOTAL_TIMEOUT", 0.5)
    receiver.answer(Answer(200, delay=2.0))
    delivery = _queued(cast, receiver.url)

    started = time.monotonic()
    assert send_delivery(delivery.pk) == DeliveryStatus.PENDING
    assert time.monotonic() - started < 1.8

    delivery.refresh_from_db()
    assert delivery.error.startswith("HttpTimeout")
    assert delivery.response_status is None
    assert delivery.attempts == 1


def test_a_redirect_is_not_followed(cast, hooks, receiver):
    receiver.answer(Answer(302, headers={"Location": receiver.url + "/elsewhere"}))
    delivery = _queued(cast, receiver.url)

    assert send_delivery(delivery.pk) == DeliveryStatus.FAILED

    assert [r.path for r in receiver.received] == ["/hooks"]
    delivery.refresh_from_db()
    assert delivery.response_status == 302
    assert "redirects are not followed" in delivery.error


def test_the_last_attempt_that_fails_gives_up(cast, hooks, receiver):
    receiver.answer(Answer(500))
    delivery = _queued(cast, receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=MAX_ATTEMPTS - 1)

    assert send_delivery(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.attempts == MAX_ATTEMPTS


def test_a_private_address_is_refused_without_the_setting(cast, hooks, receiver, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = False
    delivery = _queued(cast, receiver.url)

    assert send_delivery(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.error.startswith("BlockedAddress")
    assert receiver.received == []


def test_the_sweep_resends_a_delivery_whose_worker_died(cast, hooks, receiver):
    delivery = _queued(cast, receiver.url)
    # A worker claimed it and died while sending.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, claimed_until=timezone.now() + sending.LEASE
    )
    assert sweep_deliveries() == []
    assert send_delivery(delivery.pk) == ""

    with time_machine.travel(timezone.now() + sending.LEASE + timedelta(seconds=5)):
        assert sweep_deliveries() == [delivery.pk]

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2
    assert len(receiver.received) == 1


def test_the_sweep_runs_as_a_scheduled_job(cast, hooks, receiver):
    from frontdesk.core.schedules import registered, run_due_schedules

    delivery = _queued(cast, receiver.url)

    assert registered()["webhooks.sweep"].every == timedelta(minutes=1)
    assert run_due_schedules(only={"webhooks.sweep"}) == ["webhooks.sweep"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_a_deactivated_endpoint_gets_no_queued_delivery(cast, hooks, receiver):
    delivery = _queued(cast, receiver.url)
    delivery.endpoint.is_active = False
    delivery.endpoint.save()

    assert send_delivery(delivery.pk) == DeliveryStatus.FAILED
    assert receiver.received == []


def test_the_body_describes_the_event_for_the_brand(cast, hooks, receiver):
    delivery = _queued(cast, receiver.url)

    send_delivery(delivery.pk)

    body = json.loads(receiver.received[0].body)
    ticket = delivery.event.ticket
    assert body["delivery"] == delivery.pk
    assert body["event"] == delivery.event_id
    assert body["kind"] == "created"
    assert body["brand"] == "opera"
    assert body["ticket"]["number"] == ticket.number
    assert body["ticket"]["customer"] == {
        "name": cast.opera.customer.name,
        "email": cast.opera.customer.email,
    }
    assert body["message"]["text"].startswith("Hello, my e-tickets")


def test_an_http_endpoint_fails_once_the_setting_no_longer_allows_http(cast, hooks, receiver, settings):
    delivery = _queued(cast, receiver.url)
    settings.FRONTDESK_WEBHOOKS_ALLOW_HTTP = False

    assert send_delivery(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.error.startswith("InvalidUrl")
    assert receiver.received == []


def test_a_ticket_event_reaches_the_receiver_through_the_dispatcher(
    cast, hooks, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(cast.opera.brand, receiver.url, EventKind.CREATED)

    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket("Seats for tonight")

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.DELIVERED
    (request,) = receiver.received
    body = json.loads(request.body)
    assert body["ticket"]["number"] == ticket.number
    assert body["ticket"]["subject"] == "Seats for tonight"
    assert verify_signature(endpoint.secret, request.body, request.headers["x-frontdesk-signature"])
