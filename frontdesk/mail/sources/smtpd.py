"""The built-in SMTP receiver (aiosmtpd) for a mail server that forwards to us.

A recipient no brand receives for is refused at RCPT time; a message is acknowledged with 250 only once its
bytes are stored, one copy per brand addressed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from frontdesk.brands.models import Brand
from frontdesk.mail.actions import store_raw_message
from frontdesk.mail.sources.addresses import address_map, resolve

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _closing_connection(function: Callable[..., T]) -> Callable[..., T]:
    """The receiver's worker thread holds no database connection between messages."""

    @functools.wraps(function)
    def wrapper(*args: Any) -> T:
        close_old_connections()
        try:
            return function(*args)
        finally:
            connection.close()

    return wrapper


@_closing_connection
def _store(raw: bytes, envelope_from: str, recipients: list[str]) -> int:
    known = address_map()
    brand_ids = list(dict.fromkeys(b for b in (resolve(r, known) for r in recipients) if b is not None))
    stored = 0
    for brand in Brand.objects.filter(pk__in=brand_ids):
        mine = [r for r in recipients if resolve(r, known) == brand.pk]
        with transaction.atomic():
            store_raw_message(raw, brand=brand, envelope_from=envelope_from, envelope_to=mine)
        stored += 1
    return stored


@_closing_connection
def _known(address: str) -> bool:
    return resolve(address, address_map()) is not None


class FrontdeskHandler:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not await sync_to_async(_known, thread_sensitive=True)(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        try:
            stored = await sync_to_async(_store, thread_sensitive=True)(
                bytes(raw), envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("Could not store a received message")
            return "451 4.3.0 Temporary failure, try again later"
        if not stored:
            return "550 5.1.1 No such mailbox here"
        return "250 OK stored"


def make_controller(host: str, port: int) -> Any:
    from aiosmtpd.controller import Controller

    return Controller(
        FrontdeskHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.FRONTDESK_MAIL_MAX_BYTES + 1024 * 1024,
        decode_data=False,
    )
