"""The composer says where a reply goes before the agent writes it: by e-mail to the customer's address, or
nowhere when the customer has none (it is then kept on the ticket only)."""

from __future__ import annotations

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM


def _page(client, cast, ticket):
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    return client.get(f"/desk/tickets/{ticket.number}/").content.decode()


def _ticket(cast, customer, channel):
    return ticket_actions.create_ticket(
        cast.opera.brand,
        actor=SYSTEM,
        customer=customer,
        subject="Seats",
        body=make_body(text="Which seats are left?"),
        channel=channel,
    )


def test_a_reply_to_a_customer_with_an_address_goes_by_mail_to_it(cast, client):
    customer = create_customer(cast.opera.brand, actor=SYSTEM, name="Anna", emails=["Anna@Customer.example"])
    page = _page(client, cast, _ticket(cast, customer, Channel.EMAIL))
    assert '<p class="muted composer-route">A reply goes by e-mail to anna@customer.example.</p>' in page
    assert "A reply is sent nowhere" not in page


def test_a_reply_to_a_caller_without_an_address_is_said_to_go_nowhere(cast, client):
    caller = create_customer(cast.opera.brand, actor=SYSTEM, name="Boris", phones=["+48 601 200 300"])
    page = _page(client, cast, _ticket(cast, caller, Channel.PHONE))
    assert '<p class="warning composer-route" role="note">A reply is sent nowhere' in page
    assert "A reply goes by e-mail" not in page
