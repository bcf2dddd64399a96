"""VK Callback API: the confirmation handshake, the secret, community messages as tickets answered with
messages.send, wall comments in the inbox answered with wall.createComment."""

from __future__ import annotations

import json

import pytest

from frontdesk.connectors.actions import reply_to_social_item
from frontdesk.connectors.choices import ConnectorKind, ItemKind, ItemStatus, ReplyStatus
from frontdesk.connectors.models import RawPayload, SocialIdentity, SocialItem, SocialReply
from frontdesk.connectors.tests.conftest import VK_GROUP, inbound_url, make_connector, payload
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Message, Ticket


@pytest.fixture
def community(cast):
    return make_connector(cast.opera.brand, ConnectorKind.VK)


def _event(name, community, **replace):
    data = payload(name, **replace)
    if "secret" in data:
        data["secret"] = community.secret
    return data


def _post(client, community, body, capture):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with capture(execute=True):
        return client.post(inbound_url(community), raw, content_type="application/json")


def test_the_confirmation_request_is_answered_with_the_code_as_plain_text(
    client, community, django_capture_on_commit_callbacks
):
    response = _post(client, community, payload("vk_confirmation.json"), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.content == b"a1b2c3d4"
    assert response["Content-Type"].startswith("text/plain")
    assert not RawPayload.objects.exists()


def test_another_communitys_confirmation_or_a_wrong_secret_is_refused(
    client, community, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    other_group = _post(client, community, payload("vk_confirmation.json", group_id=1), capture)
    wrong = _post(client, community, payload("vk_message_new.json", secret="guess"), capture)
    missing = payload("vk_message_new.json")
    del missing["secret"]
    no_secret = _post(client, community, missing, capture)

    assert other_group.status_code == 403
    assert other_group.json()["error"] == "wrong_group"
    assert wrong.status_code == no_secret.status_code == 403
    assert wrong.json()["error"] == "bad_secret"
    assert not RawPayload.objects.exists()


def test_bad_json_or_an_event_without_a_type_is_a_400(client, community, django_capture_on_commit_callbacks):
    broken = _post(client, community, b"[1, 2", django_capture_on_commit_callbacks)
    typeless = _post(client, community, {"group_id": 218394011}, django_capture_on_commit_callbacks)

    assert broken.status_code == typeless.status_code == 400
    assert broken.json()["error"] == "bad_json"
    assert typeless.json()["error"] == "bad_event"


def test_a_community_message_becomes_a_ticket_and_the_agents_reply_goes_by_messages_send(
    client, cast, community, api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    answer = _post(client, community, _event("vk_message_new.json", community), capture)
    again = _post(client, community, _event("vk_message_new.json", community), capture)

    assert answer.content == again.content == b"ok"
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    assert Message.objects.filter(ticket=ticket).count() == 1
    assert "secret" not in RawPayload.objects.get().payload
    identity = SocialIdentity.objects.get()
    assert (identity.external_id, identity.display_name, identity.username) == (
        "301772455",
        "Алексей Смирнов",
        "asmirnov",
    )
    assert ticket.customer.name == "Алексей Смирнов"
    (names,) = api.of("users.get")
    assert names.form()["user_ids"] == "301772455"

    with capture(execute=True):
        ticket_actions.reply_to_ticket(
            ticket,
            actor=cast.actor(cast.opera.line1),
            body=make_body(text="Вернуть билет можно в личном кабинете."),
        )

    (call,) = api.of("messages.send")
    form = call.form()
    reply = SocialReply.objects.get()
    assert form["peer_id"] == "301772455"
    assert form["message"] == "Вернуть билет можно в личном кабинете."
    assert form["random_id"] == str(reply.pk * 8)
    assert form["access_token"] == "vk1.a.test-token"
    assert (reply.status, reply.external_id) == (ReplyStatus.SENT, "4242")


def test_a_negative_wall_comment_lands_in_the_inbox_with_a_ticket_and_is_answered_by_a_comment(
    client, cast, community, api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _post(client, community, _event("vk_wall_reply_new.json", community), capture)

    item = SocialItem.objects.get()
    assert (item.kind, item.sentiment, item.status) == (ItemKind.COMMENT, "negative", ItemStatus.TICKETED)
    assert item.url == "https://vk.com/wall-218394011_402?reply=7731"
    assert item.ticket is not None
    assert item.ticket.channel == Channel.SOCIAL

    agent = cast.actor(cast.opera.line1)
    with capture(execute=True):
        reply_to_social_item(item, actor=agent, text="Приносим извинения, разбираемся.")
        reply_to_social_item(item, actor=agent, text="Second click")

    (call,) = api.of("wall.createComment")
    form = call.form()
    assert (form["owner_id"], form["post_id"], form["reply_to_comment"], form["from_group"]) == (
        "-218394011",
        "402",
        "7731",
        "218394011",
    )
    assert form["message"] == "Приносим извинения, разбираемся."
    item.refresh_from_db()
    assert item.reply_text == "Приносим извинения, разбираемся."
    assert item.status == ItemStatus.TICKETED
    assert SocialReply.objects.get().status == ReplyStatus.SENT


def test_the_communitys_own_comment_is_not_an_inbox_item(
    client, community, django_capture_on_commit_callbacks
):
    own = _event("vk_wall_reply_new.json", community)
    own["object"] = {**own["object"], "from_id": -218394011}

    _post(client, community, own, django_capture_on_commit_callbacks)

    assert RawPayload.objects.get().processed_at is not None
    assert not SocialItem.objects.exists()


def test_without_a_name_from_vk_the_person_is_named_by_id(
    client, cast, community, api, django_capture_on_commit_callbacks
):
    api.queue("users.get", {"error": {"error_code": 5, "error_msg": "User authorization failed"}})

    _post(client, community, _event("vk_message_new.json", community), django_capture_on_commit_callbacks)

    assert SocialIdentity.objects.get().display_name == "id301772455"
    assert Ticket.objects.filter(channel=Channel.SOCIAL).count() == 1


def test_an_agents_answer_on_the_ticket_of_a_negative_comment_goes_under_the_comment_once(
    client, cast, community, api, django_capture_on_commit_callbacks
):
    from frontdesk.connectors.consumers import send_social_replies
    from frontdesk.tickets.choices import EventKind
    from frontdesk.tickets.models import TicketEvent

    capture = django_capture_on_commit_callbacks
    _post(client, community, _event("vk_wall_reply_new.json", community), capture)
    item = SocialItem.objects.get()
    agent = cast.actor(cast.opera.line1)

    with capture(execute=True):
        ticket_actions.add_note(item.ticket, actor=agent, body=make_body(text="Checking the seat plan."))
        ticket_actions.reply_to_ticket(
            item.ticket, actor=agent, body=make_body(text="Простите за неудобство, места вернули.")
        )
    send_social_replies(TicketEvent.objects.filter(ticket=item.ticket, kind=EventKind.REPLIED).get())

    (call,) = api.of("wall.createComment")
    form = call.form()
    assert (form["post_id"], form["reply_to_comment"]) == ("402", "7731")
    assert form["message"] == "Простите за неудобство, места вернули."
    reply = SocialReply.objects.get()
    assert (reply.item_id, reply.status) == (item.pk, ReplyStatus.SENT)
    item.refresh_from_db()
    assert item.reply_text == "Простите за неудобство, места вернули."
    assert item.replied_by_id == cast.opera.line1.pk


def test_the_photo_and_document_of_a_community_message_are_attached(
    client, cast, community, api, django_capture_on_commit_callbacks
):
    image, pdf = b"\xff\xd8\xff\xe0 a photo", b"%PDF-1.4 a ticket"
    api.files["photo-large.jpg"] = ("image/jpeg", image)
    api.files["ticket.pdf"] = ("application/pdf", pdf)
    event = _event("vk_message_new.json", community)
    event["object"]["message"]["attachments"] = [
        {
            "type": "photo",
            "photo": {
                "id": 457239017,
                "sizes": [
                    {"type": "s", "width": 75, "height": 56, "url": f"{api.url}/impg/photo-small.jpg"},
                    {"type": "w", "width": 1280, "height": 960, "url": f"{api.url}/impg/photo-large.jpg"},
                    {"type": "m", "width": 130, "height": 97, "url": "javascript:alert(1)"},
                ],
            },
        },
        {
            "type": "doc",
            "doc": {"title": "ticket", "ext": "pdf", "size": len(pdf), "url": f"{api.url}/doc/ticket.pdf"},
        },
        {"type": "sticker", "sticker": {"sticker_id": 9}},
    ]
    _post(client, community, event, django_capture_on_commit_callbacks)
    message = Message.objects.get(ticket__channel=Channel.SOCIAL)
    files = {a.filename: (a.content_type, a.file.read()) for a in message.attachments.all()}
    assert files == {"photo-1288-1.jpg": ("image/jpeg", image), "ticket.pdf": ("application/pdf", pdf)}
    assert [call.path for call in api.calls if call.path.startswith(("/impg/", "/doc/"))] == [
        "/impg/photo-large.jpg",
        "/doc/ticket.pdf",
    ]


def _long_poll_server(api, ts="1000"):
    api.queue(
        "groups.getLongPollServer",
        {"response": {"key": "lp-key-1", "server": f"{api.url}/whp/{VK_GROUP}", "ts": ts}},
    )


def test_a_community_in_polling_mode_takes_its_events_by_long_poll_and_moves_the_cursor(
    cast, api, django_capture_on_commit_callbacks
):
    from frontdesk.connectors.choices import ReceiveMode
    from frontdesk.connectors.polling import poll_connector, pollable

    community = make_connector(cast.opera.brand, ConnectorKind.VK, mode=ReceiveMode.POLLING)
    assert community.pk in pollable()
    event = payload("vk_message_new.json")
    event.pop("secret")
    _long_poll_server(api)
    api.queue(VK_GROUP, {"ts": "1001", "updates": [event]})
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_connector(community.pk) == 1
    community.refresh_from_db()
    assert community.cursor == "1001"
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    assert "как вернуть билет" in Message.objects.get(ticket=ticket).body_text
    # The same event again (or by the Callback API) is stored once; the next poll asks from the cursor.
    _long_poll_server(api, ts="5000")
    api.queue(VK_GROUP, {"ts": "1002", "updates": [event]})
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_connector(community.pk) == 0
    first, second = api.of(VK_GROUP)
    assert (first.params()["act"], first.params()["key"], first.params()["ts"]) == (
        "a_check",
        "lp-key-1",
        "1000",
    )
    assert second.params()["ts"] == "1001"
    assert api.of("groups.getLongPollServer")[0].form()["group_id"] == VK_GROUP
    assert RawPayload.objects.count() == 1


@pytest.mark.parametrize(
    ("failed", "cursor"), [({"failed": 1, "ts": "1900"}, "1900"), ({"failed": 2}, "5000")]
)
def test_when_vk_lost_events_or_the_key_expired_the_poll_goes_on_from_where_it_says(
    cast, api, failed, cursor
):
    from frontdesk.connectors.choices import ReceiveMode
    from frontdesk.connectors.polling import poll_connector

    community = make_connector(cast.opera.brand, ConnectorKind.VK, mode=ReceiveMode.POLLING, cursor="1500")
    _long_poll_server(api, ts="5000")
    api.queue(VK_GROUP, failed)
    assert poll_connector(community.pk) == 0
    community.refresh_from_db()
    assert (community.cursor, community.last_error) == (cursor, "")


def test_a_refused_long_poll_keeps_the_cursor_and_records_the_error(cast, api):
    from frontdesk.connectors.choices import ReceiveMode
    from frontdesk.connectors.polling import poll_connector

    community = make_connector(cast.opera.brand, ConnectorKind.VK, mode=ReceiveMode.POLLING, cursor="1500")
    api.queue(
        "groups.getLongPollServer", {"error": {"error_code": 100, "error_msg": "Long Poll is disabled"}}
    )
    assert poll_connector(community.pk) == 0
    community.refresh_from_db()
    assert community.cursor == "1500"
    assert "Long Poll is disabled" in community.last_error
