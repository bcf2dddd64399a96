"""A trigger's templated reply is a message of the ticket's history that the mail consumer sends to the
customer like an agent's reply, written in the customer's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from frontdesk.automation.actions import ActionSpec
from frontdesk.automation.tests.conftest import make_trigger
from frontdesk.tickets.choices import Status
from frontdesk.users.models import Customer

pytestmark = pytest.mark.django_db

WELCOME = ActionSpec(
    "send_reply",
    text="Hello {{ customer_name }}, we have your request {{ number }}.",
    texts={
        "ru": "Здравствуйте, {{ customer_name }}! Обращение {{ number }} получено, статус: {{ ticket.status }}.",
        "pl": "Dzień dobry, mamy zgłoszenie {{ number }}.",
    },
)


@pytest.fixture
def mailing_cast(cast):
    cast.opera.brand.sender_addresses = ["support@opera.example"]
    cast.opera.brand.save(update_fields=["sender_addresses"])
    return cast


def test_the_reply_reaches_the_customer_in_their_language(mailing_cast, dispatched):
    cast = mailing_cast
    Customer.objects.filter(pk=cast.opera.customer.pk).update(language="ru")
    make_trigger(cast.opera, "Welcome", actions=(WELCOME,))
    mail.outbox.clear()
    with dispatched():
        ticket = cast.opera.ticket("Билеты не пришли")
    # The acknowledgement of the new request goes too; the trigger's reply is the "Re:" one.
    replies = [m for m in mail.outbox if m.to == [cast.opera.customer.email] and m.subject.startswith("Re:")]
    assert len(replies) == 1, [m.subject for m in mail.outbox]
    body = replies[0].body
    assert f"Здравствуйте, Customer of Opera Box Office! Обращение {ticket.number} получено" in body
    with translation.override("ru"):
        assert f"статус: {Status.NEW.label}." in body  # the status as the customer reads it
    assert "Служба поддержки, Opera Box Office" in body  # signed for the brand
    assert "Чтобы ответить, ответьте на это письмо." in body  # the reply mail's own Russian frame
    assert ticket.number in replies[0].subject


def test_without_a_text_in_the_customers_language_the_default_text_goes(mailing_cast, dispatched):
    cast = mailing_cast
    Customer.objects.filter(pk=cast.opera.customer.pk).update(language="en")
    make_trigger(cast.opera, "Welcome", actions=(ActionSpec("send_reply", text="We have {{ number }}."),))
    mail.outbox.clear()
    with dispatched():
        ticket = cast.opera.ticket()
    replies = [m for m in mail.outbox if m.to == [cast.opera.customer.email] and m.subject.startswith("Re:")]
    assert len(replies) == 1
    assert f"We have {ticket.number}." in replies[0].body
    # Sent as automatic mail: no autoresponder answers it, and it is capped like an acknowledgement.
    assert replies[0].extra_headers["Auto-Submitted"] == "auto-replied"
    from frontdesk.mail.choices import OutboundKind
    from frontdesk.mail.models import OutboundMessage

    sent = OutboundMessage.objects.get(ticket=ticket, subject=replies[0].subject)
    assert sent.kind == OutboundKind.AUTOMATION
    assert sent.is_automatic


def test_no_reply_goes_to_a_request_that_came_from_an_automatic_sender(mailing_cast, dispatched, monkeypatch):
    import io
    import sys

    from django.core.management import call_command

    from frontdesk.automation.models import TriggerRun
    from frontdesk.mail.tests.conftest import make_mail
    from frontdesk.tickets.models import Message, Ticket

    cast = mailing_cast
    trigger = make_trigger(
        cast.opera,
        "Welcome",
        actions=(ActionSpec("send_reply", text="We have {{ number }}."), ("add_tags", "welcomed")),
    )
    raw = make_mail(
        frm="robot@monitoring.example",
        to="support@opera.example",
        subject="Disk full on box-office-1",
        headers={"Auto-Submitted": "auto-generated"},
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    mail.outbox.clear()
    with dispatched():
        call_command("mail", "ingest", stdout=io.StringIO())
    ticket = Ticket.objects.get(subject="Disk full on box-office-1")
    assert not Message.objects.filter(ticket=ticket, author_kind="system").exists()
    assert not [m for m in mail.outbox if m.subject.startswith("Re:")]
    assert ticket.tags == ["welcomed"]  # the trigger's other actions ran
    run = TriggerRun.objects.get(trigger=trigger)
    assert run.outcome == "done"
    assert "automatic sender" in run.detail
