"""Saved views: personal or shared with a brand's agents, changed only by their owner (or the brand's admin)."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import Conflict, InvalidInput, PermissionDenied
from frontdesk.users.actions import create_saved_view, delete_saved_view, update_saved_view
from frontdesk.users.actors import actor_for
from frontdesk.users.models import SavedView


def _view(cast, **extra):
    options = {"name": "Urgent", "filters": {"priority": "urgent"}} | extra
    return create_saved_view(actor=actor_for(cast.opera.line1), **options)


def test_an_agent_saves_a_personal_view(cast):
    view = _view(cast)
    assert (view.owner_id, view.brand_id, view.is_shared) == (cast.opera.line1.pk, None, False)
    assert view.filters == {"priority": "urgent"}


def test_a_shared_view_needs_a_brand_the_agent_serves(cast):
    with pytest.raises(InvalidInput):
        _view(cast, shared=True)
    with pytest.raises(PermissionDenied):
        _view(cast, shared=True, brand=cast.tours.brand)
    assert _view(cast, shared=True, brand=cast.opera.brand).is_shared


@pytest.mark.parametrize("who", ["outsider", "customer"])
def test_outsiders_and_customers_cannot_save_views(cast, who):
    user = cast.outsider if who == "outsider" else cast.opera.customer_user
    with pytest.raises(PermissionDenied):
        create_saved_view(actor=actor_for(user), name="Mine", filters={})
    assert not SavedView.objects.exists()


def test_names_are_unique_per_owner_and_not_blank(cast):
    _view(cast)
    with pytest.raises(Conflict):
        _view(cast, name="  Urgent ")
    with pytest.raises(InvalidInput):
        _view(cast, name="   ")
    create_saved_view(actor=actor_for(cast.opera.line2), name="Urgent", filters={})


@pytest.mark.parametrize("filters", [["priority"], {"x": "y" * 5000}, {"when": object()}])
def test_filters_are_a_small_json_object(cast, filters):
    with pytest.raises(InvalidInput):
        _view(cast, filters=filters)


def test_the_owner_renames_refilters_and_shares_a_view(cast):
    view = _view(cast)
    owner = actor_for(cast.opera.line1)
    update_saved_view(view, actor=owner, name="Very urgent", filters={"priority": "high"})
    update_saved_view(view, actor=owner, brand=cast.opera.brand, shared=True)
    view.refresh_from_db()
    assert (view.name, view.filters, view.is_shared, view.brand_id) == (
        "Very urgent",
        {"priority": "high"},
        True,
        cast.opera.brand.pk,
    )


def test_colleagues_and_other_brands_cannot_change_or_delete_a_view(cast):
    view = _view(cast, shared=True, brand=cast.opera.brand)
    for user in (cast.opera.line2, cast.tours.admin, cast.outsider):
        with pytest.raises(PermissionDenied):
            update_saved_view(view, actor=actor_for(user), name="Mine now")
        with pytest.raises(PermissionDenied):
            delete_saved_view(view, actor=actor_for(user))
    assert SavedView.objects.get(pk=view.pk).name == "Urgent"


def test_the_brand_admin_tidies_shared_views_but_not_personal_ones(cast):
    shared = _view(cast, shared=True, brand=cast.opera.brand)
    personal = _view(cast, name="Mine")
    admin = actor_for(cast.opera.admin)
    update_saved_view(shared, actor=admin, name="Urgent (all agents)")
    with pytest.raises(PermissionDenied):
        update_saved_view(shared, actor=admin, brand=cast.tours.brand)
    with pytest.raises(PermissionDenied):
        delete_saved_view(personal, actor=admin)
    delete_saved_view(shared, actor=admin)
    assert list(SavedView.objects.all()) == [personal]


def test_the_owner_deletes_a_view(cast):
    view = _view(cast, brand=cast.opera.brand)
    delete_saved_view(view, actor=actor_for(cast.opera.line1))
    assert not SavedView.objects.exists()
