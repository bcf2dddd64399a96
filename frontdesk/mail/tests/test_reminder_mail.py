"""The reminder: a customer who leaves a request waiting gets one mail per ``reminder_sent`` event, in their
language, threaded like a reply, saying when the request will be solved without an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.consumers import send_ticket_mail
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel, EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.events import record_event
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.actors import SYSTEM, actor_for


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


@pytest.fixture
def waiting(cast, run):
    """A request the agent answered with a question and left waiting for the customer."""
    ticket = run(cast.opera.ticket, "Which seats?")
    run(
        actions.reply_to_ticket,
        ticket,
        actor=actor_for(cast.opera.line1),
        body=make_body(text="Which row would you like?"),
        status=Status.PENDING_CUSTOMER,
    )
    mail.outbox.clear()
    return ticket


def _remind(run, ticket, **data):
    """What the schedule records on a request the customer left waiting (``days``: how long they are silent)."""
    run(record_event, ticket, EventKind.REMINDER_SENT, actor=SYSTEM, data={"days": 3, **data})
    return TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REMINDER_SENT).latest("id")


def _speaks(customer, language):
    customer.language = language
    customer.save(update_fields=["language"])


def test_the_reminder_asks_for_an_answer_and_names_the_days_left(cast, run, waiting):
    _speaks(cast.opera.customer, "en")
    brand = cast.opera.brand
    brand.pending_close_days = 4
    brand.save(update_fields=["pending_close_days"])

    _remind(run, waiting)

    [sent] = mail.outbox
    assert sent.to == [cast.opera.customer.email]
    assert sent.subject == f"We are waiting for your answer: Which seats? [{waiting.number}]"
    assert "Which row would you like?" in sent.body  # the question we are waiting on
    assert f"/portal/opera/tickets/{waiting.number}/" in sent.body
    assert "close it in 4 days." in sent.body
    assert "close it in 4 days." in sent.alternatives[0].content
    outbound = OutboundMessage.objects.get(kind=OutboundKind.REMINDER)
    assert outbound.is_automatic
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_reminder_threads_after_the_mail_the_customer_got_on_the_request(cast, run, waiting):
    reply = OutboundMessage.objects.get(kind=OutboundKind.REPLY)
    _remind(run, waiting)
    [sent] = mail.outbox
    assert sent.extra_headers["In-Reply-To"] == f"<{reply.message_id}>"
    assert f"<{reply.message_id}>" in sent.extra_headers["References"]
    assert sent.extra_headers["X-Frontdesk-Ticket"] == waiting.number


def test_the_days_the_event_recorded_win_and_zero_leaves_the_sentence_out(cast, run, waiting):
    _speaks(cast.opera.customer, "en")
    _remind(run, waiting, close_days=1)
    assert "close it in 1 day." in mail.outbox[-1].body
    _remind(run, waiting, close_days=0)
    assert "close it" not in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("language", "subject", "days"),
    [
        ("en", "We are waiting for your answer", "close it in 2 days."),
        ("ru", "Мы ждём вашего ответа", "закроем его через 2 дня."),
        ("pl", "Czekamy na Twoją odpowiedź", "zamkniemy je za 2 dni."),
    ],
)
def test_the_reminder_is_in_the_customers_language(cast, run, waiting, language, subject, days):
    _speaks(cast.opera.customer, language)
    _remind(run, waiting, close_days=2)
    [sent] = mail.outbox
    assert sent.subject.startswith(subject)
    assert days in sent.body
    assert OutboundMessage.objects.get(kind=OutboundKind.REMINDER).language == language


def test_running_the_consumer_again_sends_no_second_reminder(cast, run, waiting):
    event = _remind(run, waiting)
    run(send_ticket_mail, event)
    run(send_ticket_mail, event)
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.filter(event=event).count() == 1


def test_a_suppressed_address_gets_no_reminder(cast, run, waiting):
    Suppression.objects.create(
        brand=cast.opera.brand,
        address=cast.opera.customer.email.lower(),
        until=timezone.now() + timedelta(days=1),
    )
    _remind(run, waiting)
    assert mail.outbox == []
    outbound = OutboundMessage.objects.get(kind=OutboundKind.REMINDER)
    assert (outbound.status, outbound.reason) == (OutboundStatus.SKIPPED, "suppressed")


def test_chat_customers_get_no_reminder_by_mail(cast, run):
    ticket = run(
        actions.create_ticket,
        cast.opera.brand,
        actor=SYSTEM,
        customer=cast.opera.customer,
        subject="Chat",
        body=make_body(text="Hi"),
        channel=Channel.CHAT,
    )
    mail.outbox.clear()
    _remind(run, ticket)
    assert mail.outbox == []
    assert not OutboundMessage.objects.filter(kind=OutboundKind.REMINDER).exists()
