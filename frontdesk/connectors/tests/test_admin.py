"""Connectors in the admin: brand admins add and see their brands' connectors, the address for the network,
Telegram's webhook or polling, and the payload log read only; other brands' rows are invisible."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk.connectors.choices import ConnectorKind, ReceiveMode
from frontdesk.connectors.models import Connector, RawPayload
from frontdesk.connectors.tests.conftest import make_connector
from frontdesk.sla.models import SlaPolicy
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actors import actor_for

CONNECTORS = "admin:connectors_connector_changelist"
PAYLOADS = "admin:connectors_rawpayload_changelist"


def _login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def test_a_brand_admin_connects_a_telegram_bot_and_sees_the_address(client, cast, api, settings):
    settings.SITE_URL = "https://desk.example.com"
    _login(client, cast.opera.admin)

    response = client.post(
        reverse("admin:connectors_connector_add"),
        {
            "brand": cast.opera.brand.pk,
            "kind": ConnectorKind.TELEGRAM,
            "name": "Box office bot",
            "is_enabled": "on",
            "mode": ReceiveMode.WEBHOOK,
            "bot_token": "123456:ABC-test-token",
        },
    )

    assert response.status_code == 302
    bot = Connector.objects.get()
    assert bot.brand_id == cast.opera.brand.pk
    assert SlaPolicy.objects.filter(brand=cast.opera.brand, channels=["social"]).count() == 1
    listing = client.get(reverse(CONNECTORS))
    assert f"/connectors/telegram/{bot.key}/" in listing.content.decode()

    client.post(reverse(CONNECTORS), {"action": "use_webhook", "_selected_action": [bot.pk]})
    (call,) = api.of("setWebhook")
    assert call.json()["secret_token"] == bot.secret


def test_a_brand_admin_cannot_add_a_connector_for_another_brand(client, cast):
    _login(client, cast.opera.admin)

    response = client.post(
        reverse("admin:connectors_connector_add"),
        {"brand": cast.tours.brand.pk, "kind": ConnectorKind.WEBHOOK, "name": "Monitor", "mode": "webhook"},
    )

    assert response.status_code == 200
    assert not Connector.objects.exists()


def test_a_vk_community_needs_its_token_and_number(client, cast):
    _login(client, cast.opera.admin)

    response = client.post(
        reverse("admin:connectors_connector_add"),
        {"brand": cast.opera.brand.pk, "kind": ConnectorKind.VK, "name": "VK", "mode": "polling"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"access_token", "group_id"}


@pytest.mark.parametrize(
    "token", ["", "not a token ü ' \" <x>", "123456", ":ABC", "123456:ABC def", "12:" + "A" * 200]
)
def test_a_telegram_bot_needs_a_token_as_botfather_gives_it(client, cast, token):
    _login(client, cast.opera.admin)

    fields = {"kind": ConnectorKind.TELEGRAM, "name": "Bot", "mode": "polling", "bot_token": token}
    response = client.post(
        reverse("admin:connectors_connector_add"), {"brand": cast.opera.brand.pk, **fields}
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"bot_token"}
    assert not Connector.objects.exists()


def test_switching_a_telegram_connector_without_a_token_says_the_token_is_missing(cast):
    from frontdesk.connectors.actions import set_receive_mode
    from frontdesk.core.errors import InvalidInput

    bot = make_connector(cast.opera.brand, bot_token="")
    with pytest.raises(InvalidInput, match="^A Telegram bot needs its token.$"):
        set_receive_mode(bot, actor=actor_for(cast.opera.admin), mode=ReceiveMode.POLLING)


def test_a_vk_community_may_be_polled_and_a_generic_webhook_may_not(client, cast):
    _login(client, cast.opera.admin)
    add = reverse("admin:connectors_connector_add")
    vk = {"brand": cast.opera.brand.pk, "kind": ConnectorKind.VK, "name": "VK", "mode": "polling"}
    vk |= {"access_token": "vk1.a.token", "group_id": "218394011", "confirmation_code": "a1b2c3"}
    assert client.post(add, vk).status_code == 302
    assert Connector.objects.get(kind=ConnectorKind.VK).mode == ReceiveMode.POLLING
    hook = {
        "brand": cast.opera.brand.pk,
        "kind": ConnectorKind.WEBHOOK,
        "name": "Monitoring",
        "mode": "polling",
    }
    response = client.post(add, hook)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"mode"}


@pytest.mark.parametrize("who", ["tours_admin", "line1", "outsider"])
def test_others_see_neither_the_connector_nor_its_payloads(client, cast, who):
    bot = make_connector(cast.opera.brand)
    row = RawPayload.objects.create(brand=cast.opera.brand, connector=bot, external_id="1", payload={"a": 1})
    user = {"tours_admin": cast.tours.admin, "line1": cast.opera.line1, "outsider": cast.outsider}[who]
    _login(client, user)

    listing = client.get(reverse(CONNECTORS))
    page = client.get(reverse("admin:connectors_connector_change", args=[bot.pk]))
    payload = client.get(reverse("admin:connectors_rawpayload_change", args=[row.pk]))

    assert bot.key not in (listing.content.decode() if listing.status_code == 200 else "")
    assert page.status_code in (302, 403, 404)
    assert payload.status_code in (302, 403, 404)


def test_the_payload_log_is_read_only_for_the_brand_admin(client, cast):
    bot = make_connector(cast.opera.brand)
    row = RawPayload.objects.create(
        brand=cast.opera.brand, connector=bot, external_id="77", payload={"update_id": 77}
    )
    _login(client, cast.opera.admin)

    listing = client.get(reverse(PAYLOADS))
    page = client.get(reverse("admin:connectors_rawpayload_change", args=[row.pk]))

    assert listing.status_code == page.status_code == 200
    assert "update_id" in page.content.decode()
    assert client.get(reverse("admin:connectors_rawpayload_add")).status_code == 403


def test_an_inbound_webhook_shows_its_secret_once_when_added_and_again_only_when_rotated(client, cast):
    _login(client, cast.opera.admin)

    added = client.post(
        reverse("admin:connectors_connector_add"),
        {"brand": cast.opera.brand.pk, "kind": ConnectorKind.WEBHOOK, "name": "Monitor", "mode": "webhook"},
        follow=True,
    )
    hook = Connector.objects.get()
    assert hook.secret in added.content.decode()
    assert hook.secret not in client.get(reverse(CONNECTORS)).content.decode()

    rotated = client.post(
        reverse(CONNECTORS), {"action": "rotate", "_selected_action": [hook.pk]}, follow=True
    )
    old = hook.secret
    hook.refresh_from_db()
    assert hook.secret != old
    assert hook.secret in rotated.content.decode()


def _switch(client, bot, action):
    return client.post(
        reverse(CONNECTORS), {"action": action, "_selected_action": [bot.pk]}, follow=True
    ).content.decode()


def test_setting_the_webhook_on_a_local_address_says_telegram_needs_public_https_and_polling_works(
    client, cast, api, settings
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    bot = make_connector(cast.opera.brand, mode=ReceiveMode.POLLING)
    _login(client, cast.opera.admin)

    page = _switch(client, bot, "use_webhook")

    assert "Telegram calls a webhook only at a public HTTPS address" in page
    assert "http://127.0.0.1:8000/connectors/telegram/" in page
    assert "choose polling" in page
    assert "0 Telegram bots switched" not in page  # the refusal alone says what happened
    assert api.of("setWebhook") == []
    assert Connector.objects.get(pk=bot.pk).mode == ReceiveMode.POLLING


def test_a_telegram_api_that_cannot_be_reached_is_named_with_the_reason(client, cast, settings):
    settings.SITE_URL = "https://desk.example.com"
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = ["127.0.0.1"]
    settings.FRONTDESK_TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    bot = make_connector(cast.opera.brand)
    _login(client, cast.opera.admin)

    page = _switch(client, bot, "use_polling")

    assert "Could not reach 127.0.0.1: cannot connect to 127.0.0.1" in page
    assert "HttpConnectionError" not in page
    bot.refresh_from_db()
    assert bot.last_error.startswith("could not reach 127.0.0.1")
    assert "test-token" not in bot.last_error


def test_the_telegram_messages_read_in_russian(client, cast, settings):
    settings.SITE_URL = "http://localhost:8000"
    bot = make_connector(cast.opera.brand)
    cast.opera.admin.language = "ru"
    cast.opera.admin.save(update_fields=["language"])
    _login(client, cast.opera.admin)

    assert "Telegram вызывает вебхук только по публичному адресу HTTPS" in _switch(client, bot, "use_webhook")
    assert "снова выполните" in _switch(client, bot, "rotate")


def test_rotating_a_telegram_bots_secret_says_to_set_the_webhook_again(client, cast):
    bot = make_connector(cast.opera.brand)
    old = bot.secret
    _login(client, cast.opera.admin)

    page = _switch(client, bot, "rotate")

    bot.refresh_from_db()
    assert bot.secret != old
    assert "Telegram still sends the old one" in page
    assert "Telegram: set the webhook" in page
    assert bot.secret not in page


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://desk.example.com/connectors/telegram/k/", True),
        ("https://203.0.113.9/x/", False),  # documentation range, not global
        ("https://8.8.8.8/x/", True),
        ("http://desk.example.com/x/", False),
        ("https://localhost:8000/x/", False),
        ("https://desk.localhost/x/", False),
        ("https://frontdesk/x/", False),
        ("https://192.168.1.10/x/", False),
        ("https://[::1]/x/", False),
    ],
)
def test_only_public_https_addresses_can_be_given_to_telegram(url, public):
    from frontdesk.connectors.actions import is_public_https

    assert is_public_https(url) is public
