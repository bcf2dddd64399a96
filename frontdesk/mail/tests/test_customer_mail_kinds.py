"""Each automatic mail to customers, for the event that calls for it: its own kind, once per (event, recipient)
however often the consumer runs, in the customer's language, and kept as skipped for a suppressed address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.consumers import send_ticket_mail
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.tickets import actions
from frontdesk.tickets.access_links import send_ticket_access_link
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.events import record_event
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.actors import SYSTEM, actor_for

SUBJECTS = {
    OutboundKind.STATUS_UPDATE: {
        "en": "We are still working on it",
        "ru": "Мы продолжаем работу",
        "pl": "Nadal nad tym pracujemy",
    },
    OutboundKind.STATUS_CHANGED: {
        "en": "Status of your request: On hold",
        "ru": "Статус вашего обращения: Отложено",
        "pl": "Status Twojego zgłoszenia: Wstrzymane",
    },
    OutboundKind.REMINDER: {
        "en": "We are waiting for your answer",
        "ru": "Мы ждём вашего ответа",
        "pl": "Czekamy na Twoją odpowiedź",
    },
    OutboundKind.SATISFACTION: {"en": "How did we do?", "ru": "Оцените ответ", "pl": "Jak nam poszło?"},
    OutboundKind.ACCESS_LINK: {
        "en": "Your link to request",
        "ru": "Ваша ссылка на обращение",
        "pl": "Twój link do zgłoszenia",
    },
}
EVENTS = {
    OutboundKind.STATUS_UPDATE: EventKind.STATUS_UPDATE,
    OutboundKind.STATUS_CHANGED: EventKind.STATUS_CHANGED,
    OutboundKind.REMINDER: EventKind.REMINDER_SENT,
    OutboundKind.SATISFACTION: EventKind.SOLVED,
    OutboundKind.ACCESS_LINK: EventKind.ACCESS_LINK_SENT,
}


def _trigger(cast, ticket, kind):
    line1 = actor_for(cast.opera.line1)
    if kind == OutboundKind.STATUS_UPDATE:
        record_event(ticket, EventKind.STATUS_UPDATE, actor=SYSTEM, data={"last_answer": "Soon."})
    elif kind == OutboundKind.STATUS_CHANGED:
        actions.change_status(ticket, actor=line1, status=Status.ON_HOLD)
    elif kind == OutboundKind.REMINDER:
        record_event(ticket, EventKind.REMINDER_SENT, actor=SYSTEM, data={"days": 3})
    elif kind == OutboundKind.SATISFACTION:
        actions.change_status(ticket, actor=line1, status=Status.SOLVED)
    else:
        send_ticket_access_link(cast.opera.brand, number=ticket.number, email=cast.opera.customer.email)


@pytest.fixture
def ticket(cast, django_capture_on_commit_callbacks):
    brand = cast.opera.brand
    brand.customer_status_mail = [Status.ON_HOLD]
    brand.save(update_fields=["customer_status_mail"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket("Seats")
    mail.outbox.clear()
    return ticket


@pytest.mark.parametrize("language", ["en", "ru", "pl"])
@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_the_event_plans_its_mail_once_in_the_customers_language(
    cast, ticket, django_capture_on_commit_callbacks, kind, language
):
    customer = cast.opera.customer
    customer.language = language
    customer.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        _trigger(cast, ticket, kind)
    event = TicketEvent.objects.get(ticket=ticket, kind=EVENTS[kind])
    # The consumer runs again (a retry, a second worker): nothing more.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send_ticket_mail(event)

    [outbound] = OutboundMessage.objects.filter(event=event)
    assert (outbound.kind, outbound.language, outbound.status) == (kind, language, OutboundStatus.SENT)
    assert outbound.recipient == customer.email.lower()
    [sent] = mail.outbox
    assert sent.subject.startswith(SUBJECTS[kind][language])
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"  # news the system sends by itself


@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_a_suppressed_address_gets_none_of_them(cast, ticket, django_capture_on_commit_callbacks, kind):
    Suppression.objects.create(
        brand=cast.opera.brand,
        address=cast.opera.customer.email.lower(),
        until=timezone.now() + timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _trigger(cast, ticket, kind)
    assert mail.outbox == []
    [outbound] = OutboundMessage.objects.filter(event__kind=EVENTS[kind])
    assert (outbound.kind, outbound.status, outbound.reason) == (kind, OutboundStatus.SKIPPED, "suppressed")
