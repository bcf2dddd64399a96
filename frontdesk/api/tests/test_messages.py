from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from frontdesk.api.tests.conftest import PDF, assert_problem
from frontdesk.api.tests.isolation import Case, isolation_test
from frontdesk.tickets.models import Attachment, Message

ISOLATION = [
    Case(
        "create_message",
        "POST",
        lambda w: f"/tickets/{w.number}/messages",
        lambda w: {"kind": "note", "body": "Checked the relay."},
    ),
    Case("list_messages", "GET", lambda w: f"/tickets/{w.number}/messages"),
    Case(
        "download_attachment",
        "GET",
        lambda w: f"/tickets/{w.number}/messages/{w.reply.pk}/attachments/{w.attachment.pk}",
    ),
]

test_isolation = isolation_test(ISOLATION)


def test_agent_replies_and_sets_pending_in_one_step(api, world):
    response = api.post(
        f"/tickets/{world.number}/messages",
        world.cast.opera.line2,
        {"body": "Please check your spam folder.", "status": "pending_customer"},
    )
    assert response.status == 201, response.raw
    assert response.body["kind"] == "reply"
    world.ticket.refresh_from_db()
    assert world.ticket.status == "pending_customer"


def test_agent_adds_a_note_with_a_base64_attachment(api, world):
    data = base64.b64encode(b"relay log line").decode()
    response = api.post(
        f"/tickets/{world.number}/messages",
        world.cast.opera.line2,
        {
            "kind": "note",
            "body_html": "<p>See <b>log</b><script>alert(1)</script></p>",
            "attachments": [{"filename": "relay.log", "content_type": "text/plain", "data": data}],
        },
    )
    assert response.status == 201, response.raw
    message = Message.objects.get(pk=response.body["id"])
    assert message.kind == "note"
    assert "<script" not in message.body_html
    assert message.attachments.get().size == len(b"relay log line")
    assert response.body["attachments"][0]["url"].endswith(f"/attachments/{message.attachments.get().pk}")


def test_agent_uploads_attachments_as_multipart(api, world):
    response = api.call(
        "POST",
        f"/tickets/{world.number}/messages",
        world.cast.opera.line2,
        data={
            "body": "Two files",
            "attachments": [
                SimpleUploadedFile("a.txt", b"first", content_type="text/plain"),
                SimpleUploadedFile("b.png", b"\x89PNG second", content_type="image/png"),
            ],
        },
    )
    assert response.status == 201, response.raw
    names = sorted(a["filename"] for a in response.body["attachments"])
    assert names == ["a.txt", "b.png"]


def test_multipart_with_an_unknown_field_is_422(api, world):
    response = api.call(
        "POST",
        f"/tickets/{world.number}/messages",
        world.cast.opera.line2,
        data={"body": "x", "colour": "red"},
    )
    assert_problem(response, 422, "validation_error", "colour")


def test_agent_logs_a_call(api, world):
    response = api.post(
        f"/tickets/{world.number}/messages",
        world.cast.opera.line1,
        {"kind": "call", "body": "Called back", "call_direction": "outbound", "call_duration_seconds": 120},
    )
    assert response.status == 201, response.raw
    assert (response.body["call_direction"], response.body["call_duration_seconds"]) == ("outbound", 120)


def test_a_call_without_direction_is_422(api, world):
    response = api.post(
        f"/tickets/{world.number}/messages", world.cast.opera.line1, {"kind": "call", "body": "x"}
    )
    assert_problem(response, 422, "invalid_input", "call_direction")


def test_customer_replies_but_cannot_add_internal_notes_or_set_status(api, world):
    customer = world.cast.opera.customer_user
    path = f"/tickets/{world.number}/messages"
    assert api.post(path, customer, {"body": "Still nothing."}).status == 201
    assert_problem(api.post(path, customer, {"kind": "note", "body": "sneaky"}), 403, "permission_denied")
    assert_problem(
        api.post(path, customer, {"body": "x", "status": "closed"}), 422, "field_not_allowed", "status"
    )


def test_customers_never_see_internal_notes_or_call_records(api, world):
    from frontdesk.tickets import actions
    from frontdesk.tickets.content import make_body
    from frontdesk.users.actors import actor_for

    actions.log_call(
        world.ticket,
        actor=actor_for(world.cast.opera.line1),
        direction="inbound",
        duration_seconds=30,
        body=make_body(text="Internal call summary"),
    )
    customer_view = api.get(f"/tickets/{world.number}/messages", world.cast.opera.customer_user)
    assert customer_view.status == 200
    assert {m["author_kind"] for m in customer_view.body["items"]} <= {"customer", "agent"}
    assert all("kind" not in m for m in customer_view.body["items"])
    text = customer_view.raw.decode()
    assert "mail server bounced" not in text
    assert "Internal call summary" not in text
    assert len(customer_view.body["items"]) == 2
    agent_view = api.get(f"/tickets/{world.number}/messages", world.cast.opera.line1)
    assert [m["kind"] for m in agent_view.body["items"]] == ["reply", "reply", "note", "call"]


