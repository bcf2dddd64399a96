"""A token seen recently costs no query, and every way of taking access away still takes effect at once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from frontdesk.users.actions import create_api_token, revoke_api_token
from frontdesk.users.actors import actor_for
from frontdesk.users.models import AgentMembership, ApiToken, User


def _me(api, raw):
    return api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _admin(model):
    return admin.site._registry[model]


@pytest.fixture
def admin_request(cast):
    request = RequestFactory().post("/admin/")
    request.user = cast.provider_admin
    return request


def test_a_recently_seen_token_is_not_read_again(api, cast, count_queries):
    _token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200
    with count_queries() as queries:
        assert _me(api, raw).status_code == 200
    assert not [q for q in queries if "users_apitoken" in q], queries


def test_revoking_a_cached_token_refuses_it_at_once(api, cast):
    token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200
    revoke_api_token(token, actor=actor_for(cast.opera.line1))
    assert _me(api, raw).status_code == 401


def test_revoking_a_cached_token_in_the_admin_refuses_it_at_once(api, cast, admin_request):
    token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200
    token.revoked_at = timezone.now()
    _admin(ApiToken).save_model(admin_request, token, None, True)
    assert _me(api, raw).status_code == 401


def test_deactivating_a_user_in_the_admin_refuses_their_cached_token(api, cast, admin_request):
    _token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200
    user = User.objects.get(pk=cast.opera.line1.pk)
    user.is_active = False
    _admin(User).save_model(admin_request, user, None, True)
    assert _me(api, raw).status_code == 401


def test_removing_a_membership_in_the_admin_takes_the_brand_away_at_once(api, cast, admin_request):
    ticket = cast.opera.ticket()
    _token, raw = create_api_token(cast.opera.line1)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert api.client.get(f"/api/v1/tickets/{ticket.number}", **headers).status_code == 200
    memberships = AgentMembership.objects.filter(user=cast.opera.line1, brand_id=ticket.brand_id)
    _admin(AgentMembership).delete_queryset(admin_request, memberships)
    assert api.client.get(f"/api/v1/tickets/{ticket.number}", **headers).status_code == 404


def test_without_a_token_cache_every_request_reads_the_token(api, cast, settings):
    settings.FRONTDESK_TOKEN_CACHE_SECONDS = 0
    token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200
    # Revoked behind the application's back: only a fresh read notices.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert _me(api, raw).status_code == 401


def test_a_token_revoked_by_another_process_stops_working_here_within_two_seconds(api, cast, monkeypatch):
    from django.core.cache import cache

    from frontdesk.users import actors

    token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200
    # Another server process revokes it: the row and the shared cache change, this process's memory does not.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    cache.delete(actors.token_cache_key(token.key_hash))
    assert _me(api, raw).status_code == 200
    later = actors._clock() + actors.TOKEN_MEMORY_SECONDS
    monkeypatch.setattr(actors, "_clock", lambda: later)
    assert _me(api, raw).status_code == 401


def test_a_recently_seen_token_costs_no_round_trip_to_the_shared_cache(api, cast, monkeypatch):
    from django.core.cache import cache

    _token, raw = create_api_token(cast.opera.line1)
    assert _me(api, raw).status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr(cache, "get", refuse)
    assert _me(api, raw).status_code == 200


def test_each_request_gets_its_own_user_instance_from_the_token_memory(cast):
    from frontdesk.users.actions import authenticate_token

    _token, raw = create_api_token(cast.opera.line1)
    first, _actor = authenticate_token(raw)
    first.name = "Changed by one request"
    second, _actor = authenticate_token(raw)
    assert second is not first
    assert second.name == cast.opera.line1.name
