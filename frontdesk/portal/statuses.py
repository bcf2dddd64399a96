"""The portal's words for a request's status and history lines.

The status labels are the customer's words of ``tickets.customer_words`` (shared with the mail). A history line
names what happened once: "Solved", never "Solved: Solved"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.customer_words import customer_status_label

# History lines that say what happened by themselves.
_EVENT_LABELS: dict[str, Any] = {
    EventKind.SOLVED: pgettext_lazy("request history", "The request was solved"),
    EventKind.CLOSED: pgettext_lazy("request history", "The request was closed"),
    EventKind.REOPENED: pgettext_lazy("request history", "The request was reopened"),
    EventKind.MERGED: pgettext_lazy("request history", "Requests were merged"),
}


def status_label(value: object) -> str:
    """The portal's label of a status value; "" for an unknown one."""
    return customer_status_label(value)


def event_line(kind: str, after: object) -> str:
    """The history line of a status event: its own words, or "Status: <new status>" for a plain change."""
    if kind in _EVENT_LABELS:
        return str(_EVENT_LABELS[kind])
    label = status_label(after)
    if label:
        return str(pgettext_lazy("request history", "Status changed to “%(status)s”") % {"status": label})
    return str(EventKind(kind).label)
