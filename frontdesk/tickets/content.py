"""Message bodies and attachments as they enter a ticket: sanitized, capped and checksummed."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput
from frontdesk.core.html import html_to_text, sanitize_html, text_to_html

_UNSAFE_NAME = re.compile(r"[^\w.\- ()\[\]+,@]+", re.UNICODE)


@dataclass(frozen=True)
class Body:
    html: str
    text: str


@dataclass(frozen=True)
class AttachmentIn:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    file: ContentFile[bytes]
    filename: str
    content_type: str
    size: int
    sha256: str


def make_body(*, text: str = "", html: str = "", field: str = "body") -> Body:
    """A body from plain text or from HTML (sanitized with nh3); one of them must say something."""
    limit = settings.FRONTDESK_MAX_BODY_CHARS
    if len(text) > limit or len(html) > limit * 2:
        raise InvalidInput(
            _("The message is longer than %(limit)d characters.") % {"limit": limit}, field=field
        )
    if html.strip():
        clean = sanitize_html(html)
        body = Body(html=clean, text=html_to_text(clean))
    else:
        body = Body(html=text_to_html(text), text=text.strip())
    if not body.text.strip() and "<img" not in body.html:
        raise InvalidInput(_("The message is empty."), field=field)
    return body


def safe_filename(name: str) -> str:
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return (name or "attachment")[:200]


def store_attachment(item: AttachmentIn, *, field: str = "attachments") -> StoredFile:
    limit = settings.FRONTDESK_MAX_ATTACHMENT_BYTES
    if len(item.data) > limit:
        raise InvalidInput(
            _("%(name)s is larger than %(limit)d bytes.") % {"name": item.filename, "limit": limit},
            field=field,
        )
    filename = safe_filename(item.filename)
    content_type = (item.content_type or "").split(";")[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", content_type):
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return StoredFile(
        file=ContentFile(item.data, name=filename),
        filename=filename,
        content_type=content_type,
        size=len(item.data),
        sha256=hashlib.sha256(item.data).hexdigest(),
    )
