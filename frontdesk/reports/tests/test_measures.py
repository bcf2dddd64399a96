"""Every measure on a constructed set of tickets whose answers were worked out by hand.

Opera (no calendar: real minutes), Monday 2 and Tuesday 3 November 2026, UTC:

| ticket | channel | created | first answer | pauses | solved | else |
|---|---|---|---|---|---|---|
| T1 | web | Mon 10:00 | 10:09 (9) | — | 11:00 (60) | |
| T2 | web | Mon 10:30 | 10:50 (20) | pending customer 10:50–11:50 | 13:30 (180 − 60 = 120) | |
| T3 | phone | Mon 11:00 | — | — | — | escalated to line 2 at 11:10 |
| T4 | web | Tue 09:00 | 09:30 (30) | — | 10:00, reopened 10:30, again 11:30 (150) | two answers |
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdesk.reports import measures
from frontdesk.reports.facts import rebuild_facts
from frontdesk.reports.measures import Scope, Share
from frontdesk.reports.models import TicketFact
from frontdesk.sla.actions import save_calendar
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, Status
from frontdesk.tickets.content import make_body
from frontdesk.tickets.escalation import WorkLog, escalate_ticket
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def world(cast, time_machine, django_capture_on_commit_callbacks):
    opera = cast.opera
    agent, customer = actor_for(opera.line1), actor_for(opera.customer_user)

    def at(moment):
        time_machine.move_to(moment, tick=False)

    def reply(ticket, status=None):
        ticket_actions.reply_to_ticket(
            ticket, actor=agent, body=make_body(text="Here is how."), status=status
        )

    with django_capture_on_commit_callbacks(execute=True):
        at(utc(2, 10))
        t1 = opera.ticket("T1")
        at(utc(2, 10, 9))
        reply(t1)
        at(utc(2, 11))
        ticket_actions.change_status(t1, actor=agent, status=Status.SOLVED)

        at(utc(2, 10, 30))
        t2 = opera.ticket("T2")
        at(utc(2, 10, 50))
        reply(t2, status=Status.PENDING_CUSTOMER)
        at(utc(2, 11, 50))
        ticket_actions.change_status(t2, actor=agent, status=Status.OPEN)
        at(utc(2, 13, 30))
        ticket_actions.change_status(t2, actor=agent, status=Status.SOLVED)

        at(utc(2, 11))
        t3 = ticket_actions.create_ticket(
            opera.brand,
            actor=agent,
            customer=opera.colleague,
            subject="T3",
            body=make_body(text="Caller cannot log in."),
            channel=Channel.PHONE,
        )
        at(utc(2, 11, 10))
        escalate_ticket(
            t3, actor=agent, to_line=2, worklog=WorkLog(diagnosis="Login fails", steps_taken="Reset tried")
        )

        at(utc(3, 9))
        t4 = opera.ticket("T4")
        at(utc(3, 9, 30))
        reply(t4)
        at(utc(3, 10))
        ticket_actions.change_status(t4, actor=agent, status=Status.SOLVED)
        at(utc(3, 10, 30))
        ticket_actions.change_status(t4, actor=customer, status=Status.OPEN)
        at(utc(3, 11))
        reply(t4)
        at(utc(3, 11, 30))
        ticket_actions.change_status(t4, actor=agent, status=Status.SOLVED)
    return {"cast": cast, "tickets": (t1, t2, t3, t4)}


def scope(world, **filters) -> Scope:
    brand = world["cast"].opera.brand
    return Scope(brand_ids=frozenset({brand.pk}), start=utc(2, 0), end=utc(4, 0), **filters)


def test_the_event_consumer_keeps_every_tickets_facts_current(world):
    assert TicketFact.objects.count() == 4
    t4 = TicketFact.objects.get(ticket=world["tickets"][3])
    assert (t4.reopens, t4.agent_replies, t4.resolution_minutes) == (1, 2, 150)


def test_counts_of_created_solved_and_open_requests(world):
    assert measures.requests_created(scope(world)) == 4
    assert measures.requests_solved(scope(world)) == 3
    assert measures.backlog(scope(world)) == 1
    assert measures.created_by(scope(world), "channel") == [("web", 3), ("phone", 1)]
    assert measures.requests_created(scope(world, channel="phone")) == 1


def test_first_response_time_average_median_and_90th_percentile(world):
    stats = measures.first_response_time(scope(world))
    assert stats.count == 3
    assert stats.average == pytest.approx(59 / 3)
    assert stats.median == pytest.approx(20)
    assert stats.p90 == pytest.approx(28)  # 20 + 0.8 × (30 − 20)


def test_resolution_time_leaves_out_the_time_the_customer_was_asked_to_answer(world):
    stats = measures.resolution_time(scope(world))
    assert stats.count == 3
    assert stats.average == pytest.approx(110)
    assert stats.median == pytest.approx(120)
    t2 = TicketFact.objects.get(ticket=world["tickets"][1])
    assert t2.paused_minutes == pytest.approx(60)


def test_line_one_share_escalations_reopens_and_one_touch(world):
    assert measures.solved_on_line_one(scope(world)) == Share(3, 3)
    assert measures.escalated(scope(world)) == Share(1, 4)
    assert measures.reopen_rate(scope(world)) == Share(1, 3)
    assert measures.one_touch(scope(world)) == Share(2, 3)
    assert measures.created_by(scope(world), "top_line") == [(1, 3), (2, 1)]


def test_trend_per_day_and_the_previous_period(world):
    assert measures.trend(scope(world)) == [(dt.date(2026, 11, 2), 3), (dt.date(2026, 11, 3), 1)]
    assert measures.trend(scope(world), measure="solved") == [
        (dt.date(2026, 11, 2), 2),
        (dt.date(2026, 11, 3), 1),
    ]
    assert measures.requests_created(scope(world).previous()) == 0


def test_workload_per_agent(world):
    agent = world["cast"].opera.line1
    # Replies by an agent assign nobody by themselves; T1, T2 and T4 were solved unassigned.
    assert all(row.assignee_id != agent.pk or row.solved == 0 for row in measures.workload(scope(world)))


def test_another_brands_scope_sees_none_of_it(world):
    tours = world["cast"].tours.brand
    other = Scope(brand_ids=frozenset({tours.pk}), start=utc(2, 0), end=utc(4, 0))
    assert measures.requests_created(other) == 0
    assert measures.first_response_time(other).count == 0
    assert measures.solved_on_line_one(other).ratio is None


def test_times_are_business_minutes_of_the_brands_calendar(
    cast, time_machine, django_capture_on_commit_callbacks
):
    opera = cast.opera
    save_calendar(
        opera.brand,
        actor=actor_for(opera.admin),
        name="Box office",
        time_zone="Europe/Moscow",
        weekly_hours={day: ["10:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        time_machine.move_to(dt.datetime(2026, 12, 4, 14, 55, tzinfo=dt.UTC), tick=False)  # Friday 17:55 MSK
        ticket = opera.ticket("Friday evening")
        time_machine.move_to(dt.datetime(2026, 12, 7, 7, 4, tzinfo=dt.UTC), tick=False)  # Monday 10:04 MSK
        ticket_actions.reply_to_ticket(ticket, actor=actor_for(opera.line1), body=make_body(text="Done."))
    assert TicketFact.objects.get(ticket=ticket).first_response_minutes == pytest.approx(9)


def test_rebuilding_the_facts_gives_the_same_rows(world):
    before = list(
        TicketFact.objects.order_by("ticket_id").values_list("ticket_id", "resolution_minutes", "reopens")
    )
    TicketFact.objects.all().delete()
    assert rebuild_facts() == 4
    after = list(
        TicketFact.objects.order_by("ticket_id").values_list("ticket_id", "resolution_minutes", "reopens")
    )
    assert after == before


def test_the_rebuild_command_fills_the_facts_of_existing_tickets(world):
    from django.core.management import CommandError, call_command

    TicketFact.objects.all().delete()
    call_command("rebuild_report_facts", "--brand", world["cast"].opera.brand.slug)
    assert TicketFact.objects.count() == 4
    with pytest.raises(CommandError, match="No brand"):
        call_command("rebuild_report_facts", "--brand", "nope")


def test_satisfaction_counts_good_ratings_and_lists_bad_ones_with_their_follow_up(
    world, time_machine, django_capture_on_commit_callbacks
):
    from frontdesk.tickets.satisfaction import rate_ticket

    customer = actor_for(world["cast"].opera.customer_user)
    t1, t2 = world["tickets"][:2]
    with django_capture_on_commit_callbacks(execute=True):
        time_machine.move_to(utc(3, 12), tick=False)
        rate_ticket(t1, actor=customer, rating="good")
        rate_ticket(t2, actor=customer, rating="bad", comment="Took three hours")
    assert measures.satisfaction(scope(world)) == Share(1, 2)
    [bad] = measures.bad_ratings(scope(world))
    assert bad.number == t2.number
    assert bad.comment == "Took three hours"
    assert bad.follow_up_number
    assert bad.follow_up_status == "new"
    assert measures.satisfaction(scope(world, channel="phone")) == Share(0, 0)


def test_the_report_shows_what_the_knowledge_base_prevented_and_what_it_lacks(world, time_machine):
    from frontdesk.kb.actions import create_article
    from frontdesk.kb.deflection import finish_deflection, record_article_opened, record_suggestions
    from frontdesk.reports.summary import build_report

    opera = world["cast"].opera
    time_machine.move_to(utc(3, 14), tick=False)
    article = create_article(
        opera.brand,
        actor=actor_for(opera.admin),
        language="en",
        title="E-tickets",
        body="Check spam.",
        publish=True,
    )
    helped = record_suggestions(
        None, brand=opera.brand, language="en", query="no tickets", suggestions=[(article.pk, 1, 0.9, True)]
    )
    record_article_opened(helped, article=article)
    finish_deflection(helped, outcome="abandoned")
    missed = record_suggestions(
        None, brand=opera.brand, language="en", query="parking at the venue", suggestions=[]
    )
    finish_deflection(missed, outcome="submitted", ticket_number="OPR-1")
    report = build_report(scope(world), zone=dt.UTC, brands=[opera.brand])
    assert report.table("kb_totals").rows == [[opera.brand.name, 2, 1, 1, 1, 1]]
    assert report.table("kb_articles").rows == [[opera.brand.name, article.public_id, 1, 1, 1]]
    assert report.table("kb_missing").rows == [[opera.brand.name, "parking at the venue", "OPR-1"]]


def test_the_share_within_the_service_level_counts_requests_without_a_breach(
    cast, time_machine, django_capture_on_commit_callbacks
):
    from frontdesk.sla.models import SlaPolicy
    from frontdesk.tickets.sla import scan_service_levels

    opera = cast.opera
    SlaPolicy.objects.create(brand=opera.brand, name="Standard", first_response_minutes=9)
    agent = actor_for(opera.line1)
    time_machine.move_to(utc(2, 10), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        met, missed = opera.ticket("Answered in time"), opera.ticket("Forgotten")
    time_machine.move_to(utc(2, 10, 5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.reply_to_ticket(met, actor=agent, body=make_body(text="Here."))
    time_machine.move_to(utc(2, 10, 10), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        scan_service_levels()
    brand_scope = Scope(brand_ids=frozenset({opera.brand.pk}), start=utc(2, 0), end=utc(3, 0))
    assert measures.within_service_level(brand_scope) == Share(1, 2)
    assert TicketFact.objects.get(ticket=missed).breaches == 1
