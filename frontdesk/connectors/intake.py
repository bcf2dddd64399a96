"""Inbound updates: stored raw first, then processed into tickets and social inbox items.

``store_updates`` inserts each raw update once (unique per connector and external id) and rings the worker for
the new ones; ``process_payload`` claims one unprocessed payload, turns its entries into ticket messages or
inbox items in one transaction with its ``processed_at`` mark, and records an error on the row when that
fails (the sweep tries it again a few times). A redelivered update finds its row and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.connectors.base import Author, Entry, FileRef, PrivateMessage, PublicItem, SendError
from frontdesk.connectors.choices import NEGATIVE_MENTION_TAG, ItemStatus, Sentiment
from frontdesk.connectors.models import Connector, RawPayload, SocialIdentity, SocialItem, SocialThread
from frontdesk.connectors.registry import adapter_for
from frontdesk.connectors.service_level import ensure_social_service_level, negative_mention_category
from frontdesk.core.work import enqueue_on_commit
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, Priority, Status
from frontdesk.tickets.content import AttachmentIn, make_body
from frontdesk.tickets.models import Ticket
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM, Actor, actor_for_customer
from frontdesk.users.models import Customer

logger = logging.getLogger(__name__)

# How often a payload whose processing failed is tried again by the sweep.
MAX_ATTEMPTS = 5
SUBJECT_CHARS = 80


def store_updates(connector: Connector, updates: Sequence[tuple[str, dict[str, Any]]]) -> list[int]:
    """Store each update not seen before and queue its processing; returns the new rows' ids."""
    from frontdesk.connectors.tasks import process_raw_payload

    new: list[int] = []
    for external_id, payload in updates:
        try:
            with transaction.atomic():
                row = RawPayload.objects.create(
                    brand_id=connector.brand_id, connector=connector, external_id=external_id, payload=payload
                )
        except IntegrityError:
            continue  # delivered before: stored and processed once
        new.append(row.pk)
        enqueue_on_commit(process_raw_payload, row.pk)
    return new


def process_payload(payload_id: int) -> bool:
    """Process one stored payload if nobody has; True when it was processed now."""
    try:
        with transaction.atomic():
            row = (
                RawPayload.objects.select_for_update()
                .select_related("connector", "connector__brand")
                .filter(pk=payload_id, processed_at__isnull=True)
                .first()
            )
            if row is None:
                return False
            connector = row.connector
            entries = adapter_for(connector).parse(connector, row.payload)
            if any(isinstance(entry, PrivateMessage) for entry in entries):
                # Conversations of one connector are taken one payload at a time, in order: two workers never
                # open two tickets for the same new chat.
                Connector.objects.select_for_update().filter(pk=connector.pk).first()
            last_try = row.attempts + 1 >= MAX_ATTEMPTS
            threads = {entry.thread_id for entry in entries if isinstance(entry, PrivateMessage)}
            if threads and not last_try and _earlier_to_retry(connector, row.pk, threads):
                raise WaitingForEarlier("an earlier message of the conversation is to be tried again first")
            for entry in entries:
                entry = _described(connector, entry)
                if isinstance(entry, PrivateMessage):
                    take_private_message(connector, entry, last_try=last_try)
                else:
                    take_public_item(connector, entry)
            RawPayload.objects.filter(pk=row.pk).update(
                processed_at=timezone.now(), attempts=F("attempts") + 1, error=""
            )
            return True
    except Exception as failure:  # noqa: BLE001 - recorded on the row, the next payload goes on
        log = logger.info if isinstance(failure, WaitingForEarlier) else logger.warning
        log("Raw payload %s failed: %s", payload_id, failure)
        RawPayload.objects.filter(pk=payload_id, processed_at__isnull=True).update(
            attempts=F("attempts") + 1, error=f"{type(failure).__name__}: {failure}"[:2000]
        )
        return False


class WaitingForEarlier(Exception):
    """An earlier payload of the same conversation failed for now (a file the network could not give): this
    one is tried again after it, so the conversation's messages keep their order on the ticket."""


def _earlier_to_retry(connector: Connector, payload_id: int, threads: set[str]) -> bool:
    """Whether an earlier payload of one of these conversations failed and is to be tried again."""
    earlier = RawPayload.objects.filter(
        connector=connector,
        processed_at__isnull=True,
        attempts__gt=0,
        attempts__lt=MAX_ATTEMPTS,
        pk__lt=payload_id,
    ).values_list("payload", flat=True)[:100]
    adapter = adapter_for(connector)
    for payload in earlier:
        try:
            entries = adapter.parse(connector, payload)
        except Exception:  # noqa: BLE001, S112 - a payload that cannot be read holds nothing back
            continue
        if any(isinstance(entry, PrivateMessage) and entry.thread_id in threads for entry in entries):
            return True
    return False


def _described(connector: Connector, entry: Entry) -> Entry:
    """The entry with its author's name asked of the network when we do not know the person yet."""
    author = entry.author
    if (
        author.external_id
        and SocialIdentity.objects.filter(connector=connector, external_id=author.external_id).exists()
    ):
        return entry
    return replace(entry, author=adapter_for(connector).describe(connector, author))


