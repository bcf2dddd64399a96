"""Queues show each ticket's service-level deadline, marked at risk after its warning and overdue after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_queue_shows_the_deadline_and_whether_it_is_at_risk_or_overdue(cast, client):
    now = timezone.now()
    on_time, at_risk, overdue, no_clock = (cast.opera.ticket(f"Ticket {n}") for n in range(4))
    Ticket.objects.filter(pk=on_time.pk).update(
        sla_due_at=now + dt.timedelta(hours=2), sla_warn_at=now + dt.timedelta(hours=1)
    )
    Ticket.objects.filter(pk=at_risk.pk).update(
        sla_due_at=now + dt.timedelta(minutes=5), sla_warn_at=now - dt.timedelta(minutes=1)
    )
    Ticket.objects.filter(pk=overdue.pk).update(
        sla_due_at=now - dt.timedelta(minutes=1), sla_warn_at=now - dt.timedelta(minutes=3)
    )
    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    html = client.get("/desk/queues/unassigned/").content.decode()
    assert "<th>Due</th>" in html
    rows = {
        t.number: html[html.index(f">{t.number}<") :].split("</tr>", 1)[0]
        for t in (on_time, at_risk, overdue, no_clock)
    }
    assert 'class="sla on-time"' in rows[on_time.number]
    assert 'class="sla at-risk"' in rows[at_risk.number]
    assert 'class="sla overdue"' in rows[overdue.number]
    assert "sla " not in rows[no_clock.number]
