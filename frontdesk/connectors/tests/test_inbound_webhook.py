"""The generic inbound webhook: HMAC signature over timestamp and body, JSON items into the social inbox."""

from __future__ import annotations

import json
import time

import pytest

from frontdesk.connectors.actions import reply_to_social_item
from frontdesk.connectors.choices import ConnectorKind, ItemKind, ItemStatus
from frontdesk.connectors.models import RawPayload, SocialItem
from frontdesk.connectors.tests.conftest import inbound_url, make_connector
from frontdesk.connectors.webhook.signing import SIGNATURE_HEADER, make_header
from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.models import Ticket

ITEM = {
    "id": "mon-88123",
    "kind": "mention",
    "author": {"id": "u-5531", "name": "Olga S."},
    "text": "Was at the opera yesterday, the new hall is nice.",
    "url": "https://forum.example/t/4471#p2",
    "posted_at": "2026-11-29T18:20:00+03:00",
}


@pytest.fixture
def hook(cast):
    return make_connector(cast.opera.brand, ConnectorKind.WEBHOOK)


def _post(client, hook, item, capture, *, header=None, raw=None):
    body = raw if raw is not None else json.dumps(item).encode()
    signature = header if header is not None else make_header(hook.secret, body)
    with capture(execute=True):
        return client.post(
            inbound_url(hook), body, content_type="application/json", headers={SIGNATURE_HEADER: signature}
        )


def test_a_signed_item_lands_in_the_inbox_once(client, cast, hook, django_capture_on_commit_callbacks):
    first = _post(client, hook, ITEM, django_capture_on_commit_callbacks)
    again = _post(client, hook, ITEM, django_capture_on_commit_callbacks)

    assert first.status_code == again.status_code == 200
    assert first.json() == {"ok": True}
    item = SocialItem.objects.get()
    assert (item.kind, item.external_id, item.author_name, item.author_external_id) == (
        ItemKind.MENTION,
        "mon-88123",
        "Olga S.",
        "u-5531",
    )
    assert (item.sentiment, item.status, item.brand_id) == ("neutral", ItemStatus.NEW, cast.opera.brand.pk)
    assert item.posted_at.isoformat() == "2026-11-29T15:20:00+00:00"
    assert RawPayload.objects.count() == 1


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=00",
        "v1=abc",
        "t={now},v1=" + "0" * 64,
        "t={old},v1={old_sig}",
    ],
)
def test_a_missing_wrong_or_stale_signature_is_refused(
    client, hook, header, django_capture_on_commit_callbacks
):
    body = json.dumps(ITEM).encode()
    old = int(time.time()) - 3600
    old_sig = make_header(hook.secret, body, old).split("v1=")[1]
    header = header.format(now=int(time.time()), old=old, old_sig=old_sig)

    response = _post(client, hook, ITEM, django_capture_on_commit_callbacks, header=header)

    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"
    assert not SocialItem.objects.exists()


def test_another_connectors_secret_does_not_sign(client, cast, hook, django_capture_on_commit_callbacks):
    other = make_connector(cast.tours.brand, ConnectorKind.WEBHOOK)
    body = json.dumps(ITEM).encode()

    response = _post(
        client, hook, ITEM, django_capture_on_commit_callbacks, header=make_header(other.secret, body)
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": ""}, "id"),
        ({"kind": "review"}, "kind"),
        ({"text": "  "}, "text"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"posted_at": "yesterday"}, "posted_at"),
        ({"posted_at": "2026-11-29T18:20:00"}, "posted_at"),
        ({"author": 5}, "author"),
        ({"author": {"id": [1], "name": 5}}, "author"),
        ({"author": {"id": "u-1", "name": ["Olga"]}}, "author"),
        ({"author": {"id": True, "name": "Olga"}}, "author"),
        ({"author": "x" * 201}, "author"),
    ],
)
def test_a_bad_item_is_a_400_naming_the_field(
    client, hook, change, field, django_capture_on_commit_callbacks
):
    response = _post(client, hook, {**ITEM, **change}, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith(f"{field}:")


def test_signed_bad_json_is_a_400(client, hook, django_capture_on_commit_callbacks):
    response = _post(client, hook, None, django_capture_on_commit_callbacks, raw=b"not json")

    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"


def test_a_negative_item_becomes_a_ticket_and_answers_cannot_be_sent_back(
    client, cast, hook, django_capture_on_commit_callbacks
):
    _post(
        client,
        hook,
        {**ITEM, "text": "Terrible queue at the box office."},
        django_capture_on_commit_callbacks,
    )

    item = SocialItem.objects.get()
    assert item.status == ItemStatus.TICKETED
    ticket = Ticket.objects.get(pk=item.ticket_id)
    assert ticket.customer.name == "Olga S."
    with pytest.raises(InvalidInput):
        reply_to_social_item(item, actor=cast.actor(cast.opera.line1), text="Sorry")
    # The ticket's composer says so before the agent writes.
    client.force_login(cast.opera.line1)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert '<p class="warning composer-route" role="note">A reply is sent nowhere' in page


@pytest.mark.parametrize(
    "raw",
    [
        b'{"id": "1", "kind": "mention", "text": "a\\u0000b"}',
        b'{"id": "1", "kind": "mention", "text": "x", "score": NaN}',
        b'{"id": "1", "kind": "mention", "text": "x", "score": 1e999}',
        b"[" * 100000 + b"]" * 100000,
        '{"id": "1", "text": "\xff"}'.encode("latin-1"),
    ],
)
def test_json_that_cannot_be_stored_is_a_400(client, hook, raw, django_capture_on_commit_callbacks):
    response = _post(client, hook, None, django_capture_on_commit_callbacks, raw=raw)

    assert response.status_code in (400, 413)
    assert response.json()["error"] in ("bad_json", "too_large")
    assert not RawPayload.objects.exists()
