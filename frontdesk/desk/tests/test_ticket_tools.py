"""The ticket page's tools: escalation with a work log, hand-back, canned answers in the composer, macros,
and who may use them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.choices import EventKind, Status
from frontdesk.tickets.escalation import WorkLog, escalate_ticket
from frontdesk.tickets.macros import create_macro
from frontdesk.tickets.models import CannedAnswer, Macro, Ticket, TicketEvent, WorkLogEntry
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import Team

HTMX = {"HTTP_HX_REQUEST": "true"}


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _ticket(cast, brand="opera"):
    ticket = getattr(cast, brand).ticket()
    TicketEvent.objects.filter(ticket=ticket).update(dispatched_at=timezone.now())
    return ticket


def _url(ticket, tail=""):
    return f"/desk/tickets/{ticket.number}/{tail}"


def _worklog(ticket, **extra):
    return {
        "escalate-version": ticket.version,
        "escalate-to_line": "2",
        "escalate-diagnosis": "Payment went through, e-tickets not generated.",
        "escalate-steps_taken": "Resent the mail; checked the spam folder.",
        "escalate-request": "Please regenerate the e-tickets.",
        "escalate-minutes_spent": "7",
        **extra,
    }


@pytest.fixture
def agent(cast, client):
    return _sign_in(client, cast.opera.line1)


# Escalation ----------------------------------------------------------------------------------------------


def test_line_1_escalates_to_line_2_with_a_work_log_shown_in_the_timeline(cast, agent):
    ticket = _ticket(cast)
    response = agent.post(_url(ticket, "escalate/"), _worklog(ticket), **HTMX)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.line, ticket.assignee_id, ticket.minutes_spent) == (2, None, 7)
    entry = WorkLogEntry.objects.get(ticket=ticket)
    assert entry.request == "Please regenerate the e-tickets."
    html = response.content.decode()
    assert "escalated the ticket from line 1 to line 2" in html
    assert "Payment went through, e-tickets not generated." in html
    assert "Please regenerate the e-tickets." in html
    assert "7 minutes" in html


def test_escalating_to_a_team_of_the_brand_moves_the_ticket_to_that_team(cast, agent):
    team = Team.objects.create(brand=cast.opera.brand, name="Payments", line=2)
    ticket = _ticket(cast)
    response = agent.post(
        _url(ticket, "escalate/"),
        _worklog(ticket, **{"escalate-to_line": "", "escalate-to_team": team.pk}),
        **HTMX,
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.line, ticket.team_id) == (2, team.pk)
    assert "team Payments" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"escalate-diagnosis": ""}, "Say what was diagnosed."),
        ({"escalate-steps_taken": "  "}, "Say what was already done."),
        ({"escalate-to_line": ""}, "Choose the line or the team to pass the ticket to."),
        ({"escalate-to_line": "1"}, "Select a valid choice."),
        ({"escalate-minutes_spent": "-5"}, "greater than or equal to 0"),
        ({"escalate-to_team": "abc"}, "Choose one of the offered values."),
    ],
)
def test_a_bad_work_log_is_a_form_error_and_nothing_moves(cast, agent, change, message):
    ticket = _ticket(cast)
    response = agent.post(_url(ticket, "escalate/"), _worklog(ticket, **change), **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#ticket-tools"
    assert message in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.line == 1
    assert not WorkLogEntry.objects.exists()


def test_a_team_of_another_brand_is_a_form_error(cast, agent):
    foreign = Team.objects.create(brand=cast.tours.brand, name="Tours payments", line=2)
    ticket = _ticket(cast)
    response = agent.post(
        _url(ticket, "escalate/"), _worklog(ticket, **{"escalate-to_team": foreign.pk}), **HTMX
    )
    assert response.status_code == 422
    assert "Choose a team of this brand." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).team_id is None


def test_the_provider_admin_gets_the_action_s_refusal_for_a_team_of_another_brand(cast, client):
    foreign = Team.objects.create(brand=cast.tours.brand, name="Tours payments", line=2)
    ticket = _ticket(cast)
    response = _sign_in(client, cast.provider_admin).post(
        _url(ticket, "escalate/"), _worklog(ticket, **{"escalate-to_team": foreign.pk}), **HTMX
    )
    assert response.status_code == 422
    assert "The team belongs to another brand." in response.content.decode()


def test_escalating_to_the_line_the_ticket_is_on_is_a_form_error(cast, agent):
    ticket = _ticket(cast)
    escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"), to_line=3)
    ticket.refresh_from_db()
    response = agent.post(_url(ticket, "escalate/"), _worklog(ticket, **{"escalate-to_line": "2"}), **HTMX)
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.line == 3


def test_an_escalation_from_an_outdated_page_warns_and_keeps_what_was_written(cast, agent):
    ticket = _ticket(cast)
    form = _worklog(ticket)
    ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line2), status=Status.ON_HOLD)
    response = agent.post(_url(ticket, "escalate/"), form, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The ticket changed while you were writing." in html
    assert "Payment went through, e-tickets not generated." in html
    assert "Escalate anyway" in html
    ticket.refresh_from_db()
    assert f'name="escalate-version" value="{ticket.version}"' in html
    assert ticket.line == 1
    # Sending again confirms.
    again = agent.post(_url(ticket, "escalate/"), {**form, "escalate-version": ticket.version}, **HTMX)
    assert again.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).line == 2


def test_line_2_hands_the_ticket_back_to_line_1(cast, client):
    ticket = _ticket(cast)
    escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"), to_line=2)
    ticket.refresh_from_db()
    line2 = _sign_in(client, cast.opera.line2)
    tools = line2.get(_url(ticket, "tools/"), **HTMX).content.decode()
    assert "Hand back to line 1" in tools
    missing = line2.post(_url(ticket, "hand-back/"), {"return-version": ticket.version}, **HTMX)
    assert missing.status_code == 422
    assert "Say what was done." in missing.content.decode()
    response = line2.post(
        _url(ticket, "hand-back/"),
        {
            "return-version": ticket.version,
            "return-steps_taken": "Regenerated the e-tickets.",
            "return-minutes_spent": "3",
        },
        **HTMX,
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.line == 1
    assert "handed the ticket back from line 2 to line 1" in response.content.decode()


def test_without_htmx_an_escalation_returns_to_the_page(cast, agent):
    ticket = _ticket(cast)
    response = agent.post(_url(ticket, "escalate/"), _worklog(ticket))
    assert response.status_code == 302
    assert response["Location"] == _url(ticket)


# Canned answers ------------------------------------------------------------------------------------------


def test_the_composer_finds_an_answer_and_puts_it_rendered_into_the_reply_box(cast, agent):
    ticket = _ticket(cast)
    answer = CannedAnswer.objects.create(
        brand=cast.opera.brand, title="E-tickets resent", body="Dear {customer_name}, {ticket_number} {nope}"
    )
    page = agent.get(_url(ticket)).content.decode()
    assert 'id="canned-q"' in page
    results = agent.get(_url(ticket, "canned/"), {"q": "resent"}, **HTMX).content.decode()
    assert "E-tickets resent" in results
    assert f"canned/{answer.pk}/" in results
    inserted = agent.post(_url(ticket, f"canned/{answer.pk}/"), {"body": "Hello,"}, **HTMX)
    assert inserted.status_code == 200
    html = inserted.content.decode()
    assert 'id="id_body"' in html
    assert f"Hello,\n\nDear Customer of Opera Box Office, {ticket.number} {{nope}}" in html


def test_rendered_values_are_escaped_in_the_reply_box(cast, agent):
    ticket = _ticket(cast)
    customer = ticket.customer
    customer.name = "</textarea><script>alert(1)</script>"
    customer.save(update_fields=["name"])
    answer = CannedAnswer.objects.create(brand=cast.opera.brand, title="Hi", body="Dear {customer_name}")
    html = agent.post(_url(ticket, f"canned/{answer.pk}/"), {"body": ""}, **HTMX).content.decode()
    assert "<script>" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;" in html


def test_no_answer_matching_says_so(cast, agent):
    ticket = _ticket(cast)
    html = agent.get(_url(ticket, "canned/"), {"q": "zzz"}, **HTMX).content.decode()
    assert "No canned answer matches." in html


def test_an_answer_of_another_brand_is_neither_listed_nor_inserted(cast, agent):
    ticket = _ticket(cast)
    foreign = CannedAnswer.objects.create(brand=cast.tours.brand, title="Tours refund", body="x")
    assert "Tours refund" not in agent.get(_url(ticket, "canned/"), {"q": ""}, **HTMX).content.decode()
    assert agent.post(_url(ticket, f"canned/{foreign.pk}/"), {"body": ""}, **HTMX).status_code == 404


def test_the_canned_search_runs_the_same_queries_for_few_and_many_answers(cast, agent, count_queries):
    ticket = _ticket(cast)
    CannedAnswer.objects.create(brand=cast.opera.brand, title="Answer 0", body="x")
    agent.get(_url(ticket, "canned/"), {"q": "answer"}, **HTMX)
    with count_queries() as few:
        agent.get(_url(ticket, "canned/"), {"q": "answer"}, **HTMX)
    for i in range(1, 30):
        CannedAnswer.objects.create(brand=cast.opera.brand, title=f"Answer {i}", body="x", language="en")
    with count_queries(len(few)):
        html = agent.get(_url(ticket, "canned/"), {"q": "answer"}, **HTMX).content.decode()
    assert html.count("canned-pick") == 10


# Macros --------------------------------------------------------------------------------------------------


@pytest.fixture
def macro(cast):
    category = create_category(cast.opera.brand, actor=SYSTEM, name="Delivery")
    answer = CannedAnswer.objects.create(
        brand=cast.opera.brand, title="Resent", body="Dear {customer_name}, we sent them again."
    )
    return create_macro(
        cast.opera.brand.pk,
        actor=SYSTEM,
        name="Resend e-tickets",
        priority="high",
        category=category,
        add_tags=["resent"],
        canned_answer=answer,
    )


def test_a_macro_button_applies_its_changes_and_fills_the_reply_box(cast, agent, macro):
    ticket = _ticket(cast)
    tools = agent.get(_url(ticket, "tools/"), **HTMX).content.decode()
    assert "Resend e-tickets" in tools
    assert f'name="version" value="{ticket.version}"' in tools
    response = agent.post(_url(ticket, f"macros/{macro.pk}/"), {"version": ticket.version}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category_id, ticket.tags) == ("high", macro.category_id, ["resent"])
    assert "Macro “Resend e-tickets” applied." in html
    assert "Dear Customer of Opera Box Office, we sent them again.</textarea>" in html


def test_a_macro_from_an_outdated_page_is_not_applied_and_warns(cast, agent, macro):
    ticket = _ticket(cast)
    old = ticket.version
    ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line2), status=Status.ON_HOLD)
    response = agent.post(_url(ticket, f"macros/{macro.pk}/"), {"version": old}, **HTMX)
    assert response.status_code == 409
    assert "was not applied: the ticket changed" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY_CHANGED).exists()


def test_a_macro_refused_by_the_workflow_is_a_warning_not_an_error_page(cast, agent, macro):
    ticket = _ticket(cast)
    ticket = ticket_actions.change_status(ticket, actor=actor_for(cast.opera.line1), status=Status.CLOSED)
    response = agent.post(_url(ticket, f"macros/{macro.pk}/"), {"version": ticket.version}, **HTMX)
    assert response.status_code == 422
    assert "closed" in response.content.decode()


def test_a_macro_of_another_brand_is_404_and_not_listed(cast, agent):
    foreign = create_macro(cast.tours.brand.pk, actor=SYSTEM, name="Tours macro", priority="high")
    ticket = _ticket(cast)
    assert "Tours macro" not in agent.get(_url(ticket, "tools/"), **HTMX).content.decode()
    response = agent.post(_url(ticket, f"macros/{foreign.pk}/"), {"version": ticket.version}, **HTMX)
    assert response.status_code == 404
    assert Macro.objects.get(pk=foreign.pk).brand_id == cast.tours.brand.pk


# Who may use the tools -----------------------------------------------------------------------------------


def _tool_requests(ticket, answer, macro):
    return [
        ("get", _url(ticket, "tools/"), {}),
        ("get", _url(ticket, "canned/"), {"q": ""}),
        ("post", _url(ticket, f"canned/{answer.pk}/"), {"body": ""}),
        ("post", _url(ticket, f"macros/{macro.pk}/"), {"version": ticket.version}),
        ("post", _url(ticket, "escalate/"), _worklog(ticket)),
        ("post", _url(ticket, "hand-back/"), {"return-version": ticket.version, "return-steps_taken": "x"}),
        ("post", _url(ticket, "time/"), {"time-version": ticket.version, "time-minutes": "5"}),
    ]


@pytest.mark.parametrize("who", ["tours_agent", "customer", "outsider"])
def test_another_brand_a_customer_and_the_outsider_get_404_and_change_nothing(cast, client, macro, who):
    user = {
        "tours_agent": cast.tours.line1,
        "customer": cast.opera.customer_user,
        "outsider": cast.outsider,
    }[who]
    ticket = _ticket(cast)
    version = ticket.version
    answer = CannedAnswer.objects.get(title="Resent")
    _sign_in(client, user)
    for method, url, data in _tool_requests(ticket, answer, macro):
        response = getattr(client, method)(url, data, **HTMX)
        assert response.status_code == 404, url
    ticket.refresh_from_db()
    assert (ticket.line, ticket.priority, ticket.version) == (1, "normal", version)
    assert not WorkLogEntry.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(cast, client, macro):
    ticket = _ticket(cast)
    answer = CannedAnswer.objects.get(title="Resent")
    for method, url, data in _tool_requests(ticket, answer, macro):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_the_tools_cost_the_same_queries_for_few_and_many_macros_and_teams(cast, agent, count_queries):
    ticket = _ticket(cast)
    create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Macro 0", priority="high")
    Team.objects.create(brand=cast.opera.brand, name="Team 0", line=2)
    agent.get(_url(ticket, "tools/"), **HTMX)
    with count_queries() as few:
        agent.get(_url(ticket, "tools/"), **HTMX)
    for i in range(1, 15):
        create_macro(cast.opera.brand.pk, actor=SYSTEM, name=f"Macro {i}", priority="high")
        Team.objects.create(brand=cast.opera.brand, name=f"Team {i}", line=2)
    with count_queries(len(few)):
        html = agent.get(_url(ticket, "tools/"), **HTMX).content.decode()
    assert "Macro 14" in html
    assert "Team 14" in html


def test_the_ticket_page_with_the_tools_costs_the_same_queries_with_macros_and_answers(
    cast, agent, count_queries
):
    ticket = _ticket(cast)
    agent.get(_url(ticket))
    with count_queries() as few:
        agent.get(_url(ticket))
    for i in range(10):
        create_macro(cast.opera.brand.pk, actor=SYSTEM, name=f"Macro {i}", priority="high")
        CannedAnswer.objects.create(brand=cast.opera.brand, title=f"Answer {i}", body="x")
    with count_queries(len(few)):
        html = agent.get(_url(ticket)).content.decode()
    assert 'id="ticket-tools"' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", ["Эскалировать", "Макросы", "Диагноз"]), ("pl", ["Eskaluj", "Makra", "Diagnoza"])],
)
def test_the_tools_are_translated(cast, client, macro, language, words):
    user = cast.opera.line1
    user.language = language
    user.save(update_fields=["language"])
    ticket = _ticket(cast)
    html = _sign_in(client, user).get(_url(ticket, "tools/"), **HTMX).content.decode()
    for word in words:
        assert word in html


def test_a_hand_back_may_name_a_line_1_team_of_the_brand_and_no_other(cast, client):
    first = Team.objects.create(brand=cast.opera.brand, name="Front line", line=1)
    second = Team.objects.create(brand=cast.opera.brand, name="Specialists", line=2)
    ticket = _ticket(cast)
    escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("d", "s"), to_line=2)
    ticket.refresh_from_db()
    line2 = _sign_in(client, cast.opera.line2)
    form = {"return-version": ticket.version, "return-steps_taken": "Fixed the booking."}
    refused = line2.post(_url(ticket, "hand-back/"), {**form, "return-to_team": second.pk}, **HTMX)
    assert refused.status_code == 422
    assert "Hand back to a line-1 team of this brand." in refused.content.decode()
    response = line2.post(_url(ticket, "hand-back/"), {**form, "return-to_team": first.pk}, **HTMX)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.line, ticket.team_id) == (1, first.pk)


def test_a_macro_that_sends_a_reply_asks_for_confirmation(cast, agent):
    answer = CannedAnswer.objects.create(brand=cast.opera.brand, title="Done", body="Done, {customer_name}.")
    create_macro(cast.opera.brand.pk, actor=SYSTEM, name="Solve", canned_answer=answer, answer_mode="send")
    ticket = _ticket(cast)
    html = agent.get(_url(ticket, "tools/"), **HTMX).content.decode()
    assert "hx-confirm=" in html
    assert "sends a reply to the customer" in html


def test_time_spent_is_logged_without_moving_the_ticket(cast, agent):
    ticket = _ticket(cast)
    refused = agent.post(_url(ticket, "time/"), {"time-version": ticket.version, "time-minutes": "0"}, **HTMX)
    assert refused.status_code == 422
    assert "greater than or equal to 1" in refused.content.decode()
    response = agent.post(
        _url(ticket, "time/"),
        {"time-version": ticket.version, "time-minutes": "12", "time-note": "Called the theatre"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "logged 12 minutes" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.minutes_spent, ticket.line) == (12, 1)
