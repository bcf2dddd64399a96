"""The ticket page: one timeline, the delivery of every mail we sent, "send again", and who may see it."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import CallDirection, Status
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.escalation import WorkLog, escalate_ticket
from frontdesk.users.actors import actor_for

REFUSED = smtplib.SMTPRecipientsRefused({"customer@opera-mail.example": (550, b"5.1.1 no such mailbox")})


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _url(ticket):
    return f"/desk/tickets/{ticket.number}/"


@pytest.fixture
def failing_smtp(monkeypatch):
    """The mail server refuses the recipient until ``undo`` is called."""

    def refuse(self, fail_silently=False):
        raise REFUSED

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    return monkeypatch


@pytest.fixture
def ticket_with_failed_mail(cast, failing_smtp, django_capture_on_commit_callbacks):
    """A web request whose acknowledgement the mail server refused for good."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket("Tickets for Tosca")
    failing_smtp.undo()
    ack = OutboundMessage.objects.get(ticket=ticket)
    assert ack.kind == OutboundKind.ACKNOWLEDGEMENT
    assert ack.status == OutboundStatus.FAILED
    return ticket


def test_agent_sees_the_timeline_and_a_failed_mail_with_its_reason(cast, client, ticket_with_failed_mail):
    ticket = ticket_with_failed_mail
    agent = actor_for(cast.opera.line1)
    ticket_actions.add_note(ticket, actor=agent, body=make_body(text="Checked the payment: it went through."))
    ticket_actions.log_call(
        ticket,
        actor=agent,
        direction=CallDirection.OUTBOUND,
        duration_seconds=125,
        body=make_body(text="Called the customer back."),
    )
    ticket_actions.change_status(ticket, actor=agent, status=Status.PENDING_CUSTOMER)
    escalate_ticket(
        ticket,
        actor=agent,
        worklog=WorkLog(diagnosis="Tickets stuck in the print queue", steps_taken="Resent twice"),
    )
    page = _sign_in(client, cast.opera.line1).get(_url(ticket))
    assert page.status_code == 200
    html = page.content.decode()
    # Header.
    for text in ("Tickets for Tosca", ticket.number, "Opera Box Office", "customer@opera-mail.example"):
        assert text in html
    # Timeline, in time order.
    order = [
        html.index("opened the ticket"),
        html.index("Hello, my e-tickets did not arrive."),
        html.index("Checked the payment"),
        html.index("Called the customer back."),
        html.index("changed the status from New to Pending customer"),
        html.index("escalated the ticket from line 1 to line 2"),
    ]
    assert order == sorted(order)
    assert "Internal note" in html
    assert "2 min 05 s" in html
    assert "Tickets stuck in the print queue" in html
    # The failed acknowledgement sits on the first message, with its reason and a button.
    assert "failed: " in html
    # What the mail server said, as a person reads it (not Python's representation of the error).
    assert "customer@opera-mail.example: 550 5.1.1 no such mailbox" in html
    assert "b&#x27;" not in html
    assert "Send again" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_page_is_translated(cast, client, ticket_with_failed_mail):
    user = cast.opera.line1
    user.language = "ru"
    user.save(update_fields=["language"])
    html = _sign_in(client, user).get(_url(ticket_with_failed_mail)).content.decode()
    assert "Отправить снова" in html
    assert "заявка открыта" in html


