"""The consumer runs a brand's active triggers for the event's kind in their order, each at most once per
event, never on an event a trigger caused itself and not past a chain of three; other brands' triggers never
touch a ticket."""

from __future__ import annotations

import pytest

from frontdesk.automation.actions import ActionSpec
from frontdesk.automation.consumers import run_triggers, run_triggers_for_events
from frontdesk.automation.engine import MAX_DEPTH
from frontdesk.automation.models import Trigger, TriggerRun
from frontdesk.automation.tests.conftest import make_trigger
from frontdesk.tickets import actions
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_triggers_run_in_position_order_and_each_sees_what_the_earlier_ones_did(cast, dispatched):
    # Made out of order: the position decides.
    tag = make_trigger(
        cast.opera,
        "Tag high ones",
        position=2,
        conditions=(("priority", "is", "high"),),
        actions=(("add_tags", "high-seen"),),
    )
    raise_it = make_trigger(cast.opera, "Raise", position=1, actions=(("set_priority", "high"),))
    before = make_trigger(
        cast.opera,
        "Sees normal",
        position=0,
        conditions=(("priority", "is", "high"),),
        actions=(("add_tags", "too-early"),),
    )
    with dispatched():
        ticket = cast.opera.ticket()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.tags == ["high-seen"]
    created = TicketEvent.objects.get(ticket=ticket, kind="created")
    runs = list(TriggerRun.objects.filter(event=created).order_by("id").values_list("trigger_id", flat=True))
    assert runs == [raise_it.pk, tag.pk]
    assert not TriggerRun.objects.filter(trigger=before).exists()


def test_a_trigger_runs_on_its_event_kinds_only_and_inactive_ones_never(cast, dispatched):
    on_reply = make_trigger(cast.opera, "On replies", events=("replied",), actions=(("add_tags", "r"),))
    off = make_trigger(cast.opera, "Off", actions=(("add_tags", "off"),))
    Trigger.objects.filter(pk=off.pk).update(is_active=False)
    with dispatched():
        ticket = cast.opera.ticket()
    assert Ticket.objects.get(pk=ticket.pk).tags == []
    with dispatched():
        actions.reply_to_ticket(ticket, actor=actor_for(cast.opera.line1), body=actions.make_body(text="Hi"))
    assert Ticket.objects.get(pk=ticket.pk).tags == ["r"]
    assert TriggerRun.objects.filter(trigger=on_reply).count() == 1
    assert not TriggerRun.objects.filter(trigger=off).exists()


def test_an_event_dispatched_twice_runs_each_trigger_once(cast, dispatched):
    trigger = make_trigger(cast.opera, "Note", actions=(ActionSpec("add_note", text="Seen by automation"),))
    ticket = cast.opera.ticket()
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    with dispatched():
        run_triggers(event)
        run_triggers(event)
        run_triggers_for_events([event, event])
    assert Message.objects.filter(ticket=ticket, kind="note").count() == 1
    assert TriggerRun.objects.filter(trigger=trigger, event=event).count() == 1


def test_a_trigger_never_runs_on_the_event_it_caused(cast, dispatched):
    trigger = make_trigger(
        cast.opera,
        "Keep it high",
        events=("created", "priority_changed"),
        actions=(("set_priority", "high"), ActionSpec("add_note", text="Raised")),
    )
    with dispatched():
        ticket = cast.opera.ticket()
    assert Message.objects.filter(ticket=ticket, kind="note").count() == 1
    changed = TicketEvent.objects.get(ticket=ticket, kind="priority_changed")
    assert changed.data["trigger"] == trigger.pk
    skipped = TriggerRun.objects.get(trigger=trigger, event=changed)
    assert skipped.outcome == "skipped"
    assert "caused by this trigger" in skipped.detail


def test_two_triggers_that_undo_each_other_stop_after_a_chain_of_three(cast, dispatched):
    make_trigger(
        cast.opera,
        "High becomes urgent",
        events=("priority_changed",),
        position=1,
        conditions=(("priority", "is", "high"),),
        actions=(("set_priority", "urgent"),),
    )
    make_trigger(
        cast.opera,
        "Urgent becomes high",
        events=("priority_changed",),
        position=2,
        conditions=(("priority", "is", "urgent"),),
        actions=(("set_priority", "high"),),
    )
    ticket = cast.opera.ticket()
    with dispatched():
        actions.update_ticket(ticket, actor=actor_for(cast.opera.line1), priority="high")
    changes = TicketEvent.objects.filter(ticket=ticket, kind="priority_changed")
    depths = [event.data.get("trigger_depth", 0) for event in changes]
    assert max(depths) == MAX_DEPTH
    assert len(changes) < 10
    chain = TriggerRun.objects.filter(outcome="skipped", detail__contains="chain")
    assert chain.exists()
    assert all(event.dispatched_at is not None for event in changes)


