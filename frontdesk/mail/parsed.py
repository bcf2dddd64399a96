"""What the parser makes of a raw message: plain data, no database, no Django models.

``parse.parse_message(raw) -> ParsedMail`` is pure; routing and ingestion read only these fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Address:
    address: str  # lower-cased, "" when the header had no usable address
    name: str = ""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    # Set for related parts referenced from the HTML as cid:...
    content_id: str = ""
    inline: bool = False


@dataclass(frozen=True)
class BounceInfo:
    """A delivery status report (RFC 3464) or a recognised non-standard bounce."""

    recipient: str
    permanent: bool
    status: str = ""  # e.g. "5.1.1"
    diagnostic: str = ""
    original_message_id: str = ""


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without angle brackets; "" when missing
    subject: str
    from_: Address
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    # Envelope recipients or Delivered-To / X-Original-To, where known, for routing.
    delivered_to: tuple[str, ...] = ()
    date: datetime | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Lower-cased header names to their decoded values, in order.
    headers: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""  # the plain-text body (from text/plain, or derived from HTML)
    html: str = ""  # sanitized HTML body, "" when the mail had none
    visible_text: str = ""  # the new text, without quoted history and signature
    attachments: tuple[ParsedAttachment, ...] = ()
    # Loop and automation signals
    is_auto_submitted: bool = False  # Auto-Submitted other than "no", Precedence bulk/list/junk, etc.
    is_auto_reply: bool = False  # out-of-office and similar
    bounce: BounceInfo | None = None
    return_path_null: bool = False
    # Notes for agents: "winmail.dat attached", "signed (S/MIME)", charset fallbacks applied, ...
    notes: tuple[str, ...] = ()
