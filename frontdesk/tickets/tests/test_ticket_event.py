"""TicketEvent is append-only history that outlives the people in it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.actors import actor_for
from frontdesk.users.models import User


@pytest.fixture
def event(cast):
    ticket = cast.opera.ticket()
    actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.OPEN)
    return TicketEvent.objects.get(ticket=ticket, kind=EventKind.STATUS_CHANGED)


@pytest.mark.parametrize(
    "change",
    [{"kind": EventKind.CLOSED}, {"data": {}}, {"actor_label": "Someone else"}, {"at": timezone.now()}],
)
def test_history_fields_cannot_be_updated_through_a_queryset(event, change):
    with pytest.raises(TypeError, match="append-only"):
        TicketEvent.objects.filter(pk=event.pk).update(**change)

    assert TicketEvent.objects.get(pk=event.pk).kind == EventKind.STATUS_CHANGED


def test_saving_an_existing_event_again_is_refused(event):
    event.data = {"before": "new", "after": "closed"}

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    assert TicketEvent.objects.get(pk=event.pk).data == {"before": "new", "after": "open"}


def test_events_cannot_be_deleted_one_by_one_or_in_bulk(event):
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        TicketEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        event.ticket.events.all().delete()

    assert TicketEvent.objects.filter(pk=event.pk).exists()


def test_the_dispatch_bookkeeping_may_still_change(event):
    now = timezone.now()

    TicketEvent.objects.filter(pk=event.pk).update(dispatched_at=now, claimed_until=None, attempts=2)

    assert TicketEvent.objects.get(pk=event.pk).dispatched_at == now


def test_deleting_an_agent_keeps_their_name_in_the_history(cast, event):
    label = event.actor_label

    User.objects.filter(pk=cast.opera.line1.pk).delete()

    kept = TicketEvent.objects.get(pk=event.pk)
    assert (kept.actor_id, kept.actor_label, kept.actor_kind) == (None, label, "agent")
    assert label == cast.opera.line1.name