def test_send_again_queues_the_mail_and_the_worker_sends_it(
    cast, client, ticket_with_failed_mail, django_capture_on_commit_callbacks
):
    ticket = ticket_with_failed_mail
    ack = OutboundMessage.objects.get(ticket=ticket)
    _sign_in(client, cast.opera.line1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{_url(ticket)}mail/{ack.pk}/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.PENDING
    assert ack.claimed_until is None
    assert f'id="delivery-{ack.pk}"' in response.content.decode()
    assert "queued" in response.content.decode()
    assert mail.outbox == []
    # After commit the send is queued; the worker (immediate mode) sends it with the same Message-ID.
    for callback in callbacks:
        callback()
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{ack.message_id}>"
    assert "sent " in client.get(_url(ticket)).content.decode()


def test_send_again_without_htmx_returns_to_the_page(
    cast, client, ticket_with_failed_mail, django_capture_on_commit_callbacks
):
    ack = OutboundMessage.objects.get(ticket=ticket_with_failed_mail)
    _sign_in(client, cast.opera.line1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{_url(ticket_with_failed_mail)}mail/{ack.pk}/retry/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#delivery-{ack.pk}")
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.SENT


def test_send_again_needs_the_csrf_token(cast, ticket_with_failed_mail):
    from django.test import Client

    client = _sign_in(Client(enforce_csrf_checks=True), cast.opera.line1)
    ack = OutboundMessage.objects.get(ticket=ticket_with_failed_mail)
    assert client.post(f"{_url(ticket_with_failed_mail)}mail/{ack.pk}/retry/").status_code == 403
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.FAILED


def test_a_sent_mail_is_not_sent_again(cast, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket()
    ack = OutboundMessage.objects.get(ticket=ticket)
    assert ack.status == OutboundStatus.SENT
    html = _sign_in(client, cast.opera.line1).get(_url(ticket)).content.decode()
    assert "Send again" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{_url(ticket)}mail/{ack.pk}/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert len(mail.outbox) == 1


def test_agent_of_another_brand_gets_404_for_the_ticket_and_its_mail(cast, client, ticket_with_failed_mail):
    ticket = ticket_with_failed_mail
    ack = OutboundMessage.objects.get(ticket=ticket)
    _sign_in(client, cast.tours.line1)
    assert client.get(_url(ticket)).status_code == 404
    assert client.post(f"{_url(ticket)}mail/{ack.pk}/retry/", HTTP_HX_REQUEST="true").status_code == 404
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.FAILED


def test_a_mail_of_another_ticket_is_404(cast, client, ticket_with_failed_mail):
    ack = OutboundMessage.objects.get(ticket=ticket_with_failed_mail)
    other = cast.opera.ticket("Another question")
    response = _sign_in(client, cast.opera.line1).post(f"{_url(other)}mail/{ack.pk}/retry/")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["customer", "outsider"])
def test_a_customer_or_an_outsider_cannot_open_the_ticket(cast, client, who):
    ticket = cast.opera.ticket()
    user = cast.opera.customer_user if who == "customer" else cast.outsider
    _sign_in(client, user)
    assert client.get(_url(ticket)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(cast, client):
    ticket = cast.opera.ticket()
    response = client.get(_url(ticket))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_unknown_number_is_404(cast, client):
    assert _sign_in(client, cast.opera.line1).get("/desk/tickets/OPR-99-999999/").status_code == 404


def test_the_provider_admin_sees_every_brand(cast, client):
    ticket = cast.tours.ticket()
    assert _sign_in(client, cast.provider_admin).get(_url(ticket)).status_code == 200


def test_attachments_download_only_for_agents_of_the_brand(cast, client):
    ticket = cast.opera.ticket()
    message = ticket_actions.add_note(
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="The receipt."),
        attachments=[AttachmentIn("receipt.html", "text/html", b"<script>alert(1)</script>")],
    )
    attachment = message.attachments.get()
    url = f"{_url(ticket)}attachments/{attachment.pk}/"
    html = _sign_in(client, cast.opera.line1).get(_url(ticket)).content.decode()
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    client.logout()
    assert _sign_in(client, cast.tours.line1).get(url).status_code == 404


def test_quoted_history_of_a_mail_is_folded(cast, client):
    ticket = cast.opera.ticket()
    ticket_actions.reply_to_ticket(
        ticket,
        actor=actor_for(cast.opera.customer_user),
        body=make_body(
            html="<p>Still nothing arrived.</p><p>On Mon, 2 Mar 2026 Opera wrote:</p>"
            "<blockquote><p>We are looking into it.</p></blockquote>"
        ),
    )
    html = _sign_in(client, cast.opera.line1).get(_url(ticket)).content.decode()
    details = html.index("<details")
    assert html.index("Still nothing arrived.") < details < html.index("We are looking into it.")
    assert details < html.index("On Mon, 2 Mar 2026 Opera wrote:")


def test_the_page_runs_the_same_queries_for_few_and_many_messages(
    cast, client, count_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)

    def add(n):
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text=f"Reply {i}"))
                ticket_actions.add_note(
                    ticket,
                    actor=agent,
                    body=make_body(text=f"Note {i}"),
                    attachments=[AttachmentIn(f"n{i}.txt", "text/plain", b"x")],
                )

    _sign_in(client, cast.opera.line1)
    add(1)
    client.get(_url(ticket))  # warms the cached actor and the session
    with count_queries() as few:
        assert client.get(_url(ticket)).status_code == 200
    add(10)
    assert OutboundMessage.objects.filter(ticket=ticket).count() == 12
    with count_queries(len(few)):
        html = client.get(_url(ticket)).content.decode()
    assert "Reply 9" in html
    assert "Note 9" in html


