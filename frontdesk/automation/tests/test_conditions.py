"""Conditions test the event, the ticket as it is now, the event's message and the customer; values are
checked and stored normalised (ids for named rows), so a condition never names another brand's rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from frontdesk.automation.engine import Facts, holds, matches
from frontdesk.automation.models import Trigger, TriggerCondition
from frontdesk.automation.rules import clean_condition
from frontdesk.tickets import actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Message, TicketEvent
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import Customer

pytestmark = pytest.mark.django_db


def facts_of(event: TicketEvent) -> Facts:
    ticket = event.ticket.__class__.objects.get(pk=event.ticket_id)
    message_id = event.data.get("message")
    message = Message.objects.filter(pk=message_id).first() if message_id else None
    customer = Customer.objects.select_related("organization").get(pk=ticket.customer_id)
    return Facts(event, ticket, customer, message)


def condition(brand_id: int, field: str, operator: str, value: str) -> TriggerCondition:
    return TriggerCondition(
        field=field, operator=operator, value=clean_condition(field, operator, value, brand_id=brand_id)
    )


def created(cast, subject="Tickets not received"):
    ticket = cast.opera.ticket(subject)
    return TicketEvent.objects.get(ticket=ticket, kind="created")


def test_choice_fields_match_by_value_or_label_with_is_is_not_and_is_one_of(cast):
    event = created(cast)
    facts = facts_of(event)
    brand = cast.opera.brand.pk
    assert holds(condition(brand, "event_kind", "is", "created"), facts)
    assert holds(condition(brand, "status", "is", "New"), facts)  # the label works too
    assert not holds(condition(brand, "status", "is_not", "new"), facts)
    assert holds(condition(brand, "priority", "in", "high, normal"), facts)
    assert not holds(condition(brand, "priority", "in", "high,urgent"), facts)
    assert holds(condition(brand, "channel", "is", "web"), facts)
    assert holds(condition(brand, "line", "is", "1"), facts)
    assert holds(condition(brand, "author_kind", "is", "customer"), facts)
    assert holds(condition(brand, "customer_tier", "is", "standard"), facts)


def test_the_customer_tier_is_their_own_else_their_organizations(cast):
    event = created(cast)
    organization = cast.opera.organization
    organization.tier = "premium"
    organization.save(update_fields=["tier"])
    assert holds(condition(cast.opera.brand.pk, "customer_tier", "is", "premium"), facts_of(event))
    Customer.objects.filter(pk=cast.opera.customer.pk).update(tier="vip")
    assert holds(condition(cast.opera.brand.pk, "customer_tier", "is", "vip"), facts_of(event))


def test_text_fields_contain_case_insensitively_and_tags_contain_one_tag(cast):
    event = created(cast, "Refund for   the GALA")
    ticket = actions.update_ticket(event.ticket, actor=SYSTEM, tags=["vip", "Gala"])
    facts = facts_of(event)
    brand = cast.opera.brand.pk
    assert holds(condition(brand, "subject", "contains", "refund for the gala"), facts)
    assert holds(condition(brand, "subject", "is", "refund for the gala"), facts)
    assert holds(condition(brand, "subject", "not_contains", "invoice"), facts)
    assert holds(condition(brand, "message_text", "contains", "E-TICKETS"), facts)
    assert holds(condition(brand, "tags", "contains", "gala"), facts)
    assert holds(condition(brand, "tags", "not_contains", "urgent"), facts)
    assert ticket.tags == ["vip", "gala"]


def test_the_message_text_is_the_events_own_message(cast):
    ticket = cast.opera.ticket()
    actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="We sent them again.")
    )
    replied = TicketEvent.objects.get(ticket=ticket, kind="replied")
    facts = facts_of(replied)
    brand = cast.opera.brand.pk
    assert holds(condition(brand, "message_text", "contains", "sent them again"), facts)
    assert not holds(condition(brand, "message_text", "contains", "e-tickets did not arrive"), facts)
    assert holds(condition(brand, "author_kind", "is", "agent"), facts)
    status_event = TicketEvent.objects.get(ticket=ticket, kind="status_changed")
    assert not holds(condition(brand, "message_text", "contains", "sent"), facts_of(status_event))


def test_customer_email_and_domain(cast):
    facts = facts_of(created(cast))
    brand = cast.opera.brand.pk
    assert holds(condition(brand, "customer_email", "is", "CUSTOMER@opera-mail.example"), facts)
    assert holds(condition(brand, "customer_email", "contains", "@opera-mail"), facts)
    assert holds(condition(brand, "customer_domain", "is", "@opera-mail.example"), facts)
    assert holds(condition(brand, "customer_domain", "in", "example.org, opera-mail.example"), facts)
    assert not holds(condition(brand, "customer_domain", "is_not", "opera-mail.example"), facts)


def test_named_rows_are_stored_by_id_and_compared_with_the_ticket(cast):
    brand = cast.opera.brand
    refunds = create_category(brand, actor=SYSTEM, name="Refunds")
    team = user_actions.create_team(actor=SYSTEM, name="Box office", brand=brand)
    event = created(cast)
    actions.update_ticket(event.ticket, actor=SYSTEM, category=refunds, team=team, assignee=cast.opera.line1)
    facts = facts_of(event)
    assert clean_condition("category", "is", "refunds", brand_id=brand.pk) == str(refunds.pk)
    assert holds(condition(brand.pk, "category", "is", "Refunds"), facts)
    assert holds(condition(brand.pk, "team", "is", str(team.pk)), facts)
    assert holds(condition(brand.pk, "assignee", "is", cast.opera.line1.email), facts)
    assert not holds(condition(brand.pk, "assignee", "is", "none"), facts)
    assert holds(condition(brand.pk, "organization", "is", cast.opera.organization.name), facts)
    assert holds(condition(brand.pk, "request_type", "is", "none"), facts)
    assert holds(condition(brand.pk, "assignee", "in", f"none, {cast.opera.line1.pk}"), facts)


@pytest.mark.parametrize(
    ("field", "operator", "value", "error_field"),
    [
        ("status", "is", "shipped", "value"),
        ("status", "contains", "new", "operator"),
        ("tags", "is", "vip", "operator"),
        ("priority", "is", "", "value"),
        ("line", "is", "4", "value"),
        ("color", "is", "red", "field"),
    ],
)
def test_bad_condition_values_are_refused_naming_the_field(cast, field, operator, value, error_field):
    with pytest.raises(ValidationError) as refused:
        clean_condition(field, operator, value, brand_id=cast.opera.brand.pk)
    assert error_field in refused.value.message_dict


def test_another_brands_rows_cannot_be_named(cast):
    visas = create_category(cast.tours.brand, actor=SYSTEM, name="Visas")
    tours_team = user_actions.create_team(actor=SYSTEM, name="Tours desk", brand=cast.tours.brand)
    opera = cast.opera.brand.pk
    for field, value in (
        ("category", str(visas.pk)),
        ("category", "Visas"),
        ("team", str(tours_team.pk)),
        ("assignee", cast.tours.line1.email),
        ("assignee", str(cast.tours.line1.pk)),
        ("organization", str(cast.tours.organization.pk)),
        ("assignee", cast.opera.customer_user.email),  # a customer is not an agent
    ):
        with pytest.raises(ValidationError):
            clean_condition(field, "is", value, brand_id=opera)


def test_all_or_any_and_no_conditions(cast):
    event = created(cast)
    facts = facts_of(event)
    trigger = Trigger.objects.create(brand=cast.opera.brand, name="t", event_kinds=["created"])
    assert matches(trigger, facts)  # no conditions: always
    brand = cast.opera.brand.pk
    for row in (condition(brand, "status", "is", "new"), condition(brand, "priority", "is", "urgent")):
        row.trigger = trigger
        row.save()
    assert not matches(Trigger.objects.get(pk=trigger.pk), facts)
    trigger.match = "any"
    trigger.save()
    assert matches(Trigger.objects.get(pk=trigger.pk), facts)


def test_within_business_hours_follows_the_brands_calendar(cast):
    import datetime as dt

    import time_machine

    from frontdesk.sla.actions import save_calendar

    save_calendar(
        cast.opera.brand,
        actor=SYSTEM,
        name="Box office hours",
        time_zone="Europe/Moscow",
        weekly_hours={day: ["10:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    )
    brand = cast.opera.brand.pk
    within = condition(brand, "business_hours", "is", "yes")
    # Monday 2026-11-30, 12:00 in Moscow (09:00 UTC): open; 22:00 (19:00 UTC): closed.
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        assert holds(within, facts_of(created(cast, "At noon")))
    with time_machine.travel(dt.datetime(2026, 11, 30, 19, 0, tzinfo=dt.UTC), tick=False):
        late = facts_of(created(cast, "At night"))
    assert not holds(within, late)
    assert holds(condition(brand, "business_hours", "is", "no"), late)
    # Without a calendar a brand is open all the time.
    with time_machine.travel(dt.datetime(2026, 11, 30, 19, 0, tzinfo=dt.UTC), tick=False):
        tours = cast.tours.ticket("At night")
    tours_facts = facts_of(TicketEvent.objects.get(ticket=tours, kind="created"))
    assert holds(condition(cast.tours.brand.pk, "business_hours", "is", "yes"), tours_facts)
