"""Was this helpful: one vote per customer or browser session, changed by voting again."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.kb import actions
from frontdesk.kb.choices import Visibility
from frontdesk.kb.models import ArticleVote
from frontdesk.users.actors import NOBODY, actor_for


def test_a_customer_votes_once_and_voting_again_changes_the_vote(cast, write_article):
    article = write_article()
    customer = actor_for(cast.opera.customer_user)

    actions.vote_article(article, actor=customer, language="en", helpful=False, comment="Too short")
    vote = actions.vote_article(article, actor=customer, language="en", helpful=True)

    assert ArticleVote.objects.count() == 1
    assert (vote.helpful, vote.comment, vote.customer_id, vote.brand_id) == (
        True,
        "",
        cast.opera.customer.pk,
        cast.opera.brand.pk,
    )


def test_anonymous_votes_count_per_session(cast, write_article):
    article = write_article()

    actions.vote_article(article, actor=NOBODY, language="ru", helpful=True, session_key="s1")
    actions.vote_article(article, actor=NOBODY, language="ru", helpful=False, session_key="s1")
    actions.vote_article(article, actor=NOBODY, language="ru", helpful=True, session_key="s2")

    assert sorted(ArticleVote.objects.values_list("session_key", "helpful")) == [("s1", False), ("s2", True)]
    with pytest.raises(InvalidInput):
        actions.vote_article(article, actor=NOBODY, language="ru", helpful=True)


def test_nobody_votes_on_an_article_they_cannot_read(cast, write_article):
    internal = write_article(visibility=Visibility.INTERNAL)
    foreign_reader = actor_for(cast.tours.customer_user)

    with pytest.raises(NotFound):
        actions.vote_article(internal, actor=NOBODY, language="en", helpful=True, session_key="s")
    # A customer of the other brand is anonymous here: a session vote, not tied to their customer record.
    vote = actions.vote_article(
        write_article(), actor=foreign_reader, language="en", helpful=True, session_key="s"
    )
    assert vote.customer_id is None


def test_a_long_comment_is_refused(cast, write_article):
    with pytest.raises(InvalidInput):
        actions.vote_article(
            write_article(), actor=NOBODY, language="en", helpful=False, comment="x" * 2001, session_key="s"
        )


def test_vote_totals_count_per_article_within_the_brand(cast, write_article):
    from frontdesk.kb.queries import vote_totals

    a, b = write_article(), write_article()
    for key, helpful in (("s1", True), ("s2", True), ("s3", False)):
        actions.vote_article(
            a, actor=NOBODY, language="en", helpful=helpful, session_key=key, comment=key[:1] * helpful
        )

    totals = vote_totals(cast.opera.brand, [a.pk, b.pk])

    assert (totals[a.pk].helpful, totals[a.pk].not_helpful, totals[a.pk].comments) == (2, 1, 2)
    assert b.pk not in totals
    assert vote_totals(cast.tours.brand, [a.pk]) == {}
