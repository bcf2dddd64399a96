"""Mail to customers goes out from the brand's sender for the customer's language, signed with its signature."""

from __future__ import annotations

from email.header import decode_header, make_header

from django.core import mail

from frontdesk.brands.texts import signature_for
from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.models import OutboundMessage
from frontdesk.mail.outbound import sender_for
from frontdesk.mail.tests.conftest import OPERA, make_mail
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.models import Ticket
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM, actor_for

SENDERS = {
    "ru": f"Служба поддержки Оперы <{OPERA}>",
    "en": "Opera Customer Care <care@opera.example>",
}
SIGNATURES = {
    "ru": "{agent}\nСлужба поддержки Оперы\n+7 495 000-00-00",
    "en": "{agent}\nOpera Customer Care & Box Office\nhttps://opera.example/help",
}


def _decoded(header: str) -> str:
    return str(make_header(decode_header(header)))


def _configure(brand) -> None:
    brand.sender_addresses = [OPERA, "care@opera.example"]
    brand.mail_from = SENDERS
    brand.mail_signatures = SIGNATURES
    brand.save(update_fields=["sender_addresses", "mail_from", "mail_signatures"])


def test_acknowledgement_comes_from_the_brands_russian_sender_with_its_signature(mail_cast, pipe):
    _configure(mail_cast.opera.brand)
    pipe(
        make_mail(frm="anna@customer.example", body="Здравствуйте, билеты так и не пришли."),
        "--brand",
        "opera",
    )
    [ack] = mail.outbox
    assert _decoded(ack.from_email) == SENDERS["ru"]
    assert _decoded(ack.message()["From"]) == SENDERS["ru"]
    assert ack.body.rstrip().endswith("Служба поддержки Оперы\n+7 495 000-00-00")
    # An acknowledgement has no agent: the {agent} line is left out.
    assert "{agent}" not in ack.body
    html = ack.alternatives[0].content
    assert "Служба поддержки Оперы<br>+7 495 000-00-00" in html
    row = OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert row.language == "ru"
    assert _decoded(row.from_address) == SENDERS["ru"]


def test_an_english_customer_gets_the_english_sender_and_the_agent_signs_the_reply(
    mail_cast, pipe, django_capture_on_commit_callbacks
):
    _configure(mail_cast.opera.brand)
    create_customer(
        mail_cast.opera.brand, actor=SYSTEM, name="John", emails=["john@customer.example"], language="en"
    )
    pipe(make_mail(frm="john@customer.example"), "--brand", "opera")
    ack = mail.outbox[-1]
    assert ack.from_email == SENDERS["en"]
    assert ack.body.rstrip().endswith("Opera Customer Care & Box Office\nhttps://opera.example/help")

    ticket = Ticket.objects.get()
    agent = mail_cast.opera.line1
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.reply_to_ticket(
            ticket,
            actor=actor_for(agent),
            body=ticket_actions.make_body(text="Your tickets are on their way."),
        )
    reply = mail.outbox[-1]
    assert reply.from_email == SENDERS["en"]
    assert f"--\n{agent.name}\nOpera Customer Care & Box Office\nhttps://opera.example/help\n" in reply.body
    html = reply.alternatives[0].content
    # The signature is text: escaped in the HTML part, its lines kept.
    assert f"{agent.name}<br>Opera Customer Care &amp; Box Office<br>" in html
    assert OutboundMessage.objects.get(kind=OutboundKind.REPLY).from_address == SENDERS["en"]


def test_without_a_configured_sender_mail_comes_from_the_brand_name_and_first_address(mail_cast, pipe):
    pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    [ack] = mail.outbox
    assert OPERA in ack.from_email
    assert mail_cast.opera.brand.name in ack.from_email
    # The templates' own signature: the brand name.
    assert ack.body.rstrip().endswith(mail_cast.opera.brand.name)


def test_a_language_without_an_entry_falls_back_to_the_brands_default_language(mail_cast):
    brand = mail_cast.opera.brand  # languages ru, en: ru is the default
    _configure(brand)
    brand.mail_from = {"ru": SENDERS["ru"]}
    brand.mail_signatures = {"ru": "Опера"}
    assert _decoded(sender_for(brand, "pl")) == SENDERS["ru"]
    assert signature_for(brand, "pl", author="Anna") == "Опера"
    brand.mail_from, brand.mail_signatures = {}, {}
    assert _decoded(sender_for(brand, "pl")) == f"{brand.name} <{OPERA}>"
    assert signature_for(brand, "pl") == ""


def test_a_sender_without_a_display_name_takes_the_brand_name(mail_cast):
    brand = mail_cast.opera.brand
    brand.sender_addresses = [OPERA]
    brand.mail_from = {"en": OPERA}
    assert _decoded(sender_for(brand, "en")) == f"{brand.name} <{OPERA}>"
