"""Where a parsed mail belongs: a new ticket, a reply on one, a note for review, a bounce, or nowhere.

Routing only reads. Every lookup is scoped to the brand the mail was received for, so a mail can never reach
another brand's ticket, whatever its headers say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.mail.actions import normalize_message_id
from frontdesk.mail.choices import NonParticipantPolicy
from frontdesk.mail.models import InboundMessage, Mailbox, OutboundMessage
from frontdesk.mail.parsed import ParsedMail
from frontdesk.tickets.choices import Status
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.permissions import is_requester
from frontdesk.users.actors import actor_for_customer
from frontdesk.users.choices import ContactKind
from frontdesk.users.models import Customer
from frontdesk.users.queries import customer_by_contact, customers_by_contacts

# A ticket number in brackets, e.g. "[OPR-26-000123]"; the brand's format always starts with its prefix.
_SUBJECT_NUMBER = re.compile(r"\[([A-Z0-9]{1,10}[^\[\]\s]{1,30})\]")
_MAILER_DAEMON = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


class RouteKind(StrEnum):
    NEW_TICKET = "new_ticket"
    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    # A reply from someone who is not a participant of the ticket, kept as an internal note for review.
    NOTE = "note"
    # An out-of-office or similar automatic answer, kept as a note without reopening the ticket.
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    IGNORE = "ignore"
    QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    reason: str = ""
    ticket: Ticket | None = None
    # The sender's customer record in the brand, when there is one already.
    customer: Customer | None = None
    outbound: OutboundMessage | None = None


def own_addresses() -> frozenset[str]:
    """Every address Frontdesk sends from or receives at, of every brand: mail from them is a loop."""
    found: set[str] = set()
    senders = Brand.objects.order_by().values_list("sender_addresses", flat=True)
    receivers = Mailbox.objects.order_by().values_list("addresses", flat=True)
    for addresses in senders.union(receivers, all=True):
        found.update(a.lower() for a in addresses or [])
    return frozenset(found)


def sender_of(parsed: ParsedMail) -> str:
    return parsed.from_.address.strip().lower()


def is_automatic(parsed: ParsedMail) -> bool:
    """Mail no automatic answer may go to (RFC 3834): auto-submitted, bulk, null return path, daemons."""
    return bool(
        parsed.is_auto_submitted
        or parsed.is_auto_reply
        or parsed.bounce is not None
        or parsed.return_path_null
        or _MAILER_DAEMON.match(sender_of(parsed))
    )


def find_customer(brand_id: int, address: str) -> Customer | None:
    if not address:
        return None
    return customer_by_contact(brand_id, ContactKind.EMAIL, address.lower(), related=("user", "organization"))


def is_participant(customer: Customer | None, ticket: Ticket) -> bool:
    """The ticket's customer (by any of their addresses) or a manager of its organization."""
    if customer is None or customer.brand_id != ticket.brand_id:
        return False
    return is_requester(actor_for_customer(customer), ticket)


def _thread_ids(parsed: ParsedMail) -> list[str]:
    ids = [normalize_message_id(i) for i in (*parsed.in_reply_to, *reversed(parsed.references))]
    return [i for i in dict.fromkeys(ids) if i][:50]


def _known_message_ids(brand_ids: list[int], ids: list[str]) -> dict[tuple[int, str], int]:
    """(brand id, Message-ID) → ticket id of the mail we sent or received with that Message-ID; sent mail wins."""
    if not ids:
        return {}
    known: dict[tuple[int, str], int] = {}
    received = InboundMessage.objects.filter(
        brand_id__in=brand_ids, message_id__in=ids, ticket__isnull=False
    ).values_list("brand_id", "message_id", "ticket_id")
    sent = OutboundMessage.objects.filter(brand_id__in=brand_ids, message_id__in=ids).values_list(
        "brand_id", "message_id", "ticket_id"
    )
    for brand_id, message_id, ticket_id in [*received, *sent]:
        known[(brand_id, message_id)] = ticket_id
    return known


