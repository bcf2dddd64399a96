"""Deflection records: what a request form suggested, what was opened, how it ended, and the report figures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from frontdesk.core.errors import InvalidInput
from frontdesk.kb import actions
from frontdesk.kb.choices import DeflectionOutcome
from frontdesk.kb.models import Deflection, SuggestionShown
from frontdesk.kb.queries import deflection_by_article, deflection_totals, unanswered_requests
from frontdesk.users.actors import NOBODY, actor_for


@dataclass(frozen=True)
class Found:
    article_id: int
    public_id: int
    title: str
    score: float
    confident: bool


def test_a_first_query_starts_a_deflection_and_later_ones_continue_it(cast, write_article):
    a, b = write_article(), write_article()
    brand = cast.opera.brand

    key = actions.record_suggestions(
        None, brand=brand, language="en", query="tickets", suggestions=[(a.pk, 1, 0.9), (b.pk, 2, 0.4, False)]
    )
    again = actions.record_suggestions(
        str(key), brand=brand, language="en", query="tickets not received", suggestions=[(b.pk, 1, 0.8, True)]
    )

    deflection = Deflection.objects.get(key=key)
    assert again == key
    assert (deflection.last_query, deflection.queries, deflection.had_confident) == (
        "tickets not received",
        2,
        True,
    )
    shown = {
        s.article_id: (s.rank, s.score, s.confident)
        for s in SuggestionShown.objects.filter(deflection=deflection)
    }
    assert shown == {a.pk: (1, 0.9, True), b.pk: (1, 0.8, True)}


def test_suggest_results_are_recorded_as_they_come_and_foreign_articles_are_ignored(cast, write_article):
    a, foreign = write_article(), write_article(cast.tours)

    key = actions.record_suggestions(
        uuid.uuid4(),
        brand=cast.opera.brand,
        language="ru",
        query="билеты",
        suggestions=[Found(a.pk, 1, "x", 0.7, True), Found(foreign.pk, 1, "y", 0.9, True)],
        actor=actor_for(cast.opera.customer_user),
    )

    deflection = Deflection.objects.get(key=key)
    assert deflection.customer_id == cast.opera.customer.pk
    assert list(SuggestionShown.objects.filter(deflection=deflection).values_list("article_id", "rank")) == [
        (a.pk, 1)
    ]


def test_a_key_of_another_brand_starts_a_new_deflection(cast, write_article):
    key = actions.record_suggestions(
        None, brand=cast.tours.brand, language="en", query="visa", suggestions=[]
    )

    other = actions.record_suggestions(key, brand=cast.opera.brand, language="en", query="x", suggestions=[])

    assert other != key
    assert Deflection.objects.get(key=key).last_query == "visa"


def test_a_language_the_brand_does_not_offer_is_refused(cast):
    with pytest.raises(InvalidInput):
        actions.record_suggestions(None, brand=cast.opera.brand, language="pl", query="x", suggestions=[])


def test_opening_marks_only_a_suggested_article_and_the_first_ending_counts(cast, write_article):
    a, b = write_article(), write_article()
    key = actions.record_suggestions(
        None, brand=cast.opera.brand, language="en", query="q", suggestions=[(a.pk, 1, 1.0)]
    )

    assert actions.record_article_opened(key, article=a) is True
    assert actions.record_article_opened(key, article=a) is False  # the first opening counts
    assert actions.record_article_opened(key, article=b) is False
    assert actions.record_article_opened("not-a-key", article=a) is False
    assert actions.finish_deflection(key, outcome=DeflectionOutcome.ABANDONED) is True
    assert actions.finish_deflection(key, outcome=DeflectionOutcome.SUBMITTED, ticket_number="OPR-1") is False
    assert (
        actions.finish_deflection(key, outcome=DeflectionOutcome.ABANDONED, brand=cast.tours.brand) is False
    )
    with pytest.raises(InvalidInput):
        actions.finish_deflection(key, outcome="open")
    assert Deflection.objects.get(key=key).outcome == DeflectionOutcome.ABANDONED


def test_the_report_counts_prevented_requests_per_article_and_lists_unanswered_ones(
    cast, write_article, count_queries
):
    good, weak = write_article(), write_article()
    brand = cast.opera.brand

    def form(query, suggestions, *, opened=(), outcome, number=""):
        key = actions.record_suggestions(
            None, brand=brand, language="en", query=query, suggestions=suggestions
        )
        for article in opened:
            actions.record_article_opened(key, article=article)
        actions.finish_deflection(key, outcome=outcome, ticket_number=number)

    form("e-ticket missing", [(good.pk, 1, 0.9), (weak.pk, 2, 0.5)], opened=[good], outcome="abandoned")
    form("e-ticket again", [(good.pk, 1, 0.9)], opened=[good], outcome="abandoned")
    form(
        "where is my ticket", [(good.pk, 1, 0.9)], opened=[good], outcome="submitted", number="OPR-26-000001"
    )
    form("parking near the hall", [(weak.pk, 1, 0.2, False)], outcome="submitted", number="OPR-26-000002")
    form("gave up at once", [(weak.pk, 1, 0.3, False)], outcome="abandoned")
    actions.record_suggestions(None, brand=cast.tours.brand, language="en", query="visa", suggestions=[])

    with count_queries(1):
        rows = deflection_by_article(brand)
    by_article = {r.article_id: r for r in rows}
    assert (by_article[good.pk].shown, by_article[good.pk].opened, by_article[good.pk].prevented) == (3, 3, 2)
    assert by_article[good.pk].submitted_after_open == 1
    assert (
        by_article[weak.pk].shown,
        by_article[weak.pk].prevented,
        by_article[weak.pk].abandoned_after_shown,
    ) == (
        3,
        0,
        2,
    )
    assert rows[0].article_id == good.pk
    assert [(d.last_query, d.ticket_number) for d in unanswered_requests(brand)] == [
        ("parking near the hall", "OPR-26-000002")
    ]
    totals = deflection_totals(brand)
    assert (totals.started, totals.submitted, totals.abandoned, totals.prevented, totals.unanswered) == (
        5,
        2,
        3,
        2,
        1,
    )
    assert deflection_totals(cast.tours.brand).open == 1
    assert NOBODY
