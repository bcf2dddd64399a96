"""Status by number without an account: a one-time link to one request, mailed to the address it was filed
with.

``send_ticket_access_link`` records an ``access_link_sent`` event when the number and address match; mail
planning (``mail.outbound``) turns the event into a mail carrying ``access_link_token(event)``. The token is
signed, works for ``ACCESS_LINK_MINUTES`` and once (``open_access_link``)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from frontdesk.brands.models import Brand
from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.events import announce_event, new_event
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import ContactKind
from frontdesk.users.contacts import normalize_email
from frontdesk.users.models import CustomerContact

ACCESS_LINK_MINUTES = 60
_SALT = "frontdesk.tickets.access-link"


@transaction.atomic
def send_ticket_access_link(brand: Brand, *, number: str, email: str) -> bool:
    """If ``brand`` has a request ``number`` whose customer has the address ``email``, record that a link to it
    is sent there (the mail goes out from the event). Returns whether it matched: a page answering a visitor
    must not tell them."""
    try:
        address = normalize_email(email)
    except InvalidInput:
        return False
    ticket = Ticket.objects.filter(brand_id=brand.pk, number=number.strip().upper()).first()
    matched = ticket is not None and (
        CustomerContact.objects.filter(
            brand_id=brand.pk, customer_id=ticket.customer_id, kind=ContactKind.EMAIL, value=address
        ).exists()
    )
    if ticket is None or not matched:
        return False
    # History as of now; the request itself is not updated by a look-up.
    event = new_event(ticket, EventKind.ACCESS_LINK_SENT, actor=SYSTEM, data={"to": address})
    event.at = timezone.now()
    event.save(force_insert=True)
    announce_event(event)
    return True


def access_link_token(event: TicketEvent) -> str:
    """The signed token of the link an ``access_link_sent`` event mails."""
    return signing.dumps({"e": event.pk, "t": event.ticket_id}, salt=_SALT)


def open_access_link(brand: Brand, token: str) -> Ticket | None:
    """The brand's request a link token opens, the first time it is used within ``ACCESS_LINK_MINUTES``;
    None for a forged, expired, used or other brand's token."""
    seconds = ACCESS_LINK_MINUTES * 60
    try:
        data: Any = signing.loads(token, salt=_SALT, max_age=seconds)
        event_id, ticket_id = int(data["e"]), int(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    event = (
        TicketEvent.objects.filter(
            pk=event_id, ticket_id=ticket_id, brand_id=brand.pk, kind=EventKind.ACCESS_LINK_SENT
        )
        .select_related("ticket")
        .first()
    )
    if event is None:
        return None
    # Once: the first opening claims the link for as long as it could work.
    if not cache.add(f"access-link-used:{event.pk}", 1, timeout=seconds):
        return None
    return event.ticket
