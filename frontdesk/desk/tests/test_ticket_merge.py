"""Merging, splitting and linking from the ticket page: confirmation, form errors, access and query counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.content import make_body
from frontdesk.tickets.merging import link_tickets, merge_tickets
from frontdesk.tickets.models import Message, Ticket, TicketEvent, TicketLink
from frontdesk.users.actors import actor_for

HTMX = {"HTTP_HX_REQUEST": "true"}


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _ticket(cast, subject="Tickets not received", brand="opera"):
    ticket = getattr(cast, brand).ticket(subject)
    TicketEvent.objects.filter(ticket=ticket).update(dispatched_at=timezone.now())
    return ticket


def _url(ticket, tail=""):
    return f"/desk/tickets/{ticket.number}/{tail}"


def _customer_writes(cast, ticket, text="One more thing"):
    return ticket_actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.customer_user), body=make_body(text=text)
    )


@pytest.fixture
def agent(cast, client):
    return _sign_in(client, cast.opera.line1)


def test_merging_asks_with_both_subjects_then_merges_and_opens_the_survivor(cast, agent):
    original, duplicate = _ticket(cast, "Original request"), _ticket(cast, "Same again")

    asked = agent.post(
        _url(duplicate, "merge/"), {"into": original.number, "version": duplicate.version}, **HTMX
    )

    html = asked.content.decode()
    assert asked.status_code == 200
    assert "Original request" in html
    assert "Same again" in html
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None

    done = agent.post(
        _url(duplicate, "merge/"),
        {"into": original.number, "version": duplicate.version, "confirm": "on"},
        **HTMX,
    )

    assert done.status_code == 200
    assert done["HX-Redirect"] == _url(original)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk
    page = agent.get(_url(original)).content.decode()
    assert f"from {duplicate.number}" in page
    assert 'id="composer"' in page
    # The merged ticket sends the agent to the survivor instead of offering a reply that would be refused.
    merged = agent.get(_url(duplicate)).content.decode()
    assert 'id="composer"' not in merged
    assert f"This ticket was merged into {original.number}: write there." in merged
    assert f'<a href="{_url(original)}">Open it</a>' in merged


@pytest.mark.parametrize("case", ["same", "other_brand", "missing", "already", "stale", "empty"])
def test_refused_merges_are_form_errors(cast, agent, case):
    ticket, other = _ticket(cast, "A"), _ticket(cast, "B")
    into = {
        "same": ticket.number,
        "other_brand": _ticket(cast, brand="tours").number,
        "missing": "OPR-99-999999",
        "already": other.number,
        "stale": other.number,
        "empty": "",
    }[case]
    version = ticket.version
    if case == "already":
        merge_tickets(ticket, into=_ticket(cast, "C"), actor=actor_for(cast.opera.line1))
    if case == "stale":
        ticket_actions.add_note(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Meanwhile"))

    response = agent.post(_url(ticket, "merge/"), {"into": into, "version": version, "confirm": "on"}, **HTMX)

    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert Ticket.objects.filter(merged_into__isnull=False).count() == (1 if case == "already" else 0)


def test_linking_lists_the_other_ticket_with_a_link_and_unlinking_removes_it(cast, agent):
    a, b = _ticket(cast, "A"), _ticket(cast, "B")

    html = agent.post(_url(a, "links/"), {"other": b.number}, **HTMX).content.decode()

    assert f'href="{_url(b)}"' in html
    assert f'href="{_url(a)}"' in agent.get(_url(b, "related/"), **HTMX).content.decode()
    agent.post(_url(a, f"links/{b.number}/delete/"), **HTMX)
    assert not TicketLink.objects.exists()


@pytest.mark.parametrize("other", ["same", "other_brand", "missing"])
def test_refused_links_are_form_errors(cast, agent, other):
    a = _ticket(cast, "A")
    number = {"same": a.number, "other_brand": _ticket(cast, brand="tours").number, "missing": "X-1"}[other]
    response = agent.post(_url(a, "links/"), {"other": number}, **HTMX)
    assert response.status_code == 422
    assert not TicketLink.objects.exists()


def test_split_off_opens_the_new_ticket(cast, agent):
    ticket = _ticket(cast)
    message = _customer_writes(cast, ticket, "And my invoice is wrong")
    assert "Split off" in agent.get(_url(ticket)).content.decode()

    response = agent.post(_url(ticket, f"messages/{message.pk}/split/"), **HTMX)

    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response["HX-Redirect"] == _url(new)
    assert Message.objects.get(ticket=new).body_text == "And my invoice is wrong"
    # The message split off offers no second split.
    assert f"messages/{message.pk}/split/" not in agent.get(_url(ticket)).content.decode()


def test_splitting_the_first_message_is_a_form_error(cast, agent):
    ticket = _ticket(cast)
    assert "split-form" not in agent.get(_url(ticket)).content.decode()
    first = Message.objects.get(ticket=ticket)
    response = agent.post(_url(ticket, f"messages/{first.pk}/split/"), **HTMX)
    assert response.status_code == 422
    assert Ticket.objects.count() == 1


def _requests(ticket, other, message):
    return [
        ("get", _url(ticket, "related/"), {}),
        ("post", _url(ticket, "merge/"), {"into": other.number, "version": ticket.version, "confirm": "on"}),
        ("post", _url(ticket, "links/"), {"other": other.number}),
        ("post", _url(ticket, f"links/{other.number}/delete/"), {}),
        ("post", _url(ticket, f"messages/{message.pk}/split/"), {}),
    ]


@pytest.mark.parametrize("who", ["tours_agent", "customer", "outsider"])
def test_another_brand_a_customer_and_the_outsider_get_404_and_change_nothing(cast, client, who):
    user = {"tours_agent": cast.tours.line1, "customer": cast.opera.customer_user, "outsider": cast.outsider}[
        who
    ]
    ticket, other = _ticket(cast, "A"), _ticket(cast, "B")
    link_tickets(ticket, other=other, actor=actor_for(cast.opera.line1))
    message = _customer_writes(cast, ticket)
    _sign_in(client, user)
    for method, url, data in _requests(ticket, other, message):
        response = getattr(client, method)(url, data, **HTMX)
        assert response.status_code == 404, url
    assert Ticket.objects.count() == 2
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()
    assert TicketLink.objects.count() == 1


def test_an_agent_cannot_reach_another_brand_s_ticket_through_the_forms(cast, agent):
    ticket, foreign = _ticket(cast), _ticket(cast, brand="tours")
    response = agent.post(_url(ticket, f"links/{foreign.number}/delete/"), **HTMX)
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(cast, client):
    ticket, other = _ticket(cast, "A"), _ticket(cast, "B")
    for method, url, data in _requests(ticket, other, Message.objects.get(ticket=ticket)):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url


def _merge_and_link(cast, survivor, count):
    agent = actor_for(cast.opera.line1)
    for i in range(count):
        duplicate = _ticket(cast, f"Duplicate {i}")
        _customer_writes(cast, duplicate, f"More from duplicate {i}")
        merge_tickets(duplicate, into=survivor, actor=agent)
        link_tickets(survivor, other=_ticket(cast, f"Related {i}"), actor=agent)
    TicketEvent.objects.filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now())


def test_the_ticket_page_and_the_panel_cost_the_same_queries_with_few_and_many_merged_and_linked(
    cast, agent, count_queries
):
    survivor = _ticket(cast, "Survivor")
    _merge_and_link(cast, survivor, 1)
    agent.get(_url(survivor))
    with count_queries() as few_page:
        agent.get(_url(survivor))
    with count_queries() as few_panel:
        agent.get(_url(survivor, "related/"), **HTMX)
    _merge_and_link(cast, survivor, 8)
    with count_queries(len(few_page)):
        page = agent.get(_url(survivor)).content.decode()
    with count_queries(len(few_panel)):
        panel = agent.get(_url(survivor, "related/"), **HTMX).content.decode()
    assert "More from duplicate 7" in page
    assert "Related 7" in panel
    assert "Duplicate 7" in panel


def test_bulk_merge_on_the_queue_asks_with_the_target_then_merges(cast, agent):
    survivor, a, b = _ticket(cast, "Survivor"), _ticket(cast, "Dup A"), _ticket(cast, "Dup B")
    data = {"tickets": [a.pk, b.pk], "action": "merge", "merge_into": survivor.number}

    asked = agent.post("/desk/queues/bulk/", data, **HTMX)

    assert asked.status_code == 200
    assert "Survivor" in asked.content.decode()
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()
    done = agent.post("/desk/queues/bulk/", {**data, "confirm": "on"}, **HTMX)
    assert done.status_code == 200
    assert set(Ticket.objects.filter(merged_into=survivor).values_list("pk", flat=True)) == {a.pk, b.pk}


@pytest.mark.parametrize("number", ["", "X-404", "tours"])
def test_bulk_merge_into_a_missing_or_foreign_ticket_is_a_form_error(cast, agent, number):
    a = _ticket(cast, "Dup A")
    if number == "tours":
        number = _ticket(cast, brand="tours").number
    data = {"tickets": [a.pk], "action": "merge", "merge_into": number, "confirm": "on"}
    assert agent.post("/desk/queues/bulk/", data, **HTMX).status_code == 422
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


def test_the_timelines_name_the_other_ticket_of_a_merge_a_split_and_a_link(cast, agent):
    agent_actor = actor_for(cast.opera.line1)
    original, duplicate, related = _ticket(cast, "O"), _ticket(cast, "D"), _ticket(cast, "R")
    merge_tickets(duplicate, into=original, actor=agent_actor)
    link_tickets(original, other=related, actor=agent_actor)
    page = agent.get(_url(original)).content.decode()
    assert f"merged {duplicate.number} into this ticket" in page
    assert f"linked ticket {related.number}" in page
    assert f"merged this ticket into {original.number}" in agent.get(_url(duplicate)).content.decode()


def test_a_number_typed_in_small_letters_finds_the_ticket(cast, agent):
    a, b = _ticket(cast, "A"), _ticket(cast, "B")

    html = agent.post(_url(a, "links/"), {"other": f"  {b.number.lower()} "}, **HTMX).content.decode()

    assert f'href="{_url(b)}"' in html
    assert TicketLink.objects.count() == 1
