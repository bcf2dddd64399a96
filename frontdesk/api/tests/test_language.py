"""API answers speak the language of the person behind the token, then the client's Accept-Language."""

from django.utils import translation

from frontdesk.users.actions import create_api_token


def test_a_token_users_profile_language_is_used_for_errors(cast, client):
    ticket = cast.opera.ticket()
    user = cast.opera.line1
    user.language = "pl"
    user.save(update_fields=["language"])
    _, raw = create_api_token(user, name="lang")
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/escalate",
        {"to_line": 2, "worklog": {"diagnosis": "", "steps_taken": ""}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Opisz, co zdiagnozowano."


def test_without_a_profile_language_the_clients_language_is_used(cast, client):
    ticket = cast.opera.ticket()
    _, raw = create_api_token(cast.opera.line1, name="lang")
    response = client.post(
        f"/api/v1/tickets/{ticket.number}/escalate",
        {"to_line": 2, "worklog": {"diagnosis": "", "steps_taken": ""}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "Опишите, что диагностировано."


def test_a_requests_language_does_not_outlive_the_request(cast, client):
    # The thread that served the request goes on to other work (the next request, a background task):
    # the person's language must not stay active there.
    user = cast.opera.line1
    user.language = "pl"
    user.save(update_fields=["language"])
    _, raw = create_api_token(user, name="lang")
    before = translation.get_language()
    response = client.get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "pl"
    assert translation.get_language() == before
