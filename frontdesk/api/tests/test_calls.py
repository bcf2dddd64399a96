"""The CTI webhook: a brand's telephone system announces an incoming call, signed with the brand's secret; the
agents of that brand and line get a pop-up on their open desk pages."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client

from frontdesk.api.routers.calls import signature
from frontdesk.brands.models import Brand
from frontdesk.desk.tests.sockets import live_sockets, open_socket  # noqa: F401 - a fixture
from frontdesk.testing.plugin import clear_own_cache
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("live_sockets")]

SECRET = "opera-telephony-secret"
TOURS_SECRET = "tours-telephony-secret"
QUIET = 0.2


@dataclass(frozen=True)
class SignedCase:
    """The webhook answers to a brand's signature, not to a person: its isolation is tested in this module (a
    notice signed for one brand reaches only that brand's agents; another brand's secret is refused)."""

    operation_id: str


ISOLATION = [SignedCase("announce_call")]


@pytest.fixture
def secrets(cast):
    clear_own_cache()  # notices already taken, by signature
    Brand.objects.filter(pk=cast.opera.brand.pk).update(call_signing_secret=SECRET)
    Brand.objects.filter(pk=cast.tours.brand.pk).update(call_signing_secret=TOURS_SECRET)


@pytest.fixture
def caller(cast):
    return user_actions.create_customer(
        cast.opera.brand, actor=SYSTEM, name="Maria Callas", phones=["+48 22 123 45 67"]
    )


def announce(payload, *, brand="opera", secret=SECRET, timestamp=None, sign=True, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"X-Frontdesk-Brand": brand, "X-Frontdesk-Timestamp": stamp}
    if sign:
        headers["X-Frontdesk-Signature"] = signature(secret, stamp, body)
    return Client().post("/api/v1/calls", data=body, content_type="application/json", headers=headers)


def assert_refused(response, status=401):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_a_signed_call_from_a_known_number_names_the_customer(secrets, caller):
    response = announce({"phone": "0048 22 123-45-67", "line": 1})
    assert response.status_code == 202, response.content
    assert response.json() == {"phone": "+48221234567", "customer_id": caller.pk}


def test_a_call_from_an_unknown_number_is_announced_without_a_customer(secrets):
    response = announce({"phone": "+48 600 000 000"})
    assert response.status_code == 202
    assert response.json()["customer_id"] is None


def test_the_customer_of_another_brand_with_the_same_number_is_not_named(secrets, cast):
    user_actions.create_customer(cast.tours.brand, actor=SYSTEM, name="Tours caller", phones=["+48221234567"])
    assert announce({"phone": "+48221234567"}).json()["customer_id"] is None


def test_the_agents_of_the_brand_and_line_called_get_the_pop_up_and_no_one_else(secrets, caller, cast):
    async def scenario():
        line1, _, _ = await open_socket("/ws/desk/", cast.opera.line1)
        line2, _, _ = await open_socket("/ws/desk/", cast.opera.line2)
        stranger, _, _ = await open_socket("/ws/desk/", cast.tours.line1)
        response = await database_sync_to_async(announce)({"phone": "+48221234567", "line": 1})
        assert response.status_code == 202
        assert await line1.receive_json_from() == {
            "type": "call",
            "brand": cast.opera.brand.pk,
            "line": 1,
            "phone": "+48221234567",
            "customer": caller.pk,
        }
        assert await line2.receive_nothing(timeout=QUIET)
        assert await stranger.receive_nothing(timeout=QUIET)
        for socket in (line1, line2, stranger):
            await socket.disconnect()

    async_to_sync(scenario)()


def test_a_call_for_no_line_reaches_every_line_of_the_brand(secrets, cast):
    async def scenario():
        line1, _, _ = await open_socket("/ws/desk/", cast.opera.line1)
        line2, _, _ = await open_socket("/ws/desk/", cast.opera.line2)
        response = await database_sync_to_async(announce)({"phone": "+48221234567"})
        assert response.status_code == 202
        assert (await line1.receive_json_from())["type"] == "call"
        assert (await line2.receive_json_from())["type"] == "call"
        await line1.disconnect()
        await line2.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    "how",
    ["unsigned", "wrong_secret", "other_brands_secret", "unknown_brand", "no_secret_set", "tampered_body"],
)
def test_a_notice_not_signed_with_the_brands_secret_is_refused(secrets, cast, how):
    payload = {"phone": "+48221234567"}
    if how == "unsigned":
        response = announce(payload, sign=False)
    elif how == "wrong_secret":
        response = announce(payload, secret="guess")
    elif how == "other_brands_secret":
        response = announce(payload, secret=TOURS_SECRET)
    elif how == "unknown_brand":
        response = announce(payload, brand="nobody")
    elif how == "no_secret_set":
        Brand.objects.filter(pk=cast.opera.brand.pk).update(call_signing_secret="")
        response = announce(payload, secret="")
    else:
        stamp = str(int(time.time()))
        body = json.dumps(payload).encode()
        response = Client().post(
            "/api/v1/calls",
            data=body.replace(b"4567", b"4568"),
            content_type="application/json",
            headers={
                "X-Frontdesk-Brand": "opera",
                "X-Frontdesk-Timestamp": stamp,
                "X-Frontdesk-Signature": signature(SECRET, stamp, body),
            },
        )
    assert assert_refused(response)["code"] == "not_authenticated"


def test_a_notice_older_than_five_minutes_is_refused(secrets):
    assert_refused(announce({"phone": "+48221234567"}, timestamp=int(time.time()) - 301))
    assert announce({"phone": "+48221234567"}, timestamp=int(time.time()) - 290).status_code == 202


def test_the_same_signed_notice_sent_again_is_refused(secrets):
    stamp = int(time.time())
    assert announce({"phone": "+48221234567"}, timestamp=stamp).status_code == 202
    assert_refused(announce({"phone": "+48221234567"}, timestamp=stamp))


def test_the_other_brands_signature_reaches_none_of_this_brands_agents(secrets, cast):
    async def scenario():
        opera, _, _ = await open_socket("/ws/desk/", cast.opera.line1)
        tours, _, _ = await open_socket("/ws/desk/", cast.tours.line1)
        response = await database_sync_to_async(announce)(
            {"phone": "+48221234567"}, brand="opera-tours", secret=TOURS_SECRET
        )
        assert response.status_code == 202
        assert (await tours.receive_json_from())["brand"] == cast.tours.brand.pk
        assert await opera.receive_nothing(timeout=QUIET)
        await opera.disconnect()
        await tours.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "phone"),
        ({"phone": "not a number"}, "phone"),
        ({"phone": "+48221234567", "line": 7}, "line"),
        ({"phone": "+48221234567", "extension": "12"}, "extension"),
    ],
)
def test_a_signed_notice_with_a_bad_body_gets_422_naming_the_field(secrets, payload, field):
    body = assert_refused(announce(payload), 422)
    named = {error["field"] for error in body.get("errors", [])} | {body.get("field")}
    assert any(field in str(name) for name in named), body


def test_a_signed_body_that_is_not_json_gets_a_4xx_problem(secrets):
    response = announce(None, raw=b"{phone:")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_brand_admin_sets_the_signing_secret_of_their_brand_only_in_the_admin(cast):
    client = Client()
    client.force_login(cast.opera.admin)
    mine = client.get(f"/admin/brands/brand/{cast.opera.brand.pk}/change/")
    assert mine.status_code == 200
    assert 'name="call_signing_secret"' in mine.content.decode()
    # Another brand's change page answers as if the brand did not exist.
    assert client.get(f"/admin/brands/brand/{cast.tours.brand.pk}/change/").status_code == 302
