"""Every mail to customers is editable per brand and language in the admin: each with the variables the mail
really gets, previewed with a sample request, refused when broken; and the brand page chooses the statuses
mailed to customers."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from frontdesk.brands.models import Brand
from frontdesk.mail import outbound
from frontdesk.mail.brand_form import BrandMailForm
from frontdesk.mail.choices import MailTemplateName, OutboundKind
from frontdesk.mail.mail_templates import VARIABLES, built_in_sources, sample_context
from frontdesk.mail.models import MailTemplate, OutboundMessage
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.events import record_event
from frontdesk.users.actors import SYSTEM, actor_for

NEW_NAMES = (
    MailTemplateName.STATUS_UPDATE,
    MailTemplateName.STATUS_CHANGED,
    MailTemplateName.REMINDER,
    MailTemplateName.SATISFACTION,
)


def _login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def _all_variables(name):
    return " ".join(f"[{variable}={{{{ {variable} }}}}]" for variable, _help in VARIABLES[name])


def _form(brand, name, language, **fields):
    data = {
        "brand": brand.pk,
        "name": name,
        "language": language,
        "is_active": "on",
        "subject": "{{ subject }} [{{ number }}]",
        "body_text": _all_variables(name),
        "body_html": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


# --- Variables ---------------------------------------------------------------------------------------------


def test_every_mail_can_be_edited():
    assert set(VARIABLES) == set(MailTemplateName.values)


@pytest.mark.parametrize("name", MailTemplateName.values)
def test_the_sample_request_gives_every_variable_the_admin_lists(cast, name):
    context = sample_context(name, cast.opera.brand, "en")
    assert {variable.split(".")[0] for variable, _help in VARIABLES[name]} <= set(context)


def test_the_real_mails_get_every_variable_the_admin_lists(cast, run, monkeypatch):
    """Each mail as the events plan it: the context handed to the template has all the listed variables."""
    contexts = {}
    real_render = outbound.render

    def spy(name, **kwargs):
        contexts[name] = kwargs["context"]
        return real_render(name, **kwargs)

    monkeypatch.setattr(outbound, "render", spy)
    brand = cast.opera.brand
    brand.customer_status_mail = [Status.ON_HOLD]
    brand.save(update_fields=["customer_status_mail"])
    ticket = run(cast.opera.ticket, "Seats")
    run(actions.reply_to_ticket, ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Row 5?"))
    run(record_event, ticket, EventKind.STATUS_UPDATE, actor=SYSTEM, data={"last_answer": "Soon."})
    run(actions.change_status, ticket, actor=actor_for(cast.opera.line1), status=Status.ON_HOLD)
    run(record_event, ticket, EventKind.REMINDER_SENT, actor=SYSTEM, data={"days": 3})
    run(actions.change_status, ticket, actor=actor_for(cast.opera.line1), status=Status.SOLVED)

    assert set(contexts) == set(MailTemplateName.values)
    for name, variables in VARIABLES.items():
        missing = {v.split(".")[0] for v, _help in variables} - set(contexts[name])
        assert not missing, name


# --- The admin: add, preview, refuse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language", "shown"),
    [
        (MailTemplateName.STATUS_UPDATE, "en", "[last_answer=Your tickets are on their way.]"),
        (MailTemplateName.STATUS_CHANGED, "ru", "[status=Ждёт ответа третьей стороны]"),
        (MailTemplateName.STATUS_CHANGED, "pl", "[status_code=pending_third_party]"),
        (MailTemplateName.REMINDER, "ru", "[days_text=4 дня]"),
        (MailTemplateName.REMINDER, "pl", "[days_text=4 dni]"),
        (MailTemplateName.SATISFACTION, "en", "?rating=good]"),
    ],
)
def test_a_brand_admin_adds_a_template_for_each_mail_and_sees_it_previewed_with_a_sample_request(
    client, cast, name, language, shown
):
    _login(client, cast.opera.admin)
    response = client.post(reverse("admin:mail_mailtemplate_add"), _form(cast.opera.brand, name, language))
    assert response.status_code == 302
    template = MailTemplate.objects.get(brand=cast.opera.brand, name=name, language=language)
    page = client.get(reverse("admin:mail_mailtemplate_change", args=[template.pk])).content.decode()
    assert shown in page
    assert "[number=OPR-" in page  # the sample request has the brand's number prefix
    # The mail's own variables are listed, with what they mean.
    own = VARIABLES[name][-1][0]
    assert f"<code>{{{{ {own} }}}}</code>" in page


@pytest.mark.parametrize(
    ("name", "fields", "message"),
    [
        (MailTemplateName.REMINDER, {"body_text": "{% if days %}x"}, "The template does not compile"),
        (MailTemplateName.STATUS_CHANGED, {"subject": "{% load static %}"}, "These tags are not allowed"),
        (
            MailTemplateName.REMINDER,
            {"body_text": "{{ days|divisibleby:0 }}"},
            "The template fails on a sample request",
        ),
        (
            MailTemplateName.SATISFACTION,
            {"body_html": "<p>{{ good_url|safe }}</p>"},
            "The template does not compile",
        ),
    ],
)
def test_a_broken_template_of_a_new_mail_is_a_form_error(client, cast, name, fields, message):
    _login(client, cast.opera.admin)
    response = client.post(
        reverse("admin:mail_mailtemplate_add"), _form(cast.opera.brand, name, "en", **fields)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MailTemplate.objects.exists()


@pytest.mark.parametrize(
    ("name", "source", "unknown"),
    [
        (MailTemplateName.REMINDER, "Rate us: {{ good_url }}", "good_url"),
        (MailTemplateName.STATUS_CHANGED, "{{ ticket.customer.email }}", "ticket.customer.email"),
        (MailTemplateName.SATISFACTION, "{{ numbr }} {{ number }}", "numbr"),
    ],
)
def test_a_variable_the_mail_does_not_have_is_a_form_error_naming_it(client, cast, name, source, unknown):
    _login(client, cast.opera.admin)
    response = client.post(
        reverse("admin:mail_mailtemplate_add"), _form(cast.opera.brand, name, "en", body_text=source)
    )
    assert response.status_code == 200
    assert f"This mail has no variable {unknown}; it has: number, subject," in response.content.decode()
    assert not MailTemplate.objects.exists()


def test_a_variable_the_template_sets_itself_is_not_unknown(client, cast):
    _login(client, cast.opera.admin)
    response = client.post(
        reverse("admin:mail_mailtemplate_add"),
        _form(
            cast.opera.brand,
            MailTemplateName.REMINDER,
            "en",
            body_text="{% with n=number %}{{ n }}{% endwith %} {% firstof nothing days %}",
        ),
    )
    assert response.status_code == 302


@pytest.mark.parametrize("language", ["en", "ru", "pl"])
@pytest.mark.parametrize("name", MailTemplateName.values)
def test_the_built_in_text_of_every_mail_passes_the_checks_of_the_admin_form(cast, name, language):
    from frontdesk.mail.admin import MailTemplateForm

    subject, text, html = built_in_sources(name, language)
    form = MailTemplateForm(
        {
            "brand": cast.opera.brand.pk,
            "name": name,
            "language": language,
            "is_active": "on",
            "subject": " ".join(subject.split()),
            "body_text": text,
            "body_html": html,
        }
    )
    assert form.is_valid(), form.errors


def test_the_add_form_starts_from_the_built_in_text_of_the_chosen_mail_and_language(client, cast):
    _login(client, cast.opera.admin)
    url = reverse("admin:mail_mailtemplate_add")
    page = client.get(url).content.decode()
    assert '<a href="?name=reminder&amp;language=pl">pl</a>' in page

    page = client.get(url, {"name": MailTemplateName.REMINDER, "language": "pl"}).content.decode()
    assert "Czekamy na Twoją odpowiedź w sprawie zgłoszenia {{ number }}" in page
    assert "zamkniemy je za {{ days_text }}" in page


def test_another_brands_templates_of_the_new_mails_are_not_visible(client, cast):
    theirs = MailTemplate.objects.create(
        brand=cast.tours.brand,
        name=MailTemplateName.REMINDER,
        language="en",
        subject="Tours reminder {{ number }}",
        body_text="Answer us",
    )
    _login(client, cast.opera.admin)
    listing = client.get(reverse("admin:mail_mailtemplate_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:mail_mailtemplate_change", args=[theirs.pk]) not in listing.content.decode()
    assert client.get(reverse("admin:mail_mailtemplate_change", args=[theirs.pk])).status_code == 302
    client.logout()
    _login(client, cast.outsider)
    assert client.get(reverse("admin:mail_mailtemplate_change", args=[theirs.pk])).status_code == 302


# --- The override in real mail -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NEW_NAMES)
def test_a_stored_template_is_what_the_customer_gets(cast, run, name):
    customer = cast.opera.customer
    customer.language = "pl"
    customer.save(update_fields=["language"])
    brand = cast.opera.brand
    brand.customer_status_mail = [Status.ON_HOLD]
    brand.save(update_fields=["customer_status_mail"])
    MailTemplate.objects.create(
        brand=brand,
        name=name,
        language="pl",
        subject="Opera {{ number }}",
        body_text="Opera: " + _all_variables(name),
    )
    ticket = run(cast.opera.ticket, "Seats")
    line1 = actor_for(cast.opera.line1)
    trigger = {
        MailTemplateName.STATUS_UPDATE: lambda: record_event(ticket, EventKind.STATUS_UPDATE, actor=SYSTEM),
        MailTemplateName.STATUS_CHANGED: lambda: actions.change_status(
            ticket, actor=line1, status=Status.ON_HOLD
        ),
        MailTemplateName.REMINDER: lambda: record_event(ticket, EventKind.REMINDER_SENT, actor=SYSTEM),
        MailTemplateName.SATISFACTION: lambda: actions.change_status(
            ticket, actor=line1, status=Status.SOLVED
        ),
    }[name]
    mail.outbox.clear()

    run(trigger)

    [sent] = mail.outbox
    assert sent.subject == f"Opera {ticket.number} [{ticket.number}]"
    assert sent.body.startswith(f"Opera: [number={ticket.number}]")
    assert OutboundMessage.objects.get(ticket=ticket, kind=OutboundKind(name)).language == "pl"


# --- The brand's mailed statuses ---------------------------------------------------------------------------


def test_the_brand_form_offers_the_statuses_a_request_moves_into_and_saves_them_in_workflow_order(cast):
    brand = cast.opera.brand
    form = BrandMailForm(
        {"customer_status_mail": [Status.SOLVED, Status.PENDING_THIRD_PARTY, Status.SOLVED]}, instance=brand
    )
    assert form.is_valid(), form.errors
    form.save()
    brand.refresh_from_db()
    assert brand.customer_status_mail == [Status.PENDING_THIRD_PARTY, Status.SOLVED]
    assert Status.NEW not in dict(form.fields["customer_status_mail"].choices)


@pytest.mark.parametrize("value", [Status.NEW, "bogus", "SOLVED"])
def test_a_status_that_cannot_be_mailed_is_a_form_error(cast, value):
    form = BrandMailForm({"customer_status_mail": [Status.OPEN, value]}, instance=cast.opera.brand)
    assert not form.is_valid()
    assert "customer_status_mail" in form.errors


def test_the_brand_admin_page_edits_the_mailed_statuses_with_check_boxes(client, cast):
    registered = admin.site._registry[Brand]
    assert issubclass(registered.form, BrandMailForm)
    brand = cast.opera.brand
    brand.customer_status_mail = [Status.ON_HOLD]
    brand.save(update_fields=["customer_status_mail"])
    _login(client, cast.opera.admin)

    page = client.get(reverse("admin:brands_brand_change", args=[brand.pk])).content.decode()

    assert 'type="checkbox" name="customer_status_mail" value="pending_third_party"' in page
    assert 'name="customer_status_mail" value="on_hold"' in page
    assert 'value="on_hold" id="id_customer_status_mail_3" checked' in page
    assert 'name="customer_status_mail" value="new"' not in page

    # Posting the page with another choice, and with a value that is not a status.
    request = RequestFactory().get("/")
    request.user = cast.opera.admin
    form_class = registered.get_form(request, brand, change=True)
    unbound = form_class(instance=brand)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if value in (None, False) or name == "customer_status_mail":
            continue
        data[name] = value
    url = reverse("admin:brands_brand_change", args=[brand.pk])
    response = client.post(url, {**data, "customer_status_mail": ["bogus"]})
    assert response.status_code == 200
    assert "customer_status_mail" in response.content.decode()
    brand.refresh_from_db()
    assert brand.customer_status_mail == [Status.ON_HOLD]

    response = client.post(url, {**data, "customer_status_mail": [Status.CLOSED, Status.PENDING_CUSTOMER]})
    assert response.status_code == 302, response.content.decode()[:3000]
    brand.refresh_from_db()
    assert brand.customer_status_mail == [Status.PENDING_CUSTOMER, Status.CLOSED]


def test_outsiders_and_the_other_brands_admin_cannot_open_the_brand_page(client, cast):
    url = reverse("admin:brands_brand_change", args=[cast.opera.brand.pk])
    for user in (cast.outsider, cast.tours.admin):
        _login(client, user)
        assert client.get(url).status_code == 302
        client.logout()
