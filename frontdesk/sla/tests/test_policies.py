"""Choosing a policy and the deadlines it sets, in business hours, with pauses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from frontdesk.sla.clock import CalendarSpec
from frontdesk.sla.policies import Deadlines, PolicyTerms, TicketFacts, choose_policy, deadlines

MOSCOW = ZoneInfo("Europe/Moscow")
OFFICE = CalendarSpec(time_zone="Europe/Moscow", weekly=(((600, 1080),),) * 5 + ((), ()))
STANDARD = PolicyTerms(
    id=1,
    first_response_minutes=9,
    next_response_minutes=60,
    resolution_minutes=16 * 60,
    update_interval_minutes=8 * 60,
)
URGENT_VIP = PolicyTerms(
    id=2, priorities=frozenset({"urgent"}), customer_tiers=frozenset({"vip"}), first_response_minutes=5
)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=MOSCOW)


def facts(**overrides) -> TicketFacts:
    values = {
        "status": "new",
        "priority": "normal",
        "channel": "email",
        "created_at": at(2026, 12, 4, 17, 55),
    }
    return TicketFacts(**(values | overrides))


def test_the_first_policy_whose_conditions_all_match_is_chosen():
    policies = [URGENT_VIP, STANDARD]
    assert choose_policy(policies, facts(priority="urgent", customer_tier="vip")) is URGENT_VIP
    assert choose_policy(policies, facts(priority="urgent")) is STANDARD
    assert choose_policy([URGENT_VIP], facts()) is None


def test_a_request_five_minutes_before_closing_on_friday_is_due_on_monday_morning():
    due = deadlines(STANDARD, facts(), OFFICE)
    assert due.first_response_due_at == at(2026, 12, 7, 10, 4)
    assert due.resolution_due_at == at(2026, 12, 8, 17, 55)  # two working days of eight hours
    # The warning falls at 80% of the first-response target: 7.2 minutes in, over the weekend.
    assert due.warn_at == at(2026, 12, 7, 10, 2, 12)
    assert due.due_at == due.first_response_due_at


def test_after_the_first_answer_only_a_new_customer_message_starts_the_response_clock():
    answered = facts(
        status="open", first_response_at=at(2026, 12, 7, 10, 1), last_agent_message_at=at(2026, 12, 7, 10, 1)
    )
    due = deadlines(STANDARD, answered, OFFICE)
    assert due.first_response_due_at is None
    assert due.next_response_due_at is None
    assert due.next_update_due_at == at(2026, 12, 8, 10, 1)
    replied = facts(
        status="open",
        first_response_at=at(2026, 12, 7, 10, 1),
        last_agent_message_at=at(2026, 12, 7, 10, 1),
        last_customer_message_at=at(2026, 12, 7, 17, 30),
    )
    assert deadlines(STANDARD, replied, OFFICE).next_response_due_at == at(2026, 12, 8, 10, 30)


def test_a_paused_ticket_has_no_deadlines_and_the_pause_is_added_back_on_resume():
    assert deadlines(STANDARD, facts(status="pending_customer"), OFFICE) == Deadlines()
    resumed = facts(status="open", first_response_at=at(2026, 12, 7, 10, 1), paused_for=dt.timedelta(hours=3))
    assert deadlines(STANDARD, resumed, OFFICE).resolution_due_at == at(2026, 12, 9, 12, 55)


def test_solved_tickets_and_tickets_without_a_policy_have_no_clock():
    assert deadlines(STANDARD, facts(status="solved"), OFFICE) == Deadlines()
    assert deadlines(None, facts(), OFFICE) == Deadlines()


def test_a_policy_without_some_targets_sets_only_the_others():
    due = deadlines(
        PolicyTerms(id=3, resolution_minutes=60), facts(created_at=at(2026, 12, 1, 12, 0)), OFFICE
    )
    assert due.first_response_due_at is None
    assert due.next_update_due_at is None
    assert due.resolution_due_at == due.due_at == at(2026, 12, 1, 13, 0)
