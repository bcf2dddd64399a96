"""The inbound webhook's JSON item: ``{id, kind: message|mention|comment, author, text, url, posted_at}``.

``author`` is a name, or an object ``{id, name}``; ``posted_at`` ISO 8601 with a zone (else now); ``url``
http(s) or empty. ``check_item`` answers 400 with the field named; ``parse_item`` reads a stored one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from frontdesk.connectors.base import Author, Entry, PublicItem, Refused, text_of
from frontdesk.connectors.choices import ItemKind

MAX_TEXT = 20000


def _bad(field: str, message: str) -> Refused:
    refused = Refused(400, "invalid", f"{field}: {message}")
    return refused


def check_item(data: Mapping[str, Any]) -> str:
    """The item's id if the item is well formed; ``Refused`` naming the field otherwise."""
    ident = data.get("id")
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    if not isinstance(ident, str) or not ident.strip() or len(ident) > 128:
        raise _bad("id", _("a text of 1 to 128 characters is required."))
    if data.get("kind") not in ItemKind.values:
        raise _bad("kind", _("one of message, mention or comment is required."))
    text = data.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise _bad("text", _("a text of 1 to 20,000 characters is required."))
    author = data.get("author", "")
    if isinstance(author, dict):
        person, name = author.get("id", ""), author.get("name", "")
        person_ok = isinstance(person, str) or (isinstance(person, int) and not isinstance(person, bool))
        if not person_ok or not isinstance(name, str) or len(str(person)) > 64 or len(name) > 200:
            raise _bad("author", _("a name or an object with id and name is expected."))
    elif not isinstance(author, str) or len(author) > 200:
        raise _bad("author", _("a name or an object with id and name is expected."))
    url = data.get("url", "")
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))) or len(url) > 500:
        raise _bad("url", _("an http or https address is expected."))
    posted = data.get("posted_at")
    if posted not in (None, ""):
        when = parse_datetime(posted) if isinstance(posted, str) else None
        if when is None or timezone.is_naive(when):
            raise _bad("posted_at", _("a date and time in ISO 8601 with a time zone is expected."))
    return ident.strip()


def parse_item(data: Mapping[str, Any]) -> list[Entry]:
    raw_author = data.get("author", "")
    if isinstance(raw_author, dict):
        author = Author(text_of(str(raw_author.get("id", "")), 64), text_of(raw_author.get("name"), 200))
    else:
        author = Author("", text_of(raw_author, 200))
    posted = data.get("posted_at")
    when = parse_datetime(posted) if isinstance(posted, str) and posted else None
    return [
        PublicItem(
            external_id=str(data.get("id", "")).strip()[:128],
            kind=ItemKind(data.get("kind", ItemKind.MENTION)),
            author=author,
            text=text_of(data.get("text"), MAX_TEXT),
            posted_at=when if when is not None and timezone.is_aware(when) else timezone.now(),
            url=text_of(data.get("url"), 500),
        )
    ]
