"""What reaches the agent how: their settings are kept, mail goes at once in their language or waits for the
digest (sent once a period, never twice), and the desk pages they have open hear of it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core import mail
from django.utils import timezone

from frontdesk.desk.tests.sockets import live_sockets, open_socket  # noqa: F401 - a fixture
from frontdesk.mail.choices import OutboundKind
from frontdesk.mail.models import OutboundMessage
from frontdesk.notifications.actions import save_preferences
from frontdesk.notifications.choices import MailChoice
from frontdesk.notifications.models import Notification, NotificationSettings
from frontdesk.notifications.preferences import DEFAULTS, Choice, all_choices
from frontdesk.notifications.tasks import send_digest, send_digests
from frontdesk.tickets import actions as ticket_actions
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db


def assign(cast, ticket, to):
    ticket_actions.assign_ticket(ticket, actor=actor_for(cast.opera.admin), assignee=to)


def choose(user, **kinds: Choice) -> None:
    choices = all_choices({})
    choices.update(kinds)
    save_preferences(actor_for(user), choices=choices, digest_every="hourly")


def test_an_assignment_is_mailed_at_once_in_the_agent_s_language_with_a_desk_link(
    cast, notify, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://desk.example"
    cast.opera.line1.language = "pl"
    cast.opera.line1.save(update_fields=["language"])
    ticket = cast.opera.ticket()
    assign(cast, ticket, cast.opera.line1)
    with django_capture_on_commit_callbacks(execute=True):
        notify(ticket)
    [sent] = mail.outbox
    assert sent.to == [cast.opera.line1.email]
    assert "przypisał" in sent.subject
    assert f"https://desk.example/desk/tickets/{ticket.number}/" in sent.body
    assert Notification.objects.get(ticket=ticket).mailed_at is not None


def test_news_in_the_team_by_default_is_shown_in_the_desk_and_not_mailed(cast, team, notify):
    ticket = cast.opera.ticket()
    notify(ticket)
    ticket_actions.update_ticket(ticket, actor=actor_for(cast.opera.admin), team=team)
    [moved] = notify(ticket)
    assert (moved.kind, moved.user, moved.mail) == ("new_in_team", cast.opera.line1, MailChoice.NEVER)
    ticket.refresh_from_db()
    ticket_actions.reply_to_ticket(
        ticket, actor=actor_for(cast.opera.customer_user), body=ticket_actions.make_body(text="Hello?")
    )
    made = notify(ticket)
    assert {n.kind for n in made} == {"customer_replied"}
    assert all(n.in_app and n.mail == MailChoice.NEVER for n in made)
    assert not OutboundMessage.objects.filter(kind=OutboundKind.AGENT_NOTICE).exists()


def test_an_agent_who_wants_nothing_of_a_kind_gets_nothing(cast, notify):
    choose(cast.opera.line1, assigned=Choice(in_app=False, mail=MailChoice.NEVER))
    ticket = cast.opera.ticket()
    assign(cast, ticket, cast.opera.line1)
    assert notify(ticket) == []
    assert not OutboundMessage.objects.filter(kind=OutboundKind.AGENT_NOTICE).exists()


def test_mail_only_is_mailed_but_not_listed(cast, notify):
    choose(cast.opera.line1, assigned=Choice(in_app=False, mail=MailChoice.IMMEDIATELY))
    ticket = cast.opera.ticket()
    assign(cast, ticket, cast.opera.line1)
    [made] = notify(ticket)
    assert not made.in_app
    assert OutboundMessage.objects.filter(
        kind=OutboundKind.AGENT_NOTICE, recipient=cast.opera.line1.email
    ).exists()


def test_preferences_are_stored_with_the_defaults_for_the_rest(cast):
    choose(cast.opera.line1, mentioned=Choice(in_app=True, mail=MailChoice.DIGEST))
    stored = NotificationSettings.objects.get(user=cast.opera.line1)
    assert stored.digest_every == "hourly"
    assert all_choices(stored.choices)["mentioned"] == Choice(in_app=True, mail=MailChoice.DIGEST)
    assert all_choices(stored.choices)["assigned"] == DEFAULTS["assigned"]
    assert all_choices({"assigned": {"mail": "loud", "in_app": "yes"}})["assigned"] == DEFAULTS["assigned"]


def _digested_assignment(cast, notify, subject):
    ticket = cast.opera.ticket(subject)
    assign(cast, ticket, cast.opera.line1)
    notify(ticket)
    return ticket


def test_the_digest_lists_the_waiting_notifications_once_a_period(
    cast, notify, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    choose(cast.opera.line1, assigned=Choice(in_app=True, mail=MailChoice.DIGEST))
    first = _digested_assignment(cast, notify, "First")
    second = _digested_assignment(cast, notify, "Second")
    assert not OutboundMessage.objects.filter(kind=OutboundKind.AGENT_NOTICE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == [cast.opera.line1.pk]
    [digest] = mail.outbox
    assert digest.to == [cast.opera.line1.email]
    assert first.number in digest.body
    assert second.number in digest.body
    # Within the hour a new notification waits; the period is claimed, so no second digest.
    third = _digested_assignment(cast, notify, "Third")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == []
    time_machine.shift(timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == [cast.opera.line1.pk]
    assert len(mail.outbox) == 2
    assert third.number in mail.outbox[1].body
    assert first.number not in mail.outbox[1].body
    assert OutboundMessage.objects.filter(kind=OutboundKind.DIGEST, ticket=None, event=None).count() == 2


def test_two_workers_send_one_digest(cast, notify):
    choose(cast.opera.line1, assigned=Choice(in_app=True, mail=MailChoice.DIGEST))
    _digested_assignment(cast, notify, "First")
    now = timezone.now()
    assert send_digest(cast.opera.line1.pk, every="hourly", now=now) is True
    assert send_digest(cast.opera.line1.pk, every="hourly", now=now) is False
    assert OutboundMessage.objects.filter(kind=OutboundKind.DIGEST).count() == 1


def test_what_was_read_in_the_desk_is_left_out_of_the_digest(cast, notify):
    choose(cast.opera.line1, assigned=Choice(in_app=True, mail=MailChoice.DIGEST))
    _digested_assignment(cast, notify, "First")
    Notification.objects.update(read_at=timezone.now())
    assert send_digests() == []
    assert not OutboundMessage.objects.filter(kind=OutboundKind.DIGEST).exists()
    assert Notification.objects.get().digested_at is not None


@pytest.mark.usefixtures("live_sockets")
def test_the_agent_s_open_pages_hear_of_a_new_notification_and_no_one_else_does(
    cast, notify, django_capture_on_commit_callbacks
):
    ticket = cast.opera.ticket()

    async def scenario():
        mine, connected, _ = await open_socket("/ws/desk/", cast.opera.line1)
        assert connected
        colleague, connected, _ = await open_socket("/ws/desk/", cast.opera.line2)
        assert connected

        def act():
            assign(cast, ticket, cast.opera.line1)
            with django_capture_on_commit_callbacks(execute=True):
                return notify(ticket)

        [made] = await database_sync_to_async(act)()
        assert await mine.receive_json_from() == {
            "type": "notification",
            "notification": made.pk,
            "kind": "assigned",
        }
        assert await colleague.receive_nothing(0.2)
        await mine.disconnect()
        await colleague.disconnect()

    async_to_sync(scenario)()


def test_the_digest_leaves_out_tickets_the_agent_no_longer_sees(cast, notify):
    from frontdesk.users.actors import bump_access_version
    from frontdesk.users.models import AgentMembership

    choose(cast.opera.line1, assigned=Choice(in_app=True, mail=MailChoice.DIGEST))
    _digested_assignment(cast, notify, "First")
    AgentMembership.objects.filter(user=cast.opera.line1).delete()
    bump_access_version(cast.opera.line1.pk)
    assert send_digests() == []
    assert not OutboundMessage.objects.filter(kind=OutboundKind.DIGEST).exists()


def test_the_digest_job_runs_through_the_schedules(cast, notify, django_capture_on_commit_callbacks):
    from frontdesk.core.schedules import registered, run_due_schedules

    assert registered()["notifications.send_digests"].run is send_digests
    choose(cast.opera.line1, assigned=Choice(in_app=True, mail=MailChoice.DIGEST))
    _digested_assignment(cast, notify, "First")
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_schedules(only={"notifications.send_digests"}) == ["notifications.send_digests"]
    assert [m.to for m in mail.outbox] == [[cast.opera.line1.email]]
