"""Macros: several changes in one transaction, one event per change, the version checked once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from frontdesk.core.errors import InvalidTransition, NotFound, PermissionDenied, TicketChanged
from frontdesk.tickets.actions import change_status
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import EventKind, MessageKind, Status
from frontdesk.tickets.macros import access_macro, apply_macro, create_macro, macros_for
from frontdesk.tickets.models import CannedAnswer, Macro, Message, TicketEvent
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import Team


def _events(ticket, after):
    return list(TicketEvent.objects.filter(ticket=ticket, pk__gt=after).values_list("kind", flat=True))


def _last_event(ticket):
    return TicketEvent.objects.filter(ticket=ticket).order_by("-id").values_list("id", flat=True).first()


@pytest.fixture
def setup(cast):
    brand = cast.opera.brand
    category = create_category(brand, actor=SYSTEM, name="Refunds")
    team = Team.objects.create(brand=brand, name="Refund desk", line=1)
    answer = CannedAnswer.objects.create(
        brand=brand,
        title="Refund",
        body="Dear {customer_first_name}, your refund for {ticket_number} is on its way.",
    )
    return category, team, answer


def test_a_macro_applies_every_change_with_one_event_each(cast, setup):
    category, team, answer = setup
    macro = create_macro(
        cast.opera.brand.pk,
        actor=SYSTEM,
        name="Refund asked",
        status=Status.PENDING_CUSTOMER,
        priority="high",
        category=category,
        team=team,
        add_tags=["refund", "vip"],
        canned_answer=answer,
    )
    ticket = cast.opera.ticket()
    before = _last_event(ticket)
    outcome = apply_macro(ticket, actor=actor_for(cast.opera.line1), macro=macro, version=ticket.version)
    after = outcome.ticket
    assert (after.status, after.priority, after.category_id, after.team_id) == (
        Status.PENDING_CUSTOMER,
        "high",
        category.pk,
        team.pk,
    )
    assert after.tags == ["refund", "vip"]
    assert after.version == ticket.version + 1
    assert sorted(_events(ticket, before)) == sorted(
        [
            EventKind.PRIORITY_CHANGED,
            EventKind.CATEGORIZED,
            EventKind.TAGS_CHANGED,
            EventKind.TEAM_CHANGED,
            EventKind.STATUS_CHANGED,
        ]
    )
    # Inserted, not sent: the agent reads it in the reply box.
    assert outcome.answer_text == f"Dear Customer, your refund for {ticket.number} is on its way."
    assert not Message.objects.filter(ticket=ticket, author_id=cast.opera.line1.pk).exists()


def test_a_macro_that_sends_its_answer_replies_and_sets_the_status_in_one_step(cast, setup):
    _category, _team, answer = setup
    macro = create_macro(
        cast.opera.brand.pk,
        actor=SYSTEM,
        name="Answer and wait",
        status=Status.PENDING_CUSTOMER,
        canned_answer=answer,
        answer_mode="send",
    )
    ticket = cast.opera.ticket()
    before = _last_event(ticket)
    outcome = apply_macro(ticket, actor=actor_for(cast.opera.line1), macro=macro, version=ticket.version)
    assert outcome.message is not None
    assert outcome.message.kind == MessageKind.REPLY
    assert outcome.message.body_text.startswith("Dear Customer")
    assert outcome.ticket.status == Status.PENDING_CUSTOMER
    assert _events(ticket, before) == [EventKind.REPLIED, EventKind.STATUS_CHANGED]


def test_tags_already_on_the_ticket_are_not_added_twice(cast):
    macro = create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Tag", add_tags=["refund"])
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    ticket = apply_macro(ticket, actor=agent, macro=macro, version=ticket.version).ticket
    before = _last_event(ticket)
    again = apply_macro(ticket, actor=agent, macro=macro, version=ticket.version).ticket
    assert again.tags == ["refund"]
    assert _events(ticket, before) == []


def test_a_stale_version_applies_nothing(cast):
    macro = create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Urgent", priority="urgent", add_tags=["x"])
    ticket = cast.opera.ticket()
    before = _last_event(ticket)
    with pytest.raises(TicketChanged):
        apply_macro(ticket, actor=actor_for(cast.opera.line1), macro=macro, version=ticket.version - 1 or 99)
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    assert _events(ticket, before) == []


def test_a_refused_change_rolls_back_the_changes_before_it(cast):
    macro = create_macro(
        cast.opera.brand.pk, actor=SYSTEM, name="Reopen", priority="urgent", status=Status.OPEN
    )
    ticket = cast.opera.ticket()
    agent = actor_for(cast.opera.line1)
    ticket = change_status(ticket, actor=agent, status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        apply_macro(ticket, actor=agent, macro=macro, version=ticket.version)
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_another_brand_neither_lists_nor_reaches_nor_applies_the_macro(cast):
    macro = create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Urgent", priority="urgent")
    ticket = cast.opera.ticket()
    foreign_ticket = cast.tours.ticket()
    other = actor_for(cast.tours.line1)
    assert macros_for(other, ticket) == []
    with pytest.raises(PermissionDenied):
        access_macro(other, ticket, macro.pk)
    with pytest.raises(PermissionDenied):
        apply_macro(ticket, actor=other, macro=macro)
    # The macro of one brand on the ticket of another is not found.
    with pytest.raises(NotFound):
        access_macro(other, foreign_ticket, macro.pk)
    with pytest.raises(NotFound):
        apply_macro(foreign_ticket, actor=other, macro=macro)


def test_a_macro_names_only_its_brand_s_category_team_and_answer(cast):
    foreign_category = create_category(cast.tours.brand, actor=SYSTEM, name="Refunds")
    with pytest.raises(ValidationError):
        create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Bad", category=foreign_category)
    with pytest.raises(PermissionDenied):
        create_macro(cast.tours.brand.pk, actor=actor_for(cast.opera.admin), name="Not mine")


# The admin ------------------------------------------------------------------------------------------------


def _admin(client, user):
    from frontdesk.testing.cast import PASSWORD

    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_brand_admin_sees_only_their_brands_macros(cast, client):
    mine = create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Opera macro")
    theirs = create_macro(cast.tours.brand.pk, actor=SYSTEM, name="Tours macro")
    admin = _admin(client, cast.opera.admin)
    listing = admin.get("/admin/tickets/macro/").content.decode()
    assert "Opera macro" in listing
    assert "Tours macro" not in listing
    assert admin.get(f"/admin/tickets/macro/{mine.pk}/change/").status_code == 200
    assert admin.get(f"/admin/tickets/macro/{theirs.pk}/change/").status_code == 302


def test_a_brand_admin_s_macro_names_only_their_brand_s_category_team_and_answer(cast, client):
    foreign_category = create_category(cast.tours.brand, actor=SYSTEM, name="Visa")
    foreign_answer = CannedAnswer.objects.create(brand=cast.tours.brand, title="Tours answer", body="x")
    shared_team = Team.objects.create(brand=None, name="Shared desk", line=2)
    admin = _admin(client, cast.opera.admin)
    form = admin.get("/admin/tickets/macro/add/").content.decode()
    assert "Shared desk" in form
    assert "Tours answer" not in form
    assert "Visa" not in form
    data = {
        "brand": cast.opera.brand.pk,
        "name": "Mine",
        "position": "0",
        "status": "pending_customer",
        "priority": "",
        "add_tags": "a, b",
        "answer_mode": "insert",
        "is_active": "on",
    }
    for sneaky in ({"category": foreign_category.pk}, {"canned_answer": foreign_answer.pk}):
        assert admin.post("/admin/tickets/macro/add/", {**data, **sneaky}).status_code == 200
    assert not Macro.objects.exists()
    assert admin.post("/admin/tickets/macro/add/", {**data, "team": shared_team.pk}).status_code == 302
    macro = Macro.objects.get()
    assert (macro.brand_id, macro.team_id, macro.tag_list) == (
        cast.opera.brand.pk,
        shared_team.pk,
        ["a", "b"],
    )
