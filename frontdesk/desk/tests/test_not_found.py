"""A missing or foreign page answers 404 with a page in the visitor's language, not Django's bare text."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.users.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Page not found"), ("ru", "Страница не найдена"), ("pl", "Nie znaleziono strony")],
)
def test_a_foreign_ticket_is_a_translated_404_page(cast, client, language, title):
    theirs = cast.tours.ticket("Not yours")
    User.objects.filter(pk=cast.opera.line1.pk).update(language=language)
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    response = client.get(f"/desk/tickets/{theirs.number}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html
    assert theirs.subject not in html
