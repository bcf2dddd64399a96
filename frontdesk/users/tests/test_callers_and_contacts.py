"""Finding a caller as the agent types (phone, email, name), and taking contacts off a customer."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import Conflict, InvalidInput, PermissionDenied
from frontdesk.users.actions import create_customer, remove_customer_contacts, update_customer
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import CustomerContact
from frontdesk.users.queries import find_callers


@pytest.fixture
def kowalski(cast):
    return create_customer(
        cast.opera.brand,
        actor=SYSTEM,
        name="Jan Kowalski",
        emails=["jan.kowalski@example.pl"],
        phones=["+48 22 123-45-67"],
    )


def _names(hits):
    return [hit.customer.name for hit in hits]


@pytest.mark.parametrize("typed", ["123-45", "+48 22 123", "0048 22 123 45 67", "221234567", "(22) 123 45"])
def test_a_caller_is_found_by_a_piece_of_their_phone_however_it_is_written(cast, kowalski, typed):
    hits = find_callers(actor_for(cast.opera.line1), typed)
    assert _names(hits) == ["Jan Kowalski"]
    assert hits[0].customer.organization_id is None


@pytest.mark.parametrize("typed", ["8 979 742 10 13", "89797421013", "8 (979) 742-10-13", "+7 979 742-10-13"])
def test_a_russian_number_dialled_at_home_with_8_is_the_same_as_with_plus_7(cast, typed):
    sokolova = create_customer(
        cast.opera.brand, actor=SYSTEM, name="Ксения Соколова", phones=["+7 979 742-10-13"]
    )
    hits = find_callers(actor_for(cast.opera.line1), typed)
    assert [(hit.customer, hit.found) for hit in hits] == [(sokolova, "exact")]
    # Written either way, it is the same contact: no second customer with it.
    with pytest.raises(Conflict):
        create_customer(cast.opera.brand, actor=SYSTEM, name="Ксения", phones=[typed])


def test_only_an_eight_with_ten_digits_is_taken_for_plus_7():
    from frontdesk.users.contacts import normalize_phone

    assert normalize_phone("8 (979) 742-10-13") == "+79797421013"
    assert normalize_phone("0048 22 123 45 67") == "+48221234567"
    assert normalize_phone("800 123 456") == "800123456"  # a Polish free number: nine digits
    assert normalize_phone("+8 979 742 10 13") == "+89797421013"  # written with a + it is left as it is
    assert normalize_phone("897974210130") == "897974210130"


def test_a_whole_number_or_address_comes_first_and_says_so(cast, kowalski):
    create_customer(cast.opera.brand, actor=SYSTEM, name="Other", phones=["+48 22 123 45 670"])
    hits = find_callers(actor_for(cast.opera.line1), "+48 22 123 45 67")
    assert hits[0].customer == kowalski
    assert hits[0].found == "exact"
    hits = find_callers(actor_for(cast.opera.line1), "JAN.Kowalski@example.pl")
    assert (hits[0].customer, hits[0].found) == (kowalski, "exact")
    assert find_callers(actor_for(cast.opera.line1), "kowalski@")[0].found == "contact"


def test_a_misspelt_name_finds_the_caller(cast, kowalski):
    hits = find_callers(actor_for(cast.opera.line1), "Kowlaski")
    assert "Jan Kowalski" in _names(hits)
    assert next(h for h in hits if h.customer == kowalski).found == "name"


def test_the_other_brand_and_people_who_are_not_agents_find_no_one(cast, kowalski):
    for user in (cast.tours.line1, cast.tours.admin, cast.outsider, cast.opera.customer_user):
        assert find_callers(actor_for(user), "123-45") == []
        assert find_callers(actor_for(user), "jan.kowalski@example.pl") == []
        assert find_callers(actor_for(user), "Kowalski") == []
    assert _names(find_callers(actor_for(cast.provider_admin), "123-45")) == ["Jan Kowalski"]


def test_an_empty_or_too_long_query_is_refused(cast):
    for typed in ("  ", "x" * 201):
        with pytest.raises(InvalidInput):
            find_callers(actor_for(cast.opera.line1), typed)


@pytest.mark.parametrize("many", [False, True])
def test_a_look_up_costs_the_same_queries_for_one_or_many_callers(cast, count_queries, many, is_postgres):
    for i in range(15 if many else 1):
        create_customer(cast.opera.brand, actor=SYSTEM, name=f"Anna Nowak {i}", phones=[f"+4860012{i:04d}"])
    agent = actor_for(cast.opera.line1)
    # PostgreSQL: the search settings first, and (inside the test's transaction) a savepoint around both.
    with count_queries(5 if is_postgres else 2):
        hits = find_callers(agent, "60012", limit=20)
        names = [(h.customer.name, h.customer.brand.name, str(h.customer.organization)) for h in hits]
    assert len(names) == (15 if many else 1)


def test_removing_a_contact_moves_the_shown_address_to_the_next_one(cast, kowalski):
    agent = actor_for(cast.opera.line1)
    update_customer(kowalski, actor=agent, add_emails=["jan@work.example"])
    first = CustomerContact.objects.get(customer=kowalski, value="jan.kowalski@example.pl")
    phone = CustomerContact.objects.get(customer=kowalski, kind="phone")
    remove_customer_contacts(kowalski, actor=agent, contact_ids=[first.pk, phone.pk])
    kowalski.refresh_from_db()
    assert (kowalski.email, kowalski.phone) == ("jan@work.example", "")
    assert list(CustomerContact.objects.filter(customer=kowalski).values_list("value", flat=True)) == [
        "jan@work.example"
    ]
    # A removed number is free for another customer, and no longer finds this one.
    assert find_callers(agent, "123-45") == []
    create_customer(cast.opera.brand, actor=SYSTEM, name="New owner", phones=["+48221234567"])


def test_contacts_of_another_customer_are_left_alone_and_other_brands_may_not_remove(cast, kowalski):
    theirs = CustomerContact.objects.get(customer=cast.opera.customer)
    remove_customer_contacts(kowalski, actor=actor_for(cast.opera.line1), contact_ids=[theirs.pk])
    assert CustomerContact.objects.filter(pk=theirs.pk).exists()
    mine = CustomerContact.objects.filter(customer=kowalski).first()
    with pytest.raises(PermissionDenied):
        remove_customer_contacts(kowalski, actor=actor_for(cast.tours.line1), contact_ids=[mine.pk])
    assert CustomerContact.objects.filter(pk=mine.pk).exists()