def thread_by_message_ids(brand_id: int, parsed: ParsedMail, lookups: Lookups | None = None) -> Ticket | None:
    """The ticket of the most recent of In-Reply-To and References that we sent or received in this brand."""
    ids = _thread_ids(parsed)
    if not ids:
        return None
    known = lookups.known_message_ids(brand_id, ids) if lookups else _known_message_ids([brand_id], ids)
    for message_id in ids:
        ticket_id = known.get((brand_id, message_id))
        if ticket_id:
            ticket = lookups.ticket(ticket_id) if lookups else None
            return _current(ticket or Ticket.objects.select_related("brand").get(pk=ticket_id))
    return None


class Lookups:
    """What routing reads, for a batch of mails at once: one query per kind of look-up instead of one per mail.

    Without ``prefetch`` every look-up goes to the database as it comes. What ingest creates meanwhile (a new
    customer) is added with ``remember_customer``, so a second mail of the same new sender in the batch finds
    them.
    """

    def __init__(self) -> None:
        self._own: frozenset[str] | None = None
        self._customers: dict[tuple[int, str], Customer | None] = {}
        self._own_message_ids: set[str] | None = None
        self._message_ids: dict[tuple[int, str], int] | None = None
        self._tickets: dict[int, Ticket] = {}
        self._pending: dict[tuple[int, str], Customer] = {}
        # (brand id, Message-ID) of the batch's own mails: an answer to one of them is routed after it, from
        # the database (the prefetched threads cannot know a ticket that mail opens meanwhile).
        self._batch_ids: set[tuple[int, str]] = set()

    def prefetch(self, mails: list[tuple[InboundMessage, ParsedMail]]) -> None:
        senders = {(inbound.brand_id, sender_of(parsed)) for inbound, parsed in mails if sender_of(parsed)}
        found = customers_by_contacts(ContactKind.EMAIL, senders, related=("user", "organization"))
        self._customers.update({pair: found.get(pair) for pair in senders})
        own_ids = [i for i in (normalize_message_id(p.message_id) for _inbound, p in mails) if i]
        self._batch_ids = {
            (inbound.brand_id, i) for inbound, p in mails if (i := normalize_message_id(p.message_id))
        }
        self._own_message_ids = (
            set(OutboundMessage.objects.filter(message_id__in=own_ids).values_list("message_id", flat=True))
            if own_ids
            else set()
        )
        thread_ids = sorted({i for _inbound, parsed in mails for i in _thread_ids(parsed)})
        brand_ids = sorted({inbound.brand_id for inbound, _parsed in mails})
        self._message_ids = _known_message_ids(brand_ids, thread_ids)
        ticket_ids = sorted(set(self._message_ids.values()))
        if ticket_ids:
            self._tickets = Ticket.objects.select_related("brand").in_bulk(ticket_ids)

    def own_addresses(self) -> frozenset[str]:
        if self._own is None:
            self._own = own_addresses()
        return self._own

    def customer(self, brand_id: int, address: str) -> Customer | None:
        key = (brand_id, address.lower())
        if key not in self._customers:
            self._customers[key] = find_customer(brand_id, address)
        return self._customers[key]

    def remember_customer(self, customer: Customer, address: str) -> None:
        """A customer created for the current mail: known to the next mails once ``keep`` says it committed."""
        self._pending[(customer.brand_id, address.lower())] = customer

    def pending(self, brand_id: int, address: str) -> Customer | None:
        """A customer created for an earlier mail of the current, not yet committed, transaction."""
        return self._pending.get((brand_id, address.lower()))

    def keep(self) -> None:
        self._customers.update(self._pending)
        self._pending.clear()

    def forget(self) -> None:
        """The current mail's transaction rolled back: what it created is gone."""
        for key in self._pending:
            self._customers.pop(key, None)
        self._pending.clear()

    def is_own_message(self, message_id: str) -> bool:
        if self._own_message_ids is not None:
            return message_id in self._own_message_ids
        return OutboundMessage.objects.filter(message_id=message_id).exists()

    def answers_the_batch(self, brand_id: int, parsed: ParsedMail) -> bool:
        """Whether the mail answers (In-Reply-To, References) another mail of the same batch."""
        return any((brand_id, i) in self._batch_ids for i in _thread_ids(parsed))

    def known_message_ids(self, brand_id: int, ids: list[str]) -> dict[tuple[int, str], int]:
        if self._message_ids is not None and not any((brand_id, i) in self._batch_ids for i in ids):
            return self._message_ids
        return _known_message_ids([brand_id], ids)

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._tickets.get(ticket_id)


