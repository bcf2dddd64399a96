"""Knowledge-base categories: created and renamed by the brand's agents, slugs unique per brand."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import Conflict, InvalidInput, NotFound
from frontdesk.kb import actions
from frontdesk.users.actors import actor_for


def test_an_agent_creates_and_renames_a_category_of_the_brand(cast):
    agent = actor_for(cast.opera.line1)

    category = actions.create_category(
        cast.opera.brand, actor=agent, slug="Refunds", names={"en": " Refunds ", "ru": "Возвраты", "pl": ""}
    )
    actions.update_category(category, actor=agent, names={"en": "Money back"}, position=3)

    category.refresh_from_db()
    assert (category.slug, category.names, category.position) == ("refunds", {"en": "Money back"}, 3)


def test_the_same_slug_in_another_brand_is_fine_but_not_twice_in_one(cast):
    actions.create_category(
        cast.opera.brand, actor=actor_for(cast.opera.line1), slug="delivery", names={"en": "D"}
    )
    actions.create_category(
        cast.tours.brand, actor=actor_for(cast.tours.line1), slug="delivery", names={"en": "D"}
    )

    with pytest.raises(Conflict):
        actions.create_category(
            cast.opera.brand, actor=actor_for(cast.opera.line2), slug="delivery", names={"en": "D"}
        )


def test_bad_categories_and_strangers_are_refused(cast):
    agent = actor_for(cast.opera.line1)
    for slug, names, field in [
        ("no spaces", {"en": "x"}, "slug"),
        ("ok", {}, "names"),
        ("ok", {"en": "  "}, "names"),
        ("ok", {"de": "Rückgabe"}, "language"),
        ("ok", {"en": "x" * 201}, "names"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            actions.create_category(cast.opera.brand, actor=agent, slug=slug, names=names)
        assert refused.value.field == field
    for user in (cast.tours.admin, cast.opera.customer_user, cast.outsider):
        with pytest.raises(NotFound):
            actions.create_category(cast.opera.brand, actor=actor_for(user), slug="x", names={"en": "x"})
