"""The customer of a new ticket, read in one prepared statement, is what the scoped ORM query gives."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound
from frontdesk.tickets.queries import customer_for_new_ticket
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.queries import access_customer


def _fields(customer):
    def row(obj):
        return (
            None if obj is None else {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        )

    return row(customer), row(customer.brand), row(customer.organization)


def _same_answer(actor, customer_id):
    try:
        expected = _fields(access_customer(actor, customer_id))
    except NotFound:
        with pytest.raises(NotFound):
            customer_for_new_ticket(actor, customer_id)
        return None
    found = customer_for_new_ticket(actor, customer_id)
    assert _fields(found) == expected
    return found


def test_an_agent_gets_the_customer_with_brand_and_organization_as_the_orm_reads_them(cast, count_queries):
    customer = cast.opera.colleague
    assert customer.organization_id is not None
    actor = actor_for(cast.opera.line1)
    with count_queries(1):
        found = customer_for_new_ticket(actor, customer.pk)
    assert found.pk == customer.pk
    assert found.brand.slug == cast.opera.brand.slug
    assert found.organization.name == cast.opera.organization.name
    assert found.created_at.tzinfo is not None
    assert found.organization.domains == cast.opera.organization.domains
    assert found.brand.languages == cast.opera.brand.languages
    _same_answer(actor_for(cast.opera.line1), customer.pk)


def test_a_customer_without_organization_has_none(cast):
    customer = cast.opera.customer
    customer.organization = None
    customer.save(update_fields=["organization"])
    found = _same_answer(actor_for(cast.opera.line1), customer.pk)
    assert found.organization is None


@pytest.mark.parametrize(
    "who", ["opera agent", "tours agent", "provider admin", "system", "outsider", "opera customer"]
)
def test_every_actor_gets_what_the_scoped_query_gives(cast, who):
    actor = {
        "opera agent": lambda: actor_for(cast.opera.line1),
        "tours agent": lambda: actor_for(cast.tours.line1),
        "provider admin": lambda: actor_for(cast.provider_admin),
        "system": lambda: SYSTEM,
        "outsider": lambda: actor_for(cast.outsider),
        "opera customer": lambda: actor_for(cast.opera.customer_user),
    }[who]()
    for customer in (cast.opera.customer, cast.opera.colleague, cast.tours.customer):
        _same_answer(actor, customer.pk)


def test_another_brands_customer_and_a_missing_one_are_the_same_404(cast):
    actor = actor_for(cast.tours.line1)
    for customer_id in (cast.opera.customer.pk, 10**12):
        with pytest.raises(NotFound) as caught:
            customer_for_new_ticket(actor, customer_id)
        assert caught.value.what == "customer"
