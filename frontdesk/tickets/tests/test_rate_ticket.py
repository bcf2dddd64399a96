"""Rating a solved ticket: once per ticket, changed within a window, by its customer or a signed link; a bad
rating opens a follow-up for the team lead or the management, and the lead's reply reaches the customer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from frontdesk.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Rating, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket, TicketEvent, TicketRating
from frontdesk.tickets.queries import access_ticket
from frontdesk.tickets.satisfaction import (
    rate_ticket,
    rate_ticket_by_token,
    rating_of,
    rating_token,
    ticket_for_rating_token,
)
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import Team


def _solved(cast, *, team=None):
    ticket = cast.opera.ticket("Where are my tickets?")
    if team is not None:
        actions.update_ticket(ticket, actor=SYSTEM, team=team)
    actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Sent again."), status=Status.SOLVED
    )
    return Ticket.objects.get(pk=ticket.pk)


def _customer(cast):
    return actor_for(cast.opera.customer_user)


def test_the_customer_rates_a_solved_ticket_good_and_it_is_in_the_history(cast):
    ticket = _solved(cast)

    rating = rate_ticket(ticket, actor=_customer(cast), rating=Rating.GOOD, comment=" Thanks! ")

    assert (rating.rating, rating.comment, rating.follow_up) == ("good", "Thanks!", None)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.RATED)
    assert event.data == {"rating": "good", "comment": "Thanks!"}
    assert not Ticket.objects.filter(follow_up_of=ticket).exists()


def test_rating_again_within_the_window_changes_the_one_rating(cast):
    ticket = _solved(cast)
    rate_ticket(ticket, actor=_customer(cast), rating=Rating.GOOD)
    rate_ticket(ticket, actor=_customer(cast), rating=Rating.GOOD, comment="Really good")

    assert TicketRating.objects.filter(ticket=ticket).count() == 1
    assert rating_of(ticket).comment == "Really good"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.RATED).count() == 2


def test_after_the_window_the_rating_stays(cast):
    ticket = _solved(cast)
    rate_ticket(ticket, actor=_customer(cast), rating=Rating.GOOD)

    with time_machine.travel(timezone.now() + timedelta(days=8)), pytest.raises(InvalidTransition):
        rate_ticket(ticket, actor=_customer(cast), rating=Rating.BAD)
    assert rating_of(ticket).rating == Rating.GOOD


def test_an_open_ticket_cannot_be_rated(cast):
    ticket = cast.opera.ticket()
    with pytest.raises(InvalidTransition):
        rate_ticket(ticket, actor=_customer(cast), rating=Rating.GOOD)
    assert not TicketRating.objects.exists()


def test_only_good_or_bad(cast):
    with pytest.raises(InvalidInput) as refused:
        rate_ticket(_solved(cast), actor=_customer(cast), rating="meh")
    assert refused.value.field == "rating"


@pytest.mark.parametrize("who", ["line1", "admin", "colleague_user"])
def test_agents_and_colleagues_cannot_rate(cast, who):
    ticket = _solved(cast)
    with pytest.raises(PermissionDenied):
        rate_ticket(ticket, actor=actor_for(getattr(cast.opera, who)), rating=Rating.GOOD)


def test_a_bad_rating_opens_a_follow_up_for_the_teams_lead_with_the_comment(cast):
    team = create_team(actor=SYSTEM, brand=cast.opera.brand, name="Box office", line=1)
    Team.objects.filter(pk=team.pk).update(lead=cast.opera.line2)
    team.refresh_from_db()
    ticket = _solved(cast, team=team)

    rating = rate_ticket(ticket, actor=_customer(cast), rating=Rating.BAD, comment="Nothing arrived.")

    follow_up = rating.follow_up
    assert follow_up.follow_up_of_id == ticket.pk
    assert follow_up.assignee_id == cast.opera.line2.pk
    assert follow_up.team_id == team.pk
    assert not follow_up.for_management
    assert follow_up.messages.get().body_text == "Nothing arrived."
    assert TicketEvent.objects.get(ticket=ticket, kind=EventKind.RATED).data["follow_up"] == follow_up.number
    # A second bad rating does not open another.
    rate_ticket(ticket, actor=_customer(cast), rating=Rating.BAD, comment="Still nothing.")
    assert Ticket.objects.filter(follow_up_of=ticket).count() == 1


def test_without_a_team_lead_the_follow_up_goes_to_the_management(cast):
    ticket = _solved(cast)

    follow_up = rate_ticket(ticket, actor=_customer(cast), rating=Rating.BAD).follow_up

    assert follow_up.for_management
    assert follow_up.assignee_id is None
    with pytest.raises(NotFound):
        access_ticket(actor_for(cast.opera.line1), follow_up.number)
    assert access_ticket(actor_for(cast.opera.admin), follow_up.number) == follow_up


def test_the_leads_reply_on_the_follow_up_goes_to_the_customer(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _solved(cast)
        follow_up = rate_ticket(
            ticket, actor=_customer(cast), rating=Rating.BAD, comment="Rude agent"
        ).follow_up
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.reply_to_ticket(
            follow_up,
            actor=actor_for(cast.opera.admin),
            body=make_body(text="We are sorry; here is a voucher."),
        )

    assert [m.to for m in mail.outbox] == [[cast.opera.customer.email]]
    assert "voucher" in mail.outbox[0].body
    assert follow_up.number in mail.outbox[0].subject


def test_a_signed_link_rates_as_the_ticket_customer_in_its_brand_only(cast):
    ticket = _solved(cast)
    token = rating_token(ticket)

    with pytest.raises(NotFound):
        rate_ticket_by_token(token, brand_id=cast.tours.brand.pk, rating=Rating.GOOD)
    rating = rate_ticket_by_token(token, brand_id=cast.opera.brand.pk, rating=Rating.GOOD, comment="ok")

    assert rating.rated_by_label == cast.opera.customer.name
    assert ticket_for_rating_token(token) == ticket


@pytest.mark.parametrize("token", ["", "nonsense", "eyJ0IjoxfQ:1abc:def"])
def test_a_forged_link_is_not_found(cast, token):
    with pytest.raises(NotFound):
        ticket_for_rating_token(token)


def test_an_expired_link_is_not_found(cast):
    token = rating_token(_solved(cast))
    with time_machine.travel(timezone.now() + timedelta(days=31)), pytest.raises(NotFound):
        ticket_for_rating_token(token)