def _language(tag: str) -> str:
    """One of our languages from a network's language tag ("ru", "pl-PL"), or empty."""
    code = tag[:2].lower()
    return code if code in {code for code, _name in settings.LANGUAGES} else ""


def _customer_for(connector: Connector, author: Author, language: str = "") -> Customer:
    """The brand's customer behind a network account, created with a ``SocialIdentity`` the first time."""
    brand: Brand = connector.brand
    language = language or _language(author.language)
    if not author.external_id:
        return create_customer(
            brand, actor=SYSTEM, name=author.name or _("Unknown author"), language=language
        )
    identity = (
        SocialIdentity.objects.select_related("customer")
        .filter(connector=connector, external_id=author.external_id)
        .first()
    )
    if identity is not None:
        return identity.customer
    try:
        # One savepoint for both: when another worker took the same person a moment ago, no customer is left over.
        with transaction.atomic():
            customer = create_customer(
                brand, actor=SYSTEM, name=author.name or author.username, language=language
            )
            SocialIdentity.objects.create(
                brand_id=connector.brand_id,
                connector=connector,
                external_id=author.external_id,
                customer=customer,
                display_name=author.name,
                username=author.username,
            )
    except IntegrityError:
        # Another worker took the same person a moment ago.
        return (
            SocialIdentity.objects.select_related("customer")
            .get(connector=connector, external_id=author.external_id)
            .customer
        )
    return customer


def _subject(text: str) -> str:
    """The text's first line as a subject; a long one cut at a word boundary, with an ellipsis."""
    line = " ".join(next((part for part in text.splitlines() if part.strip()), "").split())
    if not line:
        return _("Social network message")
    if len(line) <= SUBJECT_CHARS:
        return line
    cut = line[:SUBJECT_CHARS]  # one character more than is kept: a space there ends the last word
    space = cut.rfind(" ")
    # A single word longer than half the subject is cut where it must be.
    kept = cut[:space] if space >= SUBJECT_CHARS // 2 else cut[: SUBJECT_CHARS - 1]
    return kept.rstrip(" ,;:-–—.") + "…"


def _body_text(text: str) -> str:
    return text.strip() or _("(a message without text: a photo, a sticker or a file)")


def _current_ticket(ticket_id: int) -> Ticket:
    """The ticket itself, or the one it was merged into (followed to the end)."""
    ticket = Ticket.objects.get(pk=ticket_id)
    seen = {ticket.pk}
    while ticket.merged_into_id is not None and ticket.merged_into_id not in seen:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
        seen.add(ticket.pk)
    return ticket


class FileMissing(Exception):
    """A file of a message could not be fetched for now: the payload is tried again later."""


def _fetch_files(
    connector: Connector, files: Sequence[FileRef], *, last_try: bool
) -> tuple[list[AttachmentIn], list[str]]:
    """The files of a message as attachments, and a line for each one that could not be had (too large, gone,
    refused). A failure that may pass (the network unreachable, a 5xx) raises ``FileMissing`` so the payload is
    tried again, unless this is its last try: then the message goes in with the line, never lost."""
    limit = settings.FRONTDESK_MAX_ATTACHMENT_BYTES
    attachments: list[AttachmentIn] = []
    missing: list[str] = []
    for file in files:
        if file.size is not None and file.size > limit:
            missing.append(
                _("%(name)s was not taken: it is larger than %(limit)d bytes.")
                % {"name": file.name, "limit": limit}
            )
            continue
        try:
            data = adapter_for(connector).download(connector, file, limit=limit)
        except SendError as failure:
            if failure.retryable and not last_try:
                raise FileMissing(f"{file.name}: {failure}") from None
            logger.warning("Connector %s: file %s not fetched: %s", connector.pk, file.name, failure)
            missing.append(
                _("%(name)s could not be fetched: %(reason)s") % {"name": file.name, "reason": failure}
            )
            continue
        attachments.append(AttachmentIn(file.name, file.content_type, data))
    return attachments, missing


