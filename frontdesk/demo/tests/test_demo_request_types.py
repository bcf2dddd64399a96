"""The demo brands' portal forms offer request types in ru, en and pl, refunds with their documents."""

from __future__ import annotations

import pytest

from frontdesk.brands.models import Brand
from frontdesk.demo.content import BRANDS
from frontdesk.demo.people import create_brand_world, ensure_staff
from frontdesk.demo.request_types import create_request_types
from frontdesk.tickets.request_types import document_specs, field_specs, request_types_offered


@pytest.mark.parametrize("spec", BRANDS, ids=lambda spec: spec.slug)
def test_each_demo_brand_offers_refunds_with_the_organizers_confirmation(db, spec):
    world = create_brand_world(spec, ensure_staff())
    create_request_types(world)

    offered = list(request_types_offered(Brand.objects.get(slug=spec.slug)))
    assert [t.slug for t in offered] == [
        "refund",
        "e-ticket-not-received",
        "payment-declined",
        "password-recovery",
        "other",
    ]
    refund = offered[0]
    for language in ("ru", "en", "pl"):
        assert refund.name_in(language) == {"ru": "Возврат", "en": "Refund", "pl": "Zwrot"}[language]
        assert refund.instructions_in(language)
    assert [f.key for f in field_specs(refund, "pl") if f.required] == [
        "order_number",
        "event_date",
        "reason",
    ]
    assert [(d.key, d.required) for d in document_specs(refund, "ru")] == [
        ("organizer_confirmation", True),
        ("receipt", False),
    ]
    if spec.slug == "parterre-tickets":
        assert refund.category.path == "Возвраты / Отмена мероприятия"
