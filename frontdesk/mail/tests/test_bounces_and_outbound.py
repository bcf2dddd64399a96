"""Bounces find the mail we sent; sending retries transient failures and never sends a mail twice."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from frontdesk.mail import outbound as outbound_module
from frontdesk.mail.actions import retry_outbound_message
from frontdesk.mail.choices import InboundStatus, OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.mail.outbound import send_outbound
from frontdesk.mail.tasks import sweep_mail
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.tickets.models import Ticket, TicketEvent


def _dsn(original_id: str, recipient: str, status: str = "5.1.1") -> bytes:
    action = "failed" if status.startswith("5") else "delayed"
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>\r\n"
        "To: support@opera.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.customer.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.customer.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} User unknown\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: <{original_id}>\r\nTo: {recipient}\r\nSubject: We received your request\r\n"
        "\r\n--B--\r\n"
    ).encode()


def test_permanent_bounce_is_shown_on_the_ticket_and_suppresses_the_address(mail_cast, pipe):
    pipe(make_mail(frm="gone@customer.example"), "--brand", "opera")
    ack = OutboundMessage.objects.get()
    assert ack.status == OutboundStatus.SENT
    bounce = pipe(_dsn(ack.message_id, "gone@customer.example"), "--brand", "opera")
    bounce.refresh_from_db()
    assert bounce.status == InboundStatus.INGESTED
    assert bounce.reason == "bounce"
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.BOUNCED
    ticket = Ticket.objects.get()
    event = TicketEvent.objects.filter(ticket=ticket, kind="mail_bounced").get()
    assert event.data["permanent"] is True
    assert Suppression.objects.filter(brand=mail_cast.opera.brand, address="gone@customer.example").exists()
    # No ticket from the bounce, and no automatic mail to the address any more.
    pipe(make_mail(frm="gone@customer.example", subject="Another question"), "--brand", "opera")
    assert Ticket.objects.count() == 2
    latest = OutboundMessage.objects.order_by("-id").first()
    assert latest.status == OutboundStatus.SKIPPED
    assert latest.reason == "suppressed"
    assert len(mail.outbox) == 1


def test_a_bounce_for_mail_we_never_sent_is_ignored(mail_cast, pipe):
    inbound = pipe(_dsn("unknown@elsewhere.example", "x@customer.example"), "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.IGNORED
    assert inbound.reason == "unmatched_bounce"
    assert not Ticket.objects.exists()


def test_a_bounce_in_one_brand_does_not_touch_the_other_brands_mail(mail_cast, pipe):
    pipe(make_mail(frm="gone@customer.example"), "--brand", "opera")
    ack = OutboundMessage.objects.get()
    inbound = pipe(_dsn(ack.message_id, "gone@customer.example"), "--brand", "opera-tours")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.IGNORED
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.SENT
    assert not Suppression.objects.exists()


def test_acknowledgements_per_sender_are_capped(mail_cast, pipe, settings):
    settings.FRONTDESK_MAIL_ACKS_PER_HOUR = 2
    for n in range(3):
        pipe(make_mail(frm="anna@customer.example", subject=f"Question {n}"), "--brand", "opera")
    assert Ticket.objects.count() == 3
    assert len(mail.outbox) == 2
    assert OutboundMessage.objects.filter(reason="rate_cap").count() == 1


def test_web_ticket_by_a_customer_is_acknowledged_in_their_language(
    mail_cast, django_capture_on_commit_callbacks
):
    opera = mail_cast.opera
    opera.customer.language = "pl"
    opera.customer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = opera.ticket()
    [ack] = mail.outbox
    assert ack.to == [opera.customer.email]
    assert "Otrzymaliśmy" in ack.subject
    assert ticket.number in ack.body


def _queue_ack(mail_cast, pipe, monkeypatch, error):
    """A new mail whose acknowledgement fails to send with ``error``."""

    def failing_send(self, fail_silently=False):
        raise error

    monkeypatch.setattr(outbound_module.EmailMultiAlternatives, "send", failing_send)
    pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    monkeypatch.undo()
    return OutboundMessage.objects.get(kind=OutboundKind.ACKNOWLEDGEMENT)


def test_a_transient_failure_is_retried_later(mail_cast, pipe, monkeypatch):
    ack = _queue_ack(mail_cast, pipe, monkeypatch, smtplib.SMTPServerDisconnected("gone"))
    assert ack.status == OutboundStatus.PENDING
    assert ack.attempts == 1
    assert ack.next_attempt_at > timezone.now()
    assert "gone" in ack.last_error
    # Not due yet: nothing happens.
    assert send_outbound(ack.pk) == ""
    OutboundMessage.objects.filter(pk=ack.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    sweep_mail.call_local()
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.SENT
    assert len(mail.outbox) == 1


def test_a_permanent_failure_is_recorded_and_not_retried(mail_cast, pipe, monkeypatch):
    error = smtplib.SMTPRecipientsRefused({"anna@customer.example": (550, b"no such user")})
    ack = _queue_ack(mail_cast, pipe, monkeypatch, error)
    assert ack.status == OutboundStatus.FAILED
    assert "no such user" in ack.last_error
    sweep_mail.call_local()
    assert mail.outbox == []


def test_retries_stop_after_the_retry_window(mail_cast, pipe, monkeypatch, settings):
    ack = _queue_ack(mail_cast, pipe, monkeypatch, ConnectionRefusedError("refused"))
    OutboundMessage.objects.filter(pk=ack.pk).update(
        created_at=timezone.now() - timedelta(hours=25), next_attempt_at=timezone.now()
    )
    monkeypatch.setattr(
        outbound_module.EmailMultiAlternatives,
        "send",
        lambda self, fail_silently=False: (_ for _ in ()).throw(OSError("down")),
    )
    assert send_outbound(ack.pk) == OutboundStatus.FAILED


def test_a_worker_that_died_while_sending_does_not_send_again(
    mail_cast, pipe, monkeypatch, django_capture_on_commit_callbacks
):
    ack = _queue_ack(mail_cast, pipe, monkeypatch, smtplib.SMTPServerDisconnected("gone"))
    # The state a crash between "sending" and "sent" leaves behind.
    OutboundMessage.objects.filter(pk=ack.pk).update(
        status=OutboundStatus.SENDING, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    sweep_mail.call_local()
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.UNCERTAIN
    assert send_outbound(ack.pk) == ""
    assert mail.outbox == []
    # An agent may send it again: the same Message-ID goes out.
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_outbound_message(ack)
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.SENT
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{ack.message_id}>"


def test_dispatching_the_same_event_twice_plans_one_mail(mail_cast, pipe):
    from frontdesk.mail.consumers import send_ticket_mail

    pipe(make_mail(frm="anna@customer.example"), "--brand", "opera")
    event = TicketEvent.objects.get(kind="created")
    send_ticket_mail(event)
    send_ticket_mail(event)
    assert OutboundMessage.objects.count() == 1
    assert len(mail.outbox) == 1
