"""The worker's jobs: retries of replies that are due, payloads processed again after a failure, pruning."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.utils import timezone

from frontdesk.connectors import intake
from frontdesk.connectors.actions import resend_replies
from frontdesk.connectors.choices import ReplyStatus
from frontdesk.connectors.models import RawPayload
from frontdesk.connectors.tasks import prune_raw_payloads, sweep
from frontdesk.connectors.tests.conftest import answer_a_chat, inbound_url, make_connector, payload
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.models import Ticket

SECRET = "X-Telegram-Bot-Api-Secret-Token"


def _deliver(client, bot, name, capture, **replace):
    with capture(execute=True):
        return client.post(
            inbound_url(bot),
            json.dumps(payload(name, **replace)).encode(),
            content_type="application/json",
            headers={SECRET: bot.secret},
        )


def test_a_reply_that_failed_for_a_while_is_sent_by_the_sweep_when_due(
    client, cast, api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    bot = make_connector(cast.opera.brand)
    reply = answer_a_chat(client, cast, bot, api, capture, status=429, description="Too Many Requests")
    assert reply.status == ReplyStatus.PENDING

    with capture(execute=True):
        assert sweep()["replies"] == []  # not due yet
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)), capture(execute=True):
        assert sweep()["replies"] == [reply.pk]

    reply.refresh_from_db()
    assert (reply.status, reply.attempts, reply.error) == (ReplyStatus.SENT, 2, "")
    assert len(api.of("sendMessage")) == 2


def test_a_failed_reply_sent_again_from_the_admin(client, cast, api, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    bot = make_connector(cast.opera.brand)
    reply = answer_a_chat(
        client, cast, bot, api, capture, status=400, description="Bad Request: chat not found"
    )
    assert reply.status == ReplyStatus.FAILED

    with capture(execute=True):
        assert resend_replies([reply.pk]) == 1
        assert resend_replies([reply.pk]) == 0  # sent by now: nothing to send again

    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT


def test_a_payload_whose_processing_failed_keeps_the_error_and_the_sweep_takes_it_again(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    bot = make_connector(cast.opera.brand)
    real = intake.take_private_message

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake, "take_private_message", broken)
    response = _deliver(client, bot, "telegram_private.json", capture)

    assert response.status_code == 200  # stored: the network need not send it again
    row = RawPayload.objects.get()
    assert (row.processed_at, row.attempts) == (None, 1)
    assert "database went away" in row.error
    assert not Ticket.objects.filter(channel=Channel.SOCIAL).exists()

    monkeypatch.setattr(intake, "take_private_message", real)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)), capture(execute=True):
        assert sweep()["payloads"] == [row.pk]
    row.refresh_from_db()
    assert row.processed_at is not None
    assert row.error == ""
    assert Ticket.objects.filter(channel=Channel.SOCIAL).count() == 1


def test_old_processed_payloads_are_pruned_and_unprocessed_ones_kept(cast, settings):
    settings.FRONTDESK_CONNECTOR_LOG_DAYS = 30
    bot = make_connector(cast.opera.brand)
    old = timezone.now() - dt.timedelta(days=31)
    done = RawPayload.objects.create(
        brand=cast.opera.brand, connector=bot, external_id="1", received_at=old, processed_at=old
    )
    stuck = RawPayload.objects.create(brand=cast.opera.brand, connector=bot, external_id="2", received_at=old)
    fresh = RawPayload.objects.create(
        brand=cast.opera.brand, connector=bot, external_id="3", processed_at=timezone.now()
    )

    assert prune_raw_payloads() == 1

    assert set(RawPayload.objects.values_list("pk", flat=True)) == {stuck.pk, fresh.pk}
    assert not RawPayload.objects.filter(pk=done.pk).exists()


def test_the_jobs_are_scheduled():
    from frontdesk.connectors.tasks import poll_connectors
    from frontdesk.core.schedules import registered

    jobs = registered()
    assert jobs["connectors.poll"].run is poll_connectors
    assert jobs["connectors.poll"].every == dt.timedelta(minutes=1)
    assert jobs["connectors.sweep"].run is sweep
    assert jobs["connectors.prune"].run is prune_raw_payloads