def plus_tags(brand_id: int, recipients: list[str]) -> list[str]:
    """The ``TAG`` of every recipient ``local+TAG@domain`` whose ``local@domain`` is an address of one of the
    brand's mailboxes that use plus addressing."""
    candidates = [r.strip().lower() for r in recipients if "+" in r.split("@", 1)[0]]
    if not candidates:
        return []
    bases: set[str] = set()
    for addresses in Mailbox.objects.filter(
        brand_id=brand_id, plus_addressing=True, is_active=True
    ).values_list("addresses", flat=True):
        bases.update(a.strip().lower() for a in addresses or [])
    tags: list[str] = []
    for address in candidates:
        local, _at, domain = address.rpartition("@")
        base, _plus, tag = local.partition("+")
        if tag and f"{base}@{domain}" in bases:
            tags.append(tag)
    return list(dict.fromkeys(tags))[:5]


def thread_by_plus_address(inbound: InboundMessage, parsed: ParsedMail) -> Ticket | None:
    """The ticket named by a per-ticket reply address such as ``support+OPR-26-000123@opera.example``."""
    recipients = [
        *inbound.envelope_to,
        *parsed.delivered_to,
        *(a.address for a in parsed.to),
        *(a.address for a in parsed.cc),
    ]
    prefix = inbound.brand.ticket_prefix
    for tag in plus_tags(inbound.brand_id, [r for r in recipients if r]):
        # Mail servers may change the case of an address: the number is tried as written, in capitals, in small
        # letters and with the brand's prefix as the brand writes it, each through the unique index (a
        # case-insensitive comparison would read every ticket of the brand, for any made-up address).
        variants = {tag, tag.upper(), tag.lower()}
        if prefix and tag.lower().startswith(prefix.lower()):
            variants.add(prefix + tag[len(prefix) :].upper())
        ticket = (
            Ticket.objects.filter(brand_id=inbound.brand_id, number__in=sorted(variants))
            .select_related("brand")
            .first()
        )
        if ticket is not None:
            return _current(ticket)
    return None


def thread_by_subject(brand_id: int, subject: str) -> Ticket | None:
    numbers = _SUBJECT_NUMBER.findall(subject or "")[:5]
    if not numbers:
        return None
    ticket = Ticket.objects.filter(brand_id=brand_id, number__in=numbers).select_related("brand").first()
    return _current(ticket) if ticket is not None else None


def _current(ticket: Ticket) -> Ticket:
    """Follow merges (within the brand) to the ticket that carries on the conversation."""
    seen = {ticket.pk}
    while ticket.merged_into_id is not None and ticket.merged_into_id not in seen:
        merged = Ticket.objects.filter(pk=ticket.merged_into_id, brand_id=ticket.brand_id).first()
        if merged is None:
            break
        seen.add(merged.pk)
        ticket = merged
    return ticket


