"""Brand admins write triggers in the admin: conditions and actions as rows, bad values as form errors, their
own brand's triggers, teams, agents and categories only; the run log is read-only."""

from __future__ import annotations

import pytest

from frontdesk.automation.models import Trigger, TriggerRun
from frontdesk.automation.tests.conftest import make_trigger
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.categories import create_category
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM

pytestmark = pytest.mark.django_db
URL = "/admin/automation/trigger/"
RUNS = "/admin/automation/triggerrun/"


@pytest.fixture
def admin_client(client, cast):
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    return client


def _inline(prefix: str, rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def form(cast, *, conditions=(), actions=(), **overrides):
    data = {
        "brand": str(cast.opera.brand.pk),
        "name": "Refunds to the box office",
        "description": "",
        "position": "1",
        "is_active": "on",
        "event_kinds": ["created", "customer_message"],
        "match": "all",
        **_inline("conditions", [dict(c) for c in conditions]),
        **_inline("actions", [dict(a) for a in actions]),
        **_inline("runs", []),
    }
    return data | overrides


def test_a_brand_admin_adds_a_trigger_with_conditions_and_actions_by_name(cast, admin_client):
    team = user_actions.create_team(actor=SYSTEM, name="Box office", brand=cast.opera.brand)
    assert admin_client.get(f"{URL}add/").status_code == 200
    response = admin_client.post(
        f"{URL}add/",
        form(
            cast,
            conditions=[{"field": "subject", "operator": "contains", "value": "Refund"}],
            actions=[
                {"position": "0", "action": "set_team", "value": "box office"},
                {"position": "1", "action": "assign", "value": cast.opera.line1.email},
                {
                    "position": "2",
                    "action": "send_reply",
                    "value": "",
                    "text": "We have {{ number }}.",
                    "text_ru": "Обращение {{ number }} получено.",
                },
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    trigger = Trigger.objects.get(name="Refunds to the box office")
    assert trigger.event_kinds == ["created", "customer_message"]
    assert list(trigger.conditions.values_list("field", "operator", "value")) == [
        ("subject", "contains", "refund")
    ]
    assert list(trigger.actions.values_list("action", "value")) == [
        ("set_team", str(team.pk)),
        ("assign", str(cast.opera.line1.pk)),
        ("send_reply", ""),
    ]
    assert trigger.actions.get(action="send_reply").texts == {"ru": "Обращение {{ number }} получено."}
    page = admin_client.get(f"{URL}{trigger.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Box office" in html
    assert 'name="actions-2-text_ru"' in html
    assert "Обращение {{ number }} получено." in html


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"conditions": [{"field": "status", "operator": "is", "value": "shipped"}]}, "is not one of"),
        ({"conditions": [{"field": "tags", "operator": "is", "value": "vip"}]}, "With this field use"),
        ({"actions": [{"position": "0", "action": "set_status", "value": "archived"}]}, "is not one of"),
        ({"actions": [{"position": "0", "action": "assign", "value": "nobody@x.example"}]}, "in this brand"),
        (
            {"actions": [{"position": "0", "action": "add_note", "value": "", "text": "{% load evil %}"}]},
            "not allowed in mail templates",
        ),
        (
            {"actions": [{"position": "0", "action": "send_reply", "value": "", "text": "{% if %}"}]},
            "does not compile",
        ),
        ({"actions": [{"position": "0", "action": "add_note", "value": "", "text": ""}]}, "Write the text"),
        ({"actions": [{"position": "0", "action": "call_webhook", "value": "999999"}]}, "webhook endpoint"),
    ],
)
def test_bad_values_are_form_errors(cast, admin_client, rows, message):
    response = admin_client.post(f"{URL}add/", form(cast, **rows))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Trigger.objects.exists()


def test_no_event_is_a_form_error(cast, admin_client):
    response = admin_client.post(f"{URL}add/", form(cast, event_kinds=[]))
    assert response.status_code == 200
    assert not Trigger.objects.exists()


def test_a_brand_admin_cannot_choose_another_brands_teams_agents_or_categories(cast, admin_client):
    tours_team = user_actions.create_team(actor=SYSTEM, name="Tours desk", brand=cast.tours.brand)
    visas = create_category(cast.tours.brand, actor=SYSTEM, name="Visas")
    for action, value in (
        ("set_team", str(tours_team.pk)),
        ("set_team", "Tours desk"),
        ("assign", str(cast.tours.line1.pk)),
        ("assign", cast.tours.admin.email),
        ("set_category", str(visas.pk)),
    ):
        response = admin_client.post(
            f"{URL}add/", form(cast, actions=[{"position": "0", "action": action, "value": value}])
        )
        assert response.status_code == 200, (action, value)
        assert "in this brand" in response.content.decode()
    conditions = [{"field": "assignee", "operator": "is", "value": str(cast.tours.line2.pk)}]
    response = admin_client.post(f"{URL}add/", form(cast, conditions=conditions))
    assert "in this brand" in response.content.decode()
    # Nor make a trigger for the other brand.
    response = admin_client.post(f"{URL}add/", form(cast, brand=str(cast.tours.brand.pk)))
    assert response.status_code == 200
    assert not Trigger.objects.exists()


def test_a_brand_admin_neither_sees_nor_opens_another_brands_triggers(cast, admin_client):
    mine = make_trigger(cast.opera, "Opera welcome")
    theirs = make_trigger(cast.tours, "Tours welcome")
    listing = admin_client.get(URL).content.decode()
    assert "Opera welcome" in listing
    assert "Tours welcome" not in listing
    assert admin_client.get(f"{URL}{theirs.pk}/change/").status_code == 302  # "does not exist" redirect
    assert admin_client.get(f"{URL}{mine.pk}/change/").status_code == 200
    page = admin_client.get(f"{URL}{mine.pk}/change/").content.decode()
    assert cast.tours.line1.email not in page
    runs = admin_client.get(RUNS).content.decode()
    assert "Tours welcome" not in runs


def test_agents_customers_and_outsiders_do_not_get_in(cast, client):
    trigger = make_trigger(cast.opera, "Opera welcome")
    for user in (cast.opera.line1, cast.opera.customer_user, cast.outsider):
        client.force_login(user)
        for url in (URL, f"{URL}add/", f"{URL}{trigger.pk}/change/", RUNS):
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert "/admin/login/" in response["Location"]


def test_the_other_brands_admin_gets_nothing_of_this_brand(cast, client):
    trigger = make_trigger(cast.opera, "Opera welcome")
    client.force_login(cast.tours.admin)
    assert "Opera welcome" not in client.get(URL).content.decode()
    assert client.get(f"{URL}{trigger.pk}/change/").status_code == 302
    response = client.post(f"{URL}{trigger.pk}/change/", form(cast, name="Taken over"))
    assert response.status_code == 302
    assert Trigger.objects.get(pk=trigger.pk).name == "Opera welcome"


def test_the_change_page_shows_the_latest_runs_and_links_the_whole_log(cast, admin_client, dispatched):
    trigger = make_trigger(cast.opera, "Tagger", actions=(("add_tags", "seen"),))
    with dispatched():
        ticket = cast.opera.ticket()
    page = admin_client.get(f"{URL}{trigger.pk}/change/").content.decode()
    assert ticket.number in page
    assert f"{RUNS}?trigger={trigger.pk}" in page
    log = admin_client.get(f"{RUNS}?trigger={trigger.pk}")
    assert log.status_code == 200
    assert ticket.number in log.content.decode()
    run = TriggerRun.objects.get(trigger=trigger)
    assert admin_client.get(f"{RUNS}{run.pk}/change/").status_code == 200


def _queries(client, count_queries, url: str) -> int:
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_trigger_list_and_the_run_log_take_the_same_queries_for_few_and_many_rows(
    cast, admin_client, count_queries, dispatched
):
    def add_triggers(start: int, stop: int) -> None:
        for i in range(start, stop):
            make_trigger(cast.opera, f"Trigger {i}", position=i, actions=(("add_tags", f"t{i}"),))
        with dispatched():
            cast.opera.ticket()

    add_triggers(0, 2)
    admin_client.get(URL)  # the session and the cached actor
    few = (_queries(admin_client, count_queries, URL), _queries(admin_client, count_queries, RUNS))
    add_triggers(2, 30)
    many = (_queries(admin_client, count_queries, URL), _queries(admin_client, count_queries, RUNS))
    assert TriggerRun.objects.count() == 2 + 30
    assert few == many


def test_a_bad_template_in_another_language_is_an_error_on_that_text(cast, admin_client):
    action = {
        "position": "0",
        "action": "send_reply",
        "value": "",
        "text": "Hi",
        "text_pl": "{% include 'x' %}",
    }
    response = admin_client.post(f"{URL}add/", form(cast, actions=[action]))
    assert response.status_code == 200
    assert "not allowed in mail templates" in response.content.decode()
    assert not Trigger.objects.exists()


def test_the_change_page_lists_the_latest_ten_runs_in_the_same_queries_for_few_and_many(
    cast, admin_client, count_queries, dispatched
):
    trigger = make_trigger(cast.opera, "Tagger", actions=(("add_tags", "seen"),))

    def tickets(count: int) -> list[str]:
        with dispatched():
            return [cast.opera.ticket(f"Request {i}").number for i in range(count)]

    first = tickets(2)
    page = f"{URL}{trigger.pk}/change/"
    admin_client.get(page)
    few = _queries(admin_client, count_queries, page)
    later = tickets(11)
    many = _queries(admin_client, count_queries, page)
    assert few == many
    html = admin_client.get(page).content.decode()
    assert all(number in html for number in later[-10:])
    assert not any(number in html for number in [*first, later[0]])


def test_the_run_log_filter_takes_only_this_brands_triggers_and_ignores_nonsense(cast, admin_client):
    make_trigger(cast.opera, "Opera welcome")
    theirs = make_trigger(cast.tours, "Tours welcome")
    page = admin_client.get(RUNS).content.decode()
    assert "Opera welcome" in page  # offered in the filter
    assert "Tours welcome" not in page
    for value in (str(theirs.pk), "99999999999999999999999", "abc"):
        assert admin_client.get(f"{RUNS}?trigger={value}").status_code in (200, 302)
