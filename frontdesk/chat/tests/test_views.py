"""The chat's HTTP endpoints and who may open them: the widget for any website, the try-it page for the
brand's agents only, chat files by their signed link only."""

from __future__ import annotations

import pytest
from django.core import signing

from frontdesk.chat import actions
from frontdesk.chat.frames import file_link
from frontdesk.tickets.content import AttachmentIn

pytestmark = pytest.mark.django_db


def test_the_widget_script_loads_from_any_website_and_is_cached(client):
    response = client.get("/chat/widget.js", HTTP_ORIGIN="https://www.opera.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "max-age=" in response["Cache-Control"]
    assert b"data-brand" in response.content
    again = client.get("/chat/widget.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.post("/chat/widget.js").status_code == 405


def test_the_widget_script_goes_compressed_to_browsers_that_accept_gzip(client):
    import gzip

    plain = client.get("/chat/widget.js")
    packed = client.get("/chat/widget.js", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert packed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    # A few kilobytes on the wire.
    assert len(packed.content) < 10_000 < len(plain.content)
    assert packed["ETag"] != plain["ETag"]
    again = client.get("/chat/widget.js", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304


def test_the_try_page_shows_the_brands_agents_the_widget_and_the_snippet(cast, client, opera_chat):
    client.force_login(cast.opera.line1)
    response = client.get("/chat/try/opera/")
    assert response.status_code == 200
    page = response.content.decode()
    # The snippet to copy, as text, with our own address (FRONTDESK_URL), and the widget working on this page.
    assert (
        "&lt;script src=&quot;http://127.0.0.1:8000/chat/widget.js&quot; data-brand=&quot;opera&quot;" in page
    )
    assert '<script src="http://testserver/chat/widget.js" data-brand="opera" async></script>' in page


@pytest.mark.parametrize("who", ["outsider", "customer", "other_brand_agent"])
def test_the_try_page_is_not_found_for_anyone_else(cast, client, opera_chat, who):
    user = {
        "outsider": cast.outsider,
        "customer": cast.opera.customer_user,
        "other_brand_agent": cast.tours.line1,
    }
    client.force_login(user[who])
    assert client.get("/chat/try/opera/").status_code == 404


def test_the_try_page_sends_anonymous_people_to_sign_in_and_is_not_found_without_the_chat(
    cast, client, opera_chat
):
    response = client.get("/chat/try/opera/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(cast.tours.line1)
    assert client.get("/chat/try/opera-tours/").status_code == 404  # the chat is not on
    assert client.get("/chat/try/nonexistent/").status_code == 404


def test_a_chat_file_downloads_by_its_signed_link_and_by_nothing_else(client, opera_chat):
    posted = actions.start_session(
        opera_chat,
        token="t" * 30,
        client_id="f",
        attachment=AttachmentIn("<b>.html", "text/html", b"<b>hi</b>"),
    )
    link = file_link(posted.message)
    path = link.removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"<b>hi</b>"
    forged = signing.TimestampSigner(salt="another").sign(str(posted.message.pk))
    assert client.get(f"/chat/files/{forged}/").status_code == 404
    assert client.get(f"/chat/files/{posted.message.pk}/").status_code == 404
    text_only = actions.post_visitor_message(posted.message.session, client_id="t", text="hi")
    assert client.get(file_link(text_only.message).removeprefix("http://127.0.0.1:8000")).status_code == 404
