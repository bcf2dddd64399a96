"""Answering from the ticket page: reply or internal note, attachments, a status with the reply, a post made on
an outdated page, and who may post."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import AuthorKind, MessageKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from frontdesk.users.actors import actor_for

HTMX = {"HTTP_HX_REQUEST": "true"}


def _ticket(cast):
    """A ticket whose creation the worker has handled already (its acknowledgement is not this page's business:
    a dispatcher takes every waiting event along with the one it was rung for)."""
    ticket = cast.opera.ticket()
    TicketEvent.objects.filter(ticket=ticket).update(dispatched_at=timezone.now())
    return ticket


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _post_url(ticket):
    return f"/desk/tickets/{ticket.number}/messages/"


def _form(ticket, body="Your e-tickets are on their way.", **extra):
    return {"kind": "reply", "body": body, "status": "", "version": ticket.version, **extra}


def _messages(ticket, kind=None):
    """What the agents posted: the customer's first message is left out."""
    qs = Message.objects.filter(ticket=ticket).exclude(author_kind=AuthorKind.CUSTOMER)
    return qs.filter(kind=kind) if kind else qs


@pytest.fixture
def agent_client(cast, client):
    return _sign_in(client, cast.opera.line1)


def test_a_reply_is_mailed_to_the_customer_with_the_ticket_number(
    cast, agent_client, django_capture_on_commit_callbacks
):
    ticket = _ticket(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(_post_url(ticket), _form(ticket), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    reply = _messages(ticket, MessageKind.REPLY).get()
    assert reply.body_text == "Your e-tickets are on their way."
    assert reply.author_id == cast.opera.line1.pk
    # The new timeline carries the reply, its mail line as queued, and a fresh composer.
    assert f'id="message-{reply.pk}"' in html
    message_html = html[html.index(f'id="message-{reply.pk}"') :]
    assert "Mail to customer@opera-mail.example:" in message_html
    assert "queued" in message_html
    ticket.refresh_from_db()
    assert f'name="version" value="{ticket.version}"' in html
    assert re.search(r"<textarea[^>]*>\s*</textarea>", html)
    # A new ticket becomes open with the first reply; the worker sent the mail.
    assert ticket.status == Status.OPEN
    [sent] = mail.outbox
    assert sent.to == ["customer@opera-mail.example"]
    assert ticket.number in sent.subject
    assert "Your e-tickets are on their way." in sent.body
    outbound = OutboundMessage.objects.get(ticket=ticket, kind=OutboundKind.REPLY)
    assert outbound.source_message_id == reply.pk
    assert outbound.status == OutboundStatus.SENT


def test_without_htmx_a_reply_redirects_to_the_new_message(cast, agent_client):
    ticket = _ticket(cast)
    response = agent_client.post(_post_url(ticket), _form(ticket))
    reply = _messages(ticket, MessageKind.REPLY).get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/#message-{reply.pk}"
    page = agent_client.get(response["Location"]).content.decode()
    assert "Your e-tickets are on their way." in page
    assert "queued" in page


def test_an_internal_note_sends_nothing(cast, agent_client, django_capture_on_commit_callbacks):
    ticket = _ticket(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            _post_url(ticket), _form(ticket, kind="note", body="Payment checked: it went through."), **HTMX
        )
    assert response.status_code == 200
    note = _messages(ticket, MessageKind.NOTE).get()
    assert note.body_text == "Payment checked: it went through."
    html = response.content.decode()
    note_html = html[html.index(f'id="message-{note.pk}"') :]
    note_html = note_html[: note_html.index("</article>")]
    assert "Internal note" in note_html
    assert "Mail to" not in note_html
    assert mail.outbox == []
    assert not OutboundMessage.objects.filter(ticket=ticket, kind=OutboundKind.REPLY).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_attachments_are_stored_with_the_message(cast, agent_client):
    ticket = _ticket(cast)
    files = [
        SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice", content_type="application/pdf"),
        SimpleUploadedFile("seats.txt", b"Row 5, seats 12-13", content_type="text/plain"),
    ]
    response = agent_client.post(_post_url(ticket), _form(ticket, attachments=files), **HTMX)
    assert response.status_code == 200
    reply = _messages(ticket, MessageKind.REPLY).get()
    stored = {a.filename: a for a in Attachment.objects.filter(message=reply)}
    assert set(stored) == {"invoice.pdf", "seats.txt"}
    with stored["seats.txt"].file.open("rb") as handle:
        assert handle.read() == b"Row 5, seats 12-13"
    assert stored["invoice.pdf"].content_type == "application/pdf"
    html = response.content.decode()
    for attachment in stored.values():
        assert f"/desk/tickets/{ticket.number}/attachments/{attachment.pk}/" in html


def test_a_status_is_set_with_the_reply(cast, agent_client):
    ticket = _ticket(cast)
    response = agent_client.post(_post_url(ticket), _form(ticket, status=Status.PENDING_CUSTOMER), **HTMX)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert _messages(ticket, MessageKind.REPLY).count() == 1
    assert "changed the status from New to Pending customer" in response.content.decode()


def test_a_status_the_workflow_refuses_is_a_form_error_and_nothing_is_sent(cast, agent_client):
    ticket = _ticket(cast)
    ticket = ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.SOLVED)
    response = agent_client.post(_post_url(ticket), _form(ticket, status=Status.PENDING_CUSTOMER), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "A ticket cannot go from solved to pending_customer." in html
    assert "Your e-tickets are on their way." in html  # the text is kept
    assert _messages(ticket, MessageKind.REPLY).count() == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_a_closed_ticket_cannot_be_answered(cast, agent_client):
    ticket = _ticket(cast)
    ticket = ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.CLOSED)
    response = agent_client.post(_post_url(ticket), _form(ticket))
    assert response.status_code == 422
    assert "The ticket is closed; open a new request instead." in response.content.decode()
    assert _messages(ticket, MessageKind.REPLY).count() == 0


def test_a_reply_on_an_outdated_page_warns_and_is_sent_once_confirmed(
    cast, agent_client, django_capture_on_commit_callbacks
):
    ticket = _ticket(cast)
    seen_version = ticket.version
    # A colleague changes the ticket while the agent is writing.
    ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line2), status=Status.PENDING_THIRD_PARTY)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(_post_url(ticket), _form(ticket, version=seen_version), **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The ticket changed while you were writing." in html
    assert "changed the status from New to Pending third party" in html  # the new timeline
    assert "Your e-tickets are on their way." in html  # the text is kept
    assert "Send anyway" in html
    assert _messages(ticket, MessageKind.REPLY).count() == 0
    assert mail.outbox == []
    current = Ticket.objects.get(pk=ticket.pk).version
    assert current != seen_version
    assert f'name="version" value="{current}"' in html
    # Sending again, with the version the warning showed, confirms.
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(_post_url(ticket), _form(ticket, version=current), **HTMX)
    assert response.status_code == 200
    assert _messages(ticket, MessageKind.REPLY).count() == 1
    assert len(mail.outbox) == 1


def test_without_htmx_an_outdated_page_comes_back_whole(cast, agent_client):
    ticket = _ticket(cast)
    seen_version = ticket.version
    ticket_actions.add_note(
        ticket, actor=actor_for(cast.opera.line2), body=make_body(text="Called the bank.")
    )
    response = agent_client.post(_post_url(ticket), _form(ticket, version=seen_version))
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html
    assert "Called the bank." in html
    assert "The ticket changed while you were writing." in html


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Write a message first."), ("   \n  ", "The message is empty.")],
)
def test_an_empty_body_is_a_form_error(cast, agent_client, body, error):
    ticket = _ticket(cast)
    response = agent_client.post(_post_url(ticket), _form(ticket, body=body), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert error in html
    assert 'class="errorlist' in html
    assert _messages(ticket).count() == 0


def test_too_many_attachments_are_a_form_error(cast, agent_client):
    ticket = _ticket(cast)
    files = [SimpleUploadedFile(f"f{i}.txt", b"x", content_type="text/plain") for i in range(21)]
    response = agent_client.post(_post_url(ticket), _form(ticket, attachments=files), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Attach at most 20 files to one message." in html
    assert "Choose the files again" in html
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_a_too_large_attachment_is_a_form_error(cast, agent_client, settings):
    settings.FRONTDESK_MAX_ATTACHMENT_BYTES = 1000
    ticket = _ticket(cast)
    files = [
        SimpleUploadedFile("small.txt", b"x" * 10, content_type="text/plain"),
        SimpleUploadedFile("scan.pdf", b"x" * 1001, content_type="application/pdf"),
    ]
    response = agent_client.post(_post_url(ticket), _form(ticket, attachments=files), **HTMX)
    assert response.status_code == 422
    assert "scan.pdf: larger than 1000\xa0bytes, the most one file may be." in response.content.decode()
    assert _messages(ticket).count() == 0


def test_a_note_cannot_set_a_status(cast, agent_client):
    ticket = _ticket(cast)
    response = agent_client.post(_post_url(ticket), _form(ticket, kind="note", status=Status.SOLVED), **HTMX)
    assert response.status_code == 422
    assert "A status is set with a reply only" in response.content.decode()
    assert _messages(ticket, MessageKind.NOTE).count() == 0


def test_agent_of_another_brand_gets_404(cast, client):
    ticket = _ticket(cast)
    _sign_in(client, cast.tours.line1)
    assert client.post(_post_url(ticket), _form(ticket), **HTMX).status_code == 404
    assert client.post(_post_url(ticket), _form(ticket, kind="note")).status_code == 404
    assert _messages(ticket).count() == 0


@pytest.mark.parametrize("who", ["customer", "outsider"])
def test_a_customer_or_an_outsider_cannot_post(cast, client, who):
    ticket = _ticket(cast)
    user = cast.opera.customer_user if who == "customer" else cast.outsider
    _sign_in(client, user)
    assert client.post(_post_url(ticket), _form(ticket), **HTMX).status_code == 404
    assert _messages(ticket).count() == 0


def test_an_anonymous_visitor_is_sent_to_sign_in(cast, client):
    ticket = _ticket(cast)
    response = client.post(_post_url(ticket), _form(ticket))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _messages(ticket).count() == 0


def test_posting_needs_the_csrf_token(cast):
    ticket = _ticket(cast)
    client = _sign_in(Client(enforce_csrf_checks=True), cast.opera.line1)
    assert client.post(_post_url(ticket), _form(ticket)).status_code == 403
    assert _messages(ticket).count() == 0
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(_post_url(ticket), _form(ticket, csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert _messages(ticket).count() == 1


def test_posting_is_only_a_post(cast, agent_client):
    ticket = _ticket(cast)
    assert agent_client.get(_post_url(ticket)).status_code == 405


def test_the_page_shows_the_composer_with_the_ticket_version(cast, agent_client):
    ticket = _ticket(cast)
    html = agent_client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'hx-post="{_post_url(ticket)}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'name="version" value="{ticket.version}"' in html
    for text in ("Reply to customer", "Internal note", "Send and set the status", "Pending customer"):
        assert text in html


def test_the_composer_is_translated(cast, agent_client):
    user = cast.opera.line1
    user.language = "pl"
    user.save(update_fields=["language"])
    ticket = _ticket(cast)
    html = agent_client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Odpowiedź dla klienta" in html
    assert "Notatka wewnętrzna" in html
    response = agent_client.post(_post_url(ticket), _form(ticket, body=""), **HTMX)
    assert "Najpierw napisz wiadomość." in response.content.decode()


def test_a_reply_runs_a_fixed_number_of_queries(cast, agent_client, count_queries):
    ticket = _ticket(cast)
    agent_client.get(f"/desk/tickets/{ticket.number}/")  # warms the cached actor and the session
    with count_queries(20):
        response = agent_client.post(
            _post_url(ticket),
            _form(ticket, attachments=[SimpleUploadedFile("a.txt", b"a", content_type="text/plain")]),
            **HTMX,
        )
    assert response.status_code == 200


def test_the_reply_box_does_not_mail_a_customer_who_is_in_the_chat(
    cast, agent_client, django_capture_on_commit_callbacks
):
    """While a chat goes on the customer is on the page: the reply box says to answer in the chat instead of
    mailing them; a note is fine; once the chat has ended the reply box mails as on any ticket."""
    from frontdesk.chat import actions as chat_actions
    from frontdesk.chat.choices import Sender
    from frontdesk.chat.models import ChatSettings

    chat = ChatSettings.objects.create(
        brand=cast.opera.brand, is_enabled=True, allowed_origins=["https://www.opera.example"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        session = chat_actions.start_session(
            chat,
            token="tok-live",
            client_id="c1",
            text="Where are my tickets?",
            email="visitor@opera-mail.example",
        ).message.session
        chat_actions.accept_session(session, actor=actor_for(cast.opera.line1))
    ticket = Ticket.objects.get(pk=session.ticket_id)
    mails = OutboundMessage.objects.filter(ticket=ticket).count()

    page = agent_client.post(_post_url(ticket), _form(ticket), **HTMX)
    assert page.status_code == 422
    assert "answer the customer in the chat panel" in page.content.decode()
    assert not _messages(ticket, MessageKind.REPLY).exclude(channel="chat").exists()
    note = agent_client.post(
        _post_url(ticket), _form(ticket, kind="note", body="Seen in the booking."), **HTMX
    )
    assert note.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        chat_actions.end_session(session, by=Sender.VISITOR)
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sent = agent_client.post(_post_url(ticket), _form(ticket, body="Here they are again."), **HTMX)
    assert sent.status_code == 200
    assert _messages(ticket, MessageKind.REPLY).filter(body_text__contains="Here they are again.").exists()
    assert OutboundMessage.objects.filter(ticket=ticket).count() == mails + 1
