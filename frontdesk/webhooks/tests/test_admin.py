"""The webhooks in the admin: brand admins see and change their brand's endpoints and deliveries only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent
from frontdesk.webhooks.actions import queue_delivery
from frontdesk.webhooks.choices import DeliveryStatus
from frontdesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from frontdesk.webhooks.tests.conftest import make_endpoint

ENDPOINTS = "admin:webhooks_webhookendpoint_changelist"
DELIVERIES = "admin:webhooks_webhookdelivery_changelist"


def _login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def _deliveries(brand_cast, endpoint, count: int) -> list[WebhookDelivery]:
    made = []
    for number in range(count):
        ticket = brand_cast.ticket(f"Request {number}")
        event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
        made.append(queue_delivery(endpoint.pk, event))
    return made


def test_a_brand_admin_adds_an_endpoint_and_sees_its_secret_once(client, cast):
    _login(client, cast.opera.admin)

    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "brand": cast.opera.brand.pk,
            "name": "CRM",
            "url": "https://crm.opera.example/hooks",
            "event_kinds": [EventKind.CREATED, EventKind.SOLVED],
            "is_active": "on",
        },
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.brand == cast.opera.brand
    assert endpoint.event_kinds == ["created", "solved"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    page = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200
    assert endpoint.secret not in page.content.decode()
    assert endpoint.secret[:10] in page.content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://crm.opera.example/hooks", "https://"),
        ("ftp://crm.opera.example/", "https://"),
        ("https://user:pw@crm.opera.example/", "user name or password"),
        ("not a url", "https://"),
    ],
)
def test_an_endpoint_needs_an_https_address(client, cast, url, message):
    _login(client, cast.opera.admin)

    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"brand": cast.opera.brand.pk, "name": "CRM", "url": url, "is_active": "on"},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_http_is_allowed_where_the_setting_allows_it(client, cast, settings):
    settings.FRONTDESK_WEBHOOKS_ALLOW_HTTP = True
    _login(client, cast.opera.admin)

    client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"brand": cast.opera.brand.pk, "name": "Local", "url": "http://127.0.0.1:8000/", "is_active": "on"},
    )

    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:8000/"


def test_a_brand_admin_cannot_add_an_endpoint_for_another_brand(client, cast):
    _login(client, cast.opera.admin)

    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"brand": cast.tours.brand.pk, "name": "CRM", "url": "https://crm.example/", "is_active": "on"},
    )

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_rotating_the_secret_shows_the_new_one_once(client, cast):
    endpoint = make_endpoint(cast.opera.brand, "https://crm.opera.example/hooks")
    old = endpoint.secret
    _login(client, cast.opera.admin)

    response = client.post(
        reverse(ENDPOINTS), {"action": "rotate", "_selected_action": [endpoint.pk]}, follow=True
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()


def test_a_test_ping_reaches_the_receiver(client, cast, hooks, receiver, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(cast.opera.brand, receiver.url)
    _login(client, cast.opera.admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(ENDPOINTS), {"action": "send_ping", "_selected_action": [endpoint.pk]})

    delivery = WebhookDelivery.objects.get()
    assert delivery.kind == "ping"
    assert delivery.status == DeliveryStatus.DELIVERED
    assert receiver.received[0].headers["x-frontdesk-event"] == "ping"


def test_send_again_requeues_a_failed_delivery(
    client, cast, hooks, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(cast.opera.brand, receiver.url)
    (failed, delivered) = _deliveries(cast.opera, endpoint, 2)
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, attempts=8, error="HTTP 410"
    )
    WebhookDelivery.objects.filter(pk=delivered.pk).update(status=DeliveryStatus.DELIVERED, attempts=1)
    _login(client, cast.opera.admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(DELIVERIES), {"action": "send_again", "_selected_action": [failed.pk, delivered.pk]}
        )

    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.DELIVERED
    assert failed.attempts == 1
    assert len(receiver.received) == 1


def test_a_brand_admin_sees_only_their_brands_endpoints_and_deliveries(client, cast):
    mine = make_endpoint(cast.opera.brand, "https://crm.opera.example/hooks", name="Opera CRM")
    theirs = make_endpoint(cast.tours.brand, "https://crm.tours.example/hooks", name="Tours CRM")
    (my_delivery,) = _deliveries(cast.opera, mine, 1)
    (their_delivery,) = _deliveries(cast.tours, theirs, 1)
    _login(client, cast.opera.admin)

    endpoints = client.get(reverse(ENDPOINTS)).content.decode()
    deliveries = client.get(reverse(DELIVERIES)).content.decode()

    assert "Opera CRM" in endpoints
    assert "Tours CRM" not in endpoints
    assert "crm.tours.example" not in endpoints
    assert "Opera CRM" in deliveries
    assert "Tours CRM" not in deliveries
    assert their_delivery.event.ticket.number not in deliveries
    assert client.get(reverse("admin:webhooks_webhookendpoint_change", args=[theirs.pk])).status_code in (
        302,
        404,
    )
    assert client.get(
        reverse("admin:webhooks_webhookdelivery_change", args=[their_delivery.pk])
    ).status_code in (
        302,
        404,
    )
    detail = client.get(reverse("admin:webhooks_webhookdelivery_change", args=[my_delivery.pk]))
    assert detail.status_code == 200
    assert my_delivery.event.ticket.number in detail.content.decode()
    # Actions on the other brand's rows do nothing.
    old = theirs.secret
    client.post(reverse(ENDPOINTS), {"action": "rotate", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.secret == old


@pytest.mark.parametrize("who", ["outsider", "agent"])
def test_the_outsider_and_agents_cannot_open_the_webhook_admin(client, cast, who):
    endpoint = make_endpoint(cast.opera.brand, "https://crm.opera.example/hooks")
    (delivery,) = _deliveries(cast.opera, endpoint, 1)
    _login(client, cast.outsider if who == "outsider" else cast.opera.line1)

    for url in (
        reverse(ENDPOINTS),
        reverse(DELIVERIES),
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert endpoint.secret not in response.content.decode()


def _queries(client, count_queries, url) -> int:
    client.get(url)
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_delivery_log_costs_the_same_queries_for_few_and_many_rows(client, cast, count_queries):
    endpoint = make_endpoint(cast.opera.brand, "https://crm.opera.example/hooks")
    other = make_endpoint(cast.opera.brand, "https://erp.opera.example/hooks", name="ERP")
    _deliveries(cast.opera, endpoint, 2)
    _login(client, cast.opera.admin)
    few = _queries(client, count_queries, reverse(DELIVERIES))

    _deliveries(cast.opera, other, 10)
    many = _queries(client, count_queries, reverse(DELIVERIES))

    assert few == many


def test_the_endpoint_list_costs_the_same_queries_for_few_and_many_rows(client, cast, count_queries):
    make_endpoint(cast.opera.brand, "https://crm.opera.example/", name="CRM")
    _login(client, cast.opera.admin)
    few = _queries(client, count_queries, reverse(ENDPOINTS))

    for number in range(10):
        make_endpoint(cast.opera.brand, f"https://crm{number}.opera.example/", name=f"CRM {number}")
    many = _queries(client, count_queries, reverse(ENDPOINTS))

    assert few == many
