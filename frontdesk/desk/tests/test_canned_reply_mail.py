"""A canned answer put into the reply box and sent: the mail carries the greeting and the signature once."""

from __future__ import annotations

import html as html_lib
import re

from django.core import mail
from django.utils import timezone

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import CannedAnswer, TicketEvent

HTMX = {"HTTP_HX_REQUEST": "true"}


def _reply_box(html: str) -> str:
    return html_lib.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.DOTALL).group(1)).strip()


def _send_canned(cast, client, capture, body):
    ticket = cast.opera.ticket()
    TicketEvent.objects.filter(ticket=ticket).update(dispatched_at=timezone.now())
    answer = CannedAnswer.objects.create(brand=cast.opera.brand, title="E-tickets resent", body=body)
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    inserted = client.post(f"/desk/tickets/{ticket.number}/canned/{answer.pk}/", {"body": ""}, **HTMX)
    form = {
        "kind": "reply",
        "body": _reply_box(inserted.content.decode()),
        "status": "",
        "version": ticket.version,
    }
    with capture(execute=True):
        assert client.post(f"/desk/tickets/{ticket.number}/messages/", form, **HTMX).status_code == 200
    [sent] = mail.outbox
    return sent.body, sent.alternatives[0][0]


def test_a_canned_answer_with_a_greeting_and_sign_off_is_mailed_with_each_once(
    cast, client, django_capture_on_commit_callbacks
):
    text, html = _send_canned(
        cast,
        client,
        django_capture_on_commit_callbacks,
        "Hello {customer_first_name},\n\nWe have sent your e-tickets again.\n\nKind regards,\n{agent_name}, {brand_name}",
    )
    sign_off = f"{cast.opera.line1.get_full_name()}, {cast.opera.brand.name}"
    for mailed in (text, html):
        assert mailed.count("Hello Customer") == 1
        assert mailed.count("We have sent your e-tickets again.") == 1
        assert mailed.count(sign_off) == 1
    assert "Kind regards," in text


def test_a_canned_answer_ending_with_the_brand_s_signature_is_mailed_with_it_once(
    cast, client, django_capture_on_commit_callbacks
):
    brand = cast.opera.brand
    brand.mail_signatures = {"en": "Best wishes,\n{agent}\nOpera box office team", "ru": "Opera team"}
    brand.save(update_fields=["mail_signatures"])
    customer = cast.opera.customer
    customer.language = "en"
    customer.save(update_fields=["language"])
    text, _html = _send_canned(
        cast,
        client,
        django_capture_on_commit_callbacks,
        "Hello,\n\nDone.\n\nBest wishes,\n{agent_name}\nOpera box office team\n",
    )
    assert text.count("Opera box office team") == 1
    assert text.count("Best wishes,") == 1
    assert "Done." in text


def test_the_canned_answer_form_says_to_write_no_signature(cast, client):
    assert client.login(email=cast.provider_admin.email, password=PASSWORD)
    page = client.get("/admin/tickets/cannedanswer/add/").content.decode()
    assert "Write no signature: the reply mail signs every answer" in html_lib.unescape(page)


def test_an_answer_inserted_below_the_same_greeting_does_not_greet_again(cast, client):
    ticket = cast.opera.ticket()
    answer = CannedAnswer.objects.create(
        brand=cast.opera.brand,
        title="Resent",
        body="Hello {customer_first_name},\n\nWe have sent them again.",
    )
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    written = "Hello Customer,\n\nI looked at your order."
    inserted = client.post(f"/desk/tickets/{ticket.number}/canned/{answer.pk}/", {"body": written}, **HTMX)
    assert _reply_box(inserted.content.decode()) == (
        "Hello Customer,\n\nI looked at your order.\n\nWe have sent them again."
    )


def test_picking_an_answer_swaps_in_a_fresh_search_box_and_closes_the_list(cast, client):
    """A search typed a moment before the pick would otherwise fill the list again after it."""
    ticket = cast.opera.ticket()
    answer = CannedAnswer.objects.create(brand=cast.opera.brand, title="E-tickets resent", body="Sent again.")
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    html = client.post(
        f"/desk/tickets/{ticket.number}/canned/{answer.pk}/", {"body": ""}, **HTMX
    ).content.decode()
    assert (
        '<div id="canned-results" class="canned-results" aria-live="polite" hx-swap-oob="true"></div>' in html
    )
    box = re.search(r'<input type="search" id="canned-q"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in box
    assert 'form="canned-search"' in box
    assert f'hx-get="/desk/tickets/{ticket.number}/canned/"' in box
    assert "value=" not in box
