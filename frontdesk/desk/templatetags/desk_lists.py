"""Filters for ticket lists: a status or priority in the viewer's language, from a table made once per
language (``get_status_display`` translates every choice again on each call: a tenth of a 50-row table)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, override

from frontdesk.tickets.choices import Priority, Status

register = template.Library()
_PLAIN_NUMBER = re.compile(r"[A-Za-z0-9-]+")


@cache
def _labels(kind: type[Status | Priority], language: str | None) -> dict[str, str]:
    with override(language):
        return {value: str(label) for value, label in kind.choices}


@register.filter
def status_label(value: str) -> str:
    """``{{ ticket.status|status_label }}``: "Open", "Открыт", "Otwarte"."""
    return _labels(Status, get_language()).get(value, value)


@register.filter
def priority_label(value: str) -> str:
    return _labels(Priority, get_language()).get(value, value)


@register.simple_tag
def ticket_rows(tickets: Iterable[Any], selectable: bool = False) -> SafeString:
    """The ``<tr>`` of each ticket of a list (number, subject and tags, customer, brand, status, priority,
    line, team, assignee, updated, service-level deadline), with a box to tick each when ``selectable``.

    Written here rather than in a template: a list of 50 rows resolved some 900 template variables, most of a
    queue table's rendering time. Dates are in the current time zone (the ``{% timezone %}`` around the
    table), words in the current language."""
    language = get_language()
    statuses, priorities = _labels(Status, language), _labels(Priority, language)
    tick = gettext("Tick %(number)s")
    short = get_format("SHORT_DATETIME_FORMAT")
    # The ticket page's address around a plain number (letters, digits, dashes: nothing to quote).
    head, _, tail = reverse("desk:ticket", args=["0"]).rpartition("0")
    now = timezone.now()
    labels = {"overdue": gettext("Overdue"), "at-risk": gettext("At risk"), "on-time": gettext("On time")}
    rows = []
    for ticket in tickets:
        updated = localtime(ticket.updated_at) if ticket.updated_at else None
        assignee = ticket.assignee
        team = ticket.team
        rows.append(
            format_html(
                '\n  <tr class="priority-{}">\n    {}<td><a href="{}">{}</a></td>\n    <td>{}{}</td>\n'
                "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
                "    <td>{}</td>\n    <td>{}</td>\n"
                '    <td><time datetime="{}">{}</time></td>\n    {}\n  </tr>',
                ticket.priority,
                format_html(
                    '<td><input type="checkbox" name="tickets" value="{}" form="bulk-form" aria-label="{}"></td>\n    ',
                    ticket.pk,
                    tick % {"number": ticket.number},
                )
                if selectable
                else "",
                f"{head}{ticket.number}{tail}"
                if _PLAIN_NUMBER.fullmatch(ticket.number)
                else reverse("desk:ticket", args=[ticket.number]),
                ticket.number,
                ticket.subject,
                format_html_join("", ' <span class="tag">{}</span>', ((tag,) for tag in ticket.tags or ())),
                ticket.customer,
                ticket.brand.name,
                statuses.get(ticket.status, ticket.status),
                priorities.get(ticket.priority, ticket.priority),
                ticket.line,
                team.name if team is not None and team.name else "—",
                assignee if assignee is not None else "—",
                updated.isoformat() if updated else "",  # the date filter's "c"
                dateformat.format(updated, short) if updated else "",
                _due_cell(ticket, now, short, labels),
            )
        )
    return format_html_join("", "{}", ((row,) for row in rows))


def _due_cell(ticket: Any, now: datetime, short: str, labels: Mapping[str, str]) -> SafeString:
    """The service-level clock of a row: the next deadline, marked at risk once its warning passed and
    overdue once it passed; a dash without a running clock."""
    due = getattr(ticket, "sla_due_at", None)
    if due is None:
        return format_html("<td>{}</td>", "—")
    if due <= now:
        state = "overdue"
    elif ticket.sla_warn_at is not None and ticket.sla_warn_at <= now:
        state = "at-risk"
    else:
        state = "on-time"
    local = localtime(due)
    return format_html(
        '<td class="sla {}"><time datetime="{}" title="{}">{}</time></td>',
        state,
        local.isoformat(),
        labels[state],
        dateformat.format(local, short),
    )


@register.simple_tag
def search_rows(results: Iterable[Mapping[str, Any]]) -> SafeString:
    """The ``<tr>`` of each search result (number, subject, customer, brand, status, updated, where it
    matched), written like ``ticket_rows``."""
    statuses = _labels(Status, get_language())
    short = get_format("SHORT_DATETIME_FORMAT")
    head, _, tail = reverse("desk:ticket", args=["0"]).rpartition("0")
    rows = []
    for result in results:
        ticket = result["ticket"]
        updated = localtime(ticket.updated_at) if ticket.updated_at else None
        rows.append(
            format_html(
                '\n            <tr>\n              <td><a href="{}">{}</a></td>\n              <td>{}</td>\n'
                "              <td>{}</td>\n              <td>{}</td>\n              <td>{}</td>\n"
                '              <td><time datetime="{}">{}</time></td>\n              <td>{}</td>\n'
                "            </tr>",
                f"{head}{ticket.number}{tail}"
                if _PLAIN_NUMBER.fullmatch(ticket.number)
                else reverse("desk:ticket", args=[ticket.number]),
                ticket.number,
                ticket.subject,
                ticket.customer,
                ticket.brand.name,
                statuses.get(ticket.status, ticket.status),
                updated.isoformat() if updated else "",
                dateformat.format(updated, short) if updated else "",
                ", ".join(result["found"]),
            )
        )
    return format_html_join("", "{}", ((row,) for row in rows))


@register.simple_tag
def sla_clocks(ticket: Any) -> list[dict[str, Any]]:
    """The ticket's running service-level clocks for its page: each deadline with its state (on time, at risk
    once the ticket's warning passed for the nearest one, overdue once passed)."""
    now = timezone.now()
    clocks = []
    for field, label in (
        ("first_response_due_at", gettext("First response due")),
        ("next_response_due_at", gettext("Next response due")),
        ("resolution_due_at", gettext("Resolution due")),
        ("next_update_due_at", gettext("Customer update due")),
    ):
        due = getattr(ticket, field, None)
        if due is None:
            continue
        if due <= now:
            state, title = "overdue", gettext("Overdue")
        elif due == ticket.sla_due_at and ticket.sla_warn_at is not None and ticket.sla_warn_at <= now:
            state, title = "at-risk", gettext("At risk")
        else:
            state, title = "on-time", gettext("On time")
        clocks.append({"label": label, "due": due, "state": state, "title": title})
    if (
        not clocks
        and ticket.sla_policy_id
        and ticket.status in (Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY)
    ):
        clocks.append({"label": gettext("Service level"), "paused": gettext("Clock paused while waiting")})
    return clocks
