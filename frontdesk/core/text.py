"""Text from outside that the database cannot store: NUL characters (PostgreSQL refuses them in text)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput

# ``\u0000`` in JSON text, not preceded by an escaped backslash (``\\u0000`` is the six characters themselves).
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def refuse_nul(value: str | bytes, *, field: str = "body", json: bool = False) -> None:
    """Raise ``InvalidInput`` when ``value`` holds a NUL character (or, with ``json``, its JSON escape)."""
    text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value
    if "\x00" in text or (json and _JSON_NUL.search(text)):
        raise InvalidInput(_("Text may not contain NUL characters."), field=field)