def test_customer_cannot_download_an_attachment_of_an_internal_note(api, world):
    from frontdesk.tickets import actions
    from frontdesk.tickets.content import AttachmentIn, make_body
    from frontdesk.users.actors import actor_for

    note = actions.add_note(
        world.ticket,
        actor=actor_for(world.cast.opera.line1),
        body=make_body(text="see file"),
        attachments=[AttachmentIn("internal.txt", "text/plain", b"secret")],
    )
    attachment = note.attachments.get()
    path = f"/tickets/{world.number}/messages/{note.pk}/attachments/{attachment.pk}"
    assert_problem(api.get(path, world.cast.opera.customer_user), 404, "not_found")
    assert api.get(path, world.cast.opera.line1).status == 200


def test_download_is_an_attachment_with_nosniff(api, world):
    response = api.get(
        f"/tickets/{world.number}/messages/{world.reply.pk}/attachments/{world.attachment.pk}",
        world.cast.opera.customer_user,
    )
    assert response.status == 200
    assert response.raw == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"


def test_html_and_svg_attachments_are_never_served_inline(api, world):
    from frontdesk.tickets import actions
    from frontdesk.tickets.content import AttachmentIn, make_body
    from frontdesk.users.actors import actor_for

    message = actions.reply_to_ticket(
        world.ticket,
        actor=actor_for(world.cast.opera.customer_user),
        body=make_body(text="files"),
        attachments=[
            AttachmentIn("page.html", "text/html", b"<script>alert(1)</script>"),
            AttachmentIn("logo.svg", "image/svg+xml", b"<svg onload='alert(1)'/>"),
        ],
    )
    for attachment in Attachment.objects.filter(message=message):
        response = api.get(
            f"/tickets/{world.number}/messages/{message.pk}/attachments/{attachment.pk}",
            world.cast.opera.line1,
        )
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"].startswith("attachment;")


def test_an_attachment_under_another_message_id_is_404(api, world):
    response = api.get(
        f"/tickets/{world.number}/messages/{world.note.pk}/attachments/{world.attachment.pk}",
        world.cast.opera.line1,
    )
    assert_problem(response, 404, "not_found")


def test_bad_message_input_names_the_field(api, world):
    agent = world.cast.opera.line1
    path = f"/tickets/{world.number}/messages"
    cases = [
        ({"kind": "shout", "body": "x"}, "kind"),
        ({"body": 5}, "body"),
        ({"body": "x" * 200_001}, "body"),
        ({"body": "x", "attachments": [{"filename": "a", "data": "***"}]}, "attachments.0.data"),
        ({"body": "x", "version": "new"}, "version"),
        ({"body": "x\x00y"}, "body"),
        (["not", "an", "object"], "body"),
    ]
    for payload, field in cases:
        response = api.post(path, agent, payload)
        assert response.status == 422, (payload if len(str(payload)) < 200 else field, response.raw[:300])
        assert field in response.error_fields(), response.body
    malformed = api.call("POST", path, agent, raw_body="{oops")
    assert_problem(malformed, 400, "malformed_body")
    assert_problem(
        api.call("POST", path, agent, raw_body="x", content_type="application/xml"),
        422,
        "invalid_input",
        "body",
    )


def test_a_reply_to_a_closed_ticket_is_409(api, world):
    agent = world.cast.opera.line1
    api.patch(f"/tickets/{world.number}", agent, {"status": "closed"})
    response = api.post(f"/tickets/{world.number}/messages", agent, {"body": "late"})
    assert_problem(response, 409, "invalid_transition", "status")


def test_an_agents_reply_to_a_ticket_whose_chat_goes_on_is_409(api, cast):
    """The customer is in the chat window: a reply by the API would be mailed to them instead."""
    from frontdesk.chat import actions as chat_actions
    from frontdesk.chat.models import ChatSettings

    chat = ChatSettings.objects.create(
        brand=cast.opera.brand, is_enabled=True, allowed_origins=["https://www.opera.example"]
    )
    session = chat_actions.start_session(chat, token="tok-api", client_id="c1", text="Hello?").message.session
    number = session.ticket.number
    response = api.post(
        f"/tickets/{number}/messages", cast.opera.line1, {"kind": "reply", "body": "Hi by mail"}
    )
    assert_problem(response, 409, "chat_live")
    note = api.post(
        f"/tickets/{number}/messages", cast.opera.line1, {"kind": "note", "body": "Waiting in chat"}
    )
    assert note.status == 201
