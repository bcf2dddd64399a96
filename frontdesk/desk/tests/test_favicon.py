"""Every page names the site's icon: a small SVG served with the static files."""

from __future__ import annotations

from xml.etree import ElementTree

from django.contrib.staticfiles import finders

from frontdesk.testing.cast import PASSWORD

ICON = '<link rel="icon" href="/static/frontdesk/favicon.svg" type="image/svg+xml">'


def test_the_icon_is_a_small_svg_among_the_static_files():
    path = finders.find("frontdesk/favicon.svg")
    assert path is not None
    with open(path, "rb") as icon:
        data = icon.read()
    assert len(data) < 2048
    assert ElementTree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"  # noqa: S314 - our own file


def test_the_desk_the_sign_in_page_and_the_portal_link_the_icon(cast, client):
    assert ICON in client.get("/accounts/login/").content.decode()
    assert ICON in client.get("/portal/opera/").content.decode()
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    assert ICON in client.get("/desk/", follow=True).content.decode()
