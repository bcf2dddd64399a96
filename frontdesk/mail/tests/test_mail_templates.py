"""Brands edit their acknowledgement and reply mails in the admin: stored per brand and language, rendered in a
sandbox, checked before saving, and the file templates when a brand has none."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from frontdesk.mail.choices import MailTemplateName, OutboundKind
from frontdesk.mail.models import MailTemplate, OutboundMessage
from frontdesk.mail.outbound import render
from frontdesk.mail.tests.conftest import TOURS, make_mail
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.models import Ticket
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM, actor_for

ACK = MailTemplateName.ACKNOWLEDGEMENT


def _template(brand, *, language="ru", name=ACK, **fields) -> MailTemplate:
    values = {
        "subject": "Opera got it: {{ subject }} [{{ number }}]",
        "body_text": "Dear {{ customer_name|default:'guest' }}, request {{ number }} is with {{ brand.name }}.",
        "body_html": "",
    }
    values.update(fields)
    return MailTemplate.objects.create(brand=brand, name=name, language=language, **values)


def _context(ticket):
    return {
        "ticket": ticket,
        "brand": ticket.brand,
        "number": ticket.number,
        "subject": ticket.subject,
        "customer_name": ticket.customer.name,
        "ticket_url": "https://portal.example/t/",
        "portal_url": "https://portal.example/",
        "is_new_customer": True,
        "signature": "",
    }


def _login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def _form(brand, **fields):
    data = {
        "brand": brand.pk,
        "name": ACK,
        "language": "ru",
        "is_active": "on",
        "subject": "{{ subject }} [{{ number }}]",
        "body_text": "Request {{ number }} is registered.",
        "body_html": "",
    }
    data.update(fields)
    return data


# --- Choosing the template ---------------------------------------------------------------------------------


def test_brand_a_template_is_used_for_its_acknowledgement_and_not_for_brand_b(mail_cast, pipe):
    _template(mail_cast.opera.brand)
    pipe(make_mail(frm="Anna <anna@customer.example>", subject="Lost tickets"), "--brand", "opera")
    pipe(
        make_mail(
            frm="bob@customer.example", to=TOURS, subject="Lost tickets", body="Билеты потерялись, помогите."
        ),
        "--brand",
        "opera-tours",
    )
    opera_ticket = Ticket.objects.get(brand=mail_cast.opera.brand)
    opera_ack, tours_ack = mail.outbox
    assert opera_ack.subject == f"Opera got it: Lost tickets [{opera_ticket.number}]"
    assert (
        opera_ack.body == f"Dear Anna, request {opera_ticket.number} is with {mail_cast.opera.brand.name}.\n"
    )
    assert "Opera got it" not in tours_ack.subject
    assert "Dear" not in tours_ack.body
    assert tours_ack.subject.startswith("Мы получили ваше обращение: Lost tickets")


def test_a_missing_language_falls_back_to_the_brands_default_language_then_to_the_files(mail_cast):
    brand = mail_cast.opera.brand  # languages ru, en: ru is the default
    ticket = mail_cast.opera.ticket("Lost tickets")
    _template(brand, language="en", subject="EN {{ number }}")
    assert render(ACK, brand=brand, language="en", context=_context(ticket)).subject == f"EN {ticket.number}"
    # No Polish and no Russian template: the Polish file template.
    polish = render(ACK, brand=brand, language="pl", context=_context(ticket))
    assert polish.subject.startswith("Otrzymaliśmy") or "EN" not in polish.subject
    assert polish.subject == _file_parts("pl", ticket)[0]
    # With a template in the default language (Russian), Polish customers get it.
    _template(brand, language="ru", subject="RU {{ number }}")
    assert render(ACK, brand=brand, language="pl", context=_context(ticket)).subject == f"RU {ticket.number}"
    assert render(ACK, brand=brand, language="en", context=_context(ticket)).subject == f"EN {ticket.number}"


def test_an_inactive_template_is_not_used(mail_cast):
    ticket = mail_cast.opera.ticket("Lost tickets")
    _template(mail_cast.opera.brand, language="en", subject="EN {{ number }}", is_active=False)
    rendered = render(ACK, brand=mail_cast.opera.brand, language="en", context=_context(ticket))
    assert rendered.subject == _file_parts("en", ticket)[0]


def _file_parts(language, ticket):
    with translation.override(language):
        parts = [
            render_to_string(f"mail/acknowledgement.{language}.{part}", _context(ticket))
            for part in ("subject.txt", "body.txt", "body.html")
        ]
    return " ".join(parts[0].split()), parts[1].strip() + "\n", parts[2].strip()


def test_a_brand_without_stored_templates_gets_the_file_templates_exactly(mail_cast):
    _template(mail_cast.opera.brand)  # another brand's template changes nothing
    ticket = mail_cast.tours.ticket("Lost tickets")
    for language in ("ru", "en", "pl"):
        rendered = render(ACK, brand=mail_cast.tours.brand, language=language, context=_context(ticket))
        assert (rendered.subject, rendered.text, rendered.html) == _file_parts(language, ticket)


@pytest.mark.parametrize("stored", [False, True])
def test_rendering_costs_one_query_with_or_without_a_stored_template(
    mail_cast, django_assert_num_queries, stored
):
    ticket = mail_cast.opera.ticket("Lost tickets")
    if stored:
        _template(mail_cast.opera.brand, body_html="<p>{{ ticket.status }} {{ brand.name }}</p>")
    brand = ticket.brand
    context = _context(ticket)
    with django_assert_num_queries(1):
        render(ACK, brand=brand, language="ru", context=context)


def test_a_stored_template_that_fails_is_logged_and_the_file_template_goes_out(mail_cast, caplog):
    ticket = mail_cast.opera.ticket("Lost tickets")
    _template(mail_cast.opera.brand, body_text="{% load static %}{% static 'x' %}")  # saved around the form
    with caplog.at_level(logging.WARNING, logger="frontdesk.mail.outbound"):
        rendered = render(ACK, brand=mail_cast.opera.brand, language="ru", context=_context(ticket))
    assert rendered.text == _file_parts("ru", ticket)[1]
    assert "failed; using the file template" in caplog.text


# --- The sandbox -------------------------------------------------------------------------------------------


def test_customer_values_are_escaped_in_the_html_part(mail_cast):
    ticket = mail_cast.opera.ticket("<script>alert(1)</script>")
    ticket.customer.name = '<img src=x onerror="alert(2)">'
    _template(mail_cast.opera.brand, body_html="<p>{{ subject }} / {{ customer_name }}</p>")
    rendered = render(ACK, brand=mail_cast.opera.brand, language="ru", context=_context(ticket))
    assert "<script>" not in rendered.html
    assert "<img" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in rendered.html
    # The subject and the plain text are text: not escaped.
    assert rendered.subject.startswith("Opera got it: <script>alert(1)</script>")


def test_without_an_html_template_the_html_part_is_the_escaped_text_with_links(mail_cast):
    ticket = mail_cast.opera.ticket("<script>alert(1)</script>")
    _template(mail_cast.opera.brand, body_text="About {{ subject }}\n\nFollow it: {{ ticket_url }}")
    rendered = render(ACK, brand=mail_cast.opera.brand, language="ru", context=_context(ticket))
    assert rendered.html == (
        "<p>About &lt;script&gt;alert(1)&lt;/script&gt;</p>"
        '<p>Follow it: <a href="https://portal.example/t/">https://portal.example/t/</a></p>'
    )


def test_templates_see_plain_values_not_database_objects(mail_cast):
    ticket = mail_cast.opera.ticket("Lost tickets")
    _template(
        mail_cast.opera.brand,
        body_text="[{{ ticket.customer.email }}][{{ ticket.brand.sender_addresses }}][{{ brand.pk }}]"
        "[{{ ticket.status }}][{{ ticket.number }}]",
    )
    rendered = render(ACK, brand=mail_cast.opera.brand, language="ru", context=_context(ticket))
    assert rendered.text == f"[][][][Новая][{ticket.number}]\n"


# --- The admin ---------------------------------------------------------------------------------------------


FORBIDDEN = "These tags are not allowed in mail templates"
BROKEN = "The template does not compile"


@pytest.mark.parametrize(
    ("field", "source", "message"),
    [
        ("body_text", "{% load static %}{% static 'logo.png' %}", FORBIDDEN),
        ("body_text", '{% include "admin/base.html" %}', FORBIDDEN),
        ("body_text", '{% extends "admin/base.html" %}', FORBIDDEN),
        ("subject", "{% debug %}", FORBIDDEN),
        ("body_html", "{% ssi '/etc/passwd' %}", FORBIDDEN),
        ("body_html", "{% autoescape off %}{{ subject }}{% endautoescape %}", FORBIDDEN),
        ("body_text", "{% if customer_name %}Hello", BROKEN),
        ("body_text", "Hello {% endif %}", BROKEN),
        ("subject", "{{ subject|nosuchfilter }}", BROKEN),
        ("subject", "{{ }}", BROKEN),
        ("body_html", "<p>{{ subject|safe }}</p>", BROKEN),
    ],
)
def test_a_broken_template_or_a_forbidden_tag_is_refused_by_the_admin_form_with_a_message(
    client, mail_cast, field, source, message
):
    _login(client, mail_cast.opera.admin)
    response = client.post(
        reverse("admin:mail_mailtemplate_add"), _form(mail_cast.opera.brand, **{field: source})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MailTemplate.objects.exists()


def test_the_admin_form_error_is_translated(client, mail_cast):
    _login(client, mail_cast.opera.admin)
    with translation.override("ru"):
        response = client.post(
            reverse("admin:mail_mailtemplate_add"),
            _form(mail_cast.opera.brand, body_text="{% load static %}"),
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    assert response.status_code == 200
    assert "Эти теги нельзя использовать в шаблонах писем" in response.content.decode()


def test_the_edit_page_lists_the_variables_and_previews_with_a_sample_request(client, mail_cast):
    template = _template(
        mail_cast.opera.brand, body_html="<p>{{ customer_name }} — {{ number }} — {{ ticket.status }}</p>"
    )
    _login(client, mail_cast.opera.admin)
    page = client.get(reverse("admin:mail_mailtemplate_change", args=[template.pk])).content.decode()
    assert "<code>{{ customer_name }}</code>" in page
    assert "<code>{{ is_new_customer }}</code>" in page
    # Only this mail's variables: the reply's are not offered for an acknowledgement.
    assert "<code>{{ body_html }}</code>" not in page
    # The sample request, in the template's language, with the brand's number prefix.
    assert "Opera got it: Мои билеты не пришли [" in page
    assert "srcdoc=" in page
    assert "&lt;p&gt;Анна Клиент — " in page  # the HTML part inside the sandboxed frame's srcdoc


def test_brand_admins_see_and_edit_only_their_brands_templates(client, mail_cast):
    mine = _template(mail_cast.opera.brand)
    theirs = _template(mail_cast.tours.brand, subject="Tours subject {{ number }}")
    _login(client, mail_cast.opera.admin)
    listing = client.get(reverse("admin:mail_mailtemplate_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:mail_mailtemplate_change", args=[mine.pk]) in listing.content.decode()
    assert reverse("admin:mail_mailtemplate_change", args=[theirs.pk]) not in listing.content.decode()
    assert client.get(reverse("admin:mail_mailtemplate_change", args=[theirs.pk])).status_code == 302
    # Nor can they file one under the other brand.
    response = client.post(
        reverse("admin:mail_mailtemplate_add"), _form(mail_cast.tours.brand, language="en")
    )
    assert response.status_code == 200
    assert not MailTemplate.objects.filter(brand=mail_cast.tours.brand, language="en").exists()


def test_outsiders_and_agents_cannot_open_the_templates(client, mail_cast):
    template = _template(mail_cast.opera.brand)
    for user in (mail_cast.outsider, mail_cast.opera.line1):
        _login(client, user)
        assert client.get(reverse("admin:mail_mailtemplate_change", args=[template.pk])).status_code == 302
        client.logout()


def test_a_second_template_for_the_same_brand_mail_and_language_is_a_form_error(client, mail_cast):
    _template(mail_cast.opera.brand)
    _login(client, mail_cast.opera.admin)
    response = client.post(reverse("admin:mail_mailtemplate_add"), _form(mail_cast.opera.brand))
    assert response.status_code == 200
    assert MailTemplate.objects.count() == 1


# --- End to end --------------------------------------------------------------------------------------------


def test_the_acknowledgement_sent_after_an_edit_in_the_admin_carries_the_edited_text(client, mail_cast, pipe):
    _login(client, mail_cast.opera.admin)
    response = client.post(
        reverse("admin:mail_mailtemplate_add"),
        _form(
            mail_cast.opera.brand,
            subject="Opera has your request: {{ subject }}",
            body_text="Thank you, {{ customer_name }}! Your number: {{ number }}.\nSee {{ ticket_url }}",
            body_html="<h1>{{ brand.name }}</h1><p>Thank you, {{ customer_name }}!</p>",
        ),
    )
    assert response.status_code == 302
    assert MailTemplate.objects.get().updated_by == mail_cast.opera.admin

    pipe(
        make_mail(frm="Anna <anna@customer.example>", subject="<script>x</script> tickets"),
        "--brand",
        "opera",
    )
    ticket = Ticket.objects.get()
    [ack] = mail.outbox
    assert ack.subject == f"Opera has your request: <script>x</script> tickets [{ticket.number}]"
    assert ack.body.startswith(f"Thank you, Anna! Your number: {ticket.number}.\nSee http")
    html = ack.alternatives[0].content
    assert html == f"<h1>{mail_cast.opera.brand.name}</h1><p>Thank you, Anna!</p>"
    assert OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGEMENT).body_html == html


def test_an_edited_reply_template_carries_the_agents_reply(
    mail_cast, pipe, django_capture_on_commit_callbacks
):
    create_customer(
        mail_cast.opera.brand, actor=SYSTEM, name="John", emails=["john@customer.example"], language="en"
    )
    _template(
        mail_cast.opera.brand,
        name=MailTemplateName.REPLY,
        language="en",
        subject="Re: {{ subject }}",
        body_text="{{ author }} wrote:\n{{ body_text }}",
        body_html="<p>{{ author }} wrote:</p>{{ body_html }}",
    )
    pipe(make_mail(frm="john@customer.example"), "--brand", "opera")
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.reply_to_ticket(
            ticket,
            actor=actor_for(mail_cast.opera.line1),
            body=ticket_actions.make_body(text="Your tickets are <on> their way."),
        )
    reply = mail.outbox[-1]
    assert reply.body == f"{mail_cast.opera.line1.name} wrote:\nYour tickets are <on> their way.\n"
    assert "Your tickets are &lt;on&gt; their way." in reply.alternatives[0].content
