"""Writes on people refuse bad input and duplicates with a clear error instead of a database failure."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import Conflict, InvalidInput, PermissionDenied
from frontdesk.users.actions import (
    add_agent_membership,
    create_customer,
    create_team,
    create_user,
    find_or_create_customer,
    update_customer,
)
from frontdesk.users.actors import SYSTEM, actor_for


def test_an_account_cannot_be_a_customer_of_the_same_brand_twice(cast):
    with pytest.raises(Conflict) as refused:
        create_customer(cast.opera.brand, actor=SYSTEM, name="Again", user=cast.opera.customer_user)

    assert refused.value.field == "user"


def test_an_email_already_used_in_the_brand_is_a_conflict_but_free_in_another_brand(cast):
    email = cast.opera.customer_user.email

    with pytest.raises(Conflict) as refused:
        create_customer(cast.opera.brand, actor=SYSTEM, emails=[email.upper()])

    assert refused.value.field == "emails"
    assert create_customer(cast.tours.brand, actor=SYSTEM, emails=[email]).brand == cast.tours.brand


def test_find_or_create_finds_the_customer_however_the_address_is_written(cast):
    found = find_or_create_customer(cast.opera.brand, actor=SYSTEM, email=" Customer@Opera-Mail.Example ")
    phone = find_or_create_customer(cast.opera.brand, actor=SYSTEM, phone="+48 22 123-45-67")

    assert found == cast.opera.customer
    assert find_or_create_customer(cast.opera.brand, actor=SYSTEM, phone="0048221234567") == phone


def test_a_customer_cannot_join_an_organization_of_another_brand(cast):
    with pytest.raises(InvalidInput):
        update_customer(cast.opera.customer, actor=SYSTEM, organization=cast.tours.organization)


def test_an_agent_of_another_brand_cannot_create_customers_here(cast):
    with pytest.raises(PermissionDenied):
        create_customer(cast.opera.brand, actor=actor_for(cast.tours.line1), emails=["new@example.com"])


@pytest.mark.parametrize(("line", "role", "field"), [(4, "agent", "line"), (1, "owner", "role")])
def test_a_membership_needs_a_real_line_and_role(cast, line, role, field):
    with pytest.raises(InvalidInput) as refused:
        add_agent_membership(cast.outsider, actor=SYSTEM, brand=cast.opera.brand, line=line, role=role)

    assert refused.value.field == field


def test_only_an_admin_of_the_brand_adds_agents_to_it(cast):
    with pytest.raises(PermissionDenied):
        add_agent_membership(cast.outsider, actor=actor_for(cast.opera.line1), brand=cast.opera.brand)
    with pytest.raises(PermissionDenied):
        add_agent_membership(cast.outsider, actor=actor_for(cast.tours.admin), brand=cast.opera.brand)

    membership = add_agent_membership(
        cast.outsider, actor=actor_for(cast.opera.admin), brand=cast.opera.brand
    )
    assert membership.line == 1


@pytest.mark.parametrize(("name", "line", "field"), [("  ", 1, "name"), ("Fourth line", 4, "line")])
def test_a_team_needs_a_name_and_a_real_line(cast, name, line, field):
    with pytest.raises(InvalidInput) as refused:
        create_team(actor=SYSTEM, name=name, brand=cast.opera.brand, line=line)

    assert refused.value.field == field


def test_a_shared_team_is_for_provider_admins_and_names_are_unique_per_brand(cast):
    with pytest.raises(PermissionDenied):
        create_team(actor=actor_for(cast.opera.admin), name="Everyone", brand=None)
    create_team(actor=actor_for(cast.opera.admin), name="Box office", brand=cast.opera.brand)

    with pytest.raises(Conflict):
        create_team(actor=SYSTEM, name="Box  office", brand=cast.opera.brand)


def test_a_second_account_with_the_same_address_is_a_conflict(cast):
    with pytest.raises(Conflict):
        create_user(email=cast.outsider.email.upper())
    with pytest.raises(InvalidInput):
        create_user(email="not an address")
    with pytest.raises(InvalidInput):
        create_user(email="new@example.com", language="de")
