"""The social inbox: scoped reads, the agents' actions on items, negative items as tickets due one business
day later, and the daily counts the reports read."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from frontdesk.connectors.actions import dismiss_social_item, make_ticket_from_item
from frontdesk.connectors.base import Author, PublicItem
from frontdesk.connectors.choices import NEGATIVE_MENTION_TAG, ItemKind, ItemStatus
from frontdesk.connectors.intake import classify_text, take_public_item
from frontdesk.connectors.queries import access_social_item, daily_sentiment_counts, social_items_visible_to
from frontdesk.connectors.service_level import ensure_social_service_level
from frontdesk.connectors.tests.conftest import make_connector
from frontdesk.core.errors import InvalidTransition, NotFound, PermissionDenied
from frontdesk.sla.actions import save_calendar
from frontdesk.sla.models import SlaPolicy
from frontdesk.tickets.choices import Channel, Priority
from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import SYSTEM

MOSCOW = ZoneInfo("Europe/Moscow")
# Bound before the autouse fixture replaces it with a stand-in for the other tests.
REAL_CLASSIFY = classify_text
WEEKDAYS = {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def _item(connector, external_id, text, *, posted_at=None, capture=None):
    entry = PublicItem(
        external_id=external_id,
        kind=ItemKind.COMMENT,
        author=Author(f"a-{external_id}", "Anna K."),
        text=text,
        posted_at=posted_at or dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),
        reply_target={"chat_id": "-100", "message_id": external_id},
    )
    with capture(execute=True):
        return take_public_item(connector, entry)


@pytest.fixture
def opera_bot(cast):
    return make_connector(cast.opera.brand)


@pytest.fixture
def tours_bot(cast):
    return make_connector(cast.tours.brand)


def test_agents_see_their_brands_items_only_and_another_brands_item_is_404(
    cast, opera_bot, tours_bot, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mine = _item(opera_bot, "1", "The hall was nice", capture=capture)
    theirs = _item(tours_bot, "1", "The hall was nice", capture=capture)

    agent = cast.actor(cast.opera.line1)
    assert list(social_items_visible_to(agent)) == [mine]
    assert access_social_item(agent, mine.pk) == mine
    for wrong in (theirs.pk, "abc", 999999):
        with pytest.raises(NotFound):
            access_social_item(agent, wrong)
    for nobody in (cast.actor(cast.outsider), cast.actor(cast.opera.customer_user)):
        assert not social_items_visible_to(nobody).exists()
        with pytest.raises(NotFound):
            access_social_item(nobody, mine.pk)
    assert set(social_items_visible_to(cast.actor(cast.provider_admin))) == {mine, theirs}


def test_the_inbox_filters_by_brand_status_and_sentiment(cast, opera_bot, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    neutral = _item(opera_bot, "1", "The hall was nice", capture=capture)
    positive = _item(opera_bot, "2", "Thank you, wonderful!", capture=capture)
    agent = cast.actor(cast.opera.line1)

    assert list(social_items_visible_to(agent, sentiment="positive")) == [positive]
    assert list(social_items_visible_to(agent, status=ItemStatus.NEW, sentiment="neutral")) == [neutral]
    assert not social_items_visible_to(agent, brand=cast.tours.brand.pk).exists()
    assert not social_items_visible_to(agent, status="nonsense").exists()


def test_the_inbox_list_costs_the_same_queries_for_few_and_many_items(
    cast, opera_bot, count_queries, django_capture_on_commit_callbacks
):
    agent = cast.actor(cast.opera.line1)
    _item(opera_bot, "1", "The hall was nice", capture=django_capture_on_commit_callbacks)
    with count_queries() as few:
        [(i.connector.name, i.ticket, i.replied_by) for i in social_items_visible_to(agent)]
    for number in range(2, 12):
        _item(
            opera_bot,
            str(number),
            "Terrible" if number % 3 == 0 else "ok",
            capture=django_capture_on_commit_callbacks,
        )
    with count_queries() as many:
        [(i.connector.name, i.ticket, i.replied_by) for i in social_items_visible_to(agent)]
    assert len(few) == len(many) == 1


def test_dismissing_and_making_a_ticket_are_idempotent_and_scoped(
    cast, opera_bot, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    item = _item(opera_bot, "1", "Where is the cloakroom?", capture=capture)
    other = _item(opera_bot, "2", "Is there parking?", capture=capture)
    agent = cast.actor(cast.opera.line1)

    with pytest.raises(PermissionDenied):
        dismiss_social_item(item, actor=cast.actor(cast.tours.line1))
    assert dismiss_social_item(item, actor=agent).status == ItemStatus.DISMISSED
    assert dismiss_social_item(item, actor=agent).status == ItemStatus.DISMISSED

    with capture(execute=True):
        ticket = make_ticket_from_item(other, actor=agent)
        assert make_ticket_from_item(other, actor=agent) == ticket
    assert (ticket.channel, ticket.priority, ticket.category_id) == (Channel.SOCIAL, Priority.NORMAL, None)
    other.refresh_from_db()
    assert (other.status, other.ticket_id) == (ItemStatus.TICKETED, ticket.pk)
    with pytest.raises(InvalidTransition):
        dismiss_social_item(other, actor=agent)


@pytest.mark.parametrize(
    ("arrived", "due"),
    [
        # Monday 10:00 in Moscow: Tuesday 10:00.
        (dt.datetime(2026, 12, 7, 10, 0), dt.datetime(2026, 12, 8, 10, 0)),
        # Friday 15:00: Monday 15:00, over the weekend.
        (dt.datetime(2026, 12, 4, 15, 0), dt.datetime(2026, 12, 7, 15, 0)),
        # Saturday: the end of Monday, the first business day.
        (dt.datetime(2026, 12, 5, 12, 0), dt.datetime(2026, 12, 7, 18, 0)),
    ],
)
def test_a_negative_item_becomes_a_high_priority_ticket_due_one_business_day_later(
    cast, opera_bot, arrived, due, django_capture_on_commit_callbacks
):
    brand = cast.opera.brand
    save_calendar(brand, actor=SYSTEM, name="Box office", time_zone="Europe/Moscow", weekly_hours=WEEKDAYS)

    with time_machine.travel(arrived.replace(tzinfo=MOSCOW), tick=False):
        item = _item(opera_bot, "1", "Ужасно: билеты не пришли", capture=django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get(pk=item.ticket_id)
    assert (ticket.channel, ticket.priority, ticket.tags) == (
        Channel.SOCIAL,
        Priority.HIGH,
        [NEGATIVE_MENTION_TAG],
    )
    assert ticket.category is not None
    assert ticket.category.name == "Негативное упоминание"
    expected = due.replace(tzinfo=MOSCOW)
    assert ticket.first_response_due_at == expected
    assert ticket.resolution_due_at == expected
    assert ticket.sla_policy.first_response_minutes == 540


def test_the_negative_policy_is_made_once_and_goes_first(cast):
    brand = cast.opera.brand
    earlier = SlaPolicy.objects.create(brand=brand, name="Everything", position=0, first_response_minutes=60)

    policy = ensure_social_service_level(brand)

    assert ensure_social_service_level(brand) == policy
    assert SlaPolicy.objects.filter(brand=brand).count() == 2
    earlier.refresh_from_db()
    assert (policy.position, earlier.position) == (0, 1)
    assert policy.channels == [Channel.SOCIAL]
    assert policy.first_response_minutes == policy.resolution_minutes == 24 * 60  # no calendar: 24/7


def test_daily_counts_per_brand_and_day_in_the_zone_asked(
    cast, opera_bot, tours_bot, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    day = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    _item(opera_bot, "1", "Thank you!", posted_at=day, capture=capture)
    _item(opera_bot, "2", "Terrible", posted_at=day, capture=capture)
    _item(opera_bot, "3", "Terrible", posted_at=day + dt.timedelta(days=1), capture=capture)
    _item(opera_bot, "4", "A question", posted_at=day + dt.timedelta(days=1), capture=capture)
    # 22:30 UTC is the next day in Moscow.
    _item(tours_bot, "1", "Thank you!", posted_at=day.replace(hour=22, minute=30), capture=capture)
    _item(opera_bot, "5", "Thank you!", posted_at=day + dt.timedelta(days=5), capture=capture)

    start, end = dt.datetime(2026, 11, 30, tzinfo=MOSCOW), dt.datetime(2026, 12, 2, tzinfo=MOSCOW)
    rows = daily_sentiment_counts([cast.opera.brand.pk, cast.tours.brand.pk], start, end, zone=MOSCOW)

    opera, tours = cast.opera.brand.pk, cast.tours.brand.pk
    assert [(r.day.isoformat(), r.brand_id, r.positive, r.neutral, r.negative) for r in rows] == [
        ("2026-11-30", opera, 1, 0, 1),
        ("2026-12-01", opera, 0, 1, 1),
        ("2026-12-01", tours, 1, 0, 0),
    ]
    assert daily_sentiment_counts([], start, end) == []
    assert daily_sentiment_counts([tours], start, end)[0].day.isoformat() == "2026-11-30"  # UTC by default


def test_an_item_seen_twice_is_kept_once(cast, opera_bot, django_capture_on_commit_callbacks):
    first = _item(opera_bot, "1", "Terrible", capture=django_capture_on_commit_callbacks)
    again = _item(opera_bot, "1", "Terrible", capture=django_capture_on_commit_callbacks)

    assert first is not None
    assert again is None
    assert Ticket.objects.filter(channel=Channel.SOCIAL).count() == 1


def test_the_real_classifier_reads_the_items_text():
    assert REAL_CLASSIFY("Ужасный сервис, билеты так и не пришли, деньги не вернули.")[0] == "negative"
    assert REAL_CLASSIFY("Thank you, a wonderful evening and great service!")[0] == "positive"
    label, score, language = REAL_CLASSIFY("Во сколько открывается касса в субботу?")
    assert (label, language) == ("neutral", "ru")
    assert -1 <= score <= 1
    assert REAL_CLASSIFY("Dziękuję za wspaniały wieczór, polecam!").language == "pl"


@pytest.mark.parametrize(
    ("text", "language", "thanks"),
    [
        ("Thank you, a wonderful evening!", "en", "Thank you for your kind words, Anna K.!"),
        ("Dziękuję, wspaniały wieczór!", "pl", "Dziękujemy za miłe słowa, Anna K.!"),
        ("Спасибо, чудесный вечер!", "ru", "Спасибо за тёплые слова, Anna K.!"),
    ],
)
def test_the_thank_you_is_in_the_language_of_the_items_text_not_the_brands_first_one(
    cast, opera_bot, django_capture_on_commit_callbacks, text, language, thanks
):
    cast.opera.brand.languages = ["ru", "en", "pl"]
    cast.opera.brand.save(update_fields=["languages"])
    opera_bot.refresh_from_db()

    item = _item(opera_bot, "t1", text, capture=django_capture_on_commit_callbacks)

    assert item.language == language
    assert item.suggested_reply.startswith(thanks)


def test_without_a_detected_language_the_thank_you_is_in_the_brands_first_language(cast):
    from frontdesk.connectors.intake import thank_you_text

    cast.opera.brand.languages = ["pl", "en"]
    assert thank_you_text(cast.opera.brand, "", "").startswith("Dziękujemy za miłe słowa")
    assert thank_you_text(cast.opera.brand, "", "de").startswith("Dziękujemy za miłe słowa")


def test_agents_see_their_brands_connectors_only(cast, opera_bot, tours_bot):
    from frontdesk.connectors.queries import connectors_visible_to

    assert list(connectors_visible_to(cast.actor(cast.opera.line1))) == [opera_bot]
    assert set(connectors_visible_to(cast.actor(cast.provider_admin))) == {opera_bot, tours_bot}
    assert not connectors_visible_to(cast.actor(cast.outsider)).exists()
    assert not connectors_visible_to(cast.actor(cast.opera.customer_user)).exists()


def test_a_negative_mentions_ticket_is_the_posters_with_a_whole_word_subject_and_the_tag(
    cast, opera_bot, django_capture_on_commit_callbacks
):
    from frontdesk.connectors.models import SocialIdentity
    from frontdesk.tickets.choices import AuthorKind

    text = (
        "Terrible service at the box office yesterday evening, the cashier refused to exchange our tickets "
        "and nobody answered the phone"
    )
    item = _item(opera_bot, "n1", text, capture=django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get(pk=item.ticket_id)
    from frontdesk.tickets.models import Message

    first = Message.objects.filter(ticket=ticket).order_by("pk").first()

    identity = SocialIdentity.objects.get(connector=opera_bot, external_id="a-n1")
    assert ticket.customer_id == identity.customer_id
    assert ticket.customer.name == "Anna K."
    assert (first.author_kind, first.author_label) == (AuthorKind.CUSTOMER, "Anna K.")
    assert ticket.subject.endswith("…")
    assert len(ticket.subject) <= 80
    assert text.startswith(ticket.subject[:-1])
    assert text[len(ticket.subject) - 1] == " "  # cut where a word ends
    assert NEGATIVE_MENTION_TAG in ticket.tags
    assert ticket.category is not None


def test_a_ticket_an_agent_makes_of_an_item_is_also_written_by_the_poster(
    cast, opera_bot, django_capture_on_commit_callbacks
):
    from frontdesk.tickets.models import Message

    item = _item(opera_bot, "q1", "Is the cloakroom open?", capture=django_capture_on_commit_callbacks)
    ticket = make_ticket_from_item(item, actor=cast.actor(cast.opera.line1))

    first = Message.objects.filter(ticket=ticket).order_by("pk").first()
    assert first.author_label == "Anna K."
    assert ticket.subject == "Is the cloakroom open?"
    assert ticket.tags == []
