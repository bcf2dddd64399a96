"""Telegram: the webhook's secret token, private chats as tickets, answers sent back once, mentions in the
social inbox, polling with the offset as the cursor."""

from __future__ import annotations

import json

import pytest

from frontdesk.connectors.actions import reply_to_social_item, set_receive_mode, webhook_url
from frontdesk.connectors.choices import ItemKind, ItemStatus, ReceiveMode, ReplyStatus
from frontdesk.connectors.consumers import send_social_replies
from frontdesk.connectors.models import (
    Connector,
    RawPayload,
    SocialIdentity,
    SocialItem,
    SocialReply,
    SocialThread,
)
from frontdesk.connectors.polling import poll_connector
from frontdesk.connectors.tests.conftest import answer_a_chat, inbound_url, make_connector, payload
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, EventKind, MessageKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM

SECRET = "X-Telegram-Bot-Api-Secret-Token"


def _post(client, connector, body, *, secret=None, capture):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {} if secret is False else {SECRET: secret or connector.secret}
    with capture(execute=True):
        return client.post(inbound_url(connector), raw, content_type="application/json", headers=headers)


@pytest.fixture
def bot(cast):
    return make_connector(cast.opera.brand)


def test_an_update_without_the_secret_token_is_refused_with_a_json_error(
    client, bot, django_capture_on_commit_callbacks
):
    missing = _post(
        client,
        bot,
        payload("telegram_private.json"),
        secret=False,
        capture=django_capture_on_commit_callbacks,
    )
    wrong = _post(
        client,
        bot,
        payload("telegram_private.json"),
        secret="guess",
        capture=django_capture_on_commit_callbacks,
    )

    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["error"] == "bad_secret"
    assert not RawPayload.objects.exists()
    assert not Ticket.objects.filter(channel=Channel.SOCIAL).exists()


