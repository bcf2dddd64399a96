"""Where answers to the networks stand, for the desk: per inbox item (its latest answer) and per ticket message
(the reply it went out as), with the short reason of a failure and the time of the next attempt."""

from __future__ import annotations

import pytest

from frontdesk.connectors.choices import ReplyStatus
from frontdesk.connectors.models import SocialReply
from frontdesk.connectors.queries import latest_reply_states, short_reason, social_reply_states
from frontdesk.connectors.tests.conftest import answer_a_chat, make_connector
from frontdesk.users.actors import actor_for_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def bot(cast):
    return make_connector(cast.opera.brand)


def test_a_reply_the_network_could_not_take_yet_is_retrying_on_its_message(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = answer_a_chat(
        client, cast, bot, api, django_capture_on_commit_callbacks, status=502, description="Bad Gateway"
    )
    assert reply.event is not None
    message_id = reply.event.data["message"]

    states = social_reply_states(cast.actor(cast.opera.line1), reply.event.ticket_id)

    assert list(states) == [message_id]
    state = states[message_id]
    assert (state.state, state.at, state.network) == ("retrying", reply.next_attempt_at, "Telegram bot")
    assert "502" in state.reason


def test_a_sent_reply_says_when_and_a_refused_one_why(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = answer_a_chat(
        client,
        cast,
        bot,
        api,
        django_capture_on_commit_callbacks,
        status=403,
        description="Forbidden: bot was blocked by the user",
    )
    ticket_id = reply.event.ticket_id
    (state,) = social_reply_states(cast.actor(cast.opera.line1), ticket_id).values()
    assert state.state == "failed"
    assert "bot was blocked by the user" in state.reason
    SocialReply.objects.filter(pk=reply.pk).update(
        status=ReplyStatus.SENT, error="", sent_at=reply.created_at
    )
    (state,) = social_reply_states(cast.actor(cast.opera.line1), ticket_id).values()
    assert (state.state, state.at, state.reason) == ("sent", reply.created_at, "")


def test_another_brand_a_customer_and_the_outsider_see_no_reply_states(
    client, cast, bot, api, django_capture_on_commit_callbacks
):
    reply = answer_a_chat(
        client, cast, bot, api, django_capture_on_commit_callbacks, status=502, description="Bad Gateway"
    )
    ticket_id = reply.event.ticket_id
    assert social_reply_states(cast.actor(cast.tours.line1), ticket_id) == {}
    assert social_reply_states(actor_for_customer(cast.opera.customer), ticket_id) == {}
    assert social_reply_states(cast.actor(cast.outsider), ticket_id) == {}
    assert social_reply_states(cast.actor(cast.provider_admin), ticket_id) != {}


def test_an_item_shows_its_latest_answer_queued_until_the_first_attempt(cast, bot):
    from frontdesk.connectors.models import SocialItem

    item = SocialItem.objects.create(brand=cast.opera.brand, connector=bot, kind="mention", external_id="m1")
    assert latest_reply_states([item.pk]) == {}
    reply = SocialReply.objects.create(brand=cast.opera.brand, connector=bot, item=item, text="Thanks")
    states = latest_reply_states([item.pk])
    assert (states[item.pk].reply_id, states[item.pk].state) == (reply.pk, "queued")


def test_a_long_error_is_cut_to_its_first_line():
    reason = short_reason("could not reach api.telegram.org: " + "x" * 400 + "\nTraceback")
    assert reason.startswith("could not reach api.telegram.org: ")
    assert reason.endswith("…")
    assert len(reason) == 160
    assert short_reason("") == ""
