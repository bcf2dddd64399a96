"""The rating mail: on solving, the customer gets two signed links to the brand's rating page, in their
language; not for chat, not twice after a rating, not to a suppressed address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel, EventKind, Rating, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import TicketEvent, TicketRating
from frontdesk.tickets.satisfaction import rate_ticket
from frontdesk.users.actors import SYSTEM, actor_for


def _solve(cast, ticket, capture):
    with capture(execute=True):
        actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.SOLVED)


@pytest.fixture
def ticket(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = cast.opera.ticket("Where are my tickets?")
    mail.outbox.clear()
    return ticket


def _links(body):
    return [word for word in body.split() if "/rate/" in word]


def test_solving_sends_the_customer_two_signed_rating_links(cast, ticket, django_capture_on_commit_callbacks):
    _solve(cast, ticket, django_capture_on_commit_callbacks)

    [sent] = mail.outbox
    assert sent.to == [cast.opera.customer.email]
    assert ticket.number in sent.subject
    good, bad = _links(sent.body)
    assert "/portal/opera/rate/" in good
    assert good.endswith("?rating=good")
    assert bad.endswith("?rating=bad")
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    outbound = OutboundMessage.objects.get(event__kind=EventKind.SOLVED)
    assert outbound.ticket_id == ticket.pk

    # The link opens the brand's rating page and rates the ticket.
    path = "/portal/" + bad.split("/portal/", 1)[1]
    response = Client().post(path.split("?")[0], {"rating": Rating.BAD, "comment": "No tickets yet"})
    assert response.status_code == 200
    assert TicketRating.objects.get(ticket=ticket).rating == Rating.BAD


def test_the_mail_is_in_the_customers_language(cast, ticket, django_capture_on_commit_callbacks):
    customer = cast.opera.customer
    customer.language = "ru"
    customer.save(update_fields=["language"])

    _solve(cast, ticket, django_capture_on_commit_callbacks)

    assert "Оцените ответ" in mail.outbox[0].subject


def test_no_rating_mail_once_rated_or_to_a_suppressed_address(
    cast, ticket, django_capture_on_commit_callbacks
):
    _solve(cast, ticket, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        rate_ticket(ticket, actor=actor_for(cast.opera.customer_user), rating=Rating.GOOD)
        actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.OPEN)
    mail.outbox.clear()

    _solve(cast, ticket, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    other = cast.opera.ticket("Second question")
    Suppression.objects.create(
        brand=cast.opera.brand,
        address=cast.opera.customer.email.lower(),
        until=timezone.now() + timedelta(days=1),
    )
    _solve(cast, other, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert OutboundMessage.objects.get(ticket=other, event__kind=EventKind.SOLVED).reason == "suppressed"


def test_chat_customers_are_not_asked_by_mail(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = actions.create_ticket(
            cast.opera.brand,
            actor=SYSTEM,
            customer=cast.opera.customer,
            subject="Chat",
            body=make_body(text="Hi"),
            channel=Channel.CHAT,
        )
    mail.outbox.clear()
    _solve(cast, ticket, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.SOLVED, dispatched_at__isnull=True
    ).exists()