def test_bad_json_answers_400_with_a_json_error(client, bot, django_capture_on_commit_callbacks):
    response = _post(client, bot, b"{not json", capture=django_capture_on_commit_callbacks)
    no_id = _post(client, bot, {"message": {}}, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"
    assert no_id.status_code == 400
    assert no_id.json()["error"] == "bad_update"


def test_an_unknown_key_or_a_get_is_a_json_error(client, bot):
    assert (
        client.post("/connectors/telegram/nope/", b"{}", content_type="application/json").status_code == 404
    )
    wrong_kind = client.post(f"/connectors/vk/{bot.key}/", b"{}", content_type="application/json")
    assert wrong_kind.status_code == 404
    assert client.get(inbound_url(bot)).status_code == 405


def test_a_private_message_opens_a_social_ticket_and_a_redelivery_changes_nothing(
    client, cast, bot, django_capture_on_commit_callbacks
):
    first = _post(client, bot, payload("telegram_private.json"), capture=django_capture_on_commit_callbacks)
    again = _post(client, bot, payload("telegram_private.json"), capture=django_capture_on_commit_callbacks)

    assert first.status_code == again.status_code == 200
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    assert ticket.brand_id == cast.opera.brand.pk
    assert ticket.subject.startswith("Здравствуйте! Не пришли билеты")
    assert Message.objects.filter(ticket=ticket).count() == 1
    identity = SocialIdentity.objects.get(connector=bot)
    assert (identity.external_id, identity.display_name, identity.username) == (
        "482913377",
        "Ivan Petrov",
        "ivan_petrov",
    )
    assert ticket.customer_id == identity.customer_id
    assert identity.customer.language == "ru"
    assert SocialThread.objects.get(connector=bot).ticket_id == ticket.pk
    row = RawPayload.objects.get()
    assert (row.external_id, row.brand_id, row.error) == ("734120001", cast.opera.brand.pk, "")
    assert row.processed_at is not None


def test_next_messages_go_to_the_open_ticket_reopen_a_solved_one_and_follow_up_a_closed_one(
    client, cast, bot, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _post(client, bot, payload("telegram_private.json"), capture=capture)
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    _post(client, bot, payload("telegram_private_second.json"), capture=capture)
    assert Message.objects.filter(ticket=ticket).count() == 2

    agent = cast.actor(cast.opera.line1)
    with capture(execute=True):
        ticket_actions.change_status(ticket, actor=agent, status=Status.SOLVED)
    _post(client, bot, payload("telegram_sticker.json"), capture=capture)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert Message.objects.filter(ticket=ticket).order_by("-id").first().body_text.startswith("(")

    with capture(execute=True):
        ticket_actions.change_status(ticket, actor=agent, status=Status.CLOSED)
    _post(client, bot, payload("telegram_private.json", update_id=734120009), capture=capture)
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get(channel=Channel.SOCIAL)
    assert follow_up.follow_up_of_id == ticket.pk
    assert SocialThread.objects.get(connector=bot).ticket_id == follow_up.pk


def test_an_agents_reply_is_sent_to_the_chat_once_and_a_note_is_not(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _post(client, bot, payload("telegram_private.json"), capture=capture)
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    agent = cast.actor(cast.opera.line1)

    with capture(execute=True):
        ticket_actions.add_note(
            ticket, actor=agent, body=make_body(text="Checking the order in the box office.")
        )
        ticket_actions.reply_to_ticket(
            ticket, actor=agent, body=make_body(text="Билеты отправлены повторно.")
        )
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLIED)
    with capture(execute=True):
        send_social_replies(event)  # the consumer runs again: nothing more is sent

    calls = api.of("sendMessage")
    assert len(calls) == 1
    assert calls[0].json() == {"chat_id": 482913377, "text": "Билеты отправлены повторно."}
    assert calls[0].path == "/bot123456:ABC-test-token/sendMessage"
    reply = SocialReply.objects.get()
    assert (reply.status, reply.external_id, reply.event_id, reply.brand_id) == (
        ReplyStatus.SENT,
        "777",
        event.pk,
        cast.opera.brand.pk,
    )
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.NOTE).exists()


def test_a_refused_reply_is_recorded_on_the_reply_and_the_connector(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = answer_a_chat(
        client,
        cast,
        bot,
        api,
        django_capture_on_commit_callbacks,
        status=403,
        description="Forbidden: bot was blocked by the user",
    )

    assert reply.status == ReplyStatus.FAILED
    assert "bot was blocked" in reply.error
    bot.refresh_from_db()
    assert "bot was blocked" in bot.last_error


def test_a_server_error_is_tried_again_later(client, cast, bot, api, django_capture_on_commit_callbacks):
    reply = answer_a_chat(
        client, cast, bot, api, django_capture_on_commit_callbacks, status=502, description="Bad Gateway"
    )

    assert (reply.status, reply.attempts) == (ReplyStatus.PENDING, 1)
    assert reply.next_attempt_at > reply.created_at


def test_a_mention_in_a_group_lands_in_the_inbox_with_a_thank_you_suggestion(
    client, cast, bot, django_capture_on_commit_callbacks
):
    _post(client, bot, payload("telegram_group_mention.json"), capture=django_capture_on_commit_callbacks)

    item = SocialItem.objects.get()
    assert (item.kind, item.sentiment, item.status, item.brand_id) == (
        ItemKind.MENTION,
        "positive",
        ItemStatus.NEW,
        cast.opera.brand.pk,
    )
    assert item.external_id == "-1001877345120:9051"
    assert item.url == "https://t.me/operalovers/9051"
    assert item.author_name == "Marta"
    # In the language of the text (English), not the brand's first one (Russian).
    assert item.suggested_reply.startswith("Thank you for your kind words, Marta")
    assert item.ticket_id is None
    assert not Ticket.objects.filter(channel=Channel.SOCIAL).exists()


def test_polling_takes_updates_after_the_offset_and_moves_the_cursor(
    cast, api, django_capture_on_commit_callbacks
):
    bot = make_connector(cast.opera.brand, mode=ReceiveMode.POLLING)
    api.queue(
        "getUpdates",
        {"ok": True, "result": [payload("telegram_private.json"), payload("telegram_private_second.json")]},
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert poll_connector(bot.pk) == 2
    bot.refresh_from_db()
    assert bot.cursor == "734120003"
    with django_capture_on_commit_callbacks(execute=True):
        assert poll_connector(bot.pk) == 0

    first, second = api.of("getUpdates")
    assert "offset" not in first.json()
    assert second.json()["offset"] == 734120003
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    assert Message.objects.filter(ticket=ticket).count() == 2


def test_a_failed_poll_keeps_the_cursor_and_records_the_error(cast, api):
    bot = make_connector(cast.opera.brand, mode=ReceiveMode.POLLING, cursor="100")
    api.queue("getUpdates", {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)

    assert poll_connector(bot.pk) == 0

    bot.refresh_from_db()
    assert bot.cursor == "100"
    assert "Unauthorized" in bot.last_error


def test_setting_the_webhook_gives_telegram_our_url_and_secret(cast, bot, api, settings):
    settings.SITE_URL = "https://desk.example.com"
    bot.mode = ReceiveMode.POLLING
    bot.save(update_fields=["mode"])

    set_receive_mode(bot, actor=cast.actor(cast.opera.admin), mode=ReceiveMode.WEBHOOK)

    (call,) = api.of("setWebhook")
    assert call.json()["url"] == webhook_url(bot)
    assert call.json()["url"].endswith(f"/connectors/telegram/{bot.key}/")
    assert call.json()["secret_token"] == bot.secret
    assert Connector.objects.get(pk=bot.pk).mode == ReceiveMode.WEBHOOK
    set_receive_mode(bot, actor=SYSTEM, mode=ReceiveMode.POLLING)
    assert len(api.of("deleteWebhook")) == 1


def test_an_answer_to_a_mention_replies_to_that_message_in_its_chat(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    _post(client, bot, payload("telegram_group_mention.json"), capture=django_capture_on_commit_callbacks)
    item = SocialItem.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_to_social_item(item, actor=cast.actor(cast.opera.line2), text=item.suggested_reply)

    (call,) = api.of("sendMessage")
    assert call.json() == {
        "chat_id": -1001877345120,
        "text": item.suggested_reply,
        "reply_parameters": {"message_id": 9051, "allow_sending_without_reply": True},
    }
    item.refresh_from_db()
    assert (item.status, item.replied_by_id) == (ItemStatus.ANSWERED, cast.opera.line2.pk)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT


def test_a_long_answer_goes_in_several_messages_cut_at_line_breaks(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _post(client, bot, payload("telegram_private.json"), capture=capture)
    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    paragraphs = [f"{number}. " + "x" * 990 for number in range(6)]

    with capture(execute=True):
        ticket_actions.reply_to_ticket(
            ticket, actor=cast.actor(cast.opera.line1), body=make_body(text="\n".join(paragraphs))
        )

    texts = [call.json()["text"] for call in api.of("sendMessage")]
    assert len(texts) == 2
    assert all(len(text) <= 4000 for text in texts)
    assert texts[1].startswith("4. ")
    assert SocialReply.objects.get().status == ReplyStatus.SENT


def test_a_batch_of_events_costs_one_query_when_no_ticket_is_a_conversation(
    cast, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from frontdesk.connectors.consumers import send_social_replies_for_events

    agent = cast.actor(cast.opera.line1)
    tickets = [cast.opera.ticket(f"Request {number}") for number in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for ticket in tickets:
            ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text="Hello"))
    events = list(TicketEvent.objects.filter(ticket__in=tickets))

    with django_assert_num_queries(1):
        send_social_replies_for_events(events)
    with django_assert_num_queries(0):
        send_social_replies_for_events([e for e in events if e.kind != EventKind.REPLIED])
    assert not SocialReply.objects.exists()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% receipt\n%%EOF\n"


def test_a_photo_and_a_document_come_into_the_ticket_as_attachments(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    api.queue(
        "getFile",
        {"ok": True, "result": {"file_id": "x", "file_size": len(PNG), "file_path": "photos/file_7.jpg"}},
    )
    api.queue(
        "getFile",
        {"ok": True, "result": {"file_id": "y", "file_size": len(PDF), "file_path": "documents/file_8.pdf"}},
    )
    api.files["file_7.jpg"] = ("image/jpeg", PNG)
    api.files["file_8.pdf"] = ("application/pdf", PDF)

    _post(client, bot, payload("telegram_photo.json"), capture=django_capture_on_commit_callbacks)
    _post(client, bot, payload("telegram_document.json"), capture=django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get(channel=Channel.SOCIAL)
    first, second = Message.objects.filter(ticket=ticket).order_by("id")
    assert first.body_text == "Вот скриншот ошибки при оплате"
    photo = first.attachments.get()
    assert (photo.filename, photo.content_type, photo.file.read()) == ("photo-58.jpg", "image/jpeg", PNG)
    document = second.attachments.get()
    assert (document.filename, document.content_type, document.file.read()) == (
        "receipt-4471.pdf",
        "application/pdf",
        PDF,
    )
    # The largest size of the photo was asked for, and the files from the bot's own path.
    assert [call.json()["file_id"] for call in api.of("getFile")] == [
        "AgACAgIAAxkBAAMGZ-large",
        "BQACAgIAAxkBAAMHZ-doc",
    ]
    assert [call.path for call in api.calls if call.path.startswith("/file/")] == [
        "/file/bot123456:ABC-test-token/photos/file_7.jpg",
        "/file/bot123456:ABC-test-token/documents/file_8.pdf",
    ]


def test_a_file_larger_than_we_take_is_named_in_the_message_and_not_fetched(
    client, cast, bot, api, settings, django_capture_on_commit_callbacks
):
    settings.FRONTDESK_MAX_ATTACHMENT_BYTES = 40_000
    _post(client, bot, payload("telegram_document.json"), capture=django_capture_on_commit_callbacks)
    message = Message.objects.get(ticket__channel=Channel.SOCIAL)
    assert "receipt-4471.pdf was not taken: it is larger than 40000 bytes." in message.body_text
    assert not message.attachments.exists()
    assert not api.of("getFile")


def test_a_file_the_network_cannot_give_now_is_tried_again_and_never_loses_the_message(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    from frontdesk.connectors import intake

    api.queue("getFile", {"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
    _post(client, bot, payload("telegram_photo.json"), capture=django_capture_on_commit_callbacks)
    row = RawPayload.objects.get()
    assert row.processed_at is None
    assert "FileMissing" in row.error
    assert not Ticket.objects.filter(channel=Channel.SOCIAL).exists()

    # The next try gets it.
    api.queue("getFile", {"ok": True, "result": {"file_id": "x", "file_path": "photos/file_7.jpg"}})
    api.files["file_7.jpg"] = ("image/jpeg", PNG)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake.process_payload(row.pk)
    assert Message.objects.get(ticket__channel=Channel.SOCIAL).attachments.count() == 1


def test_on_its_last_try_a_message_goes_in_without_the_file_that_failed(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    from frontdesk.connectors import intake

    api.default("getFile", {"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
    _post(client, bot, payload("telegram_photo.json"), capture=django_capture_on_commit_callbacks)
    row = RawPayload.objects.get()
    RawPayload.objects.filter(pk=row.pk).update(attempts=intake.MAX_ATTEMPTS - 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake.process_payload(row.pk)
    message = Message.objects.get(ticket__channel=Channel.SOCIAL)
    assert message.body_text.startswith("Вот скриншот ошибки при оплате")
    assert "photo-58.jpg could not be fetched" in message.body_text
    assert not message.attachments.exists()


def _photo_failed_then_text(client, bot, api, capture, *, fail):
    """A photo whose file Telegram cannot give now, then a text in the same chat: their payloads."""
    getattr(api, fail)("getFile", {"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
    _post(client, bot, payload("telegram_photo.json"), capture=capture)
    later = payload("telegram_private.json")
    later["update_id"] = 734120009
    later["message"]["message_id"] = 99
    later["message"]["text"] = "Это скриншот выше"
    _post(client, bot, later, capture=capture)
    return RawPayload.objects.order_by("id")


def test_a_message_after_one_whose_file_failed_waits_for_it_so_the_chat_keeps_its_order(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    from frontdesk.connectors import intake

    photo, text = _photo_failed_then_text(client, bot, api, django_capture_on_commit_callbacks, fail="queue")
    assert text.processed_at is None
    assert "WaitingForEarlier" in text.error
    assert not Ticket.objects.filter(channel=Channel.SOCIAL).exists()

    # The photo comes on its next try; then the text, after it.
    api.queue("getFile", {"ok": True, "result": {"file_id": "x", "file_path": "photos/file_7.jpg"}})
    api.files["file_7.jpg"] = ("image/jpeg", PNG)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake.process_payload(photo.pk)
        assert intake.process_payload(text.pk)
    messages = Message.objects.filter(ticket__channel=Channel.SOCIAL).order_by("id")
    assert [m.body_text for m in messages] == ["Вот скриншот ошибки при оплате", "Это скриншот выше"]
    assert messages[0].attachments.count() == 1


def test_on_its_last_try_a_message_no_longer_waits_for_an_earlier_one(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    from frontdesk.connectors import intake

    _photo, text = _photo_failed_then_text(
        client, bot, api, django_capture_on_commit_callbacks, fail="default"
    )
    RawPayload.objects.filter(pk=text.pk).update(attempts=intake.MAX_ATTEMPTS - 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake.process_payload(text.pk)
    assert [m.body_text for m in Message.objects.filter(ticket__channel=Channel.SOCIAL)] == [
        "Это скриншот выше"
    ]
