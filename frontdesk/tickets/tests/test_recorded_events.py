"""Every action writes exactly its events (with before and after), bumps the version, and refuses stale edits."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput, TicketChanged
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import EventKind, Priority, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actions import create_team
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import User


def _new_events(ticket: Ticket, since: int) -> list[tuple[str, dict]]:
    return [(e.kind, e.data) for e in TicketEvent.objects.filter(ticket=ticket, pk__gt=since).order_by("id")]


def _last_event_id() -> int:
    return TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_creating_a_ticket_records_one_created_event(cast):
    ticket = cast.opera.ticket()

    [event] = TicketEvent.objects.filter(ticket=ticket)
    message = ticket.messages.get()
    assert (event.kind, event.actor_id, event.brand_id) == (
        EventKind.CREATED,
        cast.opera.customer_user.pk,
        ticket.brand_id,
    )
    assert event.data == {"message": message.pk, "channel": "web", "status": "new", "priority": "normal"}
    assert ticket.version == 1


def test_an_agents_first_reply_records_replied_then_opens_the_ticket(cast):
    ticket = cast.opera.ticket()
    since = _last_event_id()

    message = actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="On it.")
    )

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert _new_events(ticket, since) == [
        (EventKind.REPLIED, {"message": message.pk}),
        (EventKind.STATUS_CHANGED, {"before": "new", "after": "open"}),
    ]
    assert fresh.version == 2
    assert fresh.first_response_at == fresh.last_agent_message_at == message.created_at


def test_a_note_records_note_added_and_bumps_the_version(cast):
    ticket = cast.opera.ticket()
    since = _last_event_id()

    note = actions.add_note(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="VIP"), version=1)

    assert _new_events(ticket, since) == [(EventKind.NOTE_ADDED, {"message": note.pk})]
    assert Ticket.objects.get(pk=ticket.pk).version == 2


def test_a_call_record_records_call_logged_with_direction_and_duration(cast):
    ticket = cast.opera.ticket()
    since = _last_event_id()

    call = actions.log_call(
        ticket,
        actor=actor_for(cast.opera.line1),
        direction="inbound",
        duration_seconds=60,
        body=make_body(text="x"),
    )

    assert _new_events(ticket, since) == [
        (EventKind.CALL_LOGGED, {"message": call.pk, "direction": "inbound", "duration_seconds": 60})
    ]
    assert Ticket.objects.get(pk=ticket.pk).version == 2


def test_assigning_records_before_and_after_and_the_same_assignee_again_records_nothing(cast):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    since = _last_event_id()

    actions.assign_ticket(ticket, actor=agent, assignee=cast.opera.line1)
    actions.assign_ticket(ticket, actor=agent, assignee=cast.opera.line1)
    actions.assign_ticket(ticket, actor=agent, assignee=None)

    line1 = cast.opera.line1
    assert _new_events(ticket, since) == [
        (EventKind.ASSIGNED, {"before": None, "after": line1.pk, "after_label": line1.name}),
        (EventKind.ASSIGNED, {"before": line1.pk, "after": None, "after_label": ""}),
    ]
    assert Ticket.objects.get(pk=ticket.pk).version == 3


def test_an_agent_of_another_brand_cannot_be_assigned(cast):
    with pytest.raises(InvalidInput) as refused:
        actions.assign_ticket(
            cast.opera.ticket(), actor=actor_for(cast.opera.line1), assignee=cast.tours.line1
        )

    assert refused.value.field == "assignee"


def test_updating_several_fields_records_one_event_per_kind_of_change(cast):
    ticket = cast.opera.ticket()
    category = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    team = create_team(actor=SYSTEM, name="Box office", brand=cast.opera.brand)
    since = _last_event_id()

    updated = actions.update_ticket(
        ticket,
        actor=actor_for(cast.opera.line1),
        version=1,
        subject="Refund for cancelled show",
        language="en",
        priority=Priority.HIGH,
        category=category,
        tags=["Refund", "refund", "VIP "],
        team=team,
        assignee=cast.opera.line1,
        status=Status.PENDING_THIRD_PARTY,
    )

    assert _new_events(ticket, since) == [
        (
            EventKind.FIELDS_CHANGED,
            {
                "changes": {
                    "subject": ["Tickets not received", "Refund for cancelled show"],
                    "language": ["ru", "en"],
                }
            },
        ),
        (EventKind.PRIORITY_CHANGED, {"before": "normal", "after": "high"}),
        (EventKind.CATEGORIZED, {"before": None, "after": category.pk, "after_label": "Refunds"}),
        (EventKind.TAGS_CHANGED, {"before": [], "after": ["refund", "vip"]}),
        (EventKind.TEAM_CHANGED, {"before": None, "after": team.pk, "after_label": "Box office"}),
        (
            EventKind.ASSIGNED,
            {"before": None, "after": cast.opera.line1.pk, "after_label": cast.opera.line1.name},
        ),
        (EventKind.STATUS_CHANGED, {"before": "new", "after": "pending_third_party"}),
    ]
    assert updated.version == 2
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.subject, fresh.priority, fresh.tags, fresh.team_id) == (
        "Refund for cancelled show",
        "high",
        ["refund", "vip"],
        team.pk,
    )


def test_an_update_that_changes_nothing_records_nothing(cast):
    ticket = cast.opera.ticket()
    since = _last_event_id()

    same = actions.update_ticket(
        ticket,
        actor=actor_for(cast.opera.line1),
        subject=" Tickets  not received ",
        priority="normal",
        tags=[],
    )

    assert _new_events(ticket, since) == []
    assert same.version == 1


def test_a_failing_update_rolls_back_every_change_and_event(cast):
    ticket = cast.opera.ticket()
    since = _last_event_id()

    with pytest.raises(InvalidInput):
        actions.update_ticket(
            ticket, actor=actor_for(cast.opera.line1), subject="New subject", priority="critical"
        )

    assert _new_events(ticket, since) == []
    assert Ticket.objects.get(pk=ticket.pk).subject == "Tickets not received"


def test_a_category_or_team_of_another_brand_is_refused(cast):
    ticket = cast.opera.ticket()
    foreign_category = create_category(cast.tours.brand, actor=SYSTEM, name="Visas")
    foreign_team = create_team(actor=SYSTEM, name="Tours desk", brand=cast.tours.brand)
    agent = actor_for(cast.opera.line1)

    with pytest.raises(InvalidInput):
        actions.update_ticket(ticket, actor=agent, category=foreign_category)
    with pytest.raises(InvalidInput):
        actions.update_ticket(ticket, actor=agent, team=foreign_team)


STALE_EDITS = {
    "reply": lambda t, a, v: actions.reply_to_ticket(t, actor=a, body=make_body(text="x"), version=v),
    "note": lambda t, a, v: actions.add_note(t, actor=a, body=make_body(text="x"), version=v),
    "call": lambda t, a, v: actions.log_call(
        t, actor=a, direction="inbound", duration_seconds=1, body=make_body(text="x"), version=v
    ),
    "status": lambda t, a, v: actions.change_status(t, actor=a, status=Status.OPEN, version=v),
    "assign": lambda t, a, v: actions.assign_ticket(
        t, actor=a, assignee=User.objects.get(pk=a.user_id), version=v
    ),
    "update": lambda t, a, v: actions.update_ticket(t, actor=a, priority=Priority.LOW, version=v),
    "escalate": lambda t, a, v: actions.escalate_ticket(t, actor=a, worklog=WorkLog("d", "s"), version=v),
    "worklog": lambda t, a, v: actions.add_worklog(t, actor=a, worklog=WorkLog("d", "s"), version=v),
    "time": lambda t, a, v: actions.log_time(t, actor=a, minutes=5, version=v),
}


@pytest.mark.parametrize("edit", sorted(STALE_EDITS))
def test_every_edit_on_a_stale_version_raises_ticket_changed_and_writes_nothing(cast, edit):
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    actions.add_note(ticket, actor=agent, body=make_body(text="someone else was first"))
    since = _last_event_id()

    with pytest.raises(TicketChanged):
        STALE_EDITS[edit](ticket, agent, 1)

    assert _new_events(ticket, since) == []
    assert Ticket.objects.get(pk=ticket.pk).version == 2


@pytest.mark.parametrize("edit", sorted(STALE_EDITS))
def test_every_edit_on_the_current_version_bumps_it(cast, edit):
    ticket = cast.opera.ticket()

    STALE_EDITS[edit](ticket, actor_for(cast.opera.line1), 1)

    assert Ticket.objects.get(pk=ticket.pk).version == 2
