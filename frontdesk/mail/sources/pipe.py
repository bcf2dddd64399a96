"""The pipe from a local mail server: one raw message on standard input, stored before we answer."""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction

from frontdesk.brands.models import Brand
from frontdesk.mail.actions import store_raw_message
from frontdesk.mail.models import InboundMessage, Mailbox
from frontdesk.mail.sources.addresses import brand_for_raw


class UnknownRecipient(Exception):
    """No brand or mailbox receives for the message's recipients."""


def ingest_stream(
    stream: BinaryIO,
    *,
    brand: Brand | None = None,
    mailbox: Mailbox | None = None,
    envelope_to: tuple[str, ...] = (),
    envelope_from: str = "",
) -> InboundMessage:
    raw = stream.read()
    if brand is None and mailbox is None:
        brand = brand_for_raw(raw, envelope_to)
        if brand is None:
            raise UnknownRecipient("no brand receives mail for the recipients of this message")
    with transaction.atomic():
        return store_raw_message(
            raw, brand=brand, mailbox=mailbox, envelope_to=envelope_to, envelope_from=envelope_from
        )