def test_the_ticket_shows_its_service_level_clocks_with_their_state(cast, client):
    from datetime import timedelta

    from django.utils import timezone

    from frontdesk.tickets.models import Ticket

    ticket = cast.opera.ticket()
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due_at=now - timedelta(minutes=3),
        resolution_due_at=now + timedelta(hours=5),
        sla_due_at=now - timedelta(minutes=3),
        sla_warn_at=now - timedelta(minutes=10),
    )
    client.force_login(cast.opera.line1)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "First response due" in page
    assert 'class="sla overdue"' in page
    assert "Resolution due" in page
    assert 'class="sla on-time"' in page
    assert "Next response due" not in page  # no such clock running


def test_the_tickets_tags_are_shown_in_its_facts(cast, client):
    from frontdesk.tickets.models import Ticket

    ticket = cast.opera.ticket("The usher was rude")
    Ticket.objects.filter(pk=ticket.pk).update(tags=["negative-mention", "vip"])
    plain = cast.opera.ticket("Seats")
    client.force_login(cast.opera.line1)

    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()

    assert '<dd class="tags"><span class="tag">negative-mention</span> <span class="tag">vip</span>' in page
    assert 'class="tags"' not in client.get(f"/desk/tickets/{plain.number}/").content.decode()


def test_the_tickets_category_is_shown_in_its_facts(cast, client):
    from frontdesk.tickets.models import Category, Ticket

    category = Category.objects.create(brand=cast.opera.brand, name="Refunds")
    ticket = cast.opera.ticket("Money back")
    Ticket.objects.filter(pk=ticket.pk).update(category=category)
    plain = cast.opera.ticket("Seats")
    client.force_login(cast.opera.line1)

    assert (
        '<dd class="category">Refunds</dd>' in client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    )
    assert '<dd class="category">—</dd>' in client.get(f"/desk/tickets/{plain.number}/").content.decode()


def test_the_timeline_escapes_what_people_wrote_and_keeps_its_line_breaks(cast, client):
    ticket = cast.opera.ticket()
    customer = ticket.customer
    customer.name = '<script>alert("name")</script>'
    customer.save(update_fields=["name"])
    agent = actor_for(cast.opera.line1)
    ticket_actions.add_note(
        ticket,
        actor=agent,
        body=make_body(text="See the scan."),
        attachments=[AttachmentIn("scan.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)],
    )
    escalate_ticket(
        ticket,
        actor=agent,
        worklog=WorkLog(
            diagnosis="Seat <b>12</b> & 13\nare double-booked",
            steps_taken="Called the box office",
            request="Refund <i>one</i>",
            minutes_spent=25,
        ),
    )
    html = _sign_in(client, cast.opera.line1).get(_url(ticket)).content.decode()
    assert "<script>alert" not in html
    assert "Seat &lt;b&gt;12&lt;/b&gt; &amp; 13<br>are double-booked" in html
    assert "Refund &lt;i&gt;one&lt;/i&gt;" in html
    assert "25 minutes" in html
    assert 'class="attachment-image"' in html


def test_the_timeline_renders_no_template_per_message(cast, client, django_capture_on_commit_callbacks):
    """The timeline is written by one template tag: the page renders as many templates for 2 messages as for
    20 (it included three or four per message)."""
    from django.test.signals import template_rendered

    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    _sign_in(client, cast.opera.line1)

    def rendered() -> int:
        names: list[str] = []

        def count(sender, template, **kwargs):
            names.append(template.name)

        template_rendered.connect(count)
        try:
            assert client.get(_url(ticket)).status_code == 200
        finally:
            template_rendered.disconnect(count)
        return len(names)

    ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text="Reply 0"))
    few = rendered()
    for i in range(1, 19):
        ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text=f"Reply {i}"))
    assert rendered() == few


def test_the_channel_is_named_on_what_came_in_not_on_notes_and_answers_written_here(cast, client):
    import re

    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    note = ticket_actions.add_note(ticket, actor=agent, body=make_body(text="Checked."))
    reply = ticket_actions.reply_to_ticket(ticket, actor=agent, body=make_body(text="Sent again."))
    html = _sign_in(client, cast.opera.line1).get(_url(ticket)).content.decode()

    def channel_of(message_id):
        entry = html[html.index(f'id="message-{message_id}"') :]
        return re.search(r'<span class="muted">([^<]*)</span>', entry)[1]

    from frontdesk.tickets.models import Message

    first = Message.objects.filter(ticket=ticket).order_by("id").first()
    assert channel_of(first.pk) == "Web form"
    assert channel_of(note.pk) == ""
    assert channel_of(reply.pk) == ""
