"""A customer mails a brand, gets an acknowledgement, an agent answers and the customer's answer lands on the
same ticket: the whole path through ``frontdesk mail ingest``."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from frontdesk.mail.choices import InboundStatus, OutboundKind, OutboundStatus
from frontdesk.mail.models import InboundMessage, OutboundMessage
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import MessageKind, Status
from frontdesk.tickets.models import Message, Ticket
from frontdesk.users.actors import actor_for


def _header(email, name):
    return email.extra_headers.get(name) or email.message()[name]


def test_new_mail_opens_a_ticket_and_the_conversation_stays_on_it(
    mail_cast, pipe, django_capture_on_commit_callbacks
):
    raw = make_mail(frm="Anna Petrova <Anna@Customer.example>", body="Where are my tickets?")
    inbound = pipe(raw, "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.INGESTED
    assert bytes(inbound.raw) == raw
    ticket = Ticket.objects.get()
    assert ticket.brand == mail_cast.opera.brand
    assert ticket.channel == "email"
    assert ticket.customer.email == "anna@customer.example"
    assert inbound.ticket == ticket

    [ack] = mail.outbox
    assert ack.to == ["anna@customer.example"]
    assert ticket.number in ack.subject
    assert ticket.number in ack.body
    assert _header(ack, "Auto-Submitted") == "auto-replied"
    assert _header(ack, "In-Reply-To") == f"<{inbound.message_id}>"

    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.reply_to_ticket(
            ticket,
            actor=actor_for(mail_cast.opera.line1),
            body=ticket_actions.make_body(text="Your tickets are on their way."),
            attachments=[ticket_actions.AttachmentIn("seat-plan.pdf", "application/pdf", b"%PDF-1.4 plan")],
        )
    reply_mail = mail.outbox[-1]
    reply_row = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    assert reply_row.status == OutboundStatus.SENT
    assert "Your tickets are on their way." in reply_mail.body
    assert _header(reply_mail, "Message-ID") == f"<{reply_row.message_id}>"
    assert _header(reply_mail, "In-Reply-To") == f"<{inbound.message_id}>"
    assert ticket.number in reply_mail.subject
    assert _header(reply_mail, "Auto-Submitted") is None
    assert [(name, data) for name, data, _type in reply_mail.attachments] == [
        ("seat-plan.pdf", b"%PDF-1.4 plan")
    ]

    answer = make_mail(
        frm="anna@customer.example",
        subject=f"Re: {reply_mail.subject}",
        body="Thank you, they arrived.",
        in_reply_to=f"<{reply_row.message_id}>",
    )
    second = pipe(answer, "--brand", "opera")
    second.refresh_from_db()
    assert second.status == InboundStatus.INGESTED
    assert second.ticket == ticket
    assert Ticket.objects.count() == 1
    last = Message.objects.filter(ticket=ticket).last()
    assert last.kind == MessageKind.REPLY
    assert last.author_kind == "customer"
    assert "they arrived" in last.body_text
    # No second acknowledgement for an answer.
    assert OutboundMessage.objects.filter(kind=OutboundKind.ACKNOWLEDGEMENT).count() == 1


def test_the_same_mail_delivered_twice_makes_one_ticket(mail_cast, pipe):
    raw = make_mail(frm="anna@customer.example")
    first = pipe(raw, "--brand", "opera")
    second = pipe(raw, "--brand", "opera")
    assert first.pk == second.pk
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_copy_with_other_bytes_but_the_same_message_id_is_not_stored_again(mail_cast, pipe):
    pipe(make_mail(frm="anna@customer.example", message_id="<same@customer.example>"), "--brand", "opera")
    raw = b"Received: from relay\r\n" + make_mail(
        frm="anna@customer.example", message_id="<same@customer.example>"
    )
    pipe(raw, "--brand", "opera")
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_a_poisonous_mail_is_quarantined_and_the_next_one_still_ingests(mail_cast, pipe, settings):
    settings.FRONTDESK_MAIL_MAX_BYTES = 2000
    poison = pipe(make_mail(frm="big@customer.example", body="x" * 5000), "--brand", "opera")
    good = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    poison.refresh_from_db()
    good.refresh_from_db()
    assert poison.status == InboundStatus.QUARANTINED
    assert poison.reason
    assert poison.error
    assert poison.parser_version
    assert good.status == InboundStatus.INGESTED
    assert Ticket.objects.count() == 1

    # After the fix (a larger cap) the quarantined mail is reprocessed, once.
    settings.FRONTDESK_MAIL_MAX_BYTES = 10**6
    call_command("mail", "reprocess", "--all", stdout=None)
    poison.refresh_from_db()
    assert poison.status == InboundStatus.INGESTED
    assert Ticket.objects.count() == 2
    call_command("mail", "reprocess", str(poison.pk), "--all")
    assert Ticket.objects.count() == 2


def test_a_mail_that_breaks_ingestion_is_quarantined_with_the_error(mail_cast, pipe, monkeypatch):
    from frontdesk.mail import tasks

    def explode(*args, **kwargs):
        raise RuntimeError("routing exploded")

    monkeypatch.setattr(tasks, "route_message", explode)
    inbound = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason == "RuntimeError"
    assert "routing exploded" in inbound.error
    assert not Ticket.objects.exists()


def test_a_mail_without_sender_is_quarantined(mail_cast, pipe):
    raw = b"To: support@opera.example\r\nSubject: who am I\r\nMessage-ID: <x1@nowhere>\r\n\r\nHello\r\n"
    inbound = pipe(raw, "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason == "no_sender"


def test_auto_submitted_mail_becomes_a_ticket_without_acknowledgement(mail_cast, pipe):
    raw = make_mail(frm="monitor@customer.example", headers={"Auto-Submitted": "auto-generated"})
    inbound = pipe(raw, "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.INGESTED
    assert inbound.is_automatic
    assert Ticket.objects.count() == 1
    assert mail.outbox == []
    assert OutboundMessage.objects.get().status == OutboundStatus.SKIPPED


def test_mail_from_our_own_address_is_ignored_as_a_loop(mail_cast, pipe):
    inbound = pipe(make_mail(frm="support@opera.example"), "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.IGNORED
    assert inbound.reason == "own_address"
    assert not Ticket.objects.exists()
    assert mail.outbox == []


def test_pipe_without_brand_finds_it_by_the_recipient(mail_cast, pipe):
    inbound = pipe(make_mail(frm="anna@customer.example", to="help@opera-tours.example"))
    assert inbound.brand == mail_cast.tours.brand
    assert Ticket.objects.get().brand == mail_cast.tours.brand


def test_pipe_refuses_mail_for_an_unknown_address_with_a_bounce_code(mail_cast, pipe):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as raised:
        pipe(make_mail(frm="anna@customer.example", to="nobody@elsewhere.example"))
    assert raised.value.returncode == 67
    assert not InboundMessage.objects.exists()


def test_reply_to_a_solved_ticket_reopens_it(mail_cast, pipe, django_capture_on_commit_callbacks):
    first = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.change_status(ticket, actor=actor_for(mail_cast.opera.line1), status=Status.SOLVED)
    pipe(
        make_mail(frm="anna@customer.example", body="Not yet!", in_reply_to=f"<{first.message_id}>"),
        "--brand",
        "opera",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert Ticket.objects.count() == 1


def test_reply_to_a_closed_ticket_opens_a_linked_follow_up(
    mail_cast, pipe, django_capture_on_commit_callbacks
):
    first = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.change_status(ticket, actor=actor_for(mail_cast.opera.line1), status=Status.CLOSED)
    second = pipe(
        make_mail(frm="anna@customer.example", body="One more thing", in_reply_to=f"<{first.message_id}>"),
        "--brand",
        "opera",
    )
    second.refresh_from_db()
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert second.ticket == follow_up
    assert follow_up.follow_up_of == ticket
    assert follow_up.customer == ticket.customer
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_subject_number_threads_a_participant_but_not_a_stranger(mail_cast, pipe):
    pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    ticket = Ticket.objects.get()
    pipe(make_mail(frm="ANNA@customer.example", subject=f"More info [{ticket.number}]"), "--brand", "opera")
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(ticket=ticket).count() == 2
    pipe(make_mail(frm="mallory@evil.example", subject=f"Refund me [{ticket.number}]"), "--brand", "opera")
    assert Ticket.objects.count() == 2
    assert Message.objects.filter(ticket=ticket).count() == 2


def test_threaded_reply_from_a_non_participant_becomes_an_internal_note(mail_cast, pipe):
    first = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    ticket = Ticket.objects.get()
    outsider = pipe(
        make_mail(
            frm="mallory@evil.example", body="Send it to me instead", in_reply_to=f"<{first.message_id}>"
        ),
        "--brand",
        "opera",
    )
    outsider.refresh_from_db()
    assert outsider.status == InboundStatus.INGESTED
    assert outsider.reason == "non_participant"
    note = Message.objects.filter(ticket=ticket).last()
    assert note.kind == MessageKind.NOTE
    assert "mallory@evil.example" in note.body_text
    assert Ticket.objects.count() == 1


def test_organization_manager_may_answer_on_a_colleagues_ticket(mail_cast, pipe):
    opera = mail_cast.opera
    from frontdesk.users.actions import update_customer
    from frontdesk.users.actors import SYSTEM

    update_customer(opera.colleague, actor=SYSTEM, is_organization_manager=True)
    ticket = opera.ticket()
    pipe(
        make_mail(frm=opera.colleague.email, subject=f"Re: [{ticket.number}]", body="I confirm."),
        "--brand",
        "opera",
    )
    last = Message.objects.filter(ticket=ticket).last()
    assert last.kind == MessageKind.REPLY
    assert "I confirm." in last.body_text


def test_out_of_office_is_a_note_and_does_not_reopen(mail_cast, pipe, django_capture_on_commit_callbacks):
    first = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.change_status(ticket, actor=actor_for(mail_cast.opera.line1), status=Status.SOLVED)
    sent_before = len(mail.outbox)
    ooo = make_mail(
        frm="anna@customer.example",
        subject="Out of office: My tickets did not arrive",
        body="I am away until Monday.",
        in_reply_to=f"<{first.message_id}>",
        headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
    )
    inbound = pipe(ooo, "--brand", "opera")
    inbound.refresh_from_db()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert inbound.status == InboundStatus.INGESTED
    assert Message.objects.filter(ticket=ticket).last().kind == MessageKind.NOTE
    assert len(mail.outbox) == sent_before


def test_a_mail_can_never_join_another_brands_ticket(mail_cast, pipe):
    first = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    opera_ticket = Ticket.objects.get()
    ack_id = OutboundMessage.objects.get().message_id
    # Sent to the other brand, threaded on both our Message-ID and the received one, with the number.
    raw = make_mail(
        frm="anna@customer.example",
        to="help@opera-tours.example",
        subject=f"Re: [{opera_ticket.number}]",
        in_reply_to=f"<{ack_id}> <{first.message_id}>",
    )
    inbound = pipe(raw, "--brand", "opera-tours")
    inbound.refresh_from_db()
    assert inbound.ticket.brand == mail_cast.tours.brand
    assert inbound.ticket != opera_ticket
    assert Message.objects.filter(ticket=opera_ticket).count() == 1


def test_attachments_arrive_byte_for_byte(mail_cast, pipe):
    data = bytes(range(256)) * 10
    raw = make_mail(
        frm="anna@customer.example",
        attachments=(
            ("notes.txt", "text/plain", b"plain text is kept too\n"),
            ("scan.bin", "application/octet-stream", data),
        ),
    )
    pipe(raw, "--brand", "opera")
    message = Message.objects.get()
    stored = {a.filename: a.file.open("rb").read() for a in message.attachments.all()}
    assert stored == {"notes.txt": b"plain text is kept too\n", "scan.bin": data}


def test_a_new_customer_is_answered_in_the_language_they_wrote_in(mail_cast, pipe):
    # The brand speaks Russian first and English too.
    assert mail_cast.opera.brand.languages == ["ru", "en"]
    pipe(
        make_mail(
            frm="kate@customer.example", body="Hello, I paid for two tickets but got no e-mail with them."
        ),
        "--brand",
        "opera",
    )
    pipe(
        make_mail(
            frm="oleg@customer.example", body="Здравствуйте, я оплатил два билета, но письмо не пришло."
        ),
        "--brand",
        "opera",
    )
    english, russian = Ticket.objects.order_by("id")
    assert (english.customer.language, english.language) == ("en", "en")
    assert (russian.customer.language, russian.language) == ("ru", "ru")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient["kate@customer.example"].subject != by_recipient["oleg@customer.example"].subject
