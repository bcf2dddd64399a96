"""The new request form: request types of the brand with their instructions, custom fields and documents;
customers and visitors file; suggestions while typing, recorded with how the request ended."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from frontdesk.kb import actions as kb_actions
from frontdesk.kb.models import Deflection, SuggestionShown
from frontdesk.kb.suggest import forget_indexes
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.request_types import create_request_type
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import Customer

URL = "/portal/opera/new/"


@pytest.fixture(autouse=True)
def _fresh_search_indexes():
    forget_indexes()
    yield
    forget_indexes()


@pytest.fixture
def refund(cast):
    return create_request_type(
        cast.opera.brand,
        actor=SYSTEM,
        slug="refund",
        names={"en": "Refund", "ru": "Возврат"},
        instructions={
            "en": "Attach the organizer's confirmation.",
            "ru": "Приложите подтверждение организатора.",
        },
        fields=[
            {"key": "order_number", "labels": {"en": "Order number"}, "kind": "text", "required": True},
            {"key": "event_date", "labels": {"en": "Event date"}, "kind": "date", "required": True},
        ],
        documents=[
            {"key": "confirmation", "labels": {"en": "Organizer's confirmation"}, "required": True},
            {"key": "receipt", "labels": {"en": "Receipt"}},
        ],
    )


@pytest.fixture
def tours_type(cast):
    return create_request_type(
        cast.tours.brand, actor=SYSTEM, slug="tour-change", names={"en": "Tour change"}
    )


def _signed_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _pdf(name="confirmation.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 letter", content_type="application/pdf")


def _refund_data(**extra):
    return {
        "type": "refund",
        "subject": "Refund for the cancelled concert",
        "description": "The concert on 1 December was cancelled.",
        "field_order_number": "A-1234",
        "field_event_date": "2026-12-01",
        "document_confirmation": _pdf(),
        **extra,
    }


def test_the_form_offers_the_brands_types_and_shows_the_chosen_ones_instructions_and_fields(
    cast, client, refund, tours_type
):
    page = client.get(URL, {"type": "refund"}, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Refund" in html
    assert "Tour change" not in html
    assert "Attach the organizer&#x27;s confirmation." in html
    assert 'name="field_order_number"' in html
    assert 'type="date"' in html
    assert 'name="document_confirmation"' in html
    assert 'hx-trigger="keyup changed delay:400ms' in html
    # A visitor gives a name and an address.
    assert 'name="email"' in html


def test_another_brands_type_and_an_unknown_brand_are_404(cast, client, tours_type):
    assert client.get(URL, {"type": "tour-change"}).status_code == 404
    assert client.get("/portal/no-such-brand/new/").status_code == 404
    assert client.post(URL, {"type": "tour-change", "subject": "x", "description": "y"}).status_code == 404


def test_a_signed_in_customer_files_a_refund_and_sees_its_number(cast, client, refund):
    client = _signed_in(client, cast.opera.customer_user)

    response = client.post(URL, _refund_data(document_receipt=_pdf("receipt.pdf")))

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.customer_id, ticket.channel, ticket.request_type_id) == (
        cast.opera.customer.pk,
        "web",
        refund.pk,
    )
    assert ticket.custom_fields == {"order_number": "A-1234", "event_date": "2026-12-01"}
    assert sorted(a.filename for a in ticket.messages.get().attachments.all()) == [
        "confirmation.pdf",
        "receipt.pdf",
    ]
    sent = client.get(response["Location"])
    assert ticket.number in sent.content.decode()
    assert f"/portal/opera/tickets/{ticket.number}/" in sent.content.decode()


def test_a_missing_required_document_and_a_bad_date_are_form_errors(cast, client, refund):
    client = _signed_in(client, cast.opera.customer_user)

    response = client.post(URL, _refund_data(document_confirmation="", field_event_date="soon"))

    assert response.status_code == 422
    form = response.context["form"]
    assert "document_confirmation" in form.errors
    assert not Ticket.objects.exists()
    # The date passes the form and is refused by the domain check, on its own field.
    response = client.post(URL, _refund_data(field_event_date="soon"))
    assert response.status_code == 422
    assert response.context["form"].errors["field_event_date"] == ["Введите дату в виде ГГГГ-ММ-ДД."]
    assert not Ticket.objects.exists()


def test_a_visitor_files_with_name_and_address_which_makes_them_a_customer(cast, client, refund):
    response = client.post(URL, _refund_data(name="Nina Visitor", email="Nina@Example.com"))

    assert response.status_code == 302
    customer = Customer.objects.get(brand=cast.opera.brand, name="Nina Visitor")
    assert customer.email == "nina@example.com"
    ticket = Ticket.objects.get()
    assert ticket.customer_id == customer.pk
    sent = client.get(response["Location"]).content.decode()
    assert ticket.number in sent
    assert "nina@example.com" in sent


def test_a_visitor_without_an_address_gets_a_form_error(cast, client, refund):
    response = client.post(URL, _refund_data(name="Nina"))
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_the_sent_page_without_a_request_goes_back_to_the_form(cast, client):
    response = client.get("/portal/opera/new/sent/")
    assert response.status_code == 302
    assert response["Location"] == URL


def _article(bc, title, body, language="ru"):
    return kb_actions.create_article(
        bc.brand, actor=actor_for(bc.line1), language=language, title=title, body=body, publish=True
    )


def test_typing_shows_confident_suggestions_of_the_brand_and_records_them(cast, client):
    mine = _article(
        cast.opera,
        "Как вернуть билет на отменённый концерт",
        "Если концерт отменён, деньги за билет вернутся на карту в течение 10 дней.",
    )
    _article(
        cast.tours,
        "Как вернуть билет на отменённый концерт",
        "Для туров возврат оформляет туроператор.",
    )

    response = client.post(
        "/portal/opera/new/suggest/",
        {"subject": "вернуть билет", "description": "концерт отменён, как вернуть деньги за билет"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    deflection = Deflection.objects.get()
    assert deflection.brand_id == cast.opera.brand.pk
    assert f'value="{deflection.key}"' in html
    assert f"/portal/opera/kb/{mine.public_id}/?d={deflection.key}" in html
    assert html.count("<li>") == 1
    assert list(SuggestionShown.objects.values_list("article_id", flat=True)) == [mine.pk]

    # Typing on keeps the same deflection.
    client.post(
        "/portal/opera/new/suggest/",
        {"subject": "вернуть билет", "description": "концерт отменён", "deflection": str(deflection.key)},
    )
    assert Deflection.objects.get().queries == 2

    # The article opened from the suggestion counts as opened.
    client.get(f"/portal/opera/kb/{mine.public_id}/", {"d": str(deflection.key)})
    assert SuggestionShown.objects.get().opened_at is not None


def test_too_little_text_records_nothing(cast, client):
    response = client.post("/portal/opera/new/suggest/", {"subject": "hi", "description": ""})
    assert response.status_code == 200
    assert not Deflection.objects.exists()


def test_giving_up_ends_the_deflection_as_abandoned(cast, client):
    key = kb_actions.record_suggestions(
        None, brand=cast.opera.brand, language="ru", query="вернуть билет", suggestions=[]
    )

    response = client.post("/portal/opera/new/cancel/", {"deflection": str(key)})

    assert response.status_code == 302
    assert response["Location"] == "/portal/opera/"
    assert Deflection.objects.get().outcome == "abandoned"
    assert not Ticket.objects.exists()


def test_another_brands_portal_cannot_end_the_deflection(cast, client):
    key = kb_actions.record_suggestions(
        None, brand=cast.opera.brand, language="ru", query="билет", suggestions=[]
    )
    client.post("/portal/opera-tours/new/cancel/", {"deflection": str(key)})
    assert Deflection.objects.get().outcome == "open"


def test_submitting_ends_the_deflection_with_the_ticket_number(cast, client, refund):
    key = kb_actions.record_suggestions(
        None, brand=cast.opera.brand, language="ru", query="возврат", suggestions=[]
    )
    client = _signed_in(client, cast.opera.customer_user)

    client.post(URL, _refund_data(deflection=str(key)))

    deflection = Deflection.objects.get()
    assert deflection.outcome == "submitted"
    assert deflection.ticket_number == Ticket.objects.get().number


def test_the_suggestions_accept_only_post(cast, client):
    assert client.get("/portal/opera/new/suggest/").status_code == 405
    assert client.get("/portal/opera/new/cancel/").status_code == 405
    assert client.post("/portal/no-such-brand/new/suggest/", {"subject": "abc"}).status_code == 404


def test_visitors_filing_too_often_are_told_to_wait_and_customers_are_not_counted(
    cast, client, refund, monkeypatch
):
    from frontdesk.portal.views import new_request

    monkeypatch.setattr(new_request, "VISITOR_PER_EMAIL_PER_HOUR", 1)
    visitor = {"name": "Nina", "email": "nina@example.com"}
    assert client.post(URL, _refund_data(**visitor)).status_code == 302

    refused = client.post(URL, _refund_data(**visitor))
    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors()
    letter = client.post(
        "/portal/opera/management/", {**visitor, "subject": "Complaint", "description": "Too slow."}
    )
    assert letter.status_code == 429
    assert Ticket.objects.count() == 1

    signed_in = _signed_in(client, cast.opera.customer_user)
    assert signed_in.post(URL, _refund_data()).status_code == 302
    assert signed_in.post(URL, _refund_data()).status_code == 302


def test_the_form_costs_the_same_queries_with_few_or_many_request_types(cast, client, refund, count_queries):
    url = f"{URL}?type=refund"
    client.get(url)  # sessions and caches warmed
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        create_request_type(cast.opera.brand, actor=SYSTEM, slug=f"kind-{n}", names={"en": f"Kind {n}"})
    with count_queries(len(few)):
        page = client.get(url)
    assert page.content.decode().count('href="/portal/opera/new/?type=') == 13


def test_a_signed_in_person_not_yet_the_brands_customer_starts_from_their_account(cast, client, refund):
    client = _signed_in(client, cast.outsider)
    form = client.get(URL, {"type": "refund"}).context["form"]
    assert form.visitor
    assert form["email"].value() == cast.outsider.email
    assert form["name"].value() == cast.outsider.name
