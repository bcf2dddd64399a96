"""Helpers for the mail pipeline tests: brand addresses, raw mails and delivery through the pipe."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import call_command

from frontdesk.mail.models import InboundMessage

OPERA = "support@opera.example"
TOURS = "help@opera-tours.example"


def make_mail(
    *,
    frm: str,
    to: str = OPERA,
    subject: str = "My tickets did not arrive",
    body: str = "Hello, I paid but got no e-tickets.",
    message_id: str | None = None,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = frm
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="customer.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture
def mail_cast(cast):
    """The cast with mail addresses on both brands."""
    for brand_cast, address in ((cast.opera, OPERA), (cast.tours, TOURS)):
        brand_cast.brand.sender_addresses = [address]
        brand_cast.brand.save(update_fields=["sender_addresses"])
    return cast


@pytest.fixture
def pipe(django_capture_on_commit_callbacks, monkeypatch) -> Callable[..., InboundMessage]:
    """Deliver raw bytes through ``frontdesk mail ingest`` and run everything queued after commit."""

    def deliver(raw: bytes, *args: str) -> InboundMessage:
        stdin = io.TextIOWrapper(io.BytesIO(raw))
        monkeypatch.setattr(sys, "stdin", stdin)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("mail", "ingest", *args, stdout=io.StringIO())
        return InboundMessage.objects.order_by("-id").first()

    return deliver
