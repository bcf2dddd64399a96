"""The queue pages: the sidebar with counts, filters, sorting, cursor pages, the HTMX table, and who sees what."""

from __future__ import annotations

import re

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Priority, Status
from frontdesk.tickets.escalation import WorkLog, escalate_ticket
from frontdesk.tickets.queues import QueueKind
from frontdesk.users.actors import SYSTEM, actor_for

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue-table"}


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _numbers(page: str) -> list[str]:
    return re.findall(r'href="/desk/tickets/([^/]+)/"', page)


@pytest.mark.parametrize("queue", [q.value for q in QueueKind])
def test_every_queue_opens_for_an_agent_and_shows_only_their_brands(cast, client, queue):
    own = cast.opera.ticket("Own brand")
    foreign = cast.tours.ticket("Other brand")
    actions.assign_ticket(own, actor=SYSTEM, assignee=cast.opera.line1)
    actions.assign_ticket(foreign, actor=SYSTEM, assignee=cast.tours.line1)
    page = _sign_in(client, cast.opera.line1).get(f"/desk/queues/{queue}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert foreign.number not in html
    assert "Other brand" not in html
    if queue in ("mine", "line-1", "recent", "all"):
        assert own.number in _numbers(html)


def test_the_start_of_the_desk_is_my_tickets_and_an_unknown_queue_is_404(cast, client):
    _sign_in(client, cast.opera.line1)
    assert client.get("/desk/queues/").status_code == 200
    assert client.get("/desk/queues/nope/").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "customer"])
def test_outsiders_and_customers_get_404_and_anonymous_visitors_sign_in(cast, client, who):
    user = cast.outsider if who == "outsider" else cast.opera.customer_user
    cast.opera.ticket()
    assert client.get("/desk/queues/all/").status_code == 302
    _sign_in(client, user)
    for url in ("/desk/queues/", "/desk/queues/all/", "/desk/queues/mine/?brand=1"):
        assert client.get(url).status_code == 404


def test_another_brand_filtering_by_this_brand_ids_sees_nothing(cast, client):
    ticket = cast.opera.ticket("Secret seats")
    actions.assign_ticket(ticket, actor=SYSTEM, assignee=cast.opera.line1)
    _sign_in(client, cast.tours.line1)
    query = f"brand={cast.opera.brand.pk}&assignee={cast.opera.line1.pk}"
    for queue in ("all", "unassigned", "mine", "line-1"):
        page = client.get(f"/desk/queues/{queue}/?{query}").content.decode()
        assert ticket.number not in page
        assert "Secret seats" not in page
        assert "Opera Box Office" not in page


