"""The language switch works for a signed-in person whose profile names a language: the profile follows it."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.users.models import User

pytestmark = pytest.mark.django_db


def test_a_russian_speaking_agent_switches_the_desk_to_english_and_it_stays(cast, client):
    User.objects.filter(pk=cast.opera.line1.pk).update(language="ru")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    assert client.get("/").headers["Content-Language"] == "ru"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.opera.line1.pk).language == "en"
    assert client.get("/").headers["Content-Language"] == "en"


def test_an_unknown_language_changes_nothing(cast, client):
    User.objects.filter(pk=cast.opera.line1.pk).update(language="pl")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=cast.opera.line1.pk).language == "pl"


def test_visitors_switch_by_cookie(client):
    client.post("/i18n/setlang/", {"language": "pl", "next": "/"})
    assert client.get("/").headers["Content-Language"] == "pl"
    assert client.get("/i18n/setlang/").status_code == 405
