"""Per-ticket reply addresses: ``support+OPR-26-000123@opera.example`` routes to that ticket where the mailbox
uses plus addressing, and only for the ticket's participants."""

from __future__ import annotations

import smtplib

import pytest

from frontdesk.mail.choices import InboundStatus, MailboxKind, NonParticipantPolicy
from frontdesk.mail.models import InboundMessage, Mailbox
from frontdesk.mail.sources.addresses import address_map, resolve, ticket_reply_address
from frontdesk.mail.tests.conftest import OPERA, make_mail
from frontdesk.mail.tests.test_mail_sources import _free_port
from frontdesk.tickets.choices import MessageKind
from frontdesk.tickets.models import Message, Ticket


@pytest.fixture
def plus_box(mail_cast):
    return Mailbox.objects.create(
        brand=mail_cast.opera.brand,
        name="opera-support",
        kind=MailboxKind.PIPE,
        addresses=[OPERA],
        plus_addressing=True,
    )


def _opened(pipe, sender: str = "anna@customer.example") -> Ticket:
    pipe(make_mail(frm=sender, subject="Seats for Tosca"), "--brand", "opera")
    return Ticket.objects.get()


def _plus(ticket: Ticket) -> str:
    return f"support+{ticket.number}@opera.example"


def test_a_reply_to_the_ticket_address_lands_on_the_ticket_without_number_or_thread_headers(plus_box, pipe):
    ticket = _opened(pipe)
    assert ticket_reply_address(ticket.brand_id, ticket.number) == _plus(ticket)
    # Mail programs lower-case addresses; the number is still found.
    answer = make_mail(
        frm="anna@customer.example", to=_plus(ticket).lower(), subject="One more question", body="Row 5?"
    )
    inbound = pipe(answer, "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.INGESTED
    assert inbound.ticket == ticket
    assert Ticket.objects.count() == 1
    last = Message.objects.filter(ticket=ticket).last()
    assert last.kind == MessageKind.REPLY
    assert "Row 5?" in last.body_text


def test_a_stranger_writing_to_the_ticket_address_only_leaves_a_note_for_review(plus_box, pipe):
    ticket = _opened(pipe)
    inbound = pipe(
        make_mail(frm="mallory@elsewhere.example", to=_plus(ticket), body="Cancel it"), "--brand", "opera"
    )
    inbound.refresh_from_db()
    assert (inbound.ticket, inbound.reason) == (ticket, "non_participant")
    last = Message.objects.filter(ticket=ticket).last()
    assert last.kind == MessageKind.NOTE
    assert "mallory@elsewhere.example" in last.body_text


def test_a_stranger_opens_a_new_ticket_where_the_mailbox_says_so(plus_box, pipe):
    Mailbox.objects.filter(pk=plus_box.pk).update(non_participant_replies=NonParticipantPolicy.NEW_TICKET)
    ticket = _opened(pipe)
    inbound = pipe(make_mail(frm="mallory@elsewhere.example", to=_plus(ticket)), "--mailbox", "opera-support")
    inbound.refresh_from_db()
    assert inbound.ticket != ticket
    assert Ticket.objects.count() == 2
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_without_plus_addressing_the_tag_means_nothing(plus_box, pipe):
    Mailbox.objects.filter(pk=plus_box.pk).update(plus_addressing=False)
    ticket = _opened(pipe)
    assert ticket_reply_address(ticket.brand_id, ticket.number) == ""
    inbound = pipe(make_mail(frm="anna@customer.example", to=_plus(ticket)), "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.ticket != ticket
    assert Ticket.objects.count() == 2


def test_another_brands_ticket_number_in_the_address_reaches_no_ticket(plus_box, pipe, mail_cast):
    pipe(make_mail(frm="anna@customer.example", to="help@opera-tours.example"), "--brand", "opera-tours")
    foreign = Ticket.objects.get()
    inbound = pipe(make_mail(frm="anna@customer.example", to=_plus(foreign)), "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.ticket.brand == mail_cast.opera.brand
    assert Message.objects.filter(ticket=foreign).count() == 1


def test_plus_addresses_are_received_only_for_mailboxes_that_use_them(plus_box):
    known = address_map()
    brand_id = plus_box.brand_id
    assert resolve("Support+OPR-26-000001@Opera.example", known) == brand_id
    assert resolve("support@opera.example", known) == brand_id
    assert resolve("other+OPR-26-000001@opera.example", known) is None
    Mailbox.objects.filter(pk=plus_box.pk).update(plus_addressing=False)
    assert resolve("support+OPR-26-000001@opera.example", address_map()) is None


@pytest.mark.django_db(transaction=True)
def test_the_smtp_receiver_accepts_a_ticket_address():
    from frontdesk.brands.actions import create_brand
    from frontdesk.mail.sources.smtpd import make_controller

    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR", languages=["en"])
    Mailbox.objects.create(
        brand=brand, name="opera-smtp", kind=MailboxKind.SMTP, addresses=[OPERA], plus_addressing=True
    )
    port = _free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            refused = client.sendmail(
                "anna@customer.example",
                ["support+OPR-26-000001@opera.example"],
                make_mail(frm="anna@customer.example", to="support+OPR-26-000001@opera.example"),
            )
    finally:
        controller.stop()
    assert refused == {}
    assert InboundMessage.objects.get().envelope_to == ["support+OPR-26-000001@opera.example"]


def test_mail_we_send_asks_for_answers_at_the_tickets_own_address(plus_box, pipe, mailoutbox):
    ticket = _opened(pipe)
    acknowledgement = next(m for m in mailoutbox if ticket.number in m.subject)
    assert acknowledgement.reply_to == [_plus(ticket)]


def test_without_plus_addressing_mail_carries_no_reply_to(mail_cast, pipe, mailoutbox):
    ticket = _opened(pipe)
    acknowledgement = next(m for m in mailoutbox if ticket.number in m.subject)
    assert acknowledgement.reply_to == []


def test_the_ticket_address_is_looked_up_by_exact_numbers_not_by_a_scan(plus_box, pipe):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ticket = _opened(pipe)
    answer = make_mail(frm="anna@customer.example", to=_plus(ticket).lower(), subject="Another question")
    with CaptureQueriesContext(connection) as captured:
        pipe(answer, "--brand", "opera")
    lookups = [q["sql"] for q in captured.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    assert lookups
    # A case-insensitive comparison reads every ticket of the brand, for any made-up address.
    assert not [q for q in lookups if "UPPER(" in q or "LIKE" in q], lookups
    assert InboundMessage.objects.order_by("id").last().ticket == ticket
