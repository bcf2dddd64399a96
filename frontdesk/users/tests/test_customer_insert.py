"""A new customer with one contact: one statement on PostgreSQL, and a taken contact never leaves a stray row."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from frontdesk.users.actions import create_or_find_customer
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import ContactKind
from frontdesk.users.inserts import insert_customer_with_contact
from frontdesk.users.models import Customer, CustomerContact


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.postgres
def test_a_new_customer_with_their_contact_is_one_statement_on_postgresql(cast, count_queries):
    if not _on_postgres():
        pytest.skip("the one-statement insert is PostgreSQL's")
    with count_queries(1):
        customer = create_or_find_customer(
            cast.opera.brand,
            actor=SYSTEM,
            kind=ContactKind.EMAIL,
            value="nina@new.example",
            name=" Nina ",
            language="pl",
        )
    customer.refresh_from_db()
    assert (customer.name, customer.language, customer.email) == ("Nina", "pl", "nina@new.example")
    contact = CustomerContact.objects.get(value="nina@new.example")
    assert (contact.customer_id, contact.brand_id, contact.kind) == (
        customer.pk,
        cast.opera.brand.pk,
        "email",
    )


def test_a_contact_taken_in_the_brand_finds_its_customer_and_writes_nothing(cast):
    existing = cast.opera.customer
    before = Customer.objects.count()
    found = create_or_find_customer(
        cast.opera.brand, actor=SYSTEM, kind=ContactKind.EMAIL, value=existing.email
    )
    assert found == existing
    assert Customer.objects.count() == before
    # The same address is free in another brand.
    other = create_or_find_customer(
        cast.tours.brand, actor=SYSTEM, kind=ContactKind.EMAIL, value=existing.email
    )
    assert other.brand_id == cast.tours.brand.pk != existing.brand_id


def test_a_language_the_desk_does_not_offer_is_refused(cast):
    from frontdesk.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        create_or_find_customer(
            cast.opera.brand, actor=SYSTEM, kind=ContactKind.EMAIL, value="x@new.example", language="xx"
        )
    assert not CustomerContact.objects.filter(value="x@new.example").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_loser_of_a_race_for_the_same_new_contact_leaves_no_customer_behind(cast):
    if not _on_postgres():
        pytest.skip("racing connections need PostgreSQL")
    brand = cast.opera.brand
    value = "race@new.example"
    holding = threading.Event()
    release = threading.Event()
    results: dict[str, bool] = {}

    def first() -> None:
        # Inserts the contact and keeps its transaction open: the second one's check sees nothing yet.
        try:
            with transaction.atomic():
                results["first"] = insert_customer_with_contact(
                    Customer(brand=brand, name="First"), "email", value
                )
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(timeout=30)
    second: dict[str, bool] = {}

    def loser() -> None:
        try:
            with transaction.atomic():
                second["ok"] = insert_customer_with_contact(
                    Customer(brand=brand, name="Second"), "email", value
                )
        finally:
            connections.close_all()

    racing = threading.Thread(target=loser)
    racing.start()
    # The second insert waits on the first one's contact, then does nothing.
    racing.join(timeout=1)
    assert racing.is_alive()
    release.set()
    thread.join(timeout=30)
    racing.join(timeout=30)
    assert results == {"first": True}
    assert second == {"ok": False}
    assert list(
        Customer.objects.filter(brand=brand, name__in=["First", "Second"]).values_list("name", flat=True)
    ) == ["First"]
    assert CustomerContact.objects.filter(value=value).count() == 1
