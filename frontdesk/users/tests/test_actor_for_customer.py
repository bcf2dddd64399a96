"""Customers who act without signing in (a mail, a call) act as themselves, in their brand only."""

from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.queries import tickets_visible_to
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for, actor_for_customer


def test_a_customer_without_an_account_files_and_sees_only_their_own_ticket(cast):
    caller = user_actions.find_or_create_customer(cast.opera.brand, actor=SYSTEM, phone="+48 22 123 45 67")
    actor = actor_for_customer(caller)
    assert actor.is_customer
    assert actor.user_id is None
    ticket = actions.create_ticket(
        cast.opera.brand,
        actor=actor,
        customer=caller,
        subject="Call me back",
        body=make_body(text="About my seats."),
        channel=Channel.PHONE,
    )
    other = cast.opera.ticket()
    visible = set(tickets_visible_to(actor).values_list("pk", flat=True))
    assert visible == {ticket.pk}
    assert other.pk not in visible
    assert ticket.events.get().actor_label == "+48221234567"


def test_a_customer_with_an_account_acts_through_that_account(cast):
    assert actor_for_customer(cast.opera.customer) == actor_for(cast.opera.customer_user)


def test_a_manager_without_an_account_sees_the_organizations_tickets(cast):
    manager = user_actions.create_customer(
        cast.opera.brand,
        actor=SYSTEM,
        name="Boss",
        emails=["boss@opera-mail.example"],
        organization=cast.opera.organization,
        is_organization_manager=True,
    )
    colleague_ticket = cast.opera.ticket(by=cast.opera.colleague)
    assert colleague_ticket in tickets_visible_to(actor_for_customer(manager))
    assert not tickets_visible_to(actor_for_customer(manager)).filter(brand_id=cast.tours.brand.pk).exists()