def route_message(inbound: InboundMessage, parsed: ParsedMail, lookups: Lookups | None = None) -> Route:
    lookups = lookups or Lookups()
    brand_id = inbound.brand_id
    sender = sender_of(parsed)
    if parsed.bounce is not None:
        return _route_bounce(brand_id, parsed)
    if not sender:
        _quarantine(
            "no_sender", _("The mail has no sender address (its From header is missing or unreadable).")
        )
    try:
        validate_email(sender)
    except ValidationError:
        _quarantine(
            "invalid_sender",
            _("The sender address %(address)s is not a valid email address.") % {"address": sender},
        )
    if sender in lookups.own_addresses():
        return Route(RouteKind.IGNORE, "own_address")
    message_id = normalize_message_id(parsed.message_id)
    if message_id and lookups.is_own_message(message_id):
        return Route(RouteKind.IGNORE, "own_message")
    automatic = is_automatic(parsed)
    if automatic and _too_many_automatic(brand_id, sender, inbound.pk):
        return Route(RouteKind.IGNORE, "automatic_rate")
    customer = lookups.customer(brand_id, sender)

    ticket = thread_by_message_ids(brand_id, parsed, lookups) or thread_by_plus_address(inbound, parsed)
    by_subject = False
    if ticket is None:
        candidate = thread_by_subject(brand_id, parsed.subject)
        # A number in the subject is easy to guess: it counts only for the ticket's own participants.
        if candidate is not None and is_participant(customer, candidate):
            ticket, by_subject = candidate, True
    if ticket is None:
        if parsed.is_auto_reply:
            return Route(RouteKind.IGNORE, "unthreaded_auto_reply", customer=customer)
        return Route(RouteKind.NEW_TICKET, customer=customer)

    if parsed.is_auto_reply:
        return Route(RouteKind.AUTO_REPLY, "auto_reply", ticket=ticket, customer=customer)
    if not by_subject and not is_participant(customer, ticket):
        policy = inbound.mailbox.non_participant_replies if inbound.mailbox else NonParticipantPolicy.NOTE
        if policy == NonParticipantPolicy.NEW_TICKET:
            return Route(RouteKind.NEW_TICKET, "non_participant", customer=customer)
        return Route(RouteKind.NOTE, "non_participant", ticket=ticket, customer=customer)
    if ticket.status == Status.CLOSED:
        return Route(RouteKind.FOLLOW_UP, "closed_ticket", ticket=ticket, customer=customer)
    return Route(RouteKind.REPLY, ticket=ticket, customer=customer)


def _quarantine(reason: str, detail: str) -> NoReturn:
    """Stop routing: the mail is kept in quarantine with the stable ``reason`` and a sentence for agents."""
    from frontdesk.mail.ingest import Quarantine

    raise Quarantine(reason, detail)


def _route_bounce(brand_id: int, parsed: ParsedMail) -> Route:
    bounce = parsed.bounce
    assert bounce is not None
    candidates = OutboundMessage.objects.filter(brand_id=brand_id)
    original = normalize_message_id(bounce.original_message_id)
    ids = [i for i in (original, *(normalize_message_id(r) for r in parsed.references)) if i]
    outbound = candidates.filter(message_id__in=ids).first() if ids else None
    if outbound is None and bounce.recipient:
        # Non-standard bounces often name only the recipient: the latest mail we sent there.
        outbound = (
            candidates.filter(recipient=bounce.recipient.lower(), sent_at__isnull=False)
            .order_by("-sent_at")
            .first()
        )
    if outbound is None:
        return Route(RouteKind.IGNORE, "unmatched_bounce")
    return Route(RouteKind.BOUNCE, "bounce", ticket=outbound.ticket, outbound=outbound)


def _too_many_automatic(brand_id: int, sender: str, inbound_id: int) -> bool:
    since = timezone.now() - timedelta(hours=1)
    recent = (
        InboundMessage.objects.filter(
            brand_id=brand_id, sender=sender, is_automatic=True, received_at__gte=since
        )
        .exclude(pk=inbound_id)
        .count()
    )
    return recent >= settings.FRONTDESK_MAIL_AUTOMATIC_PER_HOUR
