"""Request types: their definitions are checked, and a new ticket's answers are checked against them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import Channel, Priority
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.models import RequestType, Ticket, TicketEvent
from frontdesk.tickets.request_types import (
    CustomFieldsInvalid,
    access_request_type,
    create_request_type,
    document_specs,
    field_specs,
    request_types_offered,
)
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM, actor_for

REFUND_FIELDS = [
    {
        "key": "order_number",
        "labels": {"en": "Order number", "ru": "Номер заказа"},
        "kind": "text",
        "required": True,
    },
    {"key": "amount", "labels": {"en": "Amount"}, "kind": "number"},
    {"key": "event_date", "labels": {"en": "Event date"}, "kind": "date", "required": True},
    {
        "key": "reason",
        "labels": {"en": "Reason"},
        "kind": "choice",
        "choices": [{"value": "cancelled", "labels": {"en": "Cancelled", "ru": "Отменено"}}, "moved"],
    },
]
REFUND_DOCUMENTS = [
    {"key": "confirmation", "labels": {"en": "Organizer's confirmation"}, "required": True},
    {"key": "receipt", "labels": {"en": "Receipt"}, "required": False},
]


@pytest.fixture
def refund(cast):
    return create_request_type(
        cast.opera.brand,
        actor=SYSTEM,
        slug="refund",
        names={"en": "Refund", "ru": "Возврат"},
        instructions={"en": "Attach the organizer's confirmation."},
        priority=Priority.HIGH,
        fields=REFUND_FIELDS,
        documents=REFUND_DOCUMENTS,
    )


def _file(name="confirmation.pdf"):
    return AttachmentIn(name, "application/pdf", b"%PDF-1.4 ok")


def _file_refund(cast, refund, fields, documents=None):
    opera = cast.opera
    return actions.create_ticket(
        opera.brand,
        actor=actor_for(opera.customer_user),
        customer=opera.customer,
        subject="Refund please",
        body=make_body(text="The concert was cancelled."),
        channel=Channel.WEB,
        request_type=refund,
        custom_fields=fields,
        documents={"confirmation": [_file()]} if documents is None else documents,
    )


GOOD = {"order_number": " A-17 ", "amount": "12,50", "event_date": "2026-12-01", "reason": "cancelled"}


def test_a_refund_keeps_its_checked_answers_documents_and_the_types_priority(cast, refund):
    ticket = _file_refund(cast, refund, GOOD)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.request_type_id == refund.pk
    assert ticket.custom_fields == {
        "order_number": "A-17",
        "amount": 12.5,
        "event_date": "2026-12-01",
        "reason": "cancelled",
    }
    assert ticket.priority == Priority.HIGH
    assert [a.filename for a in ticket.messages.get().attachments.all()] == ["confirmation.pdf"]
    created = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert created.data["request_type"] == "refund"
    assert created.data["documents"] == {"confirmation": ["confirmation.pdf"]}


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({**GOOD, "order_number": ""}, "order_number", "This field is required."),
        ({**GOOD, "amount": "twelve"}, "amount", "Enter a number."),
        ({**GOOD, "event_date": "01.12.2026"}, "event_date", "Enter a date as YYYY-MM-DD."),
        ({**GOOD, "reason": "bored"}, "reason", "Choose one of the offered values."),
        ({**GOOD, "seat": "7"}, "seat", "seat is not a field of this request type."),
    ],
)
def test_each_bad_answer_is_named_with_its_own_message(cast, refund, fields, key, message):
    with pytest.raises(CustomFieldsInvalid) as refused:
        _file_refund(cast, refund, fields)

    assert refused.value.errors == {key: message}
    assert refused.value.status == 422
    assert not Ticket.objects.exists()


def test_all_missing_required_fields_are_named_at_once(cast, refund):
    with pytest.raises(CustomFieldsInvalid) as refused:
        _file_refund(cast, refund, {})

    assert set(refused.value.errors) == {"order_number", "event_date"}


def test_a_missing_required_document_is_refused_and_an_optional_one_is_not_needed(cast, refund):
    with pytest.raises(CustomFieldsInvalid) as refused:
        _file_refund(cast, refund, GOOD, documents={"receipt": [_file("receipt.pdf")]})

    assert refused.value.field == "documents"
    assert refused.value.errors == {"confirmation": "Attach this document."}
    assert not Ticket.objects.exists()


def test_the_types_team_and_category_are_used_for_a_customers_ticket(cast):
    brand = cast.opera.brand
    team = create_team(actor=SYSTEM, brand=brand, name="Refunds desk", line=1)
    category = create_category(brand, actor=SYSTEM, name="Refunds")
    kind = create_request_type(
        brand, actor=SYSTEM, slug="other", names={"en": "Other"}, team=team, category=category
    )

    ticket = _file_refund(cast, kind, {}, documents={})

    assert (ticket.team_id, ticket.category_id) == (team.pk, category.pk)


def test_a_type_of_another_brand_or_an_inactive_one_is_refused(cast, refund):
    other = create_request_type(cast.tours.brand, actor=SYSTEM, slug="refund", names={"en": "Refund"})
    with pytest.raises(InvalidInput) as refused:
        _file_refund(cast, other, {}, documents={})
    assert refused.value.field == "request_type"

    RequestType.objects.filter(pk=refund.pk).update(is_active=False)
    refund.refresh_from_db()
    with pytest.raises(InvalidInput):
        _file_refund(cast, refund, GOOD)


def test_custom_fields_without_a_type_are_refused(cast):
    opera = cast.opera
    with pytest.raises(InvalidInput) as refused:
        actions.create_ticket(
            opera.brand,
            actor=SYSTEM,
            customer=opera.customer,
            subject="Hi",
            body=make_body(text="Hi"),
            channel=Channel.WEB,
            custom_fields={"x": "1"},
        )
    assert refused.value.field == "request_type"


def test_a_malformed_definition_is_refused_by_field(cast):
    bad = RequestType(
        brand=cast.opera.brand,
        slug="bad",
        names={"en": "Bad"},
        fields=[
            {"key": "Order", "labels": {"en": "Order"}},
            {"key": "pick", "labels": {"en": "Pick"}, "kind": "choice"},
            {"key": "when", "labels": {"de": "Wann"}, "kind": "time"},
        ],
        documents=[{"key": "pick", "labels": {"en": "Twice"}}],
    )
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()

    messages = refused.value.message_dict
    assert set(messages) == {"fields", "documents"}
    assert len(messages["fields"]) == 4
    assert messages["documents"] == ["The key pick is used twice."]


def test_only_brand_admins_create_request_types(cast):
    with pytest.raises(PermissionDenied):
        create_request_type(cast.opera.brand, actor=actor_for(cast.opera.line1), slug="x", names={"en": "X"})
    created = create_request_type(
        cast.opera.brand, actor=actor_for(cast.opera.admin), slug="x", names={"en": "X"}
    )
    assert created.pk


def test_the_portal_offers_a_brands_active_types_in_order_with_labels_in_the_language(cast, refund):
    create_request_type(cast.opera.brand, actor=SYSTEM, slug="other", names={"en": "Other"}, position=9)
    create_request_type(cast.tours.brand, actor=SYSTEM, slug="tours-only", names={"en": "Tours"})

    assert [t.slug for t in request_types_offered(cast.opera.brand)] == ["refund", "other"]
    assert refund.name_in("ru") == "Возврат"
    assert refund.name_in("pl") == "Refund"
    fields = field_specs(refund, "ru")
    assert fields[0].label == "Номер заказа"
    assert fields[3].choices == (("cancelled", "Отменено"), ("moved", "moved"))
    assert [(d.key, d.required) for d in document_specs(refund, "en")] == [
        ("confirmation", True),
        ("receipt", False),
    ]
    with pytest.raises(NotFound):
        access_request_type(cast.opera.brand, "tours-only")


# The admin ------------------------------------------------------------------------------------------------


def _admin(client, user):
    from frontdesk.testing.cast import PASSWORD

    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_brand_admin_sees_and_edits_only_their_brands_request_types(cast, client, refund):
    theirs = create_request_type(cast.tours.brand, actor=SYSTEM, slug="tours-refund", names={"en": "Tours"})
    admin = _admin(client, cast.opera.admin)

    listing = admin.get("/admin/tickets/requesttype/").content.decode()
    assert "refund" in listing
    assert "tours-refund" not in listing
    assert admin.get(f"/admin/tickets/requesttype/{refund.pk}/change/").status_code == 200
    assert admin.get(f"/admin/tickets/requesttype/{theirs.pk}/change/").status_code == 302


def test_the_admin_refuses_a_malformed_definition_and_saves_a_good_one(cast, client):
    admin = _admin(client, cast.opera.admin)
    data = {
        "brand": cast.opera.brand.pk,
        "slug": "lost",
        "names": '{"en": "Lost item"}',
        "instructions": "{}",
        "position": 1,
        "priority": "",
        "fields": '[{"key": "Where", "labels": {"en": "Where"}}]',
        "documents": "[]",
        "is_active": "on",
    }
    response = admin.post("/admin/tickets/requesttype/add/", data)
    assert response.status_code == 200
    assert "lower-case letters" in response.content.decode()
    assert not RequestType.objects.filter(slug="lost").exists()

    data["fields"] = '[{"key": "where", "labels": {"en": "Where"}, "required": true}]'
    assert admin.post("/admin/tickets/requesttype/add/", data).status_code == 302
    assert RequestType.objects.get(slug="lost").fields[0]["required"] is True


def test_line_agents_have_no_request_type_admin(cast, client):
    agent = _admin(client, cast.opera.line1)
    assert agent.get("/admin/tickets/requesttype/").status_code in (302, 403)
