"""The demo brands' portal forms offer request types in ru, en and pl, refunds with their documents."""

from __future__ import annotations

import pytest

from frontdesk.brands.models import Brand
from frontdesk.demo.content import BRANDS
from frontdesk.demo.people import create_brand_world, ensure_staff
from frontdesk.demo.request_types import create_request_types
from frontdesk.tickets.request_types import document_specs, field_specs, request_types_offered

EXPECTED = {
    "parterre-tickets": (
        ["refund", "e-ticket-not-received", "payment-declined", "password-recovery", "other"],
        ["order_number", "event_date", "reason"],
        [("organizer_confirmation", True), ("receipt", False)],
    ),
    "kompas-travel": (
        ["refund", "documents-not-received", "payment-declined", "password-recovery", "other"],
        ["order_number", "trip_date", "reason"],
        [("operator_notice", True), ("receipt", False)],
    ),
    "chmurka-hosting": (
        ["service-not-working", "payment-declined", "refund", "password-recovery", "other"],
        ["order_number"],
        [("receipt", True)],
    ),
}


@pytest.mark.parametrize("spec", BRANDS, ids=lambda spec: spec.slug)
def test_each_demo_brand_offers_its_own_request_types_and_refunds_with_their_documents(db, spec):
    world = create_brand_world(spec, ensure_staff())
    create_request_types(world)

    offered = list(request_types_offered(Brand.objects.get(slug=spec.slug)))
    slugs, required_fields, documents = EXPECTED[spec.slug]
    assert [t.slug for t in offered] == slugs
    refund = next(t for t in offered if t.slug == "refund")
    for language in ("ru", "en", "pl"):
        assert refund.name_in(language) == {"ru": "Возврат", "en": "Refund", "pl": "Zwrot"}[language]
        assert refund.instructions_in(language)
        for offered_type in offered:
            assert offered_type.name_in(language)
    assert [f.key for f in field_specs(refund, "pl") if f.required] == required_fields
    assert [(d.key, d.required) for d in document_specs(refund, "ru")] == documents
    if spec.slug == "parterre-tickets":
        assert refund.category.path == "Возвраты / Отмена мероприятия"
