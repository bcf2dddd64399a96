"""Scoped reads of brands, customers, organizations, teams and agents: strangers get nothing or NotFound."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound
from frontdesk.users.actions import create_team, update_customer
from frontdesk.users.actors import NOBODY, SYSTEM, actor_for
from frontdesk.users.models import User
from frontdesk.users.queries import (
    access_agent,
    access_brand,
    access_brand_by_id,
    access_customer,
    access_organization,
    access_team,
    agents_visible_to,
    brands_visible_to,
    customers_visible_to,
    organizations_visible_to,
    teams_visible_to,
)


def _actor(cast, who):
    if who == "anonymous":
        return NOBODY
    user = {
        "other_brand_agent": cast.tours.line1,
        "other_brand_admin": cast.tours.admin,
        "other_brand_customer": cast.tours.customer_user,
        "colleague": cast.opera.colleague_user,
        "outsider": cast.outsider,
    }[who]
    return actor_for(user)


STRANGERS = ["other_brand_agent", "other_brand_admin", "other_brand_customer", "outsider", "anonymous"]


@pytest.fixture
def opera_team(cast):
    return create_team(actor=SYSTEM, name="Box office", brand=cast.opera.brand, members=[cast.opera.line1])


@pytest.mark.parametrize("who", STRANGERS)
def test_strangers_see_nothing_of_the_opera_brand_and_its_people(cast, opera_team, who):
    actor = _actor(cast, who)
    opera = cast.opera

    assert not brands_visible_to(actor).filter(pk=opera.brand.pk).exists()
    assert not customers_visible_to(actor).filter(brand=opera.brand).exists()
    assert not organizations_visible_to(actor).filter(brand=opera.brand).exists()
    assert not teams_visible_to(actor).filter(pk=opera_team.pk).exists()
    for access, key in [
        (access_brand, opera.brand.slug),
        (access_brand_by_id, opera.brand.pk),
        (access_customer, opera.customer.pk),
        (access_organization, opera.organization.pk),
        (access_team, opera_team.pk),
    ]:
        with pytest.raises(NotFound):
            access(actor, key)


@pytest.mark.parametrize("who", ["other_brand_customer", "colleague", "outsider", "anonymous"])
def test_no_customer_or_stranger_sees_the_agents_or_teams(cast, opera_team, who):
    actor = _actor(cast, who)

    assert list(agents_visible_to(actor)) == []
    assert list(teams_visible_to(actor)) == []
    with pytest.raises(NotFound):
        access_agent(actor, cast.opera.line1.pk)


def test_the_other_brands_agent_sees_neither_the_opera_agents_nor_its_teams(cast, opera_team):
    actor = actor_for(cast.tours.line1)

    assert cast.opera.line1 not in set(agents_visible_to(actor))
    with pytest.raises(NotFound):
        access_agent(actor, cast.opera.line2.pk)
    with pytest.raises(NotFound):
        access_team(actor, opera_team.pk)


def test_a_colleague_who_is_not_a_manager_sees_only_themselves(cast):
    actor = actor_for(cast.opera.colleague_user)

    assert list(customers_visible_to(actor)) == [cast.opera.colleague]
    assert list(organizations_visible_to(actor)) == []
    with pytest.raises(NotFound):
        access_customer(actor, cast.opera.customer.pk)
    with pytest.raises(NotFound):
        access_organization(actor, cast.opera.organization.pk)
    assert list(brands_visible_to(actor)) == [cast.opera.brand]


def test_a_manager_sees_the_members_and_the_organization(cast):
    update_customer(cast.opera.customer, actor=SYSTEM, is_organization_manager=True)
    actor = actor_for(User.objects.get(pk=cast.opera.customer_user.pk))

    assert set(customers_visible_to(actor)) == {cast.opera.customer, cast.opera.colleague}
    assert access_organization(actor, cast.opera.organization.pk) == cast.opera.organization
    with pytest.raises(NotFound):
        access_customer(actor, cast.tours.customer.pk)


def test_the_brands_agents_see_its_customers_teams_and_shared_teams(cast, opera_team):
    shared = create_team(actor=SYSTEM, name="Night shift", brand=None)
    create_team(actor=SYSTEM, name="Tours desk", brand=cast.tours.brand)
    actor = actor_for(cast.opera.line2)

    assert set(customers_visible_to(actor)) == {cast.opera.customer, cast.opera.colleague}
    assert set(teams_visible_to(actor)) == {opera_team, shared}
    assert set(agents_visible_to(actor)) == {
        cast.opera.line1,
        cast.opera.line2,
        cast.opera.admin,
        cast.provider_admin,
    }
    assert list(brands_visible_to(actor)) == [cast.opera.brand]
    assert access_brand(actor, "opera") == cast.opera.brand
    with pytest.raises(NotFound):
        access_brand(actor, "opera-tours")


def test_a_brand_admin_sees_only_their_brand(cast):
    actor = actor_for(cast.opera.admin)

    assert list(brands_visible_to(actor)) == [cast.opera.brand]
    assert not customers_visible_to(actor).filter(brand=cast.tours.brand).exists()
    with pytest.raises(NotFound):
        access_customer(actor, cast.tours.customer.pk)


def test_the_provider_admin_sees_every_brand_and_person(cast):
    actor = actor_for(cast.provider_admin)

    assert set(brands_visible_to(actor)) == {cast.opera.brand, cast.tours.brand}
    assert customers_visible_to(actor).count() == 4
    assert organizations_visible_to(actor).count() == 2
    assert access_customer(actor, cast.tours.customer.pk) == cast.tours.customer
