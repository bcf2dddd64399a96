"""Satisfaction: the customer rates a solved ticket good or bad; a bad rating opens a follow-up for a lead.

The rating mail (``mail/outbound.py``, on ``solved``) carries signed links made by ``rating_token``; the
portal's rating page turns one back into the ticket with ``ticket_for_rating_token`` and calls
``rate_ticket_by_token``. Signed in, the customer rates from the ticket page through ``rate_ticket``.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput, InvalidTransition, NotFound, require
from frontdesk.tickets.choices import Channel, EventKind, Priority, Rating, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.events import record_event
from frontdesk.tickets.locks import lock_ticket
from frontdesk.tickets.models import Ticket, TicketRating
from frontdesk.users.actors import SYSTEM, Actor, actor_for
from frontdesk.users.choices import ActorKind
from frontdesk.users.models import User

# A rating may be changed for this long after it was first given.
RATING_WINDOW = timedelta(days=7)
# A rating link in a mail works for this long.
RATING_LINK_AGE = timedelta(days=30)
MAX_COMMENT = 2000
_SALT = "frontdesk.tickets.rating"
RATEABLE = (Status.SOLVED, Status.CLOSED)


def rating_token(ticket: Ticket) -> str:
    """A signed, URL-safe token naming the ticket, for the links of the rating mail."""
    return signing.dumps({"t": ticket.pk, "n": ticket.number}, salt=_SALT, compress=True)


def ticket_for_rating_token(token: str, *, brand_id: int | None = None) -> Ticket:
    """The ticket a rating link names (in ``brand_id`` if given); ``NotFound`` for a forged, expired or
    foreign link alike."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=RATING_LINK_AGE)
        ticket = Ticket.objects.select_related("brand", "customer").get(pk=value["t"], number=value["n"])
    except (signing.BadSignature, KeyError, TypeError, Ticket.DoesNotExist):
        raise NotFound("ticket") from None
    if brand_id is not None and ticket.brand_id != brand_id:
        raise NotFound("ticket")
    return ticket


def rating_of(ticket: Ticket) -> TicketRating | None:
    return TicketRating.objects.filter(ticket_id=ticket.pk).first()


def can_rate(actor: Actor, ticket: Ticket) -> bool:
    """Only the customer who filed the ticket rates it (not a colleague, not an agent)."""
    return actor.is_customer and actor.customer_ids.get(ticket.brand_id) == ticket.customer_id


def _customer_actor(ticket: Ticket) -> Actor:
    """The ticket's customer, acting in the ticket's brand only (a rating link is theirs alone)."""
    customer = ticket.customer
    return Actor(
        kind=ActorKind.CUSTOMER,
        user_id=customer.user_id,
        label=customer.name or customer.email or customer.phone or f"#{customer.pk}",
        customer_ids={ticket.brand_id: customer.pk},
    )


def rate_ticket_by_token(token: str, *, brand_id: int, rating: str, comment: str = "") -> TicketRating:
    """``rate_ticket`` through a signed link: the link stands for the ticket's customer."""
    ticket = ticket_for_rating_token(token, brand_id=brand_id)
    return rate_ticket(ticket, actor=_customer_actor(ticket), rating=rating, comment=comment)


@transaction.atomic
def rate_ticket(ticket: Ticket, *, actor: Actor, rating: str, comment: str = "") -> TicketRating:
    """Rate a solved or closed ticket good or bad with an optional comment: one rating per ticket, changed
    in place for ``RATING_WINDOW`` after it was first given. A bad rating opens one follow-up ticket for the
    lead of the ticket's team (or, without one, for the brand's management) carrying the comment."""
    ticket = lock_ticket(ticket.pk)
    require(can_rate(actor, ticket))
    if rating not in Rating.values:
        raise InvalidInput(_("The rating is good or bad."), field="rating")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            _("The comment is longer than %(limit)d characters.") % {"limit": MAX_COMMENT}, field="comment"
        )
    if ticket.status not in RATEABLE:
        raise InvalidTransition(_("Only a solved ticket can be rated."), field="rating")
    now = timezone.now()
    found = TicketRating.objects.select_for_update().filter(ticket_id=ticket.pk).first()
    if found is None:
        found = TicketRating(
            ticket=ticket, brand_id=ticket.brand_id, created_at=now, rating=rating, comment=comment
        )
    elif now - found.created_at > RATING_WINDOW:
        raise InvalidTransition(_("This rating can no longer be changed."), field="rating")
    found.rating, found.comment, found.updated_at = rating, comment, now
    found.rated_by_label = actor.label[:200]
    if rating == Rating.BAD and found.follow_up_id is None:
        found.follow_up = _open_follow_up(ticket, comment=comment)
    if found.pk is None:
        found.save(force_insert=True)
    else:
        found.save(update_fields=["rating", "comment", "updated_at", "rated_by_label", "follow_up"])
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    data: dict[str, object] = {"rating": rating, "comment": comment}
    if found.follow_up is not None:
        data["follow_up"] = found.follow_up.number
    record_event(ticket, EventKind.RATED, actor=actor, data=data)
    return found


def _lead_of(ticket: Ticket) -> User | None:
    """The lead of the ticket's team, if that person serves the ticket's brand."""
    team = ticket.team
    lead = team.lead if team is not None else None
    if lead is None or not lead.is_active or not actor_for(lead).serves(ticket.brand_id):
        return None
    return lead


def _open_follow_up(ticket: Ticket, *, comment: str) -> Ticket:
    from frontdesk.tickets.actions import create_ticket

    lead = _lead_of(ticket)
    with translation.override(ticket.language or ticket.brand.default_language):
        subject = _("Bad rating of %(number)s: %(subject)s") % {
            "number": ticket.number,
            "subject": ticket.subject,
        }
        text = comment or _("The customer rated the answer as bad and left no comment.")
    return create_ticket(
        ticket.brand,
        actor=SYSTEM,
        customer=ticket.customer,
        subject=subject[:300],
        body=make_body(text=text),
        channel=Channel.WEB,
        priority=Priority.HIGH,
        team=ticket.team if lead is not None else None,
        assignee=lead,
        language=ticket.language,
        follow_up_of=ticket,
        for_management=lead is None,
    )
