"""The desk's social inbox: agents see their brands' mentions and comments, filter them, answer them (positive ones
with the suggested thank-you), dismiss them or make tickets of them; the outsider and the other brand see and
change nothing, and the list costs the same number of queries for few items and for many."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.connectors.choices import ConnectorKind, ItemKind, ItemStatus, ReplyStatus, Sentiment
from frontdesk.connectors.models import Connector, SocialItem, SocialReply
from frontdesk.desk.views.social import PAGE_SIZE
from frontdesk.testing.cast import PASSWORD
from frontdesk.users.models import User

URL = "/desk/social/"
pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _item(
    brand, *, sentiment=Sentiment.NEUTRAL, text="Is there parking near the theatre?", minutes=0, **fields
):
    connector = Connector.objects.filter(brand=brand).first() or Connector.objects.create(
        brand=brand, kind=ConnectorKind.VK, name=f"{brand.name} on VK", group_id="1"
    )
    number = next(_ids)
    defaults = {
        "kind": ItemKind.COMMENT,
        "external_id": f"c{number}",
        "author_name": f"Author {number}",
        "author_external_id": str(1000 + number),
        "text": text,
        "url": f"https://vk.example/wall-1_{number}",
        "posted_at": dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes),
        "sentiment": sentiment,
        "reply_target": {"owner_id": -1, "post_id": 1, "comment_id": number},
    }
    defaults.update(fields)
    return SocialItem.objects.create(brand=brand, connector=connector, **defaults)


def test_an_agent_sees_their_brands_items_with_author_network_link_and_sentiment(cast, client):
    mine = _item(cast.opera.brand, sentiment=Sentiment.NEGATIVE, text="The sound was awful")
    theirs = _item(cast.tours.brand, text="Secret of the other brand")
    page = _sign_in(client, cast.opera.line1).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.text in html
    assert mine.author_name in html
    assert "VK community" in html
    assert mine.url in html
    assert 'class="badge sentiment negative"' in html
    assert '<span class="badge kind">Comment</span>' in html  # a comment, a mention or a message to the brand
    assert theirs.text not in html


def test_the_outsider_and_a_customer_get_404_and_anonymous_visitors_sign_in_first(cast, client):
    item = _item(cast.opera.brand)
    for user in (cast.outsider, cast.opera.customer_user):
        signed_in = _sign_in(client, user)
        assert signed_in.get(URL).status_code == 404
        for action in ("reply", "dismiss", "ticket"):
            assert signed_in.post(f"{URL}{item.pk}/{action}/", {"text": "Hi"}).status_code == 404
        client.logout()
    assert client.get(URL).status_code == 302
    assert client.post(f"{URL}{item.pk}/dismiss/").status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW


def test_an_agent_of_the_other_brand_can_neither_see_nor_change_an_item(cast, client):
    item = _item(cast.opera.brand, sentiment=Sentiment.POSITIVE, suggested_reply="Thank you!")
    other = _sign_in(client, cast.tours.line1)
    assert item.text not in other.get(URL).content.decode()
    assert other.get(URL, {"brand": "opera"}).status_code == 422
    assert other.post(f"{URL}{item.pk}/reply/", {"text": "Hi"}).status_code == 404
    assert other.post(f"{URL}{item.pk}/dismiss/").status_code == 404
    assert other.post(f"{URL}{item.pk}/ticket/").status_code == 404
    assert other.post(f"{URL}999999/dismiss/").status_code == 404
    item.refresh_from_db()
    assert (item.status, item.ticket_id, item.reply_text) == (ItemStatus.NEW, None, "")
    assert not SocialReply.objects.exists()


def test_a_provider_admin_filters_by_brand_sentiment_and_status(cast, client):
    good = _item(cast.opera.brand, sentiment=Sentiment.POSITIVE, text="Brilliant evening")
    bad = _item(cast.opera.brand, sentiment=Sentiment.NEGATIVE, text="Awful seats")
    tours = _item(cast.tours.brand, sentiment=Sentiment.POSITIVE, text="Lovely trip")
    done = _item(
        cast.opera.brand, sentiment=Sentiment.POSITIVE, text="Great show", status=ItemStatus.DISMISSED
    )
    admin = _sign_in(client, cast.provider_admin)

    def shown(**query):
        page = admin.get(URL, query)
        assert page.status_code == 200
        return {item.pk for item in (row["item"] for row in page.context["rows"])}

    assert shown() == {good.pk, bad.pk, tours.pk, done.pk}
    assert shown(brand="opera") == {good.pk, bad.pk, done.pk}
    assert shown(brand="opera", sentiment="positive") == {good.pk, done.pk}
    assert shown(brand="opera", sentiment="positive", status="new") == {good.pk}
    assert shown(sentiment="positive", status="dismissed") == {done.pk}


def test_nonsense_filters_are_form_errors_not_500(cast, client):
    agent = _sign_in(client, cast.opera.line1)
    for query in ({"sentiment": "furious"}, {"status": "lost"}, {"brand": "nope"}):
        page = agent.get(URL, query)
        assert page.status_code == 422
        assert 'role="alert"' in page.content.decode()
    assert agent.get(URL, {"cursor": "not-a-cursor"}).status_code == 200


def test_the_filter_answers_htmx_with_the_list_alone(cast, client):
    _item(cast.opera.brand, sentiment=Sentiment.NEGATIVE, text="Awful seats")
    page = _sign_in(client, cast.opera.line1).get(URL, {"sentiment": "negative"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="social-list">')
    assert "Awful seats" in html


def test_a_positive_item_offers_its_suggested_thank_you_and_sends_the_edited_text(cast, client):
    item = _item(
        cast.opera.brand,
        sentiment=Sentiment.POSITIVE,
        text="Brilliant evening, thank you!",
        suggested_reply="Thank you for your kind words, Anna!",
    )
    agent = _sign_in(client, cast.opera.line1)
    html = agent.get(URL).content.decode()
    assert "Suggested thank-you" in html
    assert "Thank you for your kind words, Anna!</textarea>" in html
    answer = agent.post(
        f"{URL}{item.pk}/reply/",
        {"text": "Thank you, Anna! See you at the premiere."},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    assert "See you at the premiere." in answer.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED
    assert item.reply_text == "Thank you, Anna! See you at the premiere."
    assert item.replied_by_id == cast.opera.line1.pk
    reply = SocialReply.objects.get(item=item)
    assert (reply.text, reply.status) == (item.reply_text, ReplyStatus.PENDING)


def test_an_empty_or_overlong_answer_comes_back_with_the_reason(cast, client):
    item = _item(cast.opera.brand)
    agent = _sign_in(client, cast.opera.line1)
    empty = agent.post(f"{URL}{item.pk}/reply/", {"text": "   "}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422
    assert 'role="alert"' in empty.content.decode()
    long = agent.post(f"{URL}{item.pk}/reply/", {"text": "x" * 5000})
    assert long.status_code == 422
    assert not SocialReply.objects.exists()


def test_dismissing_sets_an_item_aside_and_a_ticketed_one_cannot_be(cast, client):
    item = _item(cast.opera.brand)
    agent = _sign_in(client, cast.opera.line1)
    answer = agent.post(f"{URL}{item.pk}/dismiss/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "Dismissed" in answer.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.DISMISSED
    ticketed = _item(cast.opera.brand)
    agent.post(f"{URL}{ticketed.pk}/ticket/")
    refused = agent.post(f"{URL}{ticketed.pk}/dismiss/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 409
    ticketed.refresh_from_db()
    assert ticketed.status == ItemStatus.TICKETED


def test_making_a_ticket_opens_it_and_the_inbox_links_to_it(cast, client):
    item = _item(cast.opera.brand, sentiment=Sentiment.NEGATIVE, text="Charged twice for the tickets")
    agent = _sign_in(client, cast.opera.line1)
    answer = agent.post(f"{URL}{item.pk}/ticket/")
    item.refresh_from_db()
    assert item.ticket is not None
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/tickets/{item.ticket.number}/"
    assert f'href="/desk/tickets/{item.ticket.number}/"' in agent.get(URL).content.decode()
    # Asked again, the same ticket.
    again = agent.post(f"{URL}{item.pk}/ticket/", HTTP_HX_REQUEST="true")
    assert again.status_code == 200
    assert item.ticket.number in again.content.decode()


def test_the_list_pages_with_a_cursor_keeping_the_filters(cast, client):
    items = [_item(cast.opera.brand, sentiment=Sentiment.POSITIVE, minutes=n) for n in range(PAGE_SIZE + 3)]
    _item(cast.opera.brand, sentiment=Sentiment.NEGATIVE, minutes=100)
    agent = _sign_in(client, cast.opera.line1)
    first = agent.get(URL, {"sentiment": "positive"})
    shown = [row["item"].pk for row in first.context["rows"]]
    assert shown == [item.pk for item in reversed(items)][:PAGE_SIZE]
    cursor = first.context["next_cursor"]
    assert cursor
    assert "sentiment=positive&amp;cursor=" in first.content.decode()
    second = agent.get(URL, {"sentiment": "positive", "cursor": cursor})
    assert [row["item"].pk for row in second.context["rows"]] == [item.pk for item in reversed(items[:3])]
    assert second.context["next_cursor"] == ""


def _list_queries(client, user) -> int:
    client.get(URL)  # the first page of a session fills caches (the bell's count) the next ones read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_three_items_and_for_a_full_page(cast, client):
    agent = _sign_in(client, cast.opera.line1)
    for n in range(3):
        _item(cast.opera.brand, sentiment=Sentiment.POSITIVE, minutes=n, suggested_reply="Thanks!")
    few = _list_queries(client, cast.opera.line1)
    for n in range(PAGE_SIZE):
        item = _item(cast.opera.brand, sentiment=Sentiment.NEGATIVE, minutes=10 + n)
        if n % 2:
            agent.post(f"{URL}{item.pk}/ticket/")
        else:
            agent.post(f"{URL}{item.pk}/reply/", {"text": "Sorry, we are on it."})
    assert _list_queries(client, cast.opera.line1) == few


def test_the_inbox_reads_in_russian(cast, client):
    User.objects.filter(pk=cast.opera.line1.pk).update(language="ru")
    _item(cast.opera.brand, sentiment=Sentiment.POSITIVE, suggested_reply="Спасибо!")
    html = _sign_in(client, cast.opera.line1).get(URL).content.decode()
    assert "Входящие из соцсетей" in html
    assert "Отправить благодарность" in html
    assert "Предложенная благодарность" in html


def test_a_positive_item_that_cannot_be_answered_from_the_desk_shows_its_thank_you_to_copy(cast, client):
    _item(
        cast.opera.brand,
        sentiment=Sentiment.POSITIVE,
        reply_target={},
        suggested_reply="Thank you for your kind words!",
    )
    html = _sign_in(client, cast.opera.line1).get(URL).content.decode()
    assert "This source cannot be answered from the desk" in html
    assert "Thank you for your kind words!" in html
    assert "<textarea" not in html


def test_each_card_names_its_brand_also_when_it_comes_back_after_an_action(cast, client):
    item = _item(cast.tours.brand, text="Lovely trip")
    admin = _sign_in(client, cast.provider_admin)
    assert "Opera Tours · VK community" in admin.get(URL).content.decode()
    answer = admin.post(f"{URL}{item.pk}/dismiss/", HTTP_HX_REQUEST="true")
    assert "Opera Tours · VK community" in answer.content.decode()


def _answered(brand, agent, **reply_fields):
    item = _item(brand, status=ItemStatus.ANSWERED, reply_text="Sorry, we are on it.", replied_by=agent)
    SocialReply.objects.create(
        brand=brand, connector=item.connector, item=item, text=item.reply_text, **reply_fields
    )
    return item


def test_an_answer_that_could_not_be_sent_shows_it_is_failing_and_when_it_is_tried_again(cast, client):
    retry_at = dt.datetime(2026, 11, 30, 10, 35, tzinfo=dt.UTC)
    item = _answered(
        cast.opera.brand,
        cast.opera.line1,
        status=ReplyStatus.PENDING,
        attempts=1,
        next_attempt_at=retry_at,
        error="could not reach api.vk.com: cannot connect to api.vk.com: [Errno 111] Connection refused",
    )
    html = _sign_in(client, cast.opera.line1).get(URL).content.decode()
    card = html[html.index(f'id="social-item-{item.pk}"') :]
    assert "VK community: not sent yet, failing (could not reach api.vk.com" in card
    assert "will retry at" in card
    assert "delivery-retrying" in card
    # The status stays what the agent did; the card says whether the answer arrived.
    assert item.status == ItemStatus.ANSWERED


def test_a_failed_answer_shows_the_short_reason_and_a_sent_one_says_sent(cast, client):
    failed = _answered(
        cast.opera.brand,
        cast.opera.line1,
        status=ReplyStatus.FAILED,
        attempts=1,
        error="VK: 15 Access denied",
    )
    agent = _sign_in(client, cast.opera.line1)
    html = agent.get(URL).content.decode()
    assert "VK community: not sent, failed: VK: 15 Access denied" in html
    SocialReply.objects.filter(item=failed).update(
        status=ReplyStatus.SENT, error="", sent_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    )
    card = agent.get(URL).content.decode().split(f'id="social-item-{failed.pk}"')[1].split("</li>")[0]
    assert "VK community: sent" in card
    assert "not sent" not in card


def test_an_answer_just_sent_from_the_card_shows_it_is_queued(cast, client):
    item = _item(cast.opera.brand)
    answer = _sign_in(client, cast.opera.line1).post(
        f"{URL}{item.pk}/reply/", {"text": "We will check."}, HTTP_HX_REQUEST="true"
    )
    assert "VK community: queued, not sent yet" in answer.content.decode()


def test_in_russian_dismissing_reads_as_hiding_not_as_the_on_hold_status(cast, client):
    User.objects.filter(pk=cast.opera.line1.pk).update(language="ru")
    item = _item(cast.opera.brand)
    agent = _sign_in(client, cast.opera.line1)
    html = agent.get(URL).content.decode()
    assert "Скрыть</button>" in html
    assert "Отлож" not in html
    card = agent.post(f"{URL}{item.pk}/dismiss/", HTTP_HX_REQUEST="true").content.decode()
    assert "Скрыто" in card
    assert "Отлож" not in card
