"""The history says in words what the system did and why: automatic closing and solving, reminders, status news,
automatic assignment and service-level warnings and breaches."""

from __future__ import annotations

import pytest
from django.utils import translation

from frontdesk.desk.timeline import _sentence
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import TicketEvent


def sentence(kind: EventKind, **data: object) -> str:
    return _sentence(TicketEvent(kind=kind, actor_label="Frontdesk", data=data), {})


def test_automatic_closing_and_solving_say_why():
    closed = sentence(EventKind.CLOSED, before="solved", after="closed", reason="auto_close_solved")
    assert closed == "Frontdesk closed the ticket. It had been solved for the brand's days without a word."
    solved = sentence(
        EventKind.SOLVED, before="pending_customer", after="solved", reason="no_customer_answer"
    )
    assert solved.endswith("The customer did not answer after the reminder.")


def test_reminders_news_and_automatic_assignment_are_told():
    assert "reminded" in sentence(EventKind.REMINDER_SENT, days=3)
    assert "news" in sentence(EventKind.STATUS_UPDATE, last_answer="")
    assigned = sentence(EventKind.ASSIGNED, after=5, after_label="Anna", automatic=True, mode="round_robin")
    assert assigned == (
        "Frontdesk assigned the ticket to Anna. Assigned automatically: next agent on shift in turn."
    )


def test_service_level_events_name_their_clock_and_the_raised_priority():
    warning = sentence(EventKind.SLA_WARNING, clock="first_response", due_at="2026-12-01T10:00:00+00:00")
    assert warning == "Service-level warning: the first response deadline is near."
    breach = sentence(
        EventKind.SLA_BREACHED, clock="resolution", priority={"before": "normal", "after": "high"}
    )
    assert breach == "Service level breached: the resolution deadline passed. The priority went up to High."


@pytest.mark.parametrize("language", ["ru", "pl"])
def test_the_sentences_are_translated(language):
    with translation.override(language):
        breach = sentence(EventKind.SLA_BREACHED, clock="resolution")
        reminder = sentence(EventKind.REMINDER_SENT)
    assert "breached" not in breach
    assert "reminded" not in reminder
