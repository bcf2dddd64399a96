"""Merging duplicates: history stays where it was written, the merged ticket points to the survivor."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput, PermissionDenied, TicketChanged
from frontdesk.mail.tests.conftest import mail_cast, make_mail, pipe  # noqa: F401
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.merging import merge_tickets
from frontdesk.tickets.models import Message, Ticket, TicketEvent
from frontdesk.tickets.queries import timeline_messages_visible_to
from frontdesk.users.actors import actor_for


def test_merge_keeps_every_message_and_event_and_points_to_the_survivor(cast):
    agent = actor_for(cast.opera.line1)
    original, duplicate = cast.opera.ticket("Original"), cast.opera.ticket("Duplicate")
    actions.add_note(duplicate, actor=agent, body=make_body(text="Same as the other one"))
    messages_before = set(Message.objects.values_list("pk", "ticket_id"))
    events_before = set(TicketEvent.objects.values_list("pk", "ticket_id"))

    survivor = merge_tickets(duplicate, into=original, actor=agent)

    duplicate.refresh_from_db()
    assert survivor.pk == original.pk
    assert duplicate.merged_into_id == original.pk
    assert duplicate.status == Status.CLOSED
    assert set(Message.objects.values_list("pk", "ticket_id")) == messages_before
    assert events_before <= set(TicketEvent.objects.values_list("pk", "ticket_id"))
    merged = TicketEvent.objects.filter(kind=EventKind.MERGED)
    assert {(e.ticket_id, next(iter(e.data.items()))) for e in merged} == {
        (duplicate.pk, ("into", original.number)),
        (original.pk, ("from", duplicate.number)),
    }
    timeline = list(timeline_messages_visible_to(agent, original))
    assert {m.ticket_id for m in timeline} == {original.pk, duplicate.pk}
    assert {m.origin_number for m in timeline} == {original.number, duplicate.number}


def test_a_customer_sees_only_public_merged_messages_in_the_survivor(cast):
    agent = actor_for(cast.opera.line1)
    original, duplicate = cast.opera.ticket("Original"), cast.opera.ticket("Duplicate")
    actions.add_note(duplicate, actor=agent, body=make_body(text="Internal"))
    merge_tickets(duplicate, into=original, actor=agent)

    seen = list(timeline_messages_visible_to(actor_for(cast.opera.customer_user), original))

    assert len(seen) == 2
    assert all(m.kind == "reply" for m in seen)
    assert list(timeline_messages_visible_to(actor_for(cast.tours.line1), original)) == []


def test_mail_answering_the_merged_ticket_lands_on_the_survivor(mail_cast, pipe):  # noqa: F811
    pipe(make_mail(frm="anna@customer.example", subject="First"), "--brand", "opera")
    pipe(make_mail(frm="anna@customer.example", subject="Again"), "--brand", "opera")
    original, duplicate = Ticket.objects.order_by("id")
    merge_tickets(duplicate, into=original, actor=actor_for(mail_cast.opera.line1))

    pipe(make_mail(frm="anna@customer.example", subject=f"Re: [{duplicate.number}]"), "--brand", "opera")

    assert Ticket.objects.count() == 2
    assert Message.objects.filter(ticket=original).count() == 2
    assert Message.objects.filter(ticket=duplicate).count() == 1


def test_merging_into_a_merged_ticket_follows_to_the_final_survivor(cast):
    agent = actor_for(cast.opera.line1)
    a, b, c = cast.opera.ticket("A"), cast.opera.ticket("B"), cast.opera.ticket("C")
    merge_tickets(b, into=a, actor=agent)

    survivor = merge_tickets(c, into=b, actor=agent)

    c.refresh_from_db()
    assert survivor.pk == a.pk
    assert c.merged_into_id == a.pk


def test_earlier_merges_follow_the_ticket_they_were_merged_into(cast):
    agent = actor_for(cast.opera.line1)
    a, b, c = cast.opera.ticket("A"), cast.opera.ticket("B"), cast.opera.ticket("C")
    merge_tickets(c, into=b, actor=agent)
    merge_tickets(b, into=a, actor=agent)

    c.refresh_from_db()
    assert c.merged_into_id == a.pk
    assert {m.ticket_id for m in timeline_messages_visible_to(agent, a)} == {a.pk, b.pk, c.pk}


def test_cycles_and_self_merges_are_refused(cast):
    agent = actor_for(cast.opera.line1)
    a, b = cast.opera.ticket("A"), cast.opera.ticket("B")
    with pytest.raises(InvalidInput):
        merge_tickets(a, into=a, actor=agent)
    merge_tickets(b, into=a, actor=agent)
    a.refresh_from_db()
    with pytest.raises(InvalidInput):
        # b was merged into a: merging a into b would follow back to a.
        merge_tickets(a, into=b, actor=agent)
    with pytest.raises(InvalidInput):
        merge_tickets(b, into=a, actor=agent)
    a.refresh_from_db()
    assert a.merged_into_id is None


def test_a_ticket_of_another_brand_is_refused(cast):
    admin = actor_for(cast.provider_admin)
    opera, tours = cast.opera.ticket(), cast.tours.ticket()
    with pytest.raises(InvalidInput):
        merge_tickets(opera, into=tours, actor=admin)
    with pytest.raises(PermissionDenied):
        merge_tickets(opera, into=tours, actor=actor_for(cast.opera.line1))
    opera.refresh_from_db()
    assert opera.merged_into_id is None


def test_a_closed_survivor_is_refused(cast):
    agent = actor_for(cast.opera.line1)
    a, b = cast.opera.ticket("A"), cast.opera.ticket("B")
    actions.change_status(a, actor=agent, status=Status.CLOSED)
    with pytest.raises(InvalidInput):
        merge_tickets(b, into=a, actor=agent)


def test_a_stale_version_raises_ticket_changed(cast):
    agent = actor_for(cast.opera.line1)
    a, b = cast.opera.ticket("A"), cast.opera.ticket("B")
    seen = b.version
    actions.add_note(b, actor=agent, body=make_body(text="Meanwhile"))
    with pytest.raises(TicketChanged):
        merge_tickets(b, into=a, actor=agent, version=seen)
    b.refresh_from_db()
    assert b.merged_into_id is None


def test_customers_cannot_merge(cast):
    a, b = cast.opera.ticket("A"), cast.opera.ticket("B")
    with pytest.raises(PermissionDenied):
        merge_tickets(b, into=a, actor=actor_for(cast.opera.customer_user))


def test_bulk_merge_merges_each_ticked_ticket_into_the_chosen_one_and_reports_refusals(cast):
    from frontdesk.tickets.bulk import BulkChange, BulkKind, bulk_change

    agent = actor_for(cast.opera.line1)
    survivor, a, b, foreign = (
        cast.opera.ticket("S"),
        cast.opera.ticket("A"),
        cast.opera.ticket("B"),
        cast.tours.ticket(),
    )
    merge_tickets(b, into=cast.opera.ticket("Elsewhere"), actor=agent)

    outcome = bulk_change(agent, [survivor.pk, a.pk, b.pk, foreign.pk], BulkChange(BulkKind.MERGE, survivor))

    assert [t.pk for t in outcome.changed] == [a.pk]
    assert [t.pk for t, _reason in outcome.failed] == [b.pk]
    assert outcome.skipped == 1
    a.refresh_from_db()
    assert a.merged_into_id == survivor.pk
    assert TicketEvent.objects.filter(ticket=survivor, kind=EventKind.MERGED).count() == 1
