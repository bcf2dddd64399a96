"""The words a customer reads for a request's status, in the portal and in mail alike.

Customers read of a "request" (Russian "обращение", neuter; Polish "zgłoszenie", neuter) where the desk says
"ticket" ("заявка", feminine), so these labels have their own translations under the "request status" context:
"Решено", not the desk's "Решена"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from frontdesk.tickets.choices import Status

STATUS_LABELS: dict[str, Any] = {
    Status.NEW: pgettext_lazy("request status", "New"),
    Status.OPEN: pgettext_lazy("request status", "Open"),
    Status.PENDING_CUSTOMER: pgettext_lazy("request status", "Waiting for your answer"),
    Status.PENDING_THIRD_PARTY: pgettext_lazy("request status", "Waiting for a third party"),
    Status.ON_HOLD: pgettext_lazy("request status", "On hold"),
    Status.SOLVED: pgettext_lazy("request status", "Solved"),
    Status.CLOSED: pgettext_lazy("request status", "Closed"),
}


def customer_status_label(value: object) -> str:
    """The customer's word for a status value in the active language; "" for an unknown one."""
    label = STATUS_LABELS.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else ""
