"""The ticket page shows what the customer filled in on the portal's form: the request type and the answers to
its custom fields, labelled in the agent's language, and whether the ticket was written to the management."""

from __future__ import annotations

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.request_types import create_request_type
from frontdesk.users.actors import SYSTEM, actor_for


def _desk(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _refund(cast):
    kind = create_request_type(
        cast.opera.brand,
        actor=SYSTEM,
        slug="refund",
        names={"en": "Refund", "ru": "Возврат"},
        fields=[
            {"key": "order_number", "labels": {"en": "Order number", "ru": "Номер заказа"}, "required": True},
            {
                "key": "reason",
                "labels": {"en": "Reason"},
                "kind": "choice",
                "choices": [{"value": "cancelled", "labels": {"en": "Cancelled", "ru": "Отменено"}}],
            },
        ],
    )
    return actions.create_ticket(
        cast.opera.brand,
        actor=actor_for(cast.opera.customer_user),
        customer=cast.opera.customer,
        subject="Refund please",
        body=make_body(text="Cancelled."),
        channel=Channel.WEB,
        request_type=kind,
        custom_fields={"order_number": "A-77", "reason": "cancelled"},
    )


def test_the_agent_sees_the_request_type_and_the_answers_in_their_language(cast, client):
    ticket = _refund(cast)
    page = _desk(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/", HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd class="request-type">Возврат</dd>' in html
    assert '<dt>Номер заказа</dt><dd class="request-answer">A-77</dd>' in html
    assert '<dd class="request-answer">Отменено</dd>' in html


def test_a_ticket_without_a_type_shows_none_and_the_other_brand_gets_404(cast, client):
    ticket = cast.opera.ticket()
    html = _desk(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "request-type" not in html
    client.logout()
    assert _desk(client, cast.tours.line1).get(f"/desk/tickets/{_refund(cast).number}/").status_code == 404


def test_a_letter_to_the_management_is_marked_for_the_admin(cast, client):
    letter = actions.create_ticket(
        cast.opera.brand,
        actor=actor_for(cast.opera.customer_user),
        customer=cast.opera.customer,
        subject="Complaint",
        body=make_body(text="To the management."),
        channel=Channel.WEB,
        for_management=True,
    )
    html = _desk(client, cast.opera.admin).get(f"/desk/tickets/{letter.number}/").content.decode()
    assert 'class="for-management"' in html
