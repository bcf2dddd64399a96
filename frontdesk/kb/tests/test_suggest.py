"""Suggestions while typing, the ranked search and automatic "read also", over the brand's published articles."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from frontdesk.kb import actions, suggest
from frontdesk.kb.choices import Visibility
from frontdesk.kb.suggest import search_articles, similar_articles, suggest_articles
from frontdesk.users.actors import actor_for

pytestmark = pytest.mark.django_db

TICKETS = (
    "E-tickets did not arrive by email",
    "Check the spam folder, then open My orders and send them again.",
)
REFUND = (
    "Refund for a cancelled concert",
    "When an event is cancelled the money returns to your card in 14 days.",
)
BAGGAGE = ("Adding a checked bag to a flight", "Add a suitcase in Manage booking before check-in closes.")


@pytest.fixture(autouse=True)
def _fresh_indexes(monkeypatch) -> Iterator[None]:
    suggest.forget_indexes()
    monkeypatch.setattr(suggest, "STAMP_INTERVAL", 0.0)
    yield
    suggest.forget_indexes()


def _ids(found) -> list[int]:
    return [item.article_id for item in found]


def test_the_best_article_of_the_brand_comes_first_and_is_confident(cast, write_article) -> None:
    tickets = write_article(title=TICKETS[0], body=TICKETS[1], tags=["email"])
    write_article(title=REFUND[0], body=REFUND[1])
    found = suggest_articles(
        brand_id=cast.opera.brand.pk, language="en", text="my e-tickets never came to my email"
    )
    assert found[0].article_id == tickets.pk
    assert found[0].public_id == tickets.public_id
    assert found[0].title == TICKETS[0]
    assert found[0].confident
    assert found[0].score > found[-1].score or len(found) == 1


def test_another_brands_articles_are_never_suggested(cast, write_article) -> None:
    write_article(cast.tours, title=TICKETS[0], body=TICKETS[1])
    assert (
        suggest_articles(brand_id=cast.opera.brand.pk, language="en", text="e-tickets did not arrive") == []
    )
    assert search_articles(cast.opera.brand, "e-tickets did not arrive") == []


def test_internal_articles_only_when_asked_for(cast, write_article) -> None:
    internal = write_article(title=TICKETS[0], body=TICKETS[1], visibility=Visibility.INTERNAL)
    brand_id = cast.opera.brand.pk
    assert suggest_articles(brand_id=brand_id, language="en", text="e-tickets did not arrive") == []
    found = suggest_articles(
        brand_id=brand_id, language="en", text="e-tickets did not arrive", include_internal=True
    )
    assert _ids(found) == [internal.pk]


def test_drafts_archived_articles_and_other_languages_are_left_out(cast, write_article) -> None:
    write_article(title=TICKETS[0], body=TICKETS[1], publish=False)
    archived = write_article(title=REFUND[0], body=REFUND[1])
    actions.archive_article(archived, actor=actor_for(cast.opera.line1))
    write_article(title="Электронный билет не пришёл", body="Проверьте папку спам.", language="ru")
    brand_id = cast.opera.brand.pk
    assert suggest_articles(brand_id=brand_id, language="en", text="e-tickets refund cancelled concert") == []
    assert suggest_articles(brand_id=brand_id, language="en", text="билет не пришёл") == []
    assert len(suggest_articles(brand_id=brand_id, language="ru", text="ne prishel bilet")) == 1


def test_an_article_published_after_the_first_query_is_found_by_the_next(cast, write_article) -> None:
    brand_id = cast.opera.brand.pk
    refund = write_article(title=REFUND[0], body=REFUND[1])
    assert _ids(suggest_articles(brand_id=brand_id, language="en", text="checked bag suitcase")) == [
        refund.pk
    ]
    bag = write_article(title=BAGGAGE[0], body=BAGGAGE[1])
    assert _ids(suggest_articles(brand_id=brand_id, language="en", text="checked bag suitcase"))[0] == bag.pk
    actions.archive_article(bag, actor=actor_for(cast.opera.line1))
    assert bag.pk not in _ids(suggest_articles(brand_id=brand_id, language="en", text="checked bag suitcase"))


def test_within_the_stamp_interval_the_index_is_reused_without_a_query(
    cast, write_article, monkeypatch, django_assert_num_queries
) -> None:
    monkeypatch.setattr(suggest, "STAMP_INTERVAL", 60.0)
    write_article(title=BAGGAGE[0], body=BAGGAGE[1])
    brand_id = cast.opera.brand.pk
    suggest_articles(brand_id=brand_id, language="en", text="bag")
    with django_assert_num_queries(0):
        assert len(suggest_articles(brand_id=brand_id, language="en", text="suitcase for the flight")) == 1


def test_unrelated_text_gets_no_confident_suggestion(cast, write_article) -> None:
    write_article(title=TICKETS[0], body=TICKETS[1])
    write_article(title=BAGGAGE[0], body=BAGGAGE[1])
    found = suggest_articles(
        brand_id=cast.opera.brand.pk, language="en", text="is there parking near the theatre"
    )
    assert not any(item.confident for item in found)


def test_empty_text_and_zero_limit_give_nothing_without_a_query(cast, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert suggest_articles(brand_id=cast.opera.brand.pk, language="en", text="   ") == []
        assert suggest_articles(brand_id=cast.opera.brand.pk, language="en", text="bag", limit=0) == []


def test_search_across_languages_lists_each_article_once(cast, write_article) -> None:
    article = write_article(title=TICKETS[0], body=TICKETS[1])
    actions.add_translation(
        article,
        actor=actor_for(cast.opera.line1),
        language="ru",
        title="Электронные билеты не пришли",
        body="Проверьте папку спам.",
        publish=True,
    )
    found = search_articles(cast.opera.brand, "e-tickets bilety ne prishli")
    assert _ids(found) == [article.pk]


def test_similar_articles_are_the_closest_others_of_the_brand(cast, write_article) -> None:
    refund = write_article(title=REFUND[0], body=REFUND[1])
    postponed = write_article(
        title="Refund for a postponed concert", body="A postponed event: refund to your card."
    )
    write_article(title=BAGGAGE[0], body=BAGGAGE[1])
    write_article(cast.tours, title="Refund for a cancelled show", body=REFUND[1])
    found = similar_articles(refund, "en", 5, set())
    assert found[0] == postponed.pk
    assert refund.pk not in found
    assert similar_articles(refund, "en", 5, {postponed.pk})[0] != postponed.pk


@pytest.mark.django_db(transaction=True)
def test_a_large_outdated_index_answers_while_its_successor_is_built(
    cast, write_article, monkeypatch
) -> None:
    monkeypatch.setattr(suggest, "BACKGROUND_FROM", 1)
    brand_id = cast.opera.brand.pk
    refund = write_article(title=REFUND[0], body=REFUND[1])
    assert _ids(suggest_articles(brand_id=brand_id, language="en", text="checked bag suitcase")) == [
        refund.pk
    ]
    bag = write_article(title=BAGGAGE[0], body=BAGGAGE[1])
    # The old index answers at once; a thread builds the new one.
    assert _ids(suggest_articles(brand_id=brand_id, language="en", text="checked bag suitcase")) == [
        refund.pk
    ]
    deadline = time.monotonic() + 20
    while suggest._building and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ids(suggest_articles(brand_id=brand_id, language="en", text="checked bag suitcase"))[0] == bag.pk
