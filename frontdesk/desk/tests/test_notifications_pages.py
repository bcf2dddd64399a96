"""The agent's notifications in the desk: the bell with the unread count, the list (newest first, a page at a
time), read marks and the settings page. Customers, the outsider and other agents see and mark nothing."""

from __future__ import annotations

import pytest

from frontdesk.notifications.consumers import notify_agents_for_events
from frontdesk.notifications.models import Notification, NotificationSettings
from frontdesk.notifications.queries import PAGE_SIZE
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.models import Ticket, TicketEvent
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db

LIST = "/desk/notifications/"
SETTINGS = "/desk/notifications/settings/"


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def assigned(cast, *, to=None, by=None, n=1, subject="Seats for Tosca"):
    """``n`` tickets assigned to ``to`` (opera's line 1) by ``by`` (the admin), with their notifications."""
    to = to or cast.opera.line1
    by = by or cast.opera.admin
    made = []
    for i in range(n):
        ticket = cast.opera.ticket(f"{subject} {i}")
        ticket_actions.assign_ticket(ticket, actor=actor_for(by), assignee=to)
        made += notify_agents_for_events(list(TicketEvent.objects.filter(ticket=ticket)))
    return made


def test_the_list_shows_the_agent_s_notifications_newest_first_with_the_unread_count(cast, client):
    assigned(cast, n=2)
    assigned(cast, to=cast.opera.line2, subject="Someone else's")
    html = _sign_in(client, cast.opera.line1).get(LIST).content.decode()
    assert html.index("Seats for Tosca 1") < html.index("Seats for Tosca 0")
    assert "Someone else" not in html
    assert "2 unread notifications" in html
    assert "assigned the ticket to you" in html


def test_the_bell_shows_the_count_and_fetches_it_when_not_cached(cast, client):
    assigned(cast, n=3)
    _sign_in(client, cast.opera.line1)
    bell = client.get("/desk/notifications/bell/").content.decode()
    assert 'class="notification-count"' in bell
    assert ">3<" in bell
    # The count is cached now: a page shows it without a query of its own.
    page = client.get("/desk/queues/").content.decode()
    assert 'id="notification-bell"' in page
    assert ">3<" in page
    assert "desk/shift" in page


