"""Messages on a ticket: replies, notes and call records, their attachments, and who may read which."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings

from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from frontdesk.tickets import actions
from frontdesk.tickets.choices import AuthorKind, EventKind, MessageKind
from frontdesk.tickets.content import AttachmentIn, make_body, safe_filename
from frontdesk.tickets.models import Attachment, Message, Ticket
from frontdesk.tickets.queries import (
    CUSTOMER_EVENT_KINDS,
    access_attachment,
    events_visible_to,
    messages_visible_to,
)
from frontdesk.users.actors import actor_for


@pytest.fixture
def worked_ticket(cast):
    """A ticket with a customer message, an agent reply, a note and a call record."""
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    actions.reply_to_ticket(ticket, actor=agent, body=make_body(text="We resent them."))
    actions.add_note(ticket, actor=agent, body=make_body(text="Customer sounded upset; VIP."))
    actions.log_call(
        ticket, actor=agent, direction="outbound", duration_seconds=95, body=make_body(text="Called.")
    )
    actions.assign_ticket(ticket, actor=agent, assignee=cast.opera.line1)
    return ticket


def test_a_reply_stores_attachments_with_size_checksum_and_a_safe_name(cast):
    ticket = cast.opera.ticket()
    data = b"%PDF-1.7 invoice"

    message = actions.reply_to_ticket(
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="Your invoice."),
        attachments=[AttachmentIn("../../etc/in<vo>ice.pdf", "application/pdf; name=x", data)],
    )

    stored = Attachment.objects.get(message=message)
    assert (stored.filename, stored.content_type, stored.size) == (
        "in_vo_ice.pdf",
        "application/pdf",
        len(data),
    )
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.ticket_id, stored.brand_id) == (ticket.pk, ticket.brand_id)
    with stored.file.open("rb") as fh:
        assert fh.read() == data
    assert stored.file.name.startswith("attachments/")
    assert stored.file.name.endswith(".pdf")
    assert ".." not in stored.file.name


@override_settings(FRONTDESK_MAX_ATTACHMENT_BYTES=10)
def test_an_attachment_over_the_size_limit_is_refused_and_nothing_is_written(cast):
    ticket = cast.opera.ticket()

    with pytest.raises(InvalidInput) as refused:
        actions.reply_to_ticket(
            ticket,
            actor=actor_for(cast.opera.line1),
            body=make_body(text="Too big."),
            attachments=[AttachmentIn("big.bin", "application/octet-stream", b"x" * 11)],
        )

    assert refused.value.field == "attachments"
    assert Message.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("C:\\Users\\me\\report.docx", "report.docx"),
        ("/etc/passwd", "passwd"),
        ("..", "attachment"),
        (".htaccess", "htaccess"),
        ("билет №5.pdf", "билет _5.pdf"),
        ("a\x00b.txt", "a_b.txt"),
    ],
)
def test_file_names_lose_paths_and_dangerous_characters(raw, safe):
    assert safe_filename(raw) == safe


def test_an_unknown_content_type_is_guessed_from_the_name():
    from frontdesk.tickets.content import store_attachment

    assert (
        store_attachment(AttachmentIn("seat-plan.png", "not a type", b"\x89PNG")).content_type == "image/png"
    )


def test_a_customer_sees_replies_but_never_notes_or_call_records(cast, worked_ticket):
    customer = actor_for(cast.opera.customer_user)

    kinds = [m.kind for m in messages_visible_to(customer, worked_ticket)]

    assert kinds == [MessageKind.REPLY, MessageKind.REPLY]


def test_the_brands_agent_sees_every_message_in_order(cast, worked_ticket):
    agent = actor_for(cast.opera.line2)

    messages = list(messages_visible_to(agent, worked_ticket))

    assert [m.kind for m in messages] == [
        MessageKind.REPLY,
        MessageKind.REPLY,
        MessageKind.NOTE,
        MessageKind.CALL,
    ]
    assert [m.author_kind for m in messages] == [AuthorKind.CUSTOMER, *[AuthorKind.AGENT] * 3]
    assert (messages[3].call_direction, messages[3].call_duration_seconds) == ("outbound", 95)


def test_customers_see_only_the_public_kinds_of_events(cast, worked_ticket):
    customer = actor_for(cast.opera.customer_user)

    kinds = [e.kind for e in events_visible_to(customer, worked_ticket)]

    assert kinds == [EventKind.CREATED, EventKind.REPLIED, EventKind.STATUS_CHANGED]
    assert set(kinds) <= CUSTOMER_EVENT_KINDS
    agent_kinds = {e.kind for e in events_visible_to(actor_for(cast.opera.line1), worked_ticket)}
    assert {EventKind.NOTE_ADDED, EventKind.CALL_LOGGED, EventKind.ASSIGNED} <= agent_kinds


def test_the_public_event_kinds_leave_out_internal_work():
    internal = {
        EventKind.NOTE_ADDED,
        EventKind.CALL_LOGGED,
        EventKind.ASSIGNED,
        EventKind.TEAM_CHANGED,
        EventKind.ESCALATED,
        EventKind.RETURNED,
        EventKind.WORKLOG_ADDED,
        EventKind.PRIORITY_CHANGED,
        EventKind.TAGS_CHANGED,
        EventKind.CATEGORIZED,
    }

    assert not internal & CUSTOMER_EVENT_KINDS


def test_a_customer_cannot_fetch_an_attachment_of_an_internal_note(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    note = actions.add_note(
        ticket,
        actor=agent,
        body=make_body(text="Internal scan"),
        attachments=[AttachmentIn("scan.png", "image/png", b"png")],
    )
    attachment = note.attachments.get()

    assert access_attachment(agent, ticket, attachment.pk) == attachment
    with pytest.raises(NotFound):
        access_attachment(actor_for(cast.opera.customer_user), ticket, attachment.pk)


def test_a_customer_cannot_write_an_internal_note_or_log_a_call(cast):
    ticket = cast.opera.ticket()
    customer = actor_for(cast.opera.customer_user)

    with pytest.raises(PermissionDenied):
        actions.add_note(ticket, actor=customer, body=make_body(text="psst"))
    with pytest.raises(PermissionDenied):
        actions.log_call(
            ticket, actor=customer, direction="inbound", duration_seconds=1, body=make_body(text="x")
        )


def test_a_customer_cannot_open_a_ticket_with_a_note_instead_of_a_message(cast):
    with pytest.raises(InvalidInput) as refused:
        actions.create_ticket(
            cast.opera.brand,
            actor=actor_for(cast.opera.customer_user),
            customer=cast.opera.customer,
            subject="Hidden",
            body=make_body(text="Invisible to me"),
            channel="web",
            kind=MessageKind.NOTE,
        )

    assert refused.value.field == "kind"
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("channel", "pigeon"), ("priority", "critical"), ("language", "de"), ("kind", "memo")],
)
def test_create_ticket_refuses_values_outside_the_choices(cast, field, value):
    arguments = {
        "channel": "phone",
        "priority": "normal",
        "language": "",
        "kind": MessageKind.REPLY,
        field: value,
    }

    with pytest.raises(InvalidInput) as refused:
        actions.create_ticket(
            cast.opera.brand,
            actor=actor_for(cast.opera.line1),
            customer=cast.opera.customer,
            subject="Call",
            body=make_body(text="Customer called"),
            **arguments,
        )

    assert refused.value.field == field


@pytest.mark.parametrize(("direction", "seconds"), [("sideways", 10), ("inbound", -1), ("inbound", 86401)])
def test_a_call_record_needs_a_direction_and_a_sensible_duration(cast, direction, seconds):
    with pytest.raises(InvalidInput):
        actions.log_call(
            cast.opera.ticket(),
            actor=actor_for(cast.opera.line1),
            direction=direction,
            duration_seconds=seconds,
            body=make_body(text="x"),
        )
