"""The shift switch: an agent goes on and off shift; nobody else reaches it."""

from __future__ import annotations

from frontdesk.testing.cast import PASSWORD
from frontdesk.users.models import User

URL = "/desk/shift/"


def _on_shift(user: User) -> bool:
    return User.objects.get(pk=user.pk).is_on_shift


def test_an_agent_goes_on_shift_and_gets_the_button_back_under_htmx(cast, client):
    agent = cast.opera.line1
    client.login(email=agent.email, password=PASSWORD)

    page = client.post(URL, {"on": "1"}, HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.lstrip().startswith('<form class="shift-toggle"')
    assert 'aria-pressed="true"' in html
    assert "On shift" in html
    assert 'name="on" value="0"' in html
    assert _on_shift(agent)

    html = client.post(URL, {"on": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Off shift" in html
    assert 'name="on" value="1"' in html
    assert not _on_shift(agent)


def test_without_htmx_the_agent_goes_back_to_the_page_they_came_from(cast, client):
    client.login(email=cast.opera.line1.email, password=PASSWORD)

    back = client.post(URL, {"on": "1", "next": "/desk/queues/mine/"})
    assert (back.status_code, back["Location"]) == (302, "/desk/queues/mine/")
    elsewhere = client.post(URL, {"on": "0", "next": "https://evil.example/"})
    assert elsewhere["Location"] == "/desk/queues/"


def test_the_desk_pages_show_the_switch_once_in_the_agents_language(cast, client):
    agent = cast.opera.line1
    agent.language = "ru"
    agent.save(update_fields=["language"])
    client.login(email=agent.email, password=PASSWORD)

    for url in ("/desk/queues/", "/"):
        html = client.get(url).content.decode()
        assert html.count('action="/desk/shift/"') == 1, url
        assert "Не на смене" in html


def test_customers_see_no_switch(cast, client):
    client.login(email=cast.opera.customer_user.email, password=PASSWORD)
    assert 'action="/desk/shift/"' not in client.get("/").content.decode()


def test_customers_and_outsiders_get_404_and_stay_as_they_were(cast, client):
    for user in (cast.opera.customer_user, cast.tours.customer_user, cast.outsider):
        client.login(email=user.email, password=PASSWORD)
        assert client.post(URL, {"on": "1"}, HTTP_HX_REQUEST="true").status_code == 404
        assert client.get(URL).status_code == 404
        assert not _on_shift(user)


def test_anonymous_visitors_are_sent_to_sign_in(cast, client):
    answer = client.post(URL, {"on": "1"})
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"] or "login" in answer["Location"]


def test_an_agent_cannot_read_the_switch_with_get(cast, client):
    client.login(email=cast.tours.line2.email, password=PASSWORD)
    assert client.get(URL).status_code == 405
    assert not _on_shift(cast.tours.line2)