def test_customers_and_the_outsider_get_no_bell(cast, client):
    for user in (cast.opera.customer_user, cast.outsider):
        client.logout()
        html = _sign_in(client, user).get("/").content.decode()
        assert "notification-bell" not in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(cast, client):
    [notification] = assigned(cast)
    response = _sign_in(client, cast.opera.line1).post(f"/desk/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{notification.ticket.number}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_one_read_with_htmx_returns_its_row(cast, client):
    [notification] = assigned(cast)
    response = _sign_in(client, cast.opera.line1).post(
        f"/desk/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in response.content.decode()
    assert "Mark read" not in response.content.decode()
    bell = client.get("/desk/notifications/bell/").content.decode()
    assert "notification-count" not in bell


def test_mark_all_read_marks_only_the_agent_s_own(cast, client):
    assigned(cast, n=2)
    [theirs] = assigned(cast, to=cast.opera.line2)
    response = _sign_in(client, cast.opera.line1).post("/desk/notifications/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(user=cast.opera.line1, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_agent_customers_and_the_outsider_cannot_see_or_mark_a_notification(cast, client):
    [notification] = assigned(cast)
    for user in (
        cast.opera.line2,
        cast.tours.line1,
        cast.tours.admin,
        cast.outsider,
        cast.opera.customer_user,
    ):
        client.logout()
        _sign_in(client, user)
        assert client.post(f"/desk/notifications/{notification.pk}/read/").status_code == 404
        assert client.post(f"/desk/notifications/{notification.pk}/open/").status_code == 404
        assert "Seats for Tosca" not in client.get(LIST).content.decode()
    for user in (cast.outsider, cast.opera.customer_user):
        client.logout()
        _sign_in(client, user)
        for path in (LIST, SETTINGS, "/desk/notifications/bell/"):
            assert client.get(path).status_code == 404
        assert client.post("/desk/notifications/read/").status_code == 404
        assert client.post(SETTINGS, {"digest_every": "hourly"}).status_code == 404
    client.logout()
    assert client.get(LIST).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_of_a_ticket_the_agent_no_longer_sees_is_hidden(cast, client):
    [notification] = assigned(cast)
    [admins] = assigned(cast, to=cast.opera.admin, by=cast.opera.line2, subject="For the admin")
    # Both tickets are now written to the management: the admin still sees theirs, line 1 no longer.
    Ticket.objects.filter(pk__in=[notification.ticket_id, admins.ticket_id]).update(for_management=True)
    _sign_in(client, cast.opera.line1)
    assert "Seats for Tosca" not in client.get(LIST).content.decode()
    assert client.post(f"/desk/notifications/{notification.pk}/read/").status_code == 404
    client.logout()
    _sign_in(client, cast.opera.admin)
    assert "For the admin" in client.get(LIST).content.decode()
    assert client.post(f"/desk/notifications/{admins.pk}/read/").status_code == 302


@pytest.mark.parametrize("many", [False, True])
def test_the_list_costs_the_same_queries_for_few_or_many_notifications(cast, client, count_queries, many):
    assigned(cast, n=PAGE_SIZE + 5 if many else 2)
    _sign_in(client, cast.opera.line1)
    client.get(LIST)  # session and actor warm
    with count_queries() as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    # Session, user, the page of rows with ticket and brand, the unread count.
    assert len(queries) == 4, queries
    html = response.content.decode()
    assert ("Older notifications" in html) is many


def test_the_next_page_follows_the_cursor_and_a_bad_cursor_starts_again(cast, client):
    assigned(cast, n=PAGE_SIZE + 2)
    _sign_in(client, cast.opera.line1)
    first = client.get(LIST).content.decode()
    cursor = first.split("?cursor=")[1].split('"')[0].split("&")[0]
    from urllib.parse import unquote

    second = client.get(LIST, {"cursor": unquote(cursor)}).content.decode()
    assert second.count('<li id="notification-') == 2
    assert client.get(LIST, {"cursor": "nonsense"}).status_code == 200


def test_the_settings_page_saves_the_agent_s_choices(cast, client):
    _sign_in(client, cast.opera.line1)
    html = client.get(SETTINGS).content.decode()
    assert 'name="assigned_mail"' in html
    form = {"digest_every": "hourly"}
    for kind in (
        "new_in_team",
        "assigned",
        "customer_replied",
        "mentioned",
        "escalated",
        "sla_warning",
        "sla_breached",
    ):
        form[f"{kind}_in_app"] = "on"
        form[f"{kind}_mail"] = "digest"
    del form["mentioned_in_app"]
    response = client.post(SETTINGS, form)
    assert response.status_code == 200
    stored = NotificationSettings.objects.get(user=cast.opera.line1)
    assert stored.digest_every == "hourly"
    assert stored.choices["mentioned"] == {"in_app": False, "mail": "digest"}
    assert stored.choices["assigned"] == {"in_app": True, "mail": "digest"}


def test_bad_settings_answer_422_and_change_nothing(cast, client):
    _sign_in(client, cast.opera.line1)
    response = client.post(SETTINGS, {"digest_every": "weekly", "assigned_mail": "loudly"})
    assert response.status_code == 422
    assert not NotificationSettings.objects.filter(user=cast.opera.line1).exists()


def test_the_pages_speak_russian_and_polish(cast, client):
    assigned(cast)
    user = cast.opera.line1
    for language, title in (("ru", "Уведомления"), ("pl", "Powiadomienia")):
        user.language = language
        user.save(update_fields=["language"])
        client.logout()
        _sign_in(client, user)
        assert title in client.get(LIST).content.decode()