def test_the_sidebar_counts_each_queue(cast, client):
    for i in range(3):
        cast.opera.ticket(f"Question {i}")
    mine = cast.opera.ticket("Mine")
    actions.assign_ticket(mine, actor=SYSTEM, assignee=cast.opera.line1)
    cast.tours.ticket("Foreign")
    html = _sign_in(client, cast.opera.line1).get("/desk/queues/mine/").content.decode()
    sidebar = html.split('class="desk-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r"My tickets</span> <span class=\"count\">1<", sidebar)
    assert re.search(r"Unassigned</span> <span class=\"count\">3<", sidebar)
    assert re.search(r"All tickets</span> <span class=\"count\">4<", sidebar)


def test_filters_narrow_the_list(cast, client):
    urgent, normal = cast.opera.ticket("Urgent one"), cast.opera.ticket("Normal one")
    actions.update_ticket(urgent, actor=SYSTEM, priority=Priority.URGENT, tags=["vip"])
    _sign_in(client, cast.opera.line1)
    assert _numbers(client.get("/desk/queues/all/?priority=urgent").content.decode()) == [urgent.number]
    assert _numbers(client.get("/desk/queues/all/?tag=VIP").content.decode()) == [urgent.number]
    assert _numbers(client.get("/desk/queues/all/?status=closed").content.decode()) == []
    assert _numbers(client.get("/desk/queues/all/?assignee=none&sort=number").content.decode()) == [
        urgent.number,
        normal.number,
    ]


@pytest.mark.parametrize(
    "query",
    [
        "brand=abc",
        "assignee=-1",
        "line=9",
        "priority=whenever",
        "sort=sideways",
        "cursor=broken",
        "status=lost",
    ],
)
def test_bad_filters_are_a_form_error_not_a_500(cast, client, query):
    cast.opera.ticket()
    page = _sign_in(client, cast.opera.line1).get(f"/desk/queues/all/?{query}")
    assert page.status_code == 422
    assert 'class="errorlist"' in page.content.decode()


def test_pages_of_fifty_follow_the_cursor(cast, client):
    tickets = [cast.opera.ticket(f"Question {i}") for i in range(53)]
    _sign_in(client, cast.opera.line1)
    first = client.get("/desk/queues/all/?sort=-created").content.decode()
    assert len(_numbers(first)) == 50
    next_url = re.search(r'href="([^"]+cursor=[^"]+)" hx-get', first).group(1).replace("&amp;", "&")
    second = client.get(next_url, **HTMX).content.decode()
    assert _numbers(second) == [t.number for t in reversed(tickets[:3])]
    assert "cursor=" not in second.split("First page")[1]  # no next page after the last


def test_htmx_gets_the_table_only_with_the_current_filters_for_saving(cast, client):
    cast.opera.ticket()
    page = _sign_in(client, cast.opera.line1).get("/desk/queues/all/?priority=high", **HTMX)
    html = page.content.decode()
    assert 'id="queue-table"' in html
    assert "desk-nav" not in html
    assert 'id="save-view-query" value="priority=high" hx-swap-oob="true"' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_queue_page_runs_the_same_queries_for_few_and_many_tickets(cast, client, count_queries, htmx):
    from frontdesk.tickets.categories import create_category
    from frontdesk.users.actions import create_saved_view, create_team

    team = create_team(actor=SYSTEM, name="Refunds", brand=cast.opera.brand, members=[cast.opera.line1])
    category = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    create_saved_view(actor=actor_for(cast.opera.line1), name="Urgent", filters={"priority": "urgent"})
    headers = HTMX if htmx else {}

    def make(n):
        for i in range(n):
            ticket = cast.opera.ticket(f"Question {i}")
            actions.update_ticket(
                ticket, actor=SYSTEM, team=team, category=category, assignee=cast.opera.line1
            )

    make(2)
    _sign_in(client, cast.opera.line1)
    client.get("/desk/queues/team/", **headers)
    with count_queries() as few:
        client.get("/desk/queues/team/", **headers)
    make(60)
    with count_queries(len(few)):
        page = client.get("/desk/queues/team/", **headers).content.decode()
    assert len(_numbers(page)) == 50
    assert len(few) <= (8 if htmx else 15)


def test_the_escalated_queue_shows_what_line_1_passed_up(cast, client):
    ticket = cast.opera.ticket("Seat map is wrong")
    escalate_ticket(ticket, actor=actor_for(cast.opera.line1), worklog=WorkLog("Map", "Checked the venue"))
    html = _sign_in(client, cast.opera.line2).get("/desk/queues/escalated/").content.decode()
    assert _numbers(html) == [ticket.number]


def test_waiting_for_customer_lists_pending_tickets(cast, client):
    waiting = cast.opera.ticket("Waiting")
    cast.opera.ticket("Other")
    actions.change_status(waiting, actor=SYSTEM, status=Status.PENDING_CUSTOMER)
    html = _sign_in(client, cast.opera.line1).get("/desk/queues/waiting/").content.decode()
    assert _numbers(html) == [waiting.number]


def test_the_page_is_translated(cast, client):
    user = cast.opera.line1
    user.language = "ru"
    user.save(update_fields=["language"])
    html = _sign_in(client, user).get("/desk/queues/mine/").content.decode()
    assert "Мои заявки" in html
    user.language = "pl"
    user.save(update_fields=["language"])
    assert "Moje zgłoszenia" in client.get("/desk/queues/mine/").content.decode()


def test_the_sidebar_offers_the_ticket_search(cast, client):
    html = _sign_in(client, cast.opera.line1).get("/").content.decode()
    assert 'action="/desk/search/" role="search"' in html
