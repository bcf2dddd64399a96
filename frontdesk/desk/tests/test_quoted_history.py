"""A mail's answer on the ticket page: its new text, and the history it quoted folded under it (read again from
the raw mail when unfolded), for the agents who may see the ticket only."""

from __future__ import annotations

import re

import pytest

from frontdesk.mail.tests import conftest as mail_fixtures
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import Message, Ticket

mail_cast = mail_fixtures.mail_cast  # brands with mail addresses
pipe = mail_fixtures.pipe  # a mail through `frontdesk mail ingest`

QUOTING = """Thank you, the tickets arrived after all.

On Mon, 30 Nov 2026 at 10:15, Opera Support <support@opera.example> wrote:
> Dear Anna, we have sent your e-tickets to anna@customer.example again.
> Please check your spam folder, <script>alert(1)</script> too.
"""


def _agent(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def answered(mail_cast, pipe):
    """A ticket opened by mail and the customer's answer quoting our mail: (ticket, the answer's message)."""
    first = pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    pipe(make_mail(frm="anna@customer.example", body=QUOTING, in_reply_to=f"<{first.message_id}>"))
    ticket = Ticket.objects.get()
    return ticket, Message.objects.filter(ticket=ticket).order_by("id").last()


def test_an_answer_keeps_its_new_text_and_marks_the_history_it_left_out(answered):
    _ticket, answer = answered
    assert answer.body_text == "Thank you, the tickets arrived after all."
    assert answer.history_left_out
    assert not Message.objects.exclude(pk=answer.pk).filter(history_left_out=True).exists()


def test_the_ticket_page_folds_the_history_and_unfolding_shows_it_sanitized(answered, client, mail_cast):
    ticket, answer = answered
    agent = _agent(client, mail_cast.opera.line1)
    page = agent.get(f"/desk/tickets/{ticket.number}/").content.decode()
    url = f"/desk/tickets/{ticket.number}/messages/{answer.pk}/quoted/"
    entry = page[page.index(f'id="message-{answer.pk}"') :]
    entry = entry[: entry.index("</article>")]
    assert re.search(rf'<details class="quoted" hx-get="{re.escape(url)}" hx-trigger="toggle once"', entry)
    assert f'<a href="{url}">Show the quoted history</a>' in entry
    assert "we have sent your e-tickets" not in entry  # fetched when unfolded, not with the page

    response = agent.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "we have sent your e-tickets to anna@customer.example again." in html
    assert "Thank you, the tickets arrived" not in html  # the new text is on the page already
    assert "<script" not in html


def test_a_message_without_left_out_history_has_no_fold_and_no_address(answered, client, mail_cast):
    ticket, answer = answered
    first = Message.objects.filter(ticket=ticket).order_by("id").first()
    agent = _agent(client, mail_cast.opera.line1)
    page = agent.get(f"/desk/tickets/{ticket.number}/").content.decode()
    entry = page[page.index(f'id="message-{first.pk}"') :]
    assert "Show the quoted history" not in entry[: entry.index("</article>")]
    assert agent.get(f"/desk/tickets/{ticket.number}/messages/{first.pk}/quoted/").status_code == 404
    assert agent.get(f"/desk/tickets/{ticket.number}/messages/{answer.pk + 999}/quoted/").status_code == 404


def test_another_brands_agent_gets_404_and_a_signed_out_visitor_the_sign_in(answered, client, mail_cast):
    ticket, answer = answered
    url = f"/desk/tickets/{ticket.number}/messages/{answer.pk}/quoted/"
    assert _agent(client, mail_cast.tours.line1).get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
