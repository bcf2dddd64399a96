from __future__ import annotations

import json
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from frontdesk.api.tests.conftest import assert_problem
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actions import create_api_token, revoke_api_token
from frontdesk.users.actors import actor_for


def test_no_token_garbage_or_revoked_token_is_401_with_www_authenticate(api, cast):
    token, raw = create_api_token(cast.opera.line1)
    assert api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    revoke_api_token(token, actor=actor_for(cast.opera.line1))
    for header in (f"Bearer {raw}", "Bearer fd_nonsense", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000):
        response = api.client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.headers["Content-Type"] == "application/problem+json"


def test_a_token_of_a_deactivated_user_is_401(api, cast):
    _token, raw = create_api_token(cast.opera.line1)
    cast.opera.line1.is_active = False
    cast.opera.line1.save(update_fields=["is_active"])
    assert api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(api, cast, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token, raw = create_api_token(cast.opera.line1)
    api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at == first
    time_machine.shift(timedelta(minutes=2))
    api.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_the_browser_session_works_and_writes_need_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=cast.opera.line1.email, password=PASSWORD)
    assert client.get("/api/v1/me").json()["email"] == cast.opera.line1.email
    body = json.dumps({"subject": "From the desk", "body": "Hi", "customer_id": cast.opera.customer.pk})
    refused = client.post("/api/v1/tickets", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    client.get("/api/v1/me")
    csrf = client.cookies.get("csrftoken")
    if csrf is None:
        from django.middleware.csrf import _get_new_csrf_string

        csrf_value = _get_new_csrf_string()
        client.cookies["csrftoken"] = csrf_value
    else:
        csrf_value = csrf.value
    accepted = client.post(
        "/api/v1/tickets", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_value
    )
    assert accepted.status_code == 201, accepted.content


def test_an_outsider_with_a_valid_token_is_authenticated_but_sees_nothing(api, world):
    outsider = world.cast.outsider
    assert api.get("/tickets", outsider).body == {"items": [], "next_cursor": None}
    assert_problem(api.get(f"/tickets/{world.number}", outsider), 404, "not_found")
    assert_problem(
        api.post("/tickets", outsider, {"subject": "x", "body": "y", "brand": "opera"}), 404, "not_found"
    )