def take_private_message(
    connector: Connector, entry: PrivateMessage, *, language: str = "", last_try: bool = True
) -> Ticket:
    """A private message into its conversation's ticket: the open one, a solved one reopened, or a new one
    (a follow-up after a closed ticket). Its files (a photo, a document) are attached."""
    customer = _customer_for(connector, entry.author, language)
    actor: Actor = actor_for_customer(customer)
    attachments, missing = _fetch_files(connector, entry.files, last_try=last_try)
    body = make_body(text="\n\n".join([_body_text(entry.text), *(f"({line})" for line in missing)]))
    thread = (
        SocialThread.objects.select_for_update()
        .filter(connector=connector, external_id=entry.thread_id)
        .first()
    )
    if thread is not None:
        ticket = _current_ticket(thread.ticket_id)
        if ticket.status != Status.CLOSED and ticket.customer_id == customer.pk:
            ticket_actions.reply_to_ticket(
                ticket, actor=actor, body=body, channel=Channel.SOCIAL, attachments=attachments
            )
            SocialThread.objects.filter(pk=thread.pk).update(ticket=ticket, updated_at=timezone.now())
            return ticket
        follow_up_of: Ticket | None = ticket if ticket.customer_id == customer.pk else None
    else:
        follow_up_of = None
    ticket = ticket_actions.create_ticket(
        connector.brand,
        actor=actor,
        customer=customer,
        subject=_subject(entry.text),
        body=body,
        channel=Channel.SOCIAL,
        follow_up_of=follow_up_of,
        attachments=attachments,
    )
    if thread is None:
        identity = SocialIdentity.objects.filter(
            connector=connector, external_id=entry.author.external_id
        ).first()
        SocialThread.objects.create(
            brand_id=connector.brand_id,
            connector=connector,
            external_id=entry.thread_id,
            identity=identity,
            ticket=ticket,
        )
    else:
        SocialThread.objects.filter(pk=thread.pk).update(ticket=ticket, updated_at=timezone.now())
    return ticket


class Reading(NamedTuple):
    """What the classifier read in an item's text: sentiment label and score, and the language detected
    (``ru``, ``en`` or ``pl``; empty when unknown)."""

    label: str
    score: float
    language: str = ""


def classify_text(text: str) -> Reading:
    """The sentiment and language of ``text`` by the classifier of ``connectors.sentiment``."""
    try:
        from frontdesk.connectors.sentiment import classify
    except ImportError:  # the classifier is not installed: everything stays neutral
        logger.warning("No sentiment classifier (frontdesk.connectors.sentiment): items are kept as neutral")
        return Reading(Sentiment.NEUTRAL, 0.0)
    result = classify(text)
    label = str(result.label)
    language = str(getattr(result, "language", "") or "")
    return Reading(
        label if label in Sentiment.values else Sentiment.NEUTRAL,
        float(result.score),
        language if language in THANK_YOU_LANGUAGES else "",
    )


# The languages a thank-you is written in: those the classifier reads.
THANK_YOU_LANGUAGES = frozenset({"ru", "en", "pl"})


def thank_you_text(brand: Brand, author: str, language: str = "") -> str:
    """A thank-you answer in the item's language (``ru``, ``en`` or ``pl``), else in the brand's, for the agent
    to send or edit."""
    with translation.override(language if language in THANK_YOU_LANGUAGES else brand.default_language):
        if author:
            return _("Thank you for your kind words, %(name)s! We are glad you are with us.") % {
                "name": author
            }
        return _("Thank you for your kind words! We are glad you are with us.")


def take_public_item(connector: Connector, entry: PublicItem) -> SocialItem | None:
    """A mention or comment into the brand's inbox, classified; a negative one becomes a ticket at once.
    None when the item was taken before."""
    label, score, language = classify_text(entry.text)
    item = SocialItem(
        brand_id=connector.brand_id,
        connector=connector,
        kind=entry.kind,
        external_id=entry.external_id,
        author_name=entry.author.name or entry.author.username,
        author_external_id=entry.author.external_id,
        text=entry.text,
        url=entry.url,
        posted_at=entry.posted_at,
        sentiment=label,
        sentiment_score=score,
        language=language,
        reply_target=dict(entry.reply_target),
    )
    if label == Sentiment.POSITIVE:
        item.suggested_reply = thank_you_text(connector.brand, item.author_name, language)
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:
        return None
    if label == Sentiment.NEGATIVE:
        open_ticket_for_item(item, actor=SYSTEM)
    return item


def open_ticket_for_item(item: SocialItem, *, actor: Actor) -> Ticket:
    """A ticket about an inbox item: high priority, category and tag "negative mention" for negative ones,
    which the brand's one-business-day policy then serves (``service_level``).

    The person who posted is the ticket's customer (found or created by the network identity, as for private
    messages) and the author of its first message, whoever opened it (the intake or an agent)."""
    connector = item.connector
    brand = connector.brand
    customer = _customer_for(connector, Author(item.author_external_id, item.author_name), item.language)
    negative = item.sentiment == Sentiment.NEGATIVE
    category = None
    if negative:
        ensure_social_service_level(brand)
        category = negative_mention_category(brand)
        if not category.is_active:
            category = None  # the brand switched it off: the tag still says what the ticket is
    lines = [item.text]
    if item.url:
        lines.append(item.url)
    ticket = ticket_actions.create_ticket(
        brand,
        actor=actor_for_customer(customer),
        customer=customer,
        subject=_subject(item.text),
        body=make_body(text="\n\n".join(lines)),
        channel=Channel.SOCIAL,
        priority=Priority.HIGH if negative else Priority.NORMAL,
        category=category,
        tags=[NEGATIVE_MENTION_TAG] if negative else [],
    )
    SocialItem.objects.filter(pk=item.pk).update(
        ticket=ticket, status=ItemStatus.TICKETED, updated_at=timezone.now()
    )
    item.ticket, item.status = ticket, ItemStatus.TICKETED
    return ticket
