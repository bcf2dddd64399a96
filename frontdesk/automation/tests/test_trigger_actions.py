"""Each action of a trigger goes through the ticket actions as the system, on the ticket as it is now, and
leaves the history an agent's change would leave, marked with the trigger that caused it."""

from __future__ import annotations

import pytest
from django.utils import translation

from frontdesk.automation.actions import ActionSpec
from frontdesk.automation.models import TriggerRun
from frontdesk.automation.tests.conftest import make_trigger
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import Priority
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, bump_access_version

pytestmark = pytest.mark.django_db


def test_field_actions_change_the_ticket_with_one_event_per_change(cast, dispatched):
    brand = cast.opera.brand
    refunds = create_category(brand, actor=SYSTEM, name="Refunds")
    team = user_actions.create_team(actor=SYSTEM, name="Box office", brand=brand)
    trigger = make_trigger(
        cast.opera,
        "Refunds to the box office",
        actions=(
            ("set_priority", "high"),
            ("set_category", "Refunds"),
            ("set_team", "Box office"),
            ("assign", cast.opera.line1.email),
            ("add_tags", "refund, VIP"),
            ("set_status", "open"),
        ),
    )
    with dispatched():
        ticket = cast.opera.ticket("Refund please")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.priority, ticket.category_id, ticket.team_id, ticket.assignee_id, ticket.status) == (
        "high",
        refunds.pk,
        team.pk,
        cast.opera.line1.pk,
        "open",
    )
    assert ticket.tags == ["refund", "vip"]
    caused = TicketEvent.objects.filter(ticket=ticket).exclude(kind="created")
    kinds = sorted(caused.values_list("kind", flat=True))
    assert kinds == sorted(
        ["priority_changed", "categorized", "team_changed", "assigned", "tags_changed", "status_changed"]
    )
    for event in caused:
        assert event.data["trigger"] == trigger.pk
        assert event.data["trigger_depth"] == 1
        assert event.actor_kind == "system"
        assert event.actor_label == "Refunds to the box office"
    run = TriggerRun.objects.get(trigger=trigger)
    assert run.outcome == "done"
    assert "Set priority high" in run.detail


def test_remove_tags_and_unassign(cast, dispatched):
    ticket = cast.opera.ticket()
    actions.update_ticket(ticket, actor=SYSTEM, tags=["spam", "keep"], assignee=cast.opera.line1)
    make_trigger(
        cast.opera,
        events=("customer_message",),
        actions=(("remove_tags", "spam"), ("assign", "none")),
    )
    with dispatched():
        actions.reply_to_ticket(
            ticket, actor=cast.actor(cast.opera.customer_user), body=actions.make_body(text="Any news?")
        )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.tags == ["keep"]
    assert ticket.assignee_id is None


def test_a_note_is_rendered_from_the_template_in_the_mail_sandbox(cast, dispatched):
    make_trigger(
        cast.opera,
        actions=(
            ActionSpec(
                "add_note",
                text="{{ customer_name }} wrote {{ number }} ({{ ticket.priority|lower }}) via {{ brand.name }}.",
            ),
        ),
    )
    with dispatched():
        ticket = cast.opera.ticket()
    note = Message.objects.get(ticket=ticket, kind="note")
    # For the brand's agents: in the brand's own language.
    assert cast.opera.brand.default_language == "ru"
    with translation.override("ru"):
        normal = str(Priority.NORMAL.label).lower()
    assert note.body_text == (
        f"Customer of Opera Box Office wrote {ticket.number} ({normal}) via Opera Box Office."
    )
    assert note.author_kind == "system"
    event = TicketEvent.objects.get(ticket=ticket, kind="note_added")
    assert event.data["trigger"]
    assert event.data["message"] == note.pk


def test_a_reply_is_a_public_message_from_the_support_team(cast, dispatched):
    make_trigger(cast.opera, actions=(ActionSpec("send_reply", text="We got {{ number }}."),))
    with dispatched():
        ticket = cast.opera.ticket()
    reply = Message.objects.get(ticket=ticket, kind="reply", author_kind="system")
    assert reply.body_text == f"We got {ticket.number}."
    assert ticket.language == "ru"
    assert reply.author_label == "Служба поддержки"  # "Support team" in the customer's language
    assert TicketEvent.objects.get(ticket=ticket, kind="replied").data["message"] == reply.pk


def test_a_refused_action_undoes_its_trigger_and_is_logged_while_the_next_trigger_runs(cast, dispatched):
    first = make_trigger(
        cast.opera,
        "Give it to line 1",
        position=1,
        actions=(("set_priority", "high"), ("assign", cast.opera.line1.email)),
    )
    second = make_trigger(cast.opera, "Tag it", position=2, actions=(("add_tags", "seen"),))
    # The agent leaves the brand after the trigger was written (as the admin removes a membership).
    cast.opera.line1.memberships.all().delete()
    bump_access_version(cast.opera.line1.pk)
    with dispatched():
        ticket = cast.opera.ticket()
    ticket = Ticket.objects.get(pk=ticket.pk)
    failed = TriggerRun.objects.get(trigger=first)
    assert failed.outcome == "failed"
    assert "assignee" in failed.detail
    assert ticket.priority == "normal"  # the whole run was undone
    assert ticket.tags == ["seen"]
    assert TriggerRun.objects.get(trigger=second).outcome == "done"
    # The other consumers went on: the event is dispatched.
    assert TicketEvent.objects.get(ticket=ticket, kind="created").dispatched_at is not None


def test_a_status_move_the_workflow_refuses_is_logged_as_failed(cast, dispatched):
    trigger = make_trigger(cast.opera, events=("closed",), actions=(("set_status", "open"),))
    ticket = cast.opera.ticket()
    with dispatched():
        actions.change_status(ticket, actor=SYSTEM, status="closed")
    run = TriggerRun.objects.get(trigger=trigger)
    assert run.outcome == "failed"
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
