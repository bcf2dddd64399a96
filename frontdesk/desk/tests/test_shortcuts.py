"""The list of keyboard shortcuts is part of every desk page, rendered by the server in the agent's language."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD


@pytest.mark.parametrize("path", ["/", "/desk/queues/", "/desk/search/", "/desk/phone/", "ticket"])
def test_every_desk_page_has_the_shortcut_list_and_its_script(cast, client, path):
    if path == "ticket":
        path = f"/desk/tickets/{cast.opera.ticket().number}/"
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    html = client.get(path).content.decode()
    assert 'id="shortcuts-help" class="shortcuts-help" role="dialog" aria-modal="true"' in html
    assert "desk/shortcuts.js" in html
    assert "<kbd>?</kbd>" in html


@pytest.mark.parametrize(
    ("language", "title"),
    [("ru", "Сочетания клавиш"), ("pl", "Skróty klawiszowe"), ("en", "Keyboard shortcuts")],
)
def test_the_shortcut_list_speaks_the_agents_language(cast, client, language, title):
    user = cast.opera.line1
    user.language = language
    user.save(update_fields=["language"])
    assert client.login(email=user.email, password=PASSWORD)
    assert title in client.get("/desk/queues/").content.decode()


def test_people_who_are_not_agents_get_no_shortcuts(cast, client):
    assert client.login(email=cast.outsider.email, password=PASSWORD)
    assert "shortcuts-help" not in client.get("/").content.decode()
