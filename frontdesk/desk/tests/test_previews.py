"""Attachment previews on the ticket page: images as thumbnails and PDFs behind a preview link, served inline by
the scoped download view only for an allow-list of types whose bytes match, always sandboxed and never sniffed."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.users.actors import actor_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"\x00" * 32
HTML = b"<html><script>alert(1)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _attach(cast, ticket, *files):
    message = ticket_actions.add_note(
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="Files from the customer."),
        attachments=[AttachmentIn(name, content_type, data) for name, content_type, data in files],
    )
    return list(message.attachments.order_by("id"))


def _url(ticket, attachment, *, inline=True):
    url = f"/desk/tickets/{ticket.number}/attachments/{attachment.pk}/"
    return f"{url}?inline=1" if inline else url


def _assert_download(response, data):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data


@pytest.mark.parametrize(
    ("name", "content_type", "data"),
    [
        ("photo.png", "image/png", PNG),
        ("photo.jpg", "image/jpeg", JPEG),
        ("anim.gif", "image/gif", GIF),
        ("photo.webp", "image/webp", WEBP),
        ("invoice.pdf", "application/pdf", PDF),
    ],
)
def test_an_image_or_pdf_is_shown_inline_sandboxed_and_never_sniffed(cast, client, name, content_type, data):
    ticket = cast.opera.ticket()
    [attachment] = _attach(cast, ticket, (name, content_type, data))
    response = _sign_in(client, cast.opera.line1).get(_url(ticket, attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert name in response["Content-Disposition"]
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == data


@pytest.mark.parametrize(
    ("name", "content_type", "data"),
    [
        ("drawing.svg", "image/svg+xml", SVG),
        ("page.html", "text/html", HTML),
        ("page.xhtml", "application/xhtml+xml", HTML),
        ("notes.txt", "text/plain", b"plain words"),
        ("fake.png", "image/png", HTML),  # declared an image, but it is a page
        ("fake.pdf", "application/pdf", HTML),
        ("fake.webp", "image/webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 8),
    ],
)
def test_anything_else_stays_a_download_even_when_asked_inline(cast, client, name, content_type, data):
    ticket = cast.opera.ticket()
    [attachment] = _attach(cast, ticket, (name, content_type, data))
    _assert_download(_sign_in(client, cast.opera.line1).get(_url(ticket, attachment)), data)


def test_without_inline_an_image_is_a_download_too(cast, client):
    ticket = cast.opera.ticket()
    [attachment] = _attach(cast, ticket, ("photo.png", "image/png", PNG))
    _assert_download(_sign_in(client, cast.opera.line1).get(_url(ticket, attachment, inline=False)), PNG)


def test_the_other_brand_and_the_outsider_get_404_for_a_preview(cast, client):
    ticket = cast.opera.ticket()
    [attachment] = _attach(cast, ticket, ("photo.png", "image/png", PNG))
    for user in (cast.tours.line1, cast.tours.line2, cast.outsider, cast.opera.customer_user):
        assert _sign_in(client, user).get(_url(ticket, attachment)).status_code == 404
        client.logout()
    # An attachment of another brand's ticket, asked for through a ticket the agent may see.
    other = cast.tours.ticket()
    [foreign] = ticket_actions.add_note(
        other,
        actor=actor_for(cast.tours.line1),
        body=make_body(text="Theirs."),
        attachments=[AttachmentIn("theirs.png", "image/png", PNG)],
    ).attachments.all()
    assert _sign_in(client, cast.opera.line1).get(_url(ticket, foreign)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cast, client):
    ticket = cast.opera.ticket()
    [attachment] = _attach(cast, ticket, ("photo.png", "image/png", PNG))
    response = client.get(_url(ticket, attachment))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_timeline_shows_image_thumbnails_and_a_pdf_preview_link_only(cast, client):
    ticket = cast.opera.ticket()
    png, pdf, svg, html = _attach(
        cast,
        ticket,
        ("photo.png", "image/png", PNG),
        ("invoice.pdf", "application/pdf", PDF),
        ("drawing.svg", "image/svg+xml", SVG),
        ("page.html", "text/html", HTML),
    )
    page = _sign_in(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'<img src="{_url(ticket, png)}"' in page
    assert f'class="attachment-preview" href="{_url(ticket, pdf)}"' in page
    for attachment in (svg, html):
        assert _url(ticket, attachment, inline=False) in page
        assert _url(ticket, attachment) not in page
    assert page.count("<img src=") == 1


def test_the_ticket_page_runs_the_same_queries_for_few_and_many_attachments(cast, client, count_queries):
    ticket = cast.opera.ticket()
    _attach(cast, ticket, ("a.png", "image/png", PNG), ("a.pdf", "application/pdf", PDF))
    _sign_in(client, cast.opera.line1)
    url = f"/desk/tickets/{ticket.number}/"
    client.get(url)  # warms the cached actor and the session
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        _attach(
            cast,
            ticket,
            (f"p{i}.png", "image/png", PNG),
            (f"j{i}.jpg", "image/jpeg", JPEG),
            (f"d{i}.pdf", "application/pdf", PDF),
            (f"s{i}.svg", "image/svg+xml", SVG),
        )
    with count_queries(len(few)):
        html = client.get(url).content.decode()
    assert html.count("<img src=") == 17