def test_a_trigger_of_one_brand_never_touches_the_other_brands_tickets(cast, dispatched):
    opera = make_trigger(cast.opera, "Opera only", actions=(("add_tags", "opera"),))
    with dispatched():
        tours_ticket = cast.tours.ticket()
        opera_ticket = cast.opera.ticket()
    assert Ticket.objects.get(pk=tours_ticket.pk).tags == []
    assert Ticket.objects.get(pk=opera_ticket.pk).tags == ["opera"]
    assert list(TriggerRun.objects.values_list("ticket_id", flat=True)) == [opera_ticket.pk]
    # Handed another brand's event directly, the trigger still does nothing.
    event = TicketEvent.objects.get(ticket=tours_ticket, kind="created")
    from frontdesk.automation.engine import run_triggers_on

    assert run_triggers_on(event, [opera]) == []


def test_a_webhook_action_queues_one_delivery_for_the_event_and_trigger(cast, dispatched, monkeypatch):
    monkeypatch.setattr("frontdesk.webhooks.actions._ring", lambda ids: None)  # no sending in this test
    endpoint = WebhookEndpoint.objects.create(
        brand=cast.opera.brand, name="CRM", url="https://crm.opera.example/hook"
    )
    trigger = make_trigger(cast.opera, "Tell the CRM", actions=(("call_webhook", str(endpoint.pk)),))
    with dispatched():
        ticket = cast.opera.ticket()
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    run_triggers(event)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.event_id, delivery.trigger_id) == (event.pk, trigger.pk)
    assert TriggerRun.objects.get(trigger=trigger).outcome == "done"


def test_a_webhook_endpoint_switched_off_fails_the_run(cast, dispatched, monkeypatch):
    monkeypatch.setattr("frontdesk.webhooks.actions._ring", lambda ids: None)
    endpoint = WebhookEndpoint.objects.create(
        brand=cast.opera.brand, name="CRM", url="https://crm.opera.example/hook"
    )
    trigger = make_trigger(cast.opera, "Tell the CRM", actions=(("call_webhook", str(endpoint.pk)),))
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    with dispatched():
        cast.opera.ticket()
    run = TriggerRun.objects.get(trigger=trigger)
    assert run.outcome == "failed"
    assert not WebhookDelivery.objects.exists()


def test_another_brands_webhook_endpoint_cannot_be_named(cast):
    from frontdesk.core.errors import InvalidInput

    endpoint = WebhookEndpoint.objects.create(brand=cast.tours.brand, name="CRM", url="https://crm.example/")
    with pytest.raises(InvalidInput):
        make_trigger(cast.opera, actions=(("call_webhook", str(endpoint.pk)),))


def test_the_system_actor_creates_triggers_but_agents_may_not(cast):
    from frontdesk.automation.actions import create_trigger
    from frontdesk.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_trigger(
            cast.opera.brand.pk, actor=actor_for(cast.opera.line1), name="Mine", event_kinds=["created"]
        )
    assert make_trigger(cast.opera, "Admin's").brand_id == cast.opera.brand.pk
    assert SYSTEM.administers(cast.opera.brand.pk)


def test_triggers_that_do_not_apply_cost_no_queries_of_their_own(cast, count_queries):
    ticket = cast.opera.ticket()
    event = TicketEvent.objects.get(ticket=ticket, kind="created")

    def queries_with(triggers: int) -> int:
        Trigger.objects.all().delete()
        for i in range(triggers):
            make_trigger(
                cast.opera,
                f"Urgent only {i}",
                conditions=(("priority", "is", "urgent"), ("subject", "contains", "never")),
                actions=(("add_tags", "x"),),
            )
        with count_queries() as queries:
            run_triggers(event)
        return len(queries)

    few, many = queries_with(2), queries_with(20)
    assert few == many
    assert many <= 7, many
    assert not TriggerRun.objects.exists()
