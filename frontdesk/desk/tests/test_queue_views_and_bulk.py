"""Saved views and bulk changes from the queue page: who may save, open, change and delete; a confirmation
before a bulk change, one event per ticket, refusals reported, foreign tickets never touched."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventKind, Priority, Status
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actions import create_saved_view
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import SavedView

HTMX = {"HTTP_HX_REQUEST": "true"}


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _save(client, **data):
    form = {"name": "Urgent", "queue": "all", "query": "priority=urgent&tag=vip"} | data
    return client.post("/desk/views/", form)


def test_an_agent_saves_the_list_on_screen_and_opens_it_again(cast, client):
    urgent = cast.opera.ticket("Urgent")
    actions.update_ticket(urgent, actor=SYSTEM, priority=Priority.URGENT, tags=["vip"])
    cast.opera.ticket("Other")
    _sign_in(client, cast.opera.line1)

    saved = _save(client)
    view = SavedView.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/desk/views/{view.pk}/"
    assert view.filters == {"queue": "all", "priority": "urgent", "tag": "vip"}
    opened = client.get(saved["Location"])
    assert opened["Location"] == f"/desk/queues/all/?priority=urgent&tag=vip&view={view.pk}"
    html = client.get(opened["Location"]).content.decode()
    assert urgent.number in html
    assert "Other" not in html.split('id="queue-table"')[1]
    assert 'aria-current="page"><span>Urgent' in html


def test_a_shared_view_is_offered_to_colleagues_and_not_to_the_other_brand(cast, client):
    _sign_in(client, cast.opera.line1)
    _save(client, shared="on", brand=str(cast.opera.brand.pk))
    view = SavedView.objects.get()
    assert view.is_shared
    assert view.brand_id == cast.opera.brand.pk

    _sign_in(client, cast.opera.line2)
    assert "Urgent" in client.get("/desk/queues/").content.decode()
    assert client.get(f"/desk/views/{view.pk}/").status_code == 302
    for user in (cast.tours.line1, cast.outsider, cast.opera.customer_user):
        _sign_in(client, user)
        assert client.get(f"/desk/views/{view.pk}/").status_code == 404
        assert client.post(f"/desk/views/{view.pk}/delete/").status_code == 404
        assert client.post(f"/desk/views/{view.pk}/update/", {"name": "x", "queue": "all"}).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_a_colleague_may_use_a_shared_view_but_not_change_it(cast, client):
    view = create_saved_view(
        actor=actor_for(cast.opera.line1), name="Urgent", filters={}, brand=cast.opera.brand, shared=True
    )
    _sign_in(client, cast.opera.line2)
    assert client.post(f"/desk/views/{view.pk}/delete/").status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_a_view_cannot_be_shared_with_a_brand_the_agent_does_not_serve(cast, client):
    _sign_in(client, cast.opera.line1)
    page = _save(client, shared="on", brand=str(cast.tours.brand.pk))
    assert page.status_code == 422
    assert not SavedView.objects.exists()
    assert "Opera Tours" not in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [{"name": ""}, {"shared": "on"}, {"query": "priority=whenever"}, {"queue": "nowhere"}, {"brand": "x"}],
)
def test_a_bad_view_is_a_form_error_not_a_500(cast, client, data):
    _sign_in(client, cast.opera.line1)
    assert _save(client, **data).status_code == 422
    assert not SavedView.objects.exists()


def test_the_owner_updates_and_deletes_a_view(cast, client):
    _sign_in(client, cast.opera.line1)
    _save(client)
    view = SavedView.objects.get()
    client.post(f"/desk/views/{view.pk}/update/", {"name": "Very urgent", "queue": "mine", "query": ""})
    view.refresh_from_db()
    assert (view.name, view.filters) == ("Very urgent", {"queue": "mine"})
    assert _save(client, name="Very urgent").status_code == 422  # the name is taken
    assert client.post(f"/desk/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def _bulk(client, tickets, **data):
    return client.post("/desk/queues/bulk/", {"tickets": [t.pk for t in tickets], **data}, **HTMX)


def test_bulk_assign_asks_first_then_assigns_each_ticket_with_one_event(cast, client):
    first, second = cast.opera.ticket("First"), cast.opera.ticket("Second")
    _sign_in(client, cast.opera.line1)
    data = {"action": "assign", "assignee": str(cast.opera.line2.pk)}

    asked = _bulk(client, [first, second], **data)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "Assign to Line2 Opera Box Office" in html
    assert first.number in html
    assert second.number in html
    assert not Ticket.objects.filter(assignee__isnull=False).exists()

    done = _bulk(client, [first, second], confirm="on", **data)
    assert "2 tickets changed." in done.content.decode()
    assert done["HX-Trigger"] == "queue-changed"
    for ticket in (first, second):
        assert Ticket.objects.get(pk=ticket.pk).assignee_id == cast.opera.line2.pk
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1


def test_bulk_reports_each_refusal_and_changes_the_rest(cast, client):
    closed, fine = cast.opera.ticket("Closed"), cast.opera.ticket("Fine")
    actions.change_status(closed, actor=SYSTEM, status=Status.CLOSED)
    _sign_in(client, cast.opera.line1)
    page = _bulk(client, [closed, fine], action="priority", priority="high", confirm="on")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 ticket changed." in html
    assert f">{closed.number}</a>: " in html
    assert Ticket.objects.get(pk=fine.pk).priority == Priority.HIGH


def test_bulk_ignores_tickets_of_another_brand(cast, client):
    foreign, own = cast.tours.ticket("Foreign"), cast.opera.ticket("Own")
    _sign_in(client, cast.opera.line1)
    asked = _bulk(client, [foreign, own], action="add_tag", tag="vip").content.decode()
    assert foreign.number not in asked
    assert "1 ticked ticket is not available to you" in asked
    done = _bulk(client, [foreign, own], action="add_tag", tag="vip", confirm="on").content.decode()
    assert "1 ticket changed." in done
    assert foreign.number not in done
    assert Ticket.objects.get(pk=foreign.pk).tags == []
    assert Ticket.objects.get(pk=own.pk).tags == ["vip"]


def test_bulk_refuses_an_agent_or_category_the_agent_cannot_see(cast, client):
    from frontdesk.tickets.categories import create_category

    ticket = cast.opera.ticket()
    category = create_category(cast.tours.brand, actor=SYSTEM, name="Tours only")
    _sign_in(client, cast.opera.line1)
    for data in (
        {"action": "assign", "assignee": str(cast.tours.line1.pk)},
        {"action": "category", "category": str(category.pk)},
    ):
        page = _bulk(client, [ticket], confirm="on", **data)
        assert page.status_code == 422
        assert "Choose one of the offered values." in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee_id is None
    assert ticket.category_id is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "assign"},
        {"action": "explode", "tag": "x"},
        {"action": "status", "status": "new"},
        {"action": "priority", "priority": "high", "tickets": ["x"]},
        {"action": "priority", "priority": "high", "tickets": [str(n) for n in range(1, 200)]},
    ],
)
def test_bad_bulk_input_is_a_form_error_not_a_500(cast, client, data):
    ticket = cast.opera.ticket()
    _sign_in(client, cast.opera.line1)
    page = client.post("/desk/queues/bulk/", {"tickets": [ticket.pk], "confirm": "on"} | data, **HTMX)
    assert page.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


@pytest.mark.parametrize("who", ["outsider", "customer", "other brand"])
def test_outsiders_customers_and_the_other_brand_change_nothing(cast, client, who):
    user = {"outsider": cast.outsider, "customer": cast.opera.customer_user, "other brand": cast.tours.admin}[
        who
    ]
    ticket = cast.opera.ticket()
    _sign_in(client, user)
    page = _bulk(client, [ticket], action="status", status="closed", confirm="on")
    assert page.status_code in (200, 404)
    assert ticket.number not in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_without_htmx_the_confirmation_is_a_page(cast, client):
    ticket = cast.opera.ticket()
    _sign_in(client, cast.opera.line1)
    page = client.post(
        "/desk/queues/bulk/", {"tickets": [ticket.pk], "action": "priority", "priority": "low"}
    )
    html = page.content.decode()
    assert "<html" in html
    assert ticket.number in html
    assert "Back to the queues" in html


def test_the_filter_and_the_bulk_form_have_no_element_id_in_common(cast, client):
    """Both ask for a brand, an assignee, a priority...: with the same ids a label of one would focus a field
    of the other (and a filter change reloads the list and its ticks)."""
    import re
    from collections import Counter

    client.force_login(cast.opera.line1)
    html = client.get("/desk/queues/mine/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    assert 'id="bulk_assignee"' in html


def test_the_line_filter_speaks_the_agents_language(cast, client):
    user = cast.opera.line1
    user.language = "ru"
    user.save(update_fields=["language"])
    client.force_login(user)
    html = client.get("/desk/queues/mine/").content.decode()
    assert "Линия 2" in html
    assert "Line 2" not in html


def test_categories_of_several_brands_are_grouped_under_each_brands_name(cast, client):
    from frontdesk.tickets.models import Category

    Category.objects.create(brand=cast.opera.brand, name="Refunds")
    Category.objects.create(brand=cast.tours.brand, name="Refunds")
    client.force_login(cast.provider_admin)
    html = client.get("/desk/queues/all/").content.decode()
    assert f'<optgroup label="{cast.opera.brand.name}">' in html
    assert f'<optgroup label="{cast.tours.brand.name}">' in html
    client.force_login(cast.opera.line1)  # one brand: a plain list
    assert "<optgroup" not in client.get("/desk/queues/mine/").content.decode()
