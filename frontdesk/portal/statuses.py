"""The portal's words for a request's status and history lines.

The portal calls a ticket a "request" (Russian "обращение", neuter; Polish "zgłoszenie", neuter) where the
desk says "ticket" ("заявка", feminine), so its status labels have their own translations under the
"request status" context. A history line names what happened once: "Solved", never "Solved: Solved"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from frontdesk.tickets.choices import EventKind, Status

STATUS_LABELS: dict[str, Any] = {
    Status.NEW: pgettext_lazy("request status", "New"),
    Status.OPEN: pgettext_lazy("request status", "Open"),
    Status.PENDING_CUSTOMER: pgettext_lazy("request status", "Waiting for your answer"),
    Status.PENDING_THIRD_PARTY: pgettext_lazy("request status", "Waiting for a third party"),
    Status.ON_HOLD: pgettext_lazy("request status", "On hold"),
    Status.SOLVED: pgettext_lazy("request status", "Solved"),
    Status.CLOSED: pgettext_lazy("request status", "Closed"),
}

# History lines that say what happened by themselves.
_EVENT_LABELS: dict[str, Any] = {
    EventKind.SOLVED: pgettext_lazy("request history", "The request was solved"),
    EventKind.CLOSED: pgettext_lazy("request history", "The request was closed"),
    EventKind.REOPENED: pgettext_lazy("request history", "The request was reopened"),
    EventKind.MERGED: pgettext_lazy("request history", "Requests were merged"),
}


def status_label(value: object) -> str:
    """The portal's label of a status value; "" for an unknown one."""
    label = STATUS_LABELS.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else ""


def event_line(kind: str, after: object) -> str:
    """The history line of a status event: its own words, or "Status: <new status>" for a plain change."""
    if kind in _EVENT_LABELS:
        return str(_EVENT_LABELS[kind])
    label = status_label(after)
    if label:
        return str(pgettext_lazy("request history", "Status changed to “%(status)s”") % {"status": label})
    return str(EventKind(kind).label)
